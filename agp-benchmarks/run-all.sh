#!/usr/bin/env bash
# Runs every benchmark of the SDK (about 1 hour on 2 cores, most of it agp rerank on 1,000,000 users) and writes each one's output to
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
java -cp "$JAR" dev.agp.benchmarks.ServingBenchmark | tee "$OUT/serving.md"
# LightGCN's SIMD kernel needs the incubating Vector API module (without it: the scalar kernel, same results)
VEC="--add-modules jdk.incubator.vector"
java -Xmx1536m $VEC -cp "$JAR" dev.agp.benchmarks.DataScaleBenchmark agp-benchmarks/target/scale-bench 3 | tee "$OUT/data-scale.txt"
java $VEC -cp "$JAR" dev.agp.benchmarks.LightGcnBenchmark | tee "$OUT/lightgcn.txt"
java -cp "$JAR" dev.agp.benchmarks.RerankBenchmark throughput 1000 12000 50 3 | tee "$OUT/rerank-throughput.md"
{ echo "| users | wall (s) | floor (s) | peak heap used (MB) | largest live heap after GC (MB) | max heap (MB) | calls | load |"
  echo "|---|---|---|---|---|---|---|---|"
  for n in 10000 100000 1000000; do
    java -Xmx256m -cp "$JAR" dev.agp.benchmarks.RerankBenchmark memory $n 60000 2>/dev/null | grep '^|'
  done; } | tee "$OUT/rerank-memory.md"
java -cp "$JAR" dev.agp.benchmarks.BatchResumeBenchmark 10000 4000 2>/dev/null | tee "$OUT/batch-resume.md"
