#!/usr/bin/env bash
# Runs every benchmark of the SDK (about 10 minutes on 2 cores) and writes each one's output to
# agp-benchmarks/results/. BENCHMARKS.md at the top of the repository holds the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -q -DskipTests package -pl agp-benchmarks -am
JAR=agp-benchmarks/target/benchmarks.jar
OUT=agp-benchmarks/results
mkdir -p "$OUT"
{ uname -srm; nproc; java -version 2>&1 | head -1; date -u; } > "$OUT/machine.txt"
java -jar "$JAR" -rf json -rff "$OUT/jmh.json" | tee "$OUT/jmh.txt"
java -cp "$JAR" dev.agp.benchmarks.CallBudgetBenchmark | tee "$OUT/call-budget.md"
java -cp "$JAR" dev.agp.benchmarks.EndToEndBenchmark | tee "$OUT/end-to-end.md"
java -cp "$JAR" dev.agp.benchmarks.BudgetOvershootBenchmark | tee "$OUT/budget-overshoot.md"
java -Xmx1536m -cp "$JAR" dev.agp.benchmarks.DataScaleBenchmark agp-benchmarks/target/scale-bench 3 | tee "$OUT/data-scale.txt"
java -cp "$JAR" dev.agp.benchmarks.LightGcnBenchmark | tee "$OUT/lightgcn.txt"
