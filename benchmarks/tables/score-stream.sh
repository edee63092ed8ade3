#!/usr/bin/env bash
# The streaming `vae score` run of docs/benchmarks.md: a generated 14-column customers table (benchmarks/tables/customers.py),
# a table model trained on 20,000 of its rows, then on ROWS rows (default 2,000,000):
#   1. `vae score` CSV -> CSV under /usr/bin/time -v (peak RSS, wall time);
#   2. `benchmarks table-score`: alternating rounds of one pass of the three graphs over the rows in memory and of the
#      streaming CSV -> CSV path, medians and their ratio.
# Usage (from the repository root, on a quiet machine): benchmarks/tables/score-stream.sh [ROWS] [WORK_DIR]
set -euo pipefail
rows="${1:-2000000}"
work="${2:-/tmp/vae-score-stream}"
mkdir -p "$work"
dotnet build cli -c Release -v q -nologo >/dev/null
dotnet build benchmarks -c Release -v q -nologo >/dev/null
vae=(dotnet cli/bin/Release/net10.0/vae.dll)
[ -f "$work/train.csv" ] || benchmarks/tables/customers.py 20000 "$work/train.csv" 1
[ -f "$work/rows.csv" ] || benchmarks/tables/customers.py "$rows" "$work/rows.csv" 2
if [ ! -f "$work/model/encoder.onnx" ]; then
  "${vae[@]}" train --data "$work/train.csv" --ignore-columns customer_id --hidden 64,64 --latent 6 --epochs 20 --batch 128 \
    --threads 2 --iw-samples 0 --out "$work/run" >/dev/null
  "${vae[@]}" export --checkpoint "$work/run" --out "$work/model" --force >/dev/null
fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -v "${vae[@]}" score --model "$work/model" --input "$work/rows.csv" --output "$work/scores.csv" 2>"$work/time.txt"
grep -E "Elapsed \(wall|Maximum resident" "$work/time.txt"
echo "rows scored: $(($(wc -l <"$work/scores.csv") - 1))"
dotnet benchmarks/bin/Release/net10.0/VaeOnnx.Benchmarks.dll table-score --model "$work/model" --data "$work/rows.csv" --rounds 3
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
