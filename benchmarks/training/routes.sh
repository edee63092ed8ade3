#!/usr/bin/env bash
# Training samples/s of every VaeOnnx route against the PyTorch peer, side by side, on a quiet machine and with one core
# taken by a busy loop this script starts and stops, or both cores shared with two of them (issue 26). Reference configuration: Fashion-MNIST, MLP
# 784-400-(20,20), batch 128, the same thread count for every run; the figure of a run is its last epoch's samples/s.
#
#   benchmarks/training/routes.sh [--epochs N] [--rounds N] [--threads N] [--data DIR] [--max-train N]
#                                 [--conditions quiet,busy,heavy] [--routes NAME,...]
#
# Defaults: 3 epochs, 5 rounds, 2 threads, /usr/share/datasets/fashion-mnist, all 60,000 training images, quiet then busy,
# every route. Conditions: quiet; busy (one busy loop: one core taken); heavy (two busy loops: both cores shared, a load of
# about 4 with the run's own two threads). --routes runs only the named routes (the peer is always run: ratios need it).
# Each round runs every route and the peer once, in an order that alternates between rounds, so a noisy spell does not
# fall on one route only; the table gives the median of each route's rounds, its ratio to the peer's median in the same
# condition, and the 1-minute load average read before each of its runs (min-max). It refuses to start unless that load
# average is below 0.5 (no build, test suite or other job beside it): ROUTES_IGNORE_LOAD=1 overrides that, for smoke runs
# only, and the table then says so. VAE=path/to/vae uses that build (default: builds cli in Release first). The peer
# needs Debian's python3-torch (PyTorch 1.13, SGEMMs on oneDNN); the onednn/openblas routes need libdnnl2 and
# libopenblas0-pthread (missing libraries fall back to libtorch, which the run's log says).
# Smoke run: ROUTES_IGNORE_LOAD=1 benchmarks/training/routes.sh --epochs 1 --rounds 1 --data samples/fashion-mnist --max-train 1000
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
epochs=3 rounds=5 threads=2 data=/usr/share/datasets/fashion-mnist max_train=0 conditions=quiet,busy only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) epochs="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --max-train) max_train="$2"; shift 2 ;;
    --conditions) conditions="$2"; shift 2 ;;
    --routes) only="$2"; shift 2 ;;
    *) echo "routes.sh: unknown argument '$1' (see the header of $0)" >&2; exit 2 ;;
  esac
done

load1() { cut -d' ' -f1 /proc/loadavg; }
if [ "${ROUTES_IGNORE_LOAD:-0}" != 1 ] && ! awk -v l="$(load1)" 'BEGIN { exit !(l < 0.5) }'; then
  echo "routes.sh: load average $(load1) is not below 0.5; wait for a quiet machine (ROUTES_IGNORE_LOAD=1 overrides, for smoke runs only)" >&2
  exit 1
fi

vae="${VAE:-}"
if [ -z "$vae" ]; then
  dotnet build "$repo/cli" -c Release -nologo -v quiet >&2
  vae="$repo/cli/bin/Release/net10.0/vae"
