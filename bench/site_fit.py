"""Can the recovery confidence be learned from the site's own links at run time? (issue 9; measured, not shipped)

The idea: when a site's links are given, hold out a share of them (a "probe": 20% of the given pairs, seed 11),
rebuild the link-derived evidence without them, weigh the engine's choices on every page with no floor, label
a choice 1 when its pair is one of the held-out links, and fit the recovery logistic weights on this site
(regularised toward the global ones, confidence.RECOVERY_WEIGHTS, by an L2 penalty `lam`); then score the run
(80% of the links given, seed 7, as eval_links.py) with them. The probe's labels are noisier than the run's:
the links the run hides are unlinked in the probe too and count as misses there, so a probe-fitted model is
shrunk and too low; its level is set back to the global model's (the mean predicted chance over the run's
choices is made equal), so the site decides which choices, the global model how many.

Compared, per corpus x variant, over the run's choices to targets its links reach (orphans keep the cold-start
confidence in the engine and are left as they are):
- shipped: the global recovery model (fitted on both development corpora, so in-sample here);
- site (lam): the probe fit toward the shipped weights;
- other corpus: the global weights refitted on the other development corpus alone (a site the model has not
  seen: the honest stand-in for the sites of other styles the engine is judged on), level set as above;
- site from other (lam): the probe fit toward those;
- boosted trees, 2-fold by source page (in-corpus, optimistic): how much any model of these features could
  add (the information left in them).
Figures: AUC of the confidence (rows to reachable targets), R@10 at the default floor (rows ordered by score, as
the engine orders them, only those at or above the floor), R@10 at floor 0 ordered by the model's chance, and a
reliability table (bin: rows, predicted / observed share of hidden links).

Measured (2026-11-30, main 88982de, when the recovery model still weighed the site's link rate (confidence.py says
why it no longer does); R@10 at floor 0.2, python plain / html, django plain / html):
- shipped 0.662 / 0.668, 0.630 / 0.636; site (lam 3-30) 0.683-0.689 / 0.704-0.709, 0.608 / 0.610-0.613; AUC
  unchanged (+-0.002): the site's own links add no discrimination the global weights lack on these two corpora
  (the global weights are fitted on them), they move the calibration: python's rows from 0.2 up are real links
  more often than predicted (so more pass the floor honestly), django's less often (shipped: predicted 0.37 /
  0.52, observed 0.22 / 0.40; site: 0.37 / 0.52 -> 0.33-0.35 / 0.56), so django loses rows at the floor. The site
  fit is flatter (few rows reach 0.8: the recovery high tier would be nearly empty).
- a site the weights were not fitted on (other corpus -> site from other): python 0.649 / 0.661 -> 0.674-0.687 /
  0.699-0.704, django 0.632 / 0.634 -> 0.607-0.621 / 0.611-0.620, with django's tiers made honest (0.53 predicted,
  0.34 observed -> 0.52 / 0.57).
- boosted trees on the run's own labels (more than any run could know): AUC 0.945 / 0.952, 0.910 / 0.911, R@10 at
  the floor 0.652 / 0.682, 0.529 / 0.548: the evidence the engine computes is used about as well as it can be;
  an honest R@10 of 0.90 at this floor needs evidence of another kind.
- ordering the page's rows by any of these models instead of the score: R@10 at floor 0 0.832-0.851 against the
  score's 0.856 / 0.857 / 0.855 / 0.839 (eval_links).
- features tried beside these, each added to the recovery model (a throwaway harness over the run's choices,
  leave-one-corpus-out): the source page's link density and how thoroughly it links the names it mentions, the
  phrase's link odds among the source's TF-IDF neighbours and among the pages of its URL folder, where and how
  often the page mentions the phrase, target in the source's folder, link paths source -> page -> target and
  back, co-citation: AUC +0.002-0.009 each, R@10 at the floor -0.04 to +0.03 with no sign common to both
  corpora; as score terms, R@10 at floor 0 within +-0.01. The target's section headings as names: 15 / 30 hidden
  links (python / django, HTML) have one for anchor, and 11 / 24 of them are found already (the site's anchors).
Not shipped: no gain on the target, and a probe costs a second pass over the link evidence plus weighing a
sample of pages (the docs job is over its speed target).

Run: python3 bench/site_fit.py [--corpus NAME ...] [--variant plain|html ...] [--lam X ...] [--reliability]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))

from eval_links import CORPORA, VARIANTS, load_corpus, split_links

from inlink.links.confidence import DEFAULT_MIN_CONFIDENCE, RECOVERY_BIAS, RECOVERY_WEIGHTS
from inlink.links.suggest import AnalysisConfig, build_index, page_choices

PROBE_SHARE = 0.2  # of the given (source, destination) pairs, held out to fit on
PROBE_SEED = 11
CHOICES = 40  # choices weighed per page (eval_links' 10 per page weigh 40 targets)
NAMES = list(RECOVERY_WEIGHTS)
BINS = (0, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 1.01)


def fit_toward(X: np.ndarray, y: np.ndarray, prior: np.ndarray, lam: float, iterations: int = 50) -> np.ndarray:
    """Logistic regression (weights then bias, as `prior`) by Newton's method, each weight pulled toward its prior
    by an L2 penalty lam / 2 * (w - prior)^2 (the bias by a hundredth of it). Deterministic; with no rows it
    returns the prior."""
    Xb = np.hstack([X, np.ones((len(X), 1))])
    beta = prior.astype(np.float64).copy()
    penalty = np.full(len(beta), float(lam))
    penalty[-1] = lam * 0.01
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(Xb @ beta, -30, 30)))
        gradient = Xb.T @ (p - y) + penalty * (beta - prior)
        hessian = (Xb * (p * (1 - p))[:, None]).T @ Xb + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-7:
            break
    return beta


def _chance(beta: np.ndarray, X: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(X @ beta[:-1] + beta[-1], -30, 30)))


def levelled(beta: np.ndarray, X: np.ndarray, mean: float) -> np.ndarray:
    """beta with its bias moved so that its mean chance over the rows X is `mean` (bisection)."""
    low, high = -15.0, 15.0
    for _ in range(60):
        shift = (low + high) / 2
        if _chance(beta + np.r_[np.zeros(len(beta) - 1), shift], X).mean() < mean:
            low = shift
        else:
            high = shift
    return beta + np.r_[np.zeros(len(beta) - 1), shift]


def _probe_links(given):
    """The given links without PROBE_SHARE of their (source, destination) pairs, and the pairs held out."""
    pairs = given[["source", "destination"]].drop_duplicates()
    held = pairs.sample(frac=PROBE_SHARE, random_state=PROBE_SEED)
    marked = given.merge(held, how="left", on=["source", "destination"], indicator=True)
    return given[(marked["_merge"] == "left_only").to_numpy()], held


def _rows(index, truth: set) -> dict:
    """Every page's choices with no floor: source, score, confidence, reachable target, features, label."""
    found = {"source": [], "score": [], "confidence": [], "reachable": [], "X": [], "label": []}
    for source in np.flatnonzero(index.is_source).tolist():
        for choice in page_choices(index, source, floor=0.0, limit=CHOICES)[0]:
            found["source"].append(source)
            found["score"].append(choice.item.score)
            found["confidence"].append(choice.confidence)
            found["reachable"].append(bool(choice.features["links_given"]))
            found["X"].append([float(choice.features[name]) for name in NAMES])
            found["label"].append(int((source, choice.item.target) in truth))
    return {key: np.array(value, dtype=np.float64 if key == "X" else None) for key, value in found.items()}


