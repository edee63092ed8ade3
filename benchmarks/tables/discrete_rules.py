#!/usr/bin/python3
"""Whether synthetic rows keep the rules of the generated customers table (customers.py), one documented run (not a CI test).

Generates the table (3,000 rows, seed 1), trains VaeOnnx on it with the quality bar's settings (quality_bar.py TRAIN),
synthesizes as many rows and measures: the share of synthetic free-plan rows whose monthly_spend, discount and
last_invoice are exactly 0 (real: 100%), the share of synthetic spends that are a value the real table has (every
plan; basic alone), the share of whole numbers in the integer columns, the plan shares, and `vae report`'s quality.

Usage: benchmarks/tables/discrete_rules.py WORK_DIR [TRAIN OPTIONS...]   (run from the repository root)
The TRAIN OPTIONS replace or add to the quality bar's `vae train` options, e.g. `--numeric-encoding modes`.
"""
import json, os, subprocess, sys
from quality_bar import VAE, read, train_options, vae

ROWS = 3000
INTEGERS = ["seats", "tenure_months", "support_tickets"]
ZERO_ON_FREE = ["monthly_spend", "discount", "last_invoice"]


def number(cell):
    return float(cell) if cell.strip() else None


def shares(header, rows):
    plan = header.index("plan")
    return {p: sum(r[plan] == p for r in rows) / len(rows) for p in ("free", "basic", "pro", "enterprise")}


def rules(header, real, synthetic):
    plan, spend = header.index("plan"), header.index("monthly_spend")
    out = {}
    for name in ZERO_ON_FREE:
        j = header.index(name)
        free = [number(r[j]) for r in synthetic if r[plan] == "free" and r[j].strip()]
        out[f"free_{name}_zero"] = sum(v == 0 for v in free) / max(1, len(free))
    seen = {number(r[spend]) for r in real if r[spend].strip()}
    seen_basic = {number(r[spend]) for r in real if r[spend].strip() and r[plan] == "basic"}
    spends = [(r[plan], number(r[spend])) for r in synthetic if r[spend].strip()]
    out["spend_seen"] = sum(v in seen for _, v in spends) / max(1, len(spends))
    basic = [v for p, v in spends if p == "basic"]
    out["basic_spend_seen_basic"] = sum(v in seen_basic for v in basic) / max(1, len(basic))
    cells = [r[header.index(c)] for c in INTEGERS for r in synthetic if r[header.index(c)].strip()]
    out["integers_whole"] = sum(float(c) == round(float(c)) and "." not in c for c in cells) / max(1, len(cells))
    out["plans_real"], out["plans_synthetic"] = shares(header, real), shares(header, synthetic)
    return out


def main():
    work, overrides = sys.argv[1], sys.argv[2:]
    os.makedirs(work, exist_ok=True)
    data, run_dir, model = (os.path.join(work, n) for n in ("customers.csv", "run", "model"))
    synthetic_csv, report = os.path.join(work, "synthetic.csv"), os.path.join(work, "report")
    here = os.path.dirname(os.path.abspath(__file__))
    subprocess.run([os.path.join(here, "customers.py"), str(ROWS), data, "1"], check=True)
    subprocess.run(["rm", "-rf", run_dir, model])
    vae("train", "--data", data, "--likelihood", "mixed", "--id-column", "customer_id", *train_options(overrides), "--out", run_dir)
    vae("export", "--checkpoint", run_dir, "--out", model, "--force")
    vae("synthesize", "--model", model, "--count", str(ROWS), "--seed", "1", "--output", synthetic_csv)
    vae("report", "--model", model, "--data", data, "--out", report, "--synthetic", synthetic_csv)
    q = json.load(open(os.path.join(report, "quality.json")))
    header, real = read(data)
    sh, synthetic = read(synthetic_csv)
    synthetic = [[r[sh.index(h)] if h in sh else "" for h in header] for r in synthetic]
    result = {"overall": q["overall"], "shapes": q["column_shapes"], "pairs": q["column_pair_trends"], **rules(header, real, synthetic)}
    json.dump(result, open(os.path.join(work, "discrete-rules.json"), "w"), indent=1)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
