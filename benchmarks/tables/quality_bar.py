#!/usr/bin/python3
"""The table quality bar of docs/benchmarks.md, one documented run (not a CI test).

For each real table (exported by export-r-tables.sh): a 70/30 split with a fixed seed, the same rows for every method;
VaeOnnx trains on the 70% file (`vae train`, `vae export`), synthesizes as many rows and is scored by `vae report`
(SDMetrics definitions) against the training rows; an independent-columns sampler is scored the same way. A random
forest trained on synthetic rows predicts the held-out label, against the same forest trained on real rows. Anomalies:
one field corrupted in 5% of the held-out rows (a category swapped for another seen one, a number moved 5 standard
deviations, a flag flipped), over 10 draws: AUROC of `vae score`, of scikit-learn's IsolationForest on one-hot features
and of an independent-columns score, and how often the corrupted field is the top contribution.

Usage: benchmarks/tables/quality_bar.py DATA_DIR WORK_DIR [TRAIN OPTIONS...]   (needs python3-sklearn; run from the repository root)
The TRAIN OPTIONS replace or add to the `vae train` options below for every table, e.g. `--numeric-encoding modes` or `--epochs 600`.
"""
import csv, json, math, os, subprocess, sys
import numpy as np
from sklearn.ensemble import IsolationForest, RandomForestClassifier
from sklearn.metrics import roc_auc_score

TABLES = [  # file, label, extra train options
    ("creditcard.csv", "card", []),
    ("housevotes84.csv", "Class", []),
    ("breastcancer.csv", "Class", ["--ignore-columns", "Id"]),
]
TRAIN = ["--hidden", "128,128", "--latent", "8", "--epochs", "300", "--batch", "64", "--lr", "1e-3", "--threads", "2", "--iw-samples", "0"]
# VAE_DLL: a copy of the built CLI, so that a rebuild of the repository during a long run does not change it.
VAE = ["dotnet", os.environ.get("VAE_DLL", "cli/bin/Release/net10.0/vae.dll")]
MISSING = {"", "na", "n/a", "nan", "null", "?"}


