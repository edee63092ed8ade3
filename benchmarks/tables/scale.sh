#!/usr/bin/env bash
# Table models at scale (docs/benchmarks.md, "Tables larger than memory"): for each size, a generated customers table with
# an id and two date columns (benchmarks/tables/customers.py --dates) as a CSV file, a Parquet copy with typed columns
# (benchmarks/csv-to-parquet) and a SQLite copy (the sqlite3 CLI's .import: text columns, the CSV's cells); from each,
# `vae train` (one epoch, streamed through the default shuffle buffer), `vae export`, `vae score` of the same source and
# `vae synthesize` of as many rows, each under /usr/bin/time -v. Prints one markdown table: rows/s (rows over the
# command's wall time: for train, the schema pass, the held-out pass and the epoch) and peak RSS of train, score and
# synthesize, and checks that the three sources trained the same schema and the same weights.
# Usage (from the repository root, on a quiet machine): benchmarks/tables/scale.sh [SIZES] [WORK_DIR]
#   SIZES: comma-separated row counts (default 250000,1000000,3000000); WORK_DIR default /tmp/vae-scale (needs ~2 GB at 3M).
set -euo pipefail
sizes="${1:-250000,1000000,3000000}"
work="${2:-/tmp/vae-scale}"
mkdir -p "$work"
command -v sqlite3 >/dev/null || { echo "scale.sh: needs the sqlite3 command (apt-get install sqlite3)" >&2; exit 1; }
dotnet build cli -c Release -v q -nologo >/dev/null
vae=(dotnet cli/bin/Release/net10.0/vae.dll)
measure() { # NAME ROWS COMMAND...: runs COMMAND under /usr/bin/time -v; prints "rows/s|peak MB"
  local name=$1 rows=$2; shift 2
  /usr/bin/time -v "$@" >"$work/$name.out" 2>"$work/$name.time" || { cat "$work/$name.out" "$work/$name.time" >&2; exit 1; }
  local wall kb
  wall=$(grep -E 'Elapsed \(wall' "$work/$name.time" | awk '{print $NF}' | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
  kb=$(grep -E 'Maximum resident' "$work/$name.time" | awk '{print $NF}')
  awk -v r="$rows" -v w="$wall" -v k="$kb" 'BEGIN { printf "%.0f | %.0f", r / w, k / 1024 }'
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| rows | source | train rows/s | train peak MB | score rows/s | score peak MB | synthesize rows/s | synthesize peak MB |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|"
for rows in ${sizes//,/ }; do
  csv="$work/customers-$rows.csv" parquet="$work/customers-$rows.parquet" db="$work/customers-$rows.db"
  [ -f "$csv" ] || benchmarks/tables/customers.py "$rows" "$csv" 1 --dates
  [ -f "$parquet" ] || dotnet run benchmarks/csv-to-parquet/csv-to-parquet.cs -- "$csv" "$parquet" >/dev/null
  [ -f "$db" ] || sqlite3 "$db" ".import --csv $csv customers"
  for source in csv parquet sqlite; do
    case $source in
      csv) data=(--data "$csv"); input=(--input "$csv") ;;
      parquet) data=(--data "$parquet"); input=(--input "$parquet") ;;
      sqlite) data=(--data "sqlite:$db" --query "select * from customers"); input=(--input "sqlite:$db" --query "select * from customers") ;;
    esac
    run="$work/run-$rows-$source" model="$work/model-$rows-$source"
    rm -rf "$run" "$model"
    train=$(measure "train-$rows-$source" "$rows" "${vae[@]}" train "${data[@]}" --id-column customer_id --epochs 1 --iw-samples 0 --seed 1 --out "$run")
    "${vae[@]}" export --checkpoint "$run" --out "$model" >/dev/null
    score=$(measure "score-$rows-$source" "$rows" "${vae[@]}" score --model "$model" "${input[@]}" --output "$work/scores-$rows-$source.csv")
    synth=$(measure "synthesize-$rows-$source" "$rows" "${vae[@]}" synthesize --model "$model" --count "$rows" --output "$work/synthetic-$rows-$source.csv")
    echo "| $rows | $source | $train | $score | $synth |"
  done
  for source in parquet sqlite; do
    # Parquet numbers are written back in their shortest form (0.040 as 0.04), so a column's decimals may differ; the kinds,
    # categories, ranges and weights must not.
    cmp -s "$work/run-$rows-csv/"weights-*.bin "$work/run-$rows-$source/"weights-*.bin \
      && echo "<!-- $rows rows: $source trained the CSV's weights byte for byte -->" \
      || echo "<!-- $rows rows: $source trained other weights than the CSV -->"
  done
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
