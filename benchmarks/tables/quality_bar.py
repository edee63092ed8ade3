#!/usr/bin/python3
"""The quality bar over the development tables of issue 23 (docs/benchmarks.md), one documented run (not a CI test).

For each table (exported by export-r-tables.sh, which also writes the generated customers table): a 70/30 split with a
fixed seed, the same rows for every method. VaeOnnx trains on the 70% file (`vae train`, `vae export`; --seeds N trains N
models with seeds 1..N and averages their scores and contributions), synthesizes as many rows and is scored by
`vae report --holdout` (SDMetrics definitions against the training rows; DCR against the training rows and the held-out
30%). A random forest trained on synthetic rows predicts the held-out label, against the same forest trained on real rows.
Anomalies: one field corrupted in 5% of the held-out rows (a category swapped for another seen one, a number moved 5
standard deviations, a flag flipped), over 10 draws: AUROC of `vae score`, of scikit-learn's IsolationForest, kNN
(distance to the 5th nearest training row) and PCA (reconstruction error with the components that explain 90% of the
variance), all three on one-hot features, and how often the corrupted field is the top contribution. The false-alarm
rate is the share of the clean held-out rows that `vae score` flags (is_anomaly).

Usage: benchmarks/tables/quality_bar.py DATA_DIR WORK_DIR [--only t1,t2] [--jobs N] [--seeds N] [TRAIN OPTIONS...]
(needs python3-sklearn, r-cran-aer, r-cran-mlbench; run from the repository root after `dotnet build VaeOnnx.sln -c Release`).
DATA_DIR is filled by export-r-tables.sh when a table is missing there. --jobs N runs N tables side by side (default 2). The TRAIN OPTIONS replace or add to the `vae train` options below for every table, e.g. `--epochs 300`.
"""
import csv, json, os, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
import numpy as np
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest, RandomForestClassifier
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import NearestNeighbors

# file, label the random forest predicts (COLUMN>median: a number above its training median), extra train options,
# numeric table (compared with IsolationForest, kNN and PCA on the mean AUROC).
TABLES = [
    ("creditcard.csv", "card", [], False),
    ("housevotes84.csv", "Class", [], False),
    ("breastcancer.csv", "Class", ["--ignore-columns", "Id"], True),
    ("affairs.csv", "children", [], False),
    ("houseprices.csv", "aircon", [], False),
    ("doctorvisits.csv", "private", [], False),
    ("ozone.csv", "V4>median", ["--ignore-columns", "V1,V2,V3"], True),  # the ten weather readings; V1-V3 are date codes
    ("customers.csv", "plan", ["--ignore-columns", "customer_id"], False),
]
TRAIN = ["--hidden", "128,128", "--latent", "8", "--epochs", "100", "--patience", "10", "--batch", "64", "--lr", "1e-3",
         "--threads", "1", "--iw-samples", "0"]
JOBS = 2  # tables side by side, one LibTorch thread each: a run on one thread is the same from run to run
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


def vae(log, *args):
    with open(log, "a") as err:
        if subprocess.run(VAE + list(args), stdout=subprocess.DEVNULL, stderr=err).returncode != 0:
            sys.exit(f"vae {args[0]} failed, see {log}")


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
    """Accuracy on the held-out rows of a random forest trained on real vs synthetic rows, predicting LABEL.

    LABEL is a column, or COLUMN>median: whether a number is above its median in the training rows."""
    name, _, cut = label.partition(">")
    j = header.index(name)
    median = np.median([float(r[j]) for r in train if not is_missing(r[j])]) if cut else None
    feature_schema = {"columns": [c for c in schema["columns"] if c["name"] != name]}
    def xy(rows):
        rows = [r for r in rows if not is_missing(r[j])]
        y = [("high" if float(r[j]) > median else "low") if cut else r[j] for r in rows]
        return encode(feature_schema, header, rows), np.array(y)
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


def read_scores(path, schema):
    """score, is_anomaly and the contributions in schema column order of a `vae score` CSV."""
    header, rows = read(path)
    names = [header.index("contrib." + c["name"]) for c in schema["columns"]]
    score = np.array([float(r[header.index("score")]) for r in rows])
    flagged = np.array([r[header.index("is_anomaly")].lower() == "true" for r in rows])
    return score, flagged, np.array([[float(r[j]) for j in names] for r in rows])


