package focusflow

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

// relativeLuminance follows WCAG 2.x for a #rrggbb colour.
func relativeLuminance(t *testing.T, hex string) float64 {
	t.Helper()
	v, err := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	if err != nil || len(hex) != 7 {
		t.Fatalf("bad hex %q", hex)
	}
	channel := func(c uint64) float64 {
		s := float64(c) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*channel(v>>16&0xff) + 0.7152*channel(v>>8&0xff) + 0.0722*channel(v&0xff)
}

func TestTagPaletteContrastWithWhiteText(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range TagPalette {
		if seen[c.Name] {
			t.Errorf("colour %q twice", c.Name)
		}
		seen[c.Name] = true
		ratio := 1.05 / (relativeLuminance(t, c.Hex) + 0.05)
		if ratio < 4.5 {
			t.Errorf("%s %s: contrast with white %.2f < 4.5", c.Name, c.Hex, ratio)
		}
	}
}

func TestTagValidation(t *testing.T) {
	tag := Tag{Name: "  Deep work  "}
	if err := tag.ValidateNew(); err != nil || tag.Name != "Deep work" || tag.Color != DefaultTagColor {
		t.Fatalf("ValidateNew: %v, %+v", err, tag)
	}
	for _, bad := range []Tag{
		{Name: "   "},
		{Name: strings.Repeat("x", MaxTagName+1)},
		{Name: "a\x07b"},
		{Name: "ok", Color: "#ff0000"},
	} {
		err := bad.ValidateNew()
		if ErrorCode(err) != EINVALID {
			t.Errorf("%+v: got %v, want invalid", bad, err)
		}
	}
	if ok := (Tag{Name: strings.Repeat("é", MaxTagName)}); ok.ValidateNew() != nil {
		t.Errorf("%d accented letters refused", MaxTagName)
	}
	ids, err := ValidateTagIDs("tag_ids", []int64{3, 1, 3})
	if err != nil || len(ids) != 2 {
		t.Errorf("ValidateTagIDs dedupe: %v %v", ids, err)
	}
	if _, err := ValidateTagIDs("tag_ids", []int64{0}); ErrorField(err) != "tag_ids" {
		t.Errorf("zero id: %v", err)
	}
	many := make([]int64, MaxTagsPerTask+1)
	for i := range many {
		many[i] = int64(i + 1)
	}
	if _, err := ValidateTagIDs("tag_ids", many); ErrorCode(err) != EINVALID {
		t.Errorf("too many ids accepted")
	}
}
