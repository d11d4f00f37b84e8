"""How the confidence weights in inlink/links/confidence.py were obtained (kept so they can be re-checked).

Runs the engine with no floor on the development corpora (cold start and recovery, seed 7, as eval_links.py),
labels each suggestion 1 when it is a real link (recovery: one of the hidden 20%), and fits in two stages:
1. cold start (what the site's editors linked, every link counts): one logistic regression on the features
   that need no existing links, the two corpora weighted equally, L2 penalty;
2. recovery: only the weights of the link-dictionary features, with stage 1's logit as a fixed offset and
   an intercept of their own that absorbs the lower base rate (only 20% of the links are left to find) and
   is not kept. Prints the fitted weights (to be rounded by hand into confidence.WEIGHTS) and, for the weights
currently in confidence.py, a reliability table (predicted vs observed share of real links per bin).

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

from eval_links import CORPORA, load_corpus, split_links

from inlink.links.confidence import WEIGHTS
from inlink.links.suggest import AnalysisConfig, build_index, page_choices

PER_PAGE = 20
DICTIONARY_FEATURES = ("dictionary_share", "dictionary_links", "link_probability", "never_linked")


def _fit_with_offset(X: np.ndarray, y: np.ndarray, offset: np.ndarray) -> dict[str, float]:
    """Logistic weights of the dictionary features on top of a fixed logit (plus a free intercept)."""
    from scipy.optimize import minimize

    def loss(params):
        z = offset + params[0] + X @ params[1:]
        return float(np.mean(np.logaddexp(0, z) - y * z) + 0.01 * np.sum(params[1:] ** 2))

    result = minimize(loss, np.zeros(X.shape[1] + 1), method="L-BFGS-B")
    return dict(zip(DICTIONARY_FEATURES, result.x[1:]))


def labelled_choices(name: str, variant: str, mode: str) -> tuple[list[dict], list[int], list[float]]:
    """(features, label, current confidence) of every choice the engine makes with no floor."""
    site = load_corpus(name, variant)
    if mode == "cold":
        given, truth = site.links.iloc[0:0], site.links
    else:
        given, truth = split_links(site.links)
    real = set(zip(truth["source"], truth["destination"]))
    index = build_index(SimpleNamespace(pages=site.pages, links=given, report=site.report),
                        AnalysisConfig(max_per_page=PER_PAGE, min_confidence=0.0))
    feats, labels, confs = [], [], []
    for source in np.flatnonzero(index.is_source):
        chosen, _row = page_choices(index, int(source))
        for choice in chosen:
            feats.append(choice.features)
            labels.append(int((index.urls[int(source)], index.urls[choice.item.target]) in real))
            confs.append(choice.confidence)
    return feats, labels, confs


def main(argv=None) -> None:
    from sklearn.linear_model import LogisticRegression

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", action="append", choices=("plain", "html"))
    args = parser.parse_args(argv)
    names = list(WEIGHTS)
    X, y, conf, group = [], [], [], []
    for corpus, variant, mode in [(c, v, m) for c in CORPORA for v in args.variant or ("plain", "html")
                                  for m in ("cold", "recovery")]:
        if True:
            feats, labels, confs = labelled_choices(corpus, variant, mode)
            X += [[f[n] for n in names] for f in feats]
            y += labels
            conf += confs
            group += [f"{corpus} {variant} {mode}"] * len(labels)
    X, y, conf, group = np.array(X), np.array(y), np.array(conf), np.array(group)
    # each corpus x mode weighs the same in the fit, whatever its number of rows
    cold = np.char.endswith(group.astype(str), "cold")
    weights = np.ones(len(y))
    for g in set(group):
        weights[group == g] = len(y) / (len(set(group)) * (group == g).sum())
    plain = [i for i, n in enumerate(names) if n not in DICTIONARY_FEATURES]
    model = LogisticRegression(C=1.0, max_iter=2000).fit(X[cold][:, plain], y[cold], sample_weight=weights[cold])
    fitted = dict(zip([names[i] for i in plain], model.coef_[0]))
    offset = X[~cold][:, plain] @ model.coef_[0] + model.intercept_[0]
    fitted.update(_fit_with_offset(X[~cold][:, [names.index(n) for n in DICTIONARY_FEATURES]], y[~cold], offset))
    print("fitted weights:")
    for name in names:
        print(f"    {name!r}: {fitted[name]:.2f},   (now {WEIGHTS[name]})")
    print(f"    bias: {model.intercept_[0]:.2f}")
    print("\nreliability of the current confidence (bin: rows, predicted, observed) per corpus x mode:")
    bins = [0, 0.1, 0.2, 0.3, 0.45, 0.6, 0.7, 0.8, 0.9, 1.01]
    for g in sorted(set(group)):
        mask = group == g
        cells = []
        for lo, hi in itertools.pairwise(bins):
            sel = mask & (conf >= lo) & (conf < hi)
            if sel.any():
                cells.append(f"[{lo:.2f},{hi:.2f}) {sel.sum()} {conf[sel].mean():.2f}/{y[sel].mean():.2f}")
        print(f"  {g}: " + "  ".join(cells))


if __name__ == "__main__":
    main()