def ensemble_scores(models, schemas, path, base, log):
    """Scores of PATH averaged over the models (one model: its own); a row is flagged when most models flag it."""
    scored = []
    for m, (model, schema) in enumerate(zip(models, schemas)):
        out = os.path.join(base, f"scores-{m}.csv")
        vae(log, "score", "--model", model, "--input", path, "--output", out)
        scored.append(read_scores(out, schema))
    return (np.mean([s[0] for s in scored], 0), np.mean([s[1] for s in scored], 0) > 0.5, np.mean([s[2] for s in scored], 0))


def baselines(features_train):
    """Scores of IsolationForest, kNN and PCA fitted on the training rows' one-hot features (higher is more unusual)."""
    forest = IsolationForest(n_estimators=300, random_state=0).fit(features_train)
    knn = NearestNeighbors(n_neighbors=5).fit(features_train)
    pca = PCA(n_components=0.9, svd_solver="full").fit(features_train)
    return {
        "if": lambda x: -forest.decision_function(x),
        "knn": lambda x: knn.kneighbors(x)[0][:, -1],
        "pca": lambda x: ((x - pca.inverse_transform(pca.transform(x))) ** 2).sum(1),
    }


def run(data_dir, work, name, label, extra, numeric, overrides=(), seeds=1):
    header, rows = read(os.path.join(data_dir, name))
    rng = np.random.default_rng(20261201)
    order = rng.permutation(len(rows))
    cut = round(0.7 * len(rows))
    train, holdout = [rows[i] for i in sorted(order[:cut])], [rows[i] for i in sorted(order[cut:])]
    base = os.path.join(work, name[:-4])
    subprocess.run(["rm", "-rf", base])
    os.makedirs(base)
    log = os.path.join(base, "vae.log")
    train_csv, holdout_csv = os.path.join(base, "train.csv"), os.path.join(base, "holdout.csv")
    write(train_csv, header, train)
    write(holdout_csv, header, holdout)
    models = []
    for seed in range(1, seeds + 1):
        run_dir, model = os.path.join(base, f"run-{seed}"), os.path.join(base, f"model-{seed}")
        vae(log, "train", "--data", train_csv, "--likelihood", "mixed", *extra, *train_options(list(overrides)), "--seed", str(seed), "--out", run_dir)
        vae(log, "export", "--checkpoint", run_dir, "--out", model, "--force")
        models.append(model)
    schemas = [json.load(open(os.path.join(m, "model.json")))["table"] for m in models]
    schema = schemas[0]
    result = {"table": name[:-4], "rows": len(rows), "train": len(train), "holdout": len(holdout), "label": label, "numeric": numeric}
    # Synthetic quality and privacy of the first model's rows, against the training rows and the held-out rows.
    synthetic_csv = os.path.join(base, "synthetic.csv")
    vae(log, "synthesize", "--model", models[0], "--count", str(len(train)), "--seed", "1", "--output", synthetic_csv)
    vae(log, "report", "--model", models[0], "--data", train_csv, "--holdout", holdout_csv, "--out", os.path.join(base, "report"), "--synthetic", synthetic_csv)
    q = json.load(open(os.path.join(base, "report", "quality.json")))
    result.update(overall=q["overall"], shapes=q["column_shapes"], pairs=q["column_pair_trends"],
                  dcr_closer=q["dcr_closer_to_training"], copies=q["exact_copies"])
    sh, synthetic = read(synthetic_csv)  # the model's columns only: ignored ones come back blank
    synthetic = [[row[sh.index(h)] if h in sh else "" for h in header] for row in synthetic]
    real_acc, syn_acc = classifier_ratio(schema, header, label, train, synthetic, holdout)
    result.update(acc_real=real_acc, acc_syn=syn_acc, acc_ratio=syn_acc / real_acc)
    # The clean held-out rows (false alarms: the share flagged) and 10 draws of injected anomalies, scored in one file.
    draws = [corrupt(schema, header, train, holdout, np.random.default_rng(1000 + draw)) for draw in range(10)]
    scored_csv = os.path.join(base, "scored.csv")
    write(scored_csv, header, holdout + [row for corrupted, _ in draws for row in corrupted])
    score, flagged, contrib = ensemble_scores(models, schemas, scored_csv, base, log)
    n = len(holdout)
    result["false_alarms"] = flagged[:n].mean()
    others = baselines(encode(schema, header, train))
    aucs, base_aucs, hits = [], {k: [] for k in others}, []
    for draw, (corrupted, fields) in enumerate(draws, start=1):
        y = np.array([1 if i in fields else 0 for i in range(n)])
        part = slice(draw * n, (draw + 1) * n)
        aucs.append(roc_auc_score(y, score[part]))
        features = encode(schema, header, corrupted)
        for k, f in others.items():
            base_aucs[k].append(roc_auc_score(y, f(features)))
        hits.append(np.mean([contrib[part][i].argmax() == k for i, k in fields.items()]))
    result.update(auroc=np.mean(aucs), auroc_sd=np.std(aucs), hit=np.mean(hits), corrupted=len(fields),
                  **{f"{k}_auroc": np.mean(v) for k, v in base_aucs.items()})
    print(f"{result['table']}: AUROC {result['auroc']:.3f}, hit {result['hit']:.2f}, overall {result['overall']:.3f}", flush=True)
    return result


