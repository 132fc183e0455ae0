#!/usr/bin/env bash
# Regenerates the app icons in ui/static/img from ui/static/img/icon.svg.
# The PNGs are committed; run this only after changing the SVG. Needs
# rsvg-convert (Debian package librsvg2-bin).
#
#   icon-192.png, icon-512.png: the round icon on a transparent square
#   maskable-192.png, maskable-512.png: full-bleed, the clock inside the
#     central safe zone (a circle of 40 % of the width) so that any mask
#     shape (circle, squircle) keeps it whole
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../ui/static/img"
for size in 192 512; do
	rsvg-convert -w "$size" -h "$size" icon.svg -o "icon-$size.png"
done
maskable=$(mktemp --suffix=.svg)
trap 'rm -f "$maskable"' EXIT
# The same clock as icon.svg, drawn at 80 % on a square of its colour.
cat >"$maskable" <<'SVG'
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" fill="#4f46e5"/><g transform="translate(16 16) scale(0.8) translate(-16 -16)"><circle cx="16" cy="16" r="9" fill="none" stroke="#fff" stroke-width="2.5"/><path d="M16 10v6l4 3" stroke="#fff" stroke-width="2.5" fill="none" stroke-linecap="round"/></g></svg>
SVG
for size in 192 512; do
	rsvg-convert -w "$size" -h "$size" "$maskable" -o "maskable-$size.png"
done