def corpus_rows(name: str, variant: str) -> dict:
    """The run's rows (80% given, labelled by the hidden 20%) and the probe's rows (labelled by the held-out pairs)."""
    site = load_corpus(name, variant)
    given, hidden = split_links(site.links)
    config = AnalysisConfig(max_per_page=10, max_inbound_per_target=None, min_confidence=0.0)
    index = build_index(SimpleNamespace(pages=site.pages, links=given, report=site.report), config)
    position = index.url_pos
    hidden_pairs = {
        (position[s], position[d])
        for s, d in zip(hidden["source"], hidden["destination"])
        if s in position and d in position
    }
    probe_given, held = _probe_links(given)
    probe = build_index(SimpleNamespace(pages=site.pages, links=probe_given, report=site.report), config)
    held_pairs = {(position[s], position[d]) for s, d in zip(held["source"], held["destination"])}
    run = _rows(index, hidden_pairs)
    run["pages_with_truth"] = {}
    for source, _destination in hidden_pairs:
        run["pages_with_truth"][source] = run["pages_with_truth"].get(source, 0) + 1
    return {"run": run, "probe": _rows(probe, held_pairs)}


def r10(run: dict, chance: np.ndarray, floor: float, order: np.ndarray) -> float:
    """Macro R@10 over the pages with hidden links: the first 10 rows by `order` among those at or above the floor."""
    kept = chance >= floor
    total = 0.0
    per_page: dict[int, list] = {}
    for source, key, label in zip(run["source"][kept].tolist(), order[kept].tolist(), run["label"][kept].tolist()):
        per_page.setdefault(source, []).append((-key, label))
    for source, count in run["pages_with_truth"].items():
        total += sum(label for _key, label in sorted(per_page.get(source, []))[:10]) / count
    return total / max(1, len(run["pages_with_truth"]))


