#!/usr/bin/env bash
# Renders the bundled examples into this folder (SVG and PNG, in every declared language), and
# the Thai chart on A3 pages and on slides (one PNG per page). Run from anywhere after
# `cargo build --release`; needs the fonts (fonts-noto-core, fonts-thai-tlwg).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${REFERFLOW:-$root/target/release/referflow}"
cd "$root/docs/gallery"
for chart in "$root"/examples/*.flow; do
  name="$(basename "$chart" .flow)"
  for lang in $(sed -n 's/^languages //p' "$chart" || true) ; do
    suffix=""
    [ "$lang" = "$(sed -n 's/^languages \([^ ]*\).*/\1/p' "$chart")" ] || suffix=".$lang"
    "$bin" render "$chart" --to svg --lang "$lang" -o "$name$suffix.svg"
    "$bin" render "$chart" --to png --lang "$lang" -o "$name$suffix.png"
  done
  if ! grep -q '^languages ' "$chart"; then
    "$bin" render "$chart" --to svg -o "$name.svg"
    "$bin" render "$chart" --to png -o "$name.png"
  fi
done
rm -f thailand-nrm.a3-*.png thailand-nrm.slide-*.png
"$bin" render "$root/examples/thailand-nrm.flow" --to png --page a3 --landscape --lang th -o thailand-nrm.a3.png
"$bin" render "$root/examples/thailand-nrm.flow" --to png --page slide -o thailand-nrm.slide.png
ls -la
