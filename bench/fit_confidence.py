"""How the confidence weights in inlink/links/confidence.py were obtained (kept so they can be re-checked).

Runs the engine with no floor on the development corpora (cold start and recovery, seed 7, as eval_links.py),
labels each suggestion 1 when it is a real link (recovery: one of the hidden 20%), and fits two models:
1. cold start (what the site's editors linked, every link counts): one logistic regression on the features
   that need no existing links, the two corpora weighted equally, L2 penalty (confidence.WEIGHTS);
2. recovery (the site's links given: a new link is one the editors left out, far rarer than a link at all):
   its own logistic regression on the same features plus the anchor dictionary's link odds and the exact
   spelling, with its own intercept (confidence.RECOVERY_WEIGHTS), so that a confidence means the chance of
   a link the editors keep in both modes. The protocol hides links, so a page nothing links to (an orphan) is
   never a hidden link's target: fitted as it is, the model would learn that orphans get no links (their title
   mentions would count against every title). The recovery fit therefore holds an "orphan target" term that
   soaks that up and is not shipped: the engine gives a suggestion to an orphan the cold-start confidence
   (the site's links say nothing about a page they never reach; README: orphans keep the suggestions their
   title mentions earn).
Prints the fitted weights (to be rounded by hand into confidence.py) and, for the weights currently in
confidence.py, a reliability table (predicted vs observed share of real links per bin).

Run: python3 bench/fit_confidence.py [--variant plain|html ...]   (default: both variants)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))

import itertools

from eval_links import CORPORA, GIVEN_SHARE, load_corpus, split_links

from inlink.links.confidence import RECOVERY_WEIGHTS, WEIGHTS
from inlink.links.suggest import AnalysisConfig, build_index, page_choices

PER_PAGE = 20
ORPHAN = "orphan_target"   # the recovery fit's nuisance term (see above)


def labelled_choices(name: str, variant: str, mode: str, share: float = GIVEN_SHARE,
                     ) -> tuple[list[dict], list[int], list[float]]:
    """(features, label, current confidence) of every choice the engine makes with no floor (recovery: with
    `share` of the links given)."""
    site = load_corpus(name, variant)
    if mode == "cold":
        given, truth = site.links.iloc[0:0], site.links
    else:
        given, truth = split_links(site.links, share)
    real = set(zip(truth["source"], truth["destination"]))
    index = build_index(SimpleNamespace(pages=site.pages, links=given, report=site.report),
                        AnalysisConfig(max_per_page=PER_PAGE, min_confidence=0.0))
    feats, labels, confs = [], [], []
    for source in np.flatnonzero(index.is_source):
        chosen, _row = page_choices(index, int(source))
        for choice in chosen:
            feats.append(choice.features | {ORPHAN: float(index.inbound_before[choice.item.target] == 0)})
            labels.append(int((index.urls[int(source)], index.urls[choice.item.target]) in real))
            confs.append(choice.confidence)
    return feats, labels, confs


def main(argv=None) -> None:
    from sklearn.linear_model import LogisticRegression

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", action="append", choices=("plain", "html"))
    args = parser.parse_args(argv)
    names = sorted(set(WEIGHTS) | set(RECOVERY_WEIGHTS) | {"links_given", ORPHAN})
    X, y, conf, group = [], [], [], []
    runs = [(c, v, m, s) for c in CORPORA for v in args.variant or ("plain", "html")
            for m, s in (("cold", 1.0), ("recovery", GIVEN_SHARE))]
    for corpus, variant, mode, share in runs:
        feats, labels, confs = labelled_choices(corpus, variant, mode, share)
        X += [[f[n] for n in names] for f in feats]
        y += labels
        conf += confs
        group += [f"{corpus} {variant} {mode}" + (f" {share:.0%} given" if mode != "cold" else "")] * len(labels)
    X, y, conf, group = np.array(X), np.array(y), np.array(conf), np.array(group)
    # each corpus x mode weighs the same in the fit, whatever its number of rows
    cold = np.char.find(group.astype(str), " cold") >= 0
    weights = np.ones(len(y))
    for g in set(group):
        weights[group == g] = len(y) / (len(set(group)) * (group == g).sum())
    for label, rows, now in (("cold start", cold, WEIGHTS), ("recovery", ~cold, RECOVERY_WEIGHTS | {ORPHAN: "not shipped"})):
        fitted = list(now)
        columns = [names.index(n) for n in fitted]
        model = LogisticRegression(C=1.0, max_iter=2000).fit(X[rows][:, columns], y[rows],
                                                              sample_weight=weights[rows])
        print(f"fitted weights, {label}:")
        for name, weight in zip(fitted, model.coef_[0]):
            print(f"    {name!r}: {weight:.2f},   (now {now[name]})")
        print(f"    bias: {model.intercept_[0]:.2f}")
    print("\nreliability of the current confidence (bin: rows, predicted, observed) per corpus x mode:")
    bins = [0, 0.1, 0.2, 0.3, 0.45, 0.6, 0.7, 0.8, 0.9, 1.01]
    orphan = X[:, names.index(ORPHAN)] > 0
    for g in sorted(set(group)):
        _reliability_line(f"  {g}", group == g, conf, y, bins)
        if " cold" not in g:   # what the protocol can measure: targets the given links reach
            _reliability_line("      (orphan targets left out)", (group == g) & ~orphan, conf, y, bins)


def _reliability_line(label: str, mask: np.ndarray, conf: np.ndarray, y: np.ndarray, bins: list[float]) -> None:
    cells = []
    for lo, hi in itertools.pairwise(bins):
        sel = mask & (conf >= lo) & (conf < hi)
        if sel.any():
            cells.append(f"[{lo:.2f},{hi:.2f}) {sel.sum()} {conf[sel].mean():.2f}/{y[sel].mean():.2f}")
    print(f"{label}: " + "  ".join(cells))


if __name__ == "__main__":
    main()
