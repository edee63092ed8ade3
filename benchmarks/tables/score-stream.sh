#!/usr/bin/env bash
# The streaming `vae score` run of docs/benchmarks.md: a generated 14-column customers table (benchmarks/tables/customers.py),
# a table model trained on 20,000 of its rows (and a conditional one, on its plan), then on ROWS rows (default 2,000,000):
#   1. `vae score` CSV -> CSV under /usr/bin/time -v (peak RSS, wall and CPU time); with OLD_VAE_DLL set (the vae.dll of
#      another build), that build and this one alternate for ROUNDS rounds (default 2);
#   2. `vae bench --table-model`: alternating rounds of raw ONNX Runtime on the three graphs, the VaeTableScore chain over
#      the rows in memory, the chain reloaded by `VaeModel.LoadChain`, reading and featurising alone, and the streaming
#      CSV -> CSV path of `vae score`; medians and their ratios;
#   3. the same for the conditional model on the first 200,000 rows (no raw figure there).
# Usage (from the repository root, on a quiet machine): [OLD_VAE_DLL=...] benchmarks/tables/score-stream.sh [ROWS] [WORK_DIR]
set -euo pipefail
rows="${1:-2000000}"
work="${2:-/tmp/vae-score-stream}"
rounds="${ROUNDS:-2}"
mkdir -p "$work"
dotnet build cli -c Release -v q -nologo >/dev/null
vae=(dotnet cli/bin/Release/net10.0/vae.dll)
[ -f "$work/train.csv" ] || benchmarks/tables/customers.py 20000 "$work/train.csv" 1
[ -f "$work/rows.csv" ] || benchmarks/tables/customers.py "$rows" "$work/rows.csv" 2
id=$(head -1 "$work/train.csv" | cut -d, -f1)
train() { # OUT_NAME EXTRA_OPTIONS...
  local name=$1; shift
  [ -f "$work/$name/encoder.onnx" ] && return
  "${vae[@]}" train --data "$work/train.csv" --ignore-columns "$id" "$@" --hidden 64,64 --latent 6 --epochs 20 --batch 128 \
    --threads 2 --iw-samples 0 --out "$work/run-$name" >/dev/null
  "${vae[@]}" export --checkpoint "$work/run-$name" --out "$work/$name" --force >/dev/null
}
train model
train conditional --condition-column plan
score() { # LABEL DLL
  /usr/bin/time -v dotnet "$2" score --model "$work/model" --input "$work/rows.csv" --output "$work/scores-$1.csv" 2>"$work/time-$1.txt" >/dev/null
  echo "$1: $(grep -E 'Elapsed \(wall' "$work/time-$1.txt" | awk '{print $NF}') wall, $(grep -E 'User time' "$work/time-$1.txt" | awk '{print $NF}') s user, $(grep -E 'Maximum resident' "$work/time-$1.txt" | awk '{print $NF}') kB peak RSS"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$rounds"); do
  [ -n "${OLD_VAE_DLL:-}" ] && score "old-$round" "$OLD_VAE_DLL"
  score "new-$round" cli/bin/Release/net10.0/vae.dll
done
echo "rows scored: $(($(wc -l <"$work/scores-new-1.csv") - 1))"
bench=("${vae[@]}" bench --table-rounds 3)
"${bench[@]}" --table-model "$work/model" --table-data "$work/rows.csv"
head -200001 "$work/rows.csv" >"$work/rows-200k.csv"
"${bench[@]}" --table-model "$work/conditional" --table-data "$work/rows-200k.csv"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
