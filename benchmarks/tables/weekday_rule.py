#!/usr/bin/python3
"""Dates and a weekday rule (issue 22), for docs/benchmarks.md: does a date column, modelled as its position in time,
catch orders on a day the shop is closed?

A shop that never opens on Sundays: 3,000 training orders over two years (order_date, never a Sunday; an amount that
grows with the date). Scored: 300 held-out orders and 300 orders moved to the next Sunday (same amount, a day or so
later). Two models, the same rows: order_date and amount only (position in time), and with a weekday column derived
from the date (Mon..Sat in training). Prints the AUROC of the score, Sunday orders against weekday ones.

Usage (from the repo root, after dotnet build cli -c Release): benchmarks/tables/weekday_rule.py OUT_DIR [VAE_DLL]
"""
import csv, datetime as dt, os, random, subprocess, sys


def main():
    out = sys.argv[1]
    vae = ["dotnet", os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "cli/bin/Release/net10.0/vae.dll")]
    os.makedirs(out, exist_ok=True)
    os.chdir(out)
    random.seed(7)
    first = dt.date(2022, 1, 3)

    def order():
        d = first + dt.timedelta(days=random.randrange(730))
        if d.weekday() == 6: d += dt.timedelta(days=1)
        return d, round(50 + 0.1 * (d - first).days + random.gauss(0, 5), 2)

    def write(path, rows, weekday):
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["order_date", "amount"] + (["weekday"] if weekday else []))
            for d, a in rows: w.writerow([d.isoformat(), a] + ([d.strftime("%a")] if weekday else []))

    def auroc(negatives, positives):
        return sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives) / (len(positives) * len(negatives))

    train = [order() for _ in range(3000)]
    normal = [order() for _ in range(300)]
    sundays = [(d + dt.timedelta(days=6 - d.weekday()), a) for d, a in (order() for _ in range(300))]
    for weekday in (False, True):
        tag = "weekday" if weekday else "position"
        write(f"train-{tag}.csv", train, weekday)
        write(f"test-{tag}.csv", normal + sundays, weekday)
        run = subprocess.run(vae + ["train", "--data", f"train-{tag}.csv", "--hidden", "64,64", "--latent", "4", "--epochs", "20", "--batch", "64",
                                    "--seed", "1", "--threads", "2", "--out", f"run-{tag}"], capture_output=True, text=True)
        if run.returncode: sys.exit(run.stderr)
        subprocess.run(vae + ["export", "--checkpoint", f"run-{tag}", "--out", f"model-{tag}", "--force"], check=True, capture_output=True)
        subprocess.run(vae + ["score", "--model", f"model-{tag}", "--input", f"test-{tag}.csv", "--output", f"scores-{tag}.csv"], check=True, capture_output=True)
        scores = [float(r["score"]) for r in csv.DictReader(open(f"scores-{tag}.csv"))]
        print(f"{tag}: AUROC Sunday vs weekday orders = {auroc(scores[:300], scores[300:]):.3f}", flush=True)


if __name__ == "__main__":
    main()
