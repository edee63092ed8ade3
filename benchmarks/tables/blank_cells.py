#!/usr/bin/python3
"""What a blank cell costs in a table score, with and without `--blank-normal` (docs/benchmarks.md, issue 23).

Generates the customers table (customers.py: monthly_spend blank in ~3% of rows), trains and exports the same model twice
(same seed), once as is and once with `--blank-normal monthly_spend`, scores the whole file with each and reports: the
share of rows flagged, among all rows and among rows with a blank spend; the share of flagged rows that have a blank
spend (against the share of all rows); the mean contrib.monthly_spend of a blank and of a present spend; whether the
top-scoring row has a blank spend.

Usage: benchmarks/tables/blank_cells.py WORK_DIR [ROWS] [EPOCHS]   (run from the repository root after a Release build)
"""
import csv, os, subprocess, sys

VAE = ["dotnet", os.environ.get("VAE_DLL", "cli/bin/Release/net10.0/vae.dll")]
TRAIN = ["--id-column", "customer_id", "--hidden", "64,64", "--latent", "6", "--batch", "64", "--threads", "2", "--iw-samples", "0", "--seed", "1"]


def run(*args):
    subprocess.run([*VAE, *args], check=True, stdout=subprocess.DEVNULL)


def main():
    work = sys.argv[1]
    rows = sys.argv[2] if len(sys.argv) > 2 else "5000"
    epochs = sys.argv[3] if len(sys.argv) > 3 else "30"
    os.makedirs(work, exist_ok=True)
    data = os.path.join(work, "customers.csv")
    subprocess.run([sys.executable, "benchmarks/tables/customers.py", rows, data, "1"], check=True)
    with open(data, newline="") as f:
        blank = [r["monthly_spend"] == "" for r in csv.DictReader(f)]
    print(f"| model | rows flagged | blank-spend rows flagged | flagged rows with a blank spend (all rows: {sum(blank) / len(blank):.1%}) "
          "| mean contrib.monthly_spend, blank / present (nats) | top row blank |")
    print("|---|---|---|---|---|---|")
    for name, extra in [("default (indicator counted)", []), ("--blank-normal monthly_spend", ["--blank-normal", "monthly_spend"])]:
        tag = "normal" if extra else "default"
        run("train", "--data", data, *TRAIN, "--epochs", epochs, "--out", os.path.join(work, "run-" + tag), *extra)
        run("export", "--checkpoint", os.path.join(work, "run-" + tag), "--out", os.path.join(work, "model-" + tag), "--force")
        scores = os.path.join(work, "scores-" + tag + ".csv")
        run("score", "--model", os.path.join(work, "model-" + tag), "--input", data, "--output", scores)
        with open(scores, newline="") as f:
            out = list(csv.DictReader(f))
        flagged = [r["is_anomaly"] == "true" for r in out]
        spend = [float(r["contrib.monthly_spend"]) for r in out]
        n_blank, n_flag = sum(blank), sum(flagged)
        both = sum(f and b for f, b in zip(flagged, blank))
        mean_blank = sum(s for s, b in zip(spend, blank) if b) / n_blank
        mean_present = sum(s for s, b in zip(spend, blank) if not b) / (len(blank) - n_blank)
        top = max(range(len(out)), key=lambda i: float(out[i]["score"]))
        print(f"| {name} | {n_flag / len(out):.2%} ({n_flag}) | {both / n_blank:.1%} ({both} of {n_blank}) | {both / max(n_flag, 1):.1%} "
              f"| {mean_blank:.2f} / {mean_present:.2f} | {'yes' if blank[top] else 'no'} |")


if __name__ == "__main__":
    main()
