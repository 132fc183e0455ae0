package userdata

import (
	"strings"
	"testing"

	"github.com/focusflow/focusflow"
)

func validDocV3() map[string]any {
	doc := validDoc()
	doc["version"] = 3
	doc["tags"] = []any{
		map[string]any{"ref": "g1", "name": "Élan", "color": "teal", "created_at": "2025-05-01T08:00:00.000Z"},
		map[string]any{"ref": "g2", "name": "admin", "color": "slate", "created_at": "2025-05-01T08:00:00.000Z"},
	}
	doc["task_tags"] = []any{
		map[string]any{"task_ref": "t1", "tag_ref": "g1"},
		map[string]any{"task_ref": "t1", "tag_ref": "g2"},
		map[string]any{"task_ref": "t2", "tag_ref": "g2"},
	}
	return doc
}

func TestVersion3Tags(t *testing.T) {
	plan, err := parseAndCheck(t, validDocV3())
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Tags) != 2 || plan.Tags[0].Name != "Élan" || len(plan.TaskTags) != 3 ||
		plan.TaskTags[0] != (focusflow.TaskTag{TaskID: 1, TagID: 1}) {
		t.Errorf("plan tags %+v links %+v", plan.Tags, plan.TaskTags)
	}
	// A version 2 document without tags is still read; one with them is not.
	if _, err := parseAndCheck(t, validDoc()); err != nil {
		t.Errorf("version 2: %v", err)
	}
	v2 := validDoc()
	v2["tags"] = []any{}
	if _, err := parseAndCheck(t, v2); focusflow.ErrorField(err) != "tags" || !strings.Contains(err.Error(), "later version") {
		t.Errorf("tags in a version 2 document: %v", err)
	}
	for _, tc := range []struct {
		name  string
		edit  func(map[string]any)
		field string
	}{
		{"folded duplicate", func(d map[string]any) { tagAt(d, 1)["name"] = "ELAN" }, "tags[1].name"},
		{"empty name", func(d map[string]any) { tagAt(d, 0)["name"] = " " }, "tags[0].name"},
		{"bad colour", func(d map[string]any) { tagAt(d, 0)["color"] = "#fff" }, "tags[0].color"},
		{"bad ref", func(d map[string]any) { tagAt(d, 0)["ref"] = "t9" }, "tags[0].ref"},
		{"unknown tag", func(d map[string]any) { linkAt(d, 0)["tag_ref"] = "g9" }, "task_tags[0].tag_ref"},
		{"unknown task", func(d map[string]any) { linkAt(d, 0)["task_ref"] = "t9" }, "task_tags[0].task_ref"},
		{"twice", func(d map[string]any) { linkAt(d, 1)["tag_ref"] = "g1" }, "task_tags[1]"},
		{"missing", func(d map[string]any) { delete(d, "task_tags") }, "task_tags"},
	} {
		doc := validDocV3()
		tc.edit(doc)
		if _, err := parseAndCheck(t, doc); focusflow.ErrorField(err) != tc.field {
			t.Errorf("%s: got %v (field %q), want field %q", tc.name, err, focusflow.ErrorField(err), tc.field)
		}
	}
}

func tagAt(doc map[string]any, i int) map[string]any { return doc["tags"].([]any)[i].(map[string]any) }
func linkAt(doc map[string]any, i int) map[string]any {
	return doc["task_tags"].([]any)[i].(map[string]any)
}
