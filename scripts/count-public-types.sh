#!/usr/bin/env bash
# Counts the public top-level types of a source tree, per package (issue 15's public-surface figure).
# A type counts when its file has a line at column 0 declaring a public class, interface, record,
# enum or annotation; package-info.java and module-info.java are skipped.
# Usage: scripts/count-public-types.sh [source root]   (default: agp-core/src/main/java)
set -euo pipefail
root=${1:-agp-core/src/main/java}
find "$root" -name '*.java' ! -name package-info.java ! -name module-info.java | sort | while read -r f; do
  if grep -Eq '^public (final |abstract |sealed |non-sealed |static )*(class|interface|record|enum|@interface) ' "$f"; then
    rel=${f#"$root"/}
    echo "$(dirname "$rel" | tr / .) $(basename "$f" .java)"
  fi
done | awk '{n[$1]++; t++} END {for (p in n) printf "%4d %s\n", n[p], p; printf "%4d total\n", t}' | sort -k2
