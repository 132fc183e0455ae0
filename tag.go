package focusflow

import (
	"slices"
	"time"
)

// Limits on tags.
const (
	MaxTagName     = 40  // code points, after trimming
	MaxTagsPerUser = 500 // a user's own tags
	MaxTagsPerTask = 20  // tags on one task
)

// TagNameText is the rule of a tag's name: one line, not empty, at most
// MaxTagName code points once trimmed.
var TagNameText = TextRule{Max: MaxTagName, Required: true}

// TagColor is one colour of the tag palette. White text on Hex has a
// contrast ratio of at least 4.5:1 (WCAG AA for normal text), so a tag's
// name stays readable on its chip.
type TagColor struct {
	Name string
	Hex  string
}

// TagPalette is every colour a tag can have; the first is the default.
var TagPalette = []TagColor{
	{"slate", "#475569"},
	{"red", "#b91c1c"},
	{"orange", "#c2410c"},
	{"amber", "#92400e"},
	{"green", "#15803d"},
	{"teal", "#0f766e"},
	{"blue", "#1d4ed8"},
	{"indigo", "#4338ca"},
	{"purple", "#7e22ce"},
	{"pink", "#be185d"},
}

// DefaultTagColor is the colour of a tag created without one.
var DefaultTagColor = TagPalette[0].Name

// TagColorHex returns the hex value of a palette colour, the default's
// for an unknown name.
func TagColorHex(name string) string {
	for _, c := range TagPalette {
		if c.Name == name {
			return c.Hex
		}
	}
	return TagPalette[0].Hex
}

// ValidTagColor reports whether name is a colour of the palette.
func ValidTagColor(name string) bool {
	return slices.ContainsFunc(TagPalette, func(c TagColor) bool { return c.Name == name })
}

// Tag is one of a user's own labels for tasks.
type Tag struct {
	ID        int64
	UserID    int64
	Name      string
	Color     string // a TagPalette name
	CreatedAt time.Time
	Tasks     int // how many tasks carry it (in lists only)
}

// CleanTagName checks a tag name for field and returns it trimmed.
func CleanTagName(field, name string) (string, error) {
	return TagNameText.CleanField(field, name)
}

// CheckTagColor checks a tag colour given for field.
func CheckTagColor(field, color string) error {
	if !ValidTagColor(color) {
		return Invalid(field, "Colour %q is not one of the palette's: %s.", Shorten(color, 20), tagColorNames())
	}
	return nil
}

func tagColorNames() string {
	s := ""
	for i, c := range TagPalette {
		if i > 0 {
			s += ", "
		}
		s += c.Name
	}
	return s
}

// ValidateNew checks a tag a user creates, trimming its name in place;
// an empty colour becomes the default.
func (t *Tag) ValidateNew() error {
	var err error
	if t.Name, err = CleanTagName("name", t.Name); err != nil {
		return err
	}
	if t.Color == "" {
		t.Color = DefaultTagColor
	}
	return CheckTagColor("color", t.Color)
}

// TagPatch lists the fields of a tag to change; nil stays.
type TagPatch struct {
	Name  *string
	Color *string
}

// Validate checks every field that is set, trimming the name in place.
func (p *TagPatch) Validate() error {
	if p.Name != nil {
		name, err := CleanTagName("name", *p.Name)
		if err != nil {
			return err
		}
		*p.Name = name
	}
	if p.Color != nil {
		return CheckTagColor("color", *p.Color)
	}
	return nil
}

// ValidateTagIDs checks the set of tag ids given for a task: at most
// MaxTagsPerTask, positive; duplicates are dropped.
func ValidateTagIDs(field string, ids []int64) ([]int64, error) {
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id <= 0 {
			return nil, Invalid(field, "Tag ids must be positive numbers.")
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if len(out) > MaxTagsPerTask {
		return nil, Invalid(field, "A task can have at most %d tags (got %d).", MaxTagsPerTask, len(out))
	}
	return out, nil
}
