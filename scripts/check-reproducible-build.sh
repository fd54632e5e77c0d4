#!/usr/bin/env bash
# Builds the committed HEAD twice, from two fresh clones in two different folders, and compares every jar the
# build makes (and the published BOM) byte for byte. Uses the local repository read-only: nothing is installed.
# Exit status 0 when every file is identical.
set -euo pipefail
root=$(git rev-parse --show-toplevel)
head=$(git -C "$root" rev-parse HEAD)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for copy in first second; do
  git clone -q "$root" "$work/$copy"
  git -C "$work/$copy" checkout -q "$head"
  (cd "$work/$copy" && mvn -B -ntp -q clean package -DskipTests)
  sleep 2   # a build that stamps the time would now stamp a different one
done
cd "$work/first"
status=0
count=0
for f in */target/*.jar agp-bom/target/flattened-pom.xml; do
  count=$((count + 1))
  if cmp -s "$f" "$work/second/$f"; then
    echo "identical  $f"
  else
    echo "DIFFERENT  $f"
    status=1
  fi
done
echo "$count files compared at $head"
exit $status