def print_tables(results):
    mean = lambda key, rs=results: np.mean([r[key] for r in rs])
    print("| table | rows (train/held out) | RF label | overall | column shapes | pair trends | RF acc real -> synthetic (ratio) | DCR: closer to training | exact copies | "
          "AUROC VaeOnnx (sd) | IsolationForest | kNN | PCA | top-contribution hit rate | false alarms (clean held-out) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['table']} | {r['rows']} ({r['train']}/{r['holdout']}) | {r['label']} | {r['overall']:.3f} | {r['shapes']:.3f} | {r['pairs']:.3f} | "
              f"{r['acc_real']:.3f} -> {r['acc_syn']:.3f} ({r['acc_ratio']:.2f}) | {r['dcr_closer']:.3f} | {r['copies']} | "
              f"{r['auroc']:.3f} ({r['auroc_sd']:.3f}) | {r['if_auroc']:.3f} | {r['knn_auroc']:.3f} | {r['pca_auroc']:.3f} | {r['hit']:.2f} | {r['false_alarms']:.3f} |")
    print(f"| **mean** | | | {mean('overall'):.3f} | {mean('shapes'):.3f} | {mean('pairs'):.3f} | ratio {mean('acc_ratio'):.3f} | {mean('dcr_closer'):.3f} | | "
          f"{mean('auroc'):.3f} | {mean('if_auroc'):.3f} | {mean('knn_auroc'):.3f} | {mean('pca_auroc'):.3f} | {mean('hit'):.2f} | {mean('false_alarms'):.3f} |")
    numeric = [r for r in results if r["numeric"]]
    if numeric:
        print(f"\nNumeric tables ({', '.join(r['table'] for r in numeric)}), mean AUROC: VaeOnnx {mean('auroc', numeric):.3f}, "
              f"IsolationForest {mean('if_auroc', numeric):.3f}, kNN {mean('knn_auroc', numeric):.3f}, PCA {mean('pca_auroc', numeric):.3f}")


def harness_option(overrides, name):
    """The value of a harness option (not passed to vae train) and the overrides without it."""
    if name not in overrides:
        return None, overrides
    i = overrides.index(name)
    return overrides[i + 1], overrides[:i] + overrides[i + 2:]


def main():
    data_dir, work, overrides = sys.argv[1], sys.argv[2], sys.argv[3:]
    only, overrides = harness_option(overrides, "--only")  # --only creditcard,housevotes84: a subset, for quick experiments
    jobs, overrides = harness_option(overrides, "--jobs")
    seeds, overrides = harness_option(overrides, "--seeds")
    tables = [t for t in TABLES if only is None or t[0][:-4] in only.split(",")]
    if any(not os.path.exists(os.path.join(data_dir, t[0])) for t in tables):
        subprocess.run([os.path.join(os.path.dirname(os.path.abspath(__file__)), "export-r-tables.sh"), data_dir], check=True, stdout=subprocess.DEVNULL)
    print("vae train options:", " ".join(train_options(overrides)), f"(seeds: {seeds or 1})", flush=True)
    started = time.time()
    with ThreadPoolExecutor(int(jobs or JOBS)) as pool:
        results = list(pool.map(lambda t: run(data_dir, work, *t, overrides, int(seeds or 1)), tables))
    print_tables(results)
    print(f"\n{len(results)} tables in {(time.time() - started) / 60:.1f} min")
    json.dump(results, open(os.path.join(work, "quality-bar.json"), "w"), indent=1, default=float)


if __name__ == "__main__":
    main()
