package userdata

import (
	"fmt"

	"github.com/focusflow/focusflow"
)

// tags checks the document's tags (version 3) and which task carries
// which: names and colours by the API's rules, unique ignoring case and
// accents, every link naming a task and a tag of the document, once, and
// no task with more than MaxTagsPerTask.
func (c *checker) tags(tags []focusflow.ExportTag, links []focusflow.ExportTaskTag) {
	if len(tags) > focusflow.MaxTagsPerUser {
		c.p.Add("tags", "The document has %d tags; an account can have at most %d.", len(tags), focusflow.MaxTagsPerUser)
		return
	}
	seen, folded := map[string]bool{}, map[string]string{}
	ids := map[string]int64{}
	for i, g := range tags {
		f := fmt.Sprintf("tags[%d]", i)
		id := c.ref(f, g.Ref, "g3", seen)
		name := c.text(focusflow.TagNameText, f+".name", g.Name)
		if other, ok := folded[focusflow.Fold(name)]; ok && name != "" {
			c.p.Add(f+".name", "%s.name %q is the same name as %s's (ignoring case and accents).", f, focusflow.Shorten(name, 40), other)
		}
		folded[focusflow.Fold(name)] = f
		if !focusflow.ValidTagColor(g.Color) {
			c.p.Add(f+".color", "%s.color %q is not a colour of the palette.", f, focusflow.Shorten(g.Color, 20))
		}
		created := c.instant(f+".created_at", g.CreatedAt, c.now)
		if id != 0 {
			ids[g.Ref] = id
			c.plan.Tags = append(c.plan.Tags, focusflow.Tag{ID: id, Name: name, Color: g.Color, CreatedAt: created})
		}
	}
	pairs, perTask := map[focusflow.ExportTaskTag]bool{}, map[string]int{}
	for i, l := range links {
		f := fmt.Sprintf("task_tags[%d]", i)
		ti, okTask := c.task(f, l.TaskRef)
		tagID, okTag := ids[l.TagRef]
		if !okTag {
			c.p.Add(f+".tag_ref", "%s.tag_ref %q names no tag of the document.", f, focusflow.Shorten(l.TagRef, 40))
		}
		if pairs[l] {
			c.p.Add(f, "%s puts tag %s on task %s a second time.", f, l.TagRef, l.TaskRef)
			continue
		}
		pairs[l] = true
		if perTask[l.TaskRef]++; perTask[l.TaskRef] == focusflow.MaxTagsPerTask+1 {
			c.p.Add(f, "Task %s has more than %d tags.", l.TaskRef, focusflow.MaxTagsPerTask)
		}
		if okTask && okTag {
			c.plan.TaskTags = append(c.plan.TaskTags, focusflow.TaskTag{TaskID: c.plan.Tasks[ti].ID, TagID: tagID})
		}
	}
}
