package userdata

import (
	"fmt"
	"strconv"

	"github.com/focusflow/focusflow"
)

// tag checks one of the document's tags (version 3) by the API's rules:
// name and colour, a name unique ignoring case and accents, and at most
// MaxTagsPerUser of them.
func (c *checker) tag(i int, g *focusflow.ExportTag) {
	f := fmt.Sprintf("tags[%d]", i)
	if i == focusflow.MaxTagsPerUser {
		c.p.Add("tags", "The document has more than %d tags, the most an account can have.", focusflow.MaxTagsPerUser)
	}
	id := c.ref(f, g.Ref, "g3", c.seen(tagRef))
	name := c.text(focusflow.TagNameText, f+".name", g.Name)
	if c.tagNames == nil {
		c.tagNames = map[string]string{}
	}
	if other, ok := c.tagNames[focusflow.Fold(name)]; ok && name != "" {
		c.p.Add(f+".name", "%s.name %q is the same name as %s's (ignoring case and accents).", f, focusflow.Shorten(name, 40), other)
	} else {
		c.tagNames[focusflow.Fold(name)] = f
	}
	if !focusflow.ValidTagColor(g.Color) {
		c.p.Add(f+".color", "%s.color %q is not a colour of the palette.", f, focusflow.Shorten(g.Color, 20))
	}
	created := c.instant(f+".created_at", g.CreatedAt, c.now)
	if id != 0 {
		c.plan.Tags = append(c.plan.Tags, focusflow.Tag{ID: id, Name: name, Color: g.Color, CreatedAt: created})
	}
}

// taskTag keeps one of the document's links of a task and a tag, which
// finish resolves once every task and tag is read (tagLinks).
func (c *checker) taskTag(_ int, l *focusflow.ExportTaskTag) {
	c.links = append(c.links, *l)
}

// tagLinks checks the links of tasks and tags: each names a task and a
// tag of the document, once, and no task has more than MaxTagsPerTask.
func (c *checker) tagLinks() {
	tags := c.seen(tagRef)
	pairs, perTask := map[focusflow.ExportTaskTag]bool{}, map[string]int{}
	for i, l := range c.links {
		f := fmt.Sprintf("task_tags[%d]", i)
		taskID := c.taskID(f, l.TaskRef)
		_, okTask := c.taskByID[taskID]
		if taskID > 0 && !okTask {
			c.p.Add(f+".task_ref", "%s.task_ref %q names no task of the document.", f, focusflow.Shorten(l.TaskRef, 40))
		}
		var tagID int64
		if refPattern.MatchString(l.TagRef) && l.TagRef[0] == tagRef {
			tagID, _ = strconv.ParseInt(l.TagRef[1:], 10, 64)
		}
		if !tags[tagID] {
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
		if okTask && tags[tagID] {
			c.plan.TaskTags = append(c.plan.TaskTags, focusflow.TaskTag{TaskID: taskID, TagID: tagID})
		}
	}
}
