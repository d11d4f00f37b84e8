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


def _two_neighbourhoods_site():
    """Kitchen notes mention "copper pans" and link it to its page, garden notes mention "clay pots" and link it to
    its page, each on four of eight pages: the site links both phrases equally often. A new kitchen note
    (a new garden note) mentions both once; workshop notes mention neither. ("copper pans", the longer phrase,
    wins when nothing else tells them apart.)"""
    from test_analyzer import FILLER, make_site

    kitchen = "simmer the stock, whisk the sauce, knead the dough and sear the fillets while copper pans heat. "
    garden = "prune the roses, mulch the beds, sow the seeds and rake the leaves while clay pots dry. "
    pages = [{"path": f"{group}{i}", "title": f"{group.title()} note {i}", "content": f"Note {i}: {words}{FILLER}"}
             for group, words in (("kitchen", kitchen), ("garden", garden)) for i in range(8)]
    pages += [{"path": f"workshop{i}", "title": f"Workshop note {i}",
               "content": f"Note {i}: plane the boards, drill the holes, sand the edges. {FILLER}"} for i in range(12)]
    pages += [{"path": "pans", "title": "Copper Pans", "content": "All about copper pans. " + FILLER},
              {"path": "pots", "title": "Clay Pots", "content": "All about clay pots. " + FILLER},
              {"path": "src", "title": "Garden note 8", "content": f"Note 8: {garden}We hang copper pans by the door. "
                                                                    + FILLER}]
    links = [(f"kitchen{i}", "pans", "copper pans") for i in range(4)]
    links += [(f"garden{i}", "pots", "clay pots") for i in range(4)]
    links += [(f"{group}{i}", f"{group}{i + 1}", f"{group.title()} note {i + 1}")
              for group in ("kitchen", "garden") for i in range(7)]
    return make_site(pages, links)


def test_with_links_given_the_target_pages_like_the_source_link_ranks_first():
    from test_analyzer import BASE, from_page, suggestions

    from inlink.links.suggest import AnalysisConfig

    rows = from_page(suggestions(_two_neighbourhoods_site(), AnalysisConfig(min_confidence=0.0)), "src")
    order = [r["Destination"] for r in rows]
    assert order.index(BASE + "pots") < order.index(BASE + "pans")
    pots, pans = (next(r for r in rows if r["Destination"] == BASE + name) for name in ("pots", "pans"))
    assert pots["Score"] > pans["Score"] and pots["Confidence"] > pans["Confidence"]
    assert "4 of the pages most like this one link to it" in pots["Reason"]
    assert "pages most like this one" not in pans["Reason"]


def test_reciprocity_says_whether_the_target_links_the_source_back():
    hood = LinkNeighbourhood.from_links(PAIRS, pages=6, sources=6)
    assert hood.links_back(2, [1, 3, 4]) == [True, False, False]   # 1 links 2; 3 and 4 do not
    assert hood.links_back(0, [1, 2]) == [False, False]             # nothing links 0
    assert hood.linked_by(4).tolist() == [1, 2, 3]


def test_coupled_pages_are_those_that_link_what_the_source_links():
    # 1 and 2 both link 4; 3 links 4 and 5; so 1's coupled pages are 2 and 3, and 3 links 5
    hood = LinkNeighbourhood.from_links(PAIRS, pages=6, sources=6)
    lifts, linking = hood.coupled(1, [5, 0])
    assert linking == [1, 0]
    assert lifts[0] > 0 and lifts[1] == 0.0    # 5: linked by a coupled page; 0: an orphan
    assert hood.coupled(0, [4]) == ([0.0], [0])   # a page that links nothing is coupled to none


def test_a_hub_target_couples_no_pages():
    # page 4 is linked from 3 pages: with hubs cut at 2 in-links, 1 shares nothing but the hub with 2 and 3
    hood = LinkNeighbourhood.from_links(PAIRS, pages=6, sources=6)
    assert hood.coupled(1, [5], hub=3)[1] == [1]
    assert hood.coupled(1, [5], hub=2) == ([0.0], [0])


def test_counting_over_the_linked_pages_only_gives_the_site_long_counts_floats(monkeypatch):
    """A page's evidence is counted over the pages its entries name (a large site) or over every page (a small
    one): the same lifts and counts to the last bit, ties among coupled pages going to the lower page number."""
    import inlink.links.neighbourhood as neighbourhood

    rng = np.random.default_rng(7)
    pages = 300
    pairs = {(int(s), int(d)) for s, d in rng.integers(0, pages, (3000, 2)) if s != d}
    pairs |= {(s, d) for s in range(pages) for d in (5, 17) if s != d}   # two pages every page links: ties
    hood = LinkNeighbourhood.from_links(pairs, pages=pages, sources=pages)
    asks = [(int(source), rng.integers(-1, pages, 12), rng.random(12), rng.integers(0, pages, 15).tolist())
            for source in rng.integers(0, pages, 40)]

    def answers():
        return [(hood.lifts(neighbours, sims, targets), hood.coupled(source, targets))
                for source, neighbours, sims, targets in asks]

    monkeypatch.setattr(neighbourhood, "SITE_LONG_COUNTS", 10 ** 9)
    site_long = answers()
    monkeypatch.setattr(neighbourhood, "SITE_LONG_COUNTS", 0)
    assert answers() == site_long
    assert any(count for (_lifts, counts), _coupled in site_long for count in counts)