fi
work="$(mktemp -d)"
busy_pids=()
cleanup() { [ ${#busy_pids[@]} -gt 0 ] && kill "${busy_pids[@]}" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# name|vae train options ("peer*" runs the PyTorch script instead; peer_omp_passive with OMP_WAIT_POLICY=PASSIVE, the
# peer's side of --omp-passive). An OMP_WAIT_POLICY in the script's own environment applies to every run.
routes=(
  "libtorch|"
  "flat_adam|--adam-update flat"
  "fused_adam|--adam-update fused"
  "openblas|--gemm openblas"
  "onednn|--gemm onednn"
  "onednn_flat|--gemm onednn --adam-update flat"
  "onednn_fused|--gemm onednn --adam-update fused"
  "onednn_split_flat|--gemm onednn --threads 1 --gemm-threads $threads --adam-update flat"
  "flat_threads_auto|--adam-update flat --threads auto"
  "flat_omp_passive|--adam-update flat --omp-passive"
  "fused_omp_passive|--adam-update fused --omp-passive"
  "peer|"
  "peer_omp_passive|"
)
if [ -n "$only" ]; then
  chosen=()
  for entry in "${routes[@]}"; do
    name="${entry%%|*}"
    [[ "$name" == peer || ",$only," == *",$name,"* ]] && chosen+=("$entry")
  done
  routes=("${chosen[@]}")
fi

run_route() { # name, options -> prints the last epoch's samples/s
  local name="$1" options="$2" out="$work/run"
  rm -rf "$out"
  if [[ "$name" == peer* ]]; then
    local policy=()
    [ "$name" = peer_omp_passive ] && policy=(OMP_WAIT_POLICY=PASSIVE)
    env "${policy[@]}" /usr/bin/python3 "$repo/benchmarks/training/peer_mlp_vae.py" --data "$data" --epochs "$epochs" --threads "$threads" --train-rows "$max_train" \
      | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["samples_per_s"][-1])'
    return
  fi
  local limit=()
  [ "$max_train" -gt 0 ] && limit=(--max-train-rows "$max_train")
  local thread_count=(--threads "$threads")
  [[ "$options" == *--threads* ]] && thread_count=() # the thread split sets its own
  # shellcheck disable=SC2086
  "$vae" train --data "$data" --epochs "$epochs" "${thread_count[@]}" $options "${limit[@]}" --iw-samples 0 --seed 1 --out "$out" --json >/dev/null 2>"$work/stderr" \
    || { cat "$work/stderr" >&2; echo "routes.sh: route $name failed" >&2; exit 1; }
  grep -i "falls\|fall back\|training with LibTorch" "$work/stderr" >&2 || true
  /usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["metrics"][-1]["samples_per_s"])' "$out/checkpoint.json"
}

results="$work/results.tsv"
for condition in ${conditions//,/ }; do
  case "$condition" in
    quiet) loops=0 ;;
    busy) loops=1 ;;
    heavy) loops=2 ;;
    *) echo "routes.sh: unknown condition '$condition' (quiet, busy or heavy)" >&2; exit 2 ;;
  esac
  # Cores taken by shell busy loops, not pinned (the scheduler places them as it would any other job).
  for ((i = 0; i < loops; i++)); do
    sh -c 'while :; do :; done' &
    busy_pids+=($!)
  done
  ((loops == 0)) || sleep 5
  for ((round = 0; round < rounds; round++)); do
    order=("${routes[@]}")
    if ((round % 2 == 1)); then
      order=(); for ((i = ${#routes[@]} - 1; i >= 0; i--)); do order+=("${routes[$i]}"); done
    fi
    for entry in "${order[@]}"; do
      name="${entry%%|*}" options="${entry#*|}"
      load="$(load1)"
      rate="$(run_route "$name" "$options")"
      printf '%s\t%s\t%s\t%s\n' "$condition" "$name" "$rate" "$load" >>"$results"
      printf '%-6s round %d %-18s %10.0f samples/s (load before %s)\n' "$condition" "$((round + 1))" "$name" "$rate" "$load" >&2
    done
  done
  if [ ${#busy_pids[@]} -gt 0 ]; then kill "${busy_pids[@]}"; wait "${busy_pids[@]}" 2>/dev/null || true; busy_pids=(); fi
done

/usr/bin/python3 - "$results" "$epochs" "$rounds" "$threads" "$max_train" "${ROUTES_IGNORE_LOAD:-0}" <<'PY'
import statistics, sys
path, epochs, rounds, threads, max_train, ignored = sys.argv[1:]
rows = [line.rstrip("\n").split("\t") for line in open(path)]
conditions = list(dict.fromkeys(r[0] for r in rows))
routes = list(dict.fromkeys(r[1] for r in rows))
def cell(condition, route):
    runs = [r for r in rows if r[0] == condition and r[1] == route]
    return statistics.median(float(r[2]) for r in runs), [float(r[3]) for r in runs]
print(f"{epochs} epochs (last epoch's samples/s), {rounds} rounds, {threads} threads, "
      f"{'all' if max_train == '0' else max_train} training images; medians"
      + ("; LOAD CHECK OVERRIDDEN (smoke run, not a figure)" if ignored == "1" else ""))
print()
print("| route | " + " | ".join(f"{c} samples/s | {c} vs peer | {c} load before" for c in conditions) + " |")
print("|---|" + "---|---|---|" * len(conditions))
for route in routes:
    cells = []
    for c in conditions:
        median, loads = cell(c, route)
        peer = cell(c, "peer")[0]
        cells += [f"{median:,.0f}", f"{median / peer:.2f}x", f"{min(loads):.2f}-{max(loads):.2f}"]
    print(f"| {route} | " + " | ".join(cells) + " |")
PY
