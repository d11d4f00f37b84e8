"""Link-neighbourhood evidence: how much more the pages most like the source link a target than the site does."""
import math

import numpy as np

from inlink.links.neighbourhood import LIFT_SMOOTHING, LinkNeighbourhood

# pages 0-5; 1 and 2 (the source's neighbours) link 4; 3 links 5; nothing links 0 (an orphan)
PAIRS = {(1, 4), (2, 4), (3, 5), (3, 4), (1, 2)}


def test_a_target_the_neighbours_link_gains_and_one_they_ignore_loses():
    hood = LinkNeighbourhood.from_links(PAIRS, pages=6, sources=6)
    lifts, linking = hood.lifts(np.array([1, 2, -1]), np.array([0.5, 0.5, 0.0]), [4, 5, 0])
    share_4, base_4 = 1.0, 3 / 6   # both neighbours link 4; three of six pages do
    assert math.isclose(lifts[0], math.log((share_4 + LIFT_SMOOTHING) / (base_4 + LIFT_SMOOTHING)), rel_tol=1e-6)
    assert lifts[1] < 0 < lifts[0]   # 5: linked elsewhere, never by the neighbours
    assert lifts[2] == 0.0           # an orphan: no verdict either way
    assert linking == [2, 0, 0]


def test_closer_neighbours_weigh_more():
    hood = LinkNeighbourhood.from_links(PAIRS, pages=6, sources=6)
    near, _ = hood.lifts(np.array([3, 1]), np.array([0.9, 0.1]), [5])
    far, _ = hood.lifts(np.array([3, 1]), np.array([0.1, 0.9]), [5])
    assert near[0] > far[0]


def test_no_neighbours_or_no_links_say_nothing():
    hood = LinkNeighbourhood.from_links(PAIRS, pages=6, sources=6)
    assert hood.lifts(np.array([-1, -1]), np.zeros(2), [4, 5]) == ([0.0, 0.0], [0, 0])
    empty = LinkNeighbourhood.from_links(set(), pages=3, sources=3)
    assert empty.lifts(np.array([1, 2]), np.array([0.5, 0.5]), [0, 1, 2]) == ([0.0] * 3, [0] * 3)
