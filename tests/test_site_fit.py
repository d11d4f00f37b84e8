"""bench/site_fit.py's per-site fit of the recovery weights: regularised toward the global weights, deterministic,
and its level set back to a given mean."""
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from site_fit import _chance, fit_toward, levelled


def _site(rows: int = 4000, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Two features: the first raises the chance of a link (weight 1.5), the second says nothing."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, 2))
    y = (rng.random(rows) < 1.0 / (1.0 + np.exp(-(1.5 * X[:, 0] - 2.0)))).astype(float)
    return X, y


def test_without_rows_the_global_weights_stand():
    prior = np.array([0.4, -0.2, -1.0])
    assert np.array_equal(fit_toward(np.zeros((0, 2)), np.zeros(0), prior, 10.0), prior)


def test_the_fit_is_deterministic():
    X, y = _site()
    prior = np.zeros(3)
    assert np.array_equal(fit_toward(X, y, prior, 3.0), fit_toward(X, y, prior, 3.0))


def test_the_site_moves_the_weights_less_the_stronger_the_pull_toward_the_global_ones():
    X, y = _site()
    prior = np.array([0.0, 0.0, -2.0])
    loose, tight, rigid = (fit_toward(X, y, prior, lam) for lam in (0.1, 300.0, 1e9))
    assert 1.3 < loose[0] < 1.7 and abs(loose[1]) < 0.15      # the site's own evidence, found
    assert 0.0 < tight[0] < loose[0]                            # pulled toward the prior's 0
    assert np.allclose(rigid[:2], prior[:2], atol=1e-4)         # held at the global weights


def test_the_level_is_set_back_to_the_given_mean():
    X, y = _site()
    beta = fit_toward(X, y, np.zeros(3), 3.0)
    moved = levelled(beta, X, 0.3)
    assert abs(_chance(moved, X).mean() - 0.3) < 1e-6
    assert np.array_equal(moved[:2], beta[:2])                  # the order of the rows is the site's