def read(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    return rows[0], [[c.strip() for c in r] for r in rows[1:]]


def write(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def vae(*args):
    subprocess.run(VAE + list(args), check=True, stdout=subprocess.DEVNULL)


def is_missing(cell):
    return cell.strip().lower() in MISSING


def encode(schema, header, rows, stats=None):
    """One-hot features for sklearn: numbers standardised (blank -> 0 plus an indicator), categories one-hot (blank -> its own)."""
    cols = []
    for c in schema["columns"]:
        j = header.index(c["name"])
        if c["kind"] in ("numeric", "integer"):
            v = np.array([float(r[j]) if not is_missing(r[j]) else np.nan for r in rows])
            miss = np.isnan(v)
            cols.append(np.where(miss, 0.0, (v - c["offset"]) * c["scale"])[:, None])
            if c.get("has_missing"):
                cols.append(miss[:, None].astype(float))
        else:
            values = c["categories"] if c["kind"] == "categorical" else [c["false_text"], c["true_text"]]
            low = [x.lower() for x in values]
            cells = [r[j].lower() for r in rows]
            cols.append(np.array([[1.0 if x == k else 0.0 for k in low] + [1.0 if is_missing(x) else 0.0] for x in cells]))
    return np.hstack(cols)


def independent_sample(header, rows, n, rng):
    return [[rows[rng.integers(len(rows))][j] for j in range(len(header))] for _ in range(n)]


def independent_score(schema, header, train, rows):
    """A score that treats columns independently: each column's negative log marginal likelihood (Gaussian for numbers)."""
    contrib = np.zeros((len(rows), len(schema["columns"])))
    for k, c in enumerate(schema["columns"]):
        j = header.index(c["name"])
        if c["kind"] in ("numeric", "integer"):
            v = np.array([float(r[j]) for r in train if not is_missing(r[j])])
            mu, sd = v.mean(), v.std() + 1e-9
            for i, r in enumerate(rows):
                contrib[i, k] = 0.0 if is_missing(r[j]) else 0.5 * ((float(r[j]) - mu) / sd) ** 2 + math.log(sd)
        else:
            counts = {}
            for r in train:
                counts[r[j].lower()] = counts.get(r[j].lower(), 0) + 1
            for i, r in enumerate(rows):
                contrib[i, k] = -math.log((counts.get(r[j].lower(), 0) + 1) / (len(train) + len(counts) + 1))
    return contrib


def corrupt(schema, header, train, holdout, rng):
    """One field of 5% of the rows: a category swapped for another seen one, a number moved 5 SD, a flag flipped."""
    rows = [list(r) for r in holdout]
    chosen = rng.choice(len(rows), size=max(1, round(0.05 * len(rows))), replace=False)
    fields = {}
    for i in chosen:
        while True:
            k = int(rng.integers(len(schema["columns"])))
            c = schema["columns"][k]
            j = header.index(c["name"])
            if not is_missing(rows[i][j]):
                break
        if c["kind"] in ("numeric", "integer"):
            v = np.array([float(r[j]) for r in train if not is_missing(r[j])])
            moved = float(rows[i][j]) + rng.choice([-1, 1]) * 5 * v.std()
            rows[i][j] = str(round(moved)) if c["kind"] == "integer" else repr(moved)
        elif c["kind"] == "boolean":
            rows[i][j] = c["false_text"] if rows[i][j].lower() == c["true_text"].lower() else c["true_text"]
        else:
            others = [x for x in c["categories"] if x != rows[i][j]]
            rows[i][j] = others[int(rng.integers(len(others)))]
        fields[int(i)] = k
    return rows, fields


def classifier_ratio(schema, header, label, train, synthetic, holdout):
    j = header.index(label)
    feature_schema = {"columns": [c for c in schema["columns"] if c["name"] != label]}
    def xy(rows):
        return encode(feature_schema, header, rows), np.array([r[j] for r in rows])
    (xr, yr), (xs, ys), (xt, yt) = xy(train), xy(synthetic), xy(holdout)
    acc = lambda x, y: (RandomForestClassifier(n_estimators=300, random_state=0).fit(x, y).predict(xt) == yt).mean()
    real, syn = acc(xr, yr), acc(xs, ys)
    return real, syn


def train_options(overrides):
    """TRAIN with each option given in OVERRIDES replaced (an option followed by its value) or added."""
    options = list(TRAIN)
    i = 0
    while i < len(overrides):
        name = overrides[i]
        value = overrides[i + 1] if i + 1 < len(overrides) and not overrides[i + 1].startswith("--") else None
        if name in options:
            j = options.index(name)
            if value is not None:
                options[j + 1] = value
        else:
            options += [name] + ([value] if value is not None else [])
        i += 2 if value is not None else 1
    return options


def run(data_dir, work, name, label, extra, overrides=()):
    header, rows = read(os.path.join(data_dir, name))
    rng = np.random.default_rng(20261201)
    order = rng.permutation(len(rows))
    cut = round(0.7 * len(rows))
    train, holdout = [rows[i] for i in sorted(order[:cut])], [rows[i] for i in sorted(order[cut:])]
    base = os.path.join(work, name[:-4])
    os.makedirs(base, exist_ok=True)
    train_csv, holdout_csv = os.path.join(base, "train.csv"), os.path.join(base, "holdout.csv")
    write(train_csv, header, train)
    write(holdout_csv, header, holdout)
    run_dir, model = os.path.join(base, "run"), os.path.join(base, "model")
    subprocess.run(["rm", "-rf", run_dir, model])
    vae("train", "--data", train_csv, "--likelihood", "mixed", *extra, *train_options(list(overrides)), "--out", run_dir)
    vae("export", "--checkpoint", run_dir, "--out", model, "--force")
    schema = json.load(open(os.path.join(model, "model.json")))["table"]
    result = {"table": name[:-4], "rows": len(rows), "train": len(train), "holdout": len(holdout)}
    # Synthetic quality, VaeOnnx and independent columns, against the training rows.
    synthetic_csv = os.path.join(base, "synthetic.csv")
    vae("synthesize", "--model", model, "--count", str(len(train)), "--seed", "1", "--output", synthetic_csv)
    vae("report", "--model", model, "--data", train_csv, "--out", os.path.join(base, "report"), "--synthetic", synthetic_csv)
    q = json.load(open(os.path.join(base, "report", "quality.json")))
    independent_csv = os.path.join(base, "independent.csv")
    write(independent_csv, header, independent_sample(header, train, len(train), rng))
    vae("report", "--model", model, "--data", train_csv, "--out", os.path.join(base, "report-independent"), "--synthetic", independent_csv)
    qi = json.load(open(os.path.join(base, "report-independent", "quality.json")))
    result.update(overall=q["overall"], shapes=q["column_shapes"], pairs=q["column_pair_trends"], indep_overall=qi["overall"], indep_pairs=qi["column_pair_trends"])
    sh, synthetic = read(synthetic_csv)  # the model's columns only: ignored ones come back blank
    synthetic = [[row[sh.index(h)] if h in sh else "" for h in header] for row in synthetic]
    real_acc, syn_acc = classifier_ratio(schema, header, label, train, synthetic, holdout)
    result.update(acc_real=real_acc, acc_syn=syn_acc, acc_ratio=syn_acc / real_acc)
    # Injected anomalies, 10 draws.
    forest = IsolationForest(n_estimators=300, random_state=0).fit(encode(schema, header, train))
    aucs, if_aucs, ind_aucs, hits, ind_hits = [], [], [], [], []
    for draw in range(10):
        crng = np.random.default_rng(1000 + draw)
        corrupted, fields = corrupt(schema, header, train, holdout, crng)
        y = np.array([1 if i in fields else 0 for i in range(len(corrupted))])
        path = os.path.join(base, f"corrupted-{draw}.csv")
        write(path, header, corrupted)
        scores_csv = os.path.join(base, f"scores-{draw}.csv")
        vae("score", "--model", model, "--input", path, "--output", scores_csv)
        sh, srows = read(scores_csv)
        score = np.array([float(r[0]) for r in srows])
        contrib = np.array([[float(v) for v in r[4:]] for r in srows])
        aucs.append(roc_auc_score(y, score))
        if_aucs.append(roc_auc_score(y, -forest.decision_function(encode(schema, header, corrupted))))
        ind = independent_score(schema, header, train, corrupted)
        ind_aucs.append(roc_auc_score(y, ind.sum(1)))
        hits.append(np.mean([contrib[i].argmax() == k for i, k in fields.items()]))
        ind_hits.append(np.mean([ind[i].argmax() == k for i, k in fields.items()]))
    result.update(auroc=np.mean(aucs), auroc_sd=np.std(aucs), if_auroc=np.mean(if_aucs), ind_auroc=np.mean(ind_aucs),
                  hit=np.mean(hits), ind_hit=np.mean(ind_hits), corrupted=len(fields))
    return result


def main():
    data_dir, work, overrides = sys.argv[1], sys.argv[2], sys.argv[3:]
    only = None
    if "--only" in overrides:  # --only creditcard,housevotes84: a subset of the tables, for quick experiments
        i = overrides.index("--only")
        only, overrides = overrides[i + 1].split(","), overrides[:i] + overrides[i + 2:]
    print("vae train options:", " ".join(train_options(overrides)))
    results = [run(data_dir, work, *t, overrides) for t in TABLES if only is None or t[0][:-4] in only]
    print("| table | rows (train/held out) | overall | column shapes | pair trends | independent: overall / pairs | RF acc real -> synthetic (ratio) | AUROC VaeOnnx (sd) | AUROC IsolationForest | AUROC independent | top-contribution hit rate | independent hit rate |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['table']} | {r['rows']} ({r['train']}/{r['holdout']}) | {r['overall']:.3f} | {r['shapes']:.3f} | {r['pairs']:.3f} | {r['indep_overall']:.3f} / {r['indep_pairs']:.3f} | "
              f"{r['acc_real']:.3f} -> {r['acc_syn']:.3f} ({r['acc_ratio']:.2f}) | {r['auroc']:.3f} ({r['auroc_sd']:.3f}) | {r['if_auroc']:.3f} | {r['ind_auroc']:.3f} | {r['hit']:.2f} | {r['ind_hit']:.2f} |")
    print(f"| mean | | {np.mean([r['overall'] for r in results]):.3f} | | {np.mean([r['pairs'] for r in results]):.3f} | | ratio {np.mean([r['acc_ratio'] for r in results]):.2f} | "
          f"{np.mean([r['auroc'] for r in results]):.3f} | {np.mean([r['if_auroc'] for r in results]):.3f} | {np.mean([r['ind_auroc'] for r in results]):.3f} | "
          f"{np.mean([r['hit'] for r in results]):.2f} | {np.mean([r['ind_hit'] for r in results]):.2f} |")
    json.dump(results, open(os.path.join(work, "quality-bar.json"), "w"), indent=1, default=float)


if __name__ == "__main__":
    main()
