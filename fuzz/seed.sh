#!/usr/bin/env bash
# Seeds the corpus of every fuzz target from the project's charts: tests/fixtures/**/*.flow and
# examples/*.flow. The `diff` target also gets each old/new pair of tests/fixtures/diff/ joined
# by a NUL byte (the target cuts its input there). The corpora libFuzzer grows from these are
# not committed (fuzz/.gitignore).
#
# Usage: fuzz/seed.sh   (from anywhere)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
targets=(parse readers check diagnostics dot md mermaid json html fmt diff)

mapfile -t charts < <(find "$root/tests/fixtures" "$root/examples" -name '*.flow' -type f | sort)
for target in "${targets[@]}"; do
    dir="$here/corpus/$target"
    mkdir -p "$dir"
    for chart in "${charts[@]}"; do
        # One file per chart, named after its path, so reseeding does not add duplicates.
        name="${chart#"$root"/}"
        cp "$chart" "$dir/seed-${name//\//-}"
    done
done
for pair in "$root"/tests/fixtures/diff/*/; do
    name="$(basename "$pair")"
    { cat "$pair/old.flow"; printf '\0'; cat "$pair/new.flow"; } > "$here/corpus/diff/seed-pair-$name"
done
echo "seeded ${#charts[@]} charts into ${#targets[@]} targets under $here/corpus/"