def _reliability(chance: np.ndarray, labels: np.ndarray) -> str:
    cells = []
    for low, high in itertools.pairwise(BINS):
        inside = (chance >= low) & (chance < high)
        if inside.any():
            cells.append(
                f"[{low:.2f},{high:.2f}) {inside.sum()} {chance[inside].mean():.2f}/{labels[inside].mean():.2f}"
            )
    return "  ".join(cells)


def report(label: str, run: dict, chance: np.ndarray, reliability: bool) -> None:
    """One model's line: AUC, R@10 at the floor (score order), R@10 at floor 0 in the model's order."""
    from sklearn.metrics import roc_auc_score

    reach = run["reachable"]
    chance = np.where(reach, chance, run["confidence"])
    print(
        f"  {label:24} AUC {roc_auc_score(run['label'][reach], chance[reach]):.3f}  "
        f"R@10 floor {DEFAULT_MIN_CONFIDENCE}: {r10(run, chance, DEFAULT_MIN_CONFIDENCE, run['score']):.3f}  "
        f"floor 0 in its order: {r10(run, chance, 0.0, chance):.3f}"
    )
    if reliability:
        print("      " + _reliability(chance[reach], run["label"][reach]))


def global_fit(rows: dict) -> np.ndarray:
    """Weights and bias refitted (plain logistic regression, L2, C=1) on one corpus's run rows."""
    from sklearn.linear_model import LogisticRegression

    reach = rows["reachable"]
    model = LogisticRegression(C=1.0, max_iter=3000).fit(rows["X"][reach], rows["label"][reach])
    return np.r_[model.coef_[0], model.intercept_[0]]


def boosted(run: dict) -> np.ndarray:
    """Chances from gradient-boosted trees on the run's own labels, 2 folds by source page (optimistic)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    pages = np.unique(run["source"])
    fold = dict(zip(pages.tolist(), np.random.default_rng(0).integers(0, 2, len(pages)).tolist()))
    folds = np.array([fold[s] for s in run["source"].tolist()])
    chance = run["confidence"].copy()
    X = np.hstack([run["X"], run["score"][:, None]])
    for k in (0, 1):
        train = (folds != k) & run["reachable"]
        model = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15, random_state=0)
        model.fit(X[train], run["label"][train])
        chance[folds == k] = model.predict_proba(X[folds == k])[:, 1]
    return chance


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", choices=CORPORA)
    parser.add_argument("--variant", action="append", choices=tuple(VARIANTS))
    parser.add_argument("--lam", action="append", type=float)
    parser.add_argument("--reliability", action="store_true")
    args = parser.parse_args(argv)
    lams = args.lam or [3.0, 30.0]
    for variant in args.variant or tuple(VARIANTS):
        rows = {name: corpus_rows(name, variant) for name in CORPORA}
        for name in args.corpus or CORPORA:
            run, probe = rows[name]["run"], rows[name]["probe"]
            reach = run["reachable"]
            mean = run["confidence"][reach].mean()  # the shipped model's level on this site
            print(
                f"{name} {variant}: run {len(run['label'])} rows ({int(run['label'].sum())} hidden links), "
                f"probe {len(probe['label'])} rows ({int(probe['label'].sum())} held-out links)"
            )
            report("shipped (in-sample)", run, run["confidence"], args.reliability)
            shipped = np.r_[[RECOVERY_WEIGHTS[n] for n in NAMES], RECOVERY_BIAS]
            other = global_fit(rows[next(o for o in CORPORA if o != name)]["run"])
            fitted = probe["reachable"]
            for label, prior in (("site", shipped), ("site from other", other)):
                if prior is other:
                    report(
                        "other corpus", run, _chance(levelled(other, run["X"][reach], mean), run["X"]), args.reliability
                    )
                for lam in lams:
                    beta = levelled(
                        fit_toward(probe["X"][fitted], probe["label"][fitted], prior, lam), run["X"][reach], mean
                    )
                    report(f"{label} lam={lam:g}", run, _chance(beta, run["X"]), args.reliability)
            report("boosted trees (CV)", run, boosted(run), args.reliability)


if __name__ == "__main__":
    main()
