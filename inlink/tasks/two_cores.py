"""A job's offline pages on two cores: the job's thread analyses them in order, each checkpointed as usual, while
a forked child analyses the last ones backwards (second_core.FromBothEnds); the rows are the same as on one core.

Only where a page's rows do not depend on the pages before it: the offline engine with no inbound cap per target
(analyzer.inbound_capped). Gemini pages run on threads already (they wait on the network, not the CPU).

Measured (bench/bench_engine.py --one-core, same run): docs corpus pages step 1.0 s -> 0.55-0.6 s, 10k-page site
44.6 s -> 27.1 s. Forking before the index so that the child built its own (no copy-on-write sharing) gained nothing
more and doubled the memory, so the child shares the parent's index.
"""
from __future__ import annotations

from functools import partial
from typing import Callable

from inlink import second_core
from inlink.links import suggest as analyzer

#: With fewer pages than this, the fork and the child's answer cost more than a second core saves.
MIN_PAGES = 48
#: Pages analysed here between two looks for an idle second core while other programs keep it busy: a look costs
#: 2.5 ms then (second_core._a_cpu_idle), 64 pages about 0.2 s (docs corpus, one core: 8 looks, 0.02 s).
RECHECK_PAGES = 64


class PagesOnTwoCores:
    """PageAnalyzer.rows_for, with the second core taking the last pages when it can (see the module docstring).

    The child is forked after the first page was analysed here, so every module and cache the pages use is loaded
    before the fork (second_core's rule: the child imports nothing); or later, when the second core was busy with
    other programs' work then (_may_fork_after)."""

    def __init__(self, page_analyzer, sources: list[str], paced: bool = False):
        self._pages = page_analyzer
        self._sources = sources
        self._position = {url: at for at, url in enumerate(sources)}
        # `paced`: the job pauses after each page (a demonstration's throttle): a child would run through its half
        # unpaced, and the panel's pace read thousands of pages a minute, then a few hundred
        self._eligible = (page_analyzer.gemini is None and not analyzer.inbound_capped(page_analyzer.index)
                          and len(sources) >= MIN_PAGES and not paced)
        self._split: second_core.FromBothEnds | None = None
        self._next_check = 0   # the page after which a fork is next considered (_may_fork_after)
        self._failure_said = False

    @property
    def index(self) -> analyzer.LinkIndex:
        return self._pages.index

    def rows_for(self, url: str, count: Callable[..., None] | None = None) -> list[dict]:
        at = self._position.get(url)
        if self._split is None or at is None:
            rows = self._pages.rows_for(url, count)
            if at is not None and self._may_fork_after(at):
                self._split = self._fork(at + 1)
            return rows
        rows = self._split.take(at, partial(analyzer.page_rows, self.index, url))
        analyzer.record_page(self.index, url, rows)
        return rows

    def failure(self) -> str | None:
        """Why the second core gave no pages (this process analysed them instead: the same rows, slower), once:
        None before, after it was said, or when nothing failed."""
        split = self._split
        if split is None or split.failure is None or self._failure_said:
            return None
        self._failure_said = True
        return split.failure

    def ahead(self) -> int:
        """Pages the child has analysed that this process has not taken yet (for the job's rate and time left)."""
        split = self._split
        return split.ahead() if split is not None else 0

    def close(self) -> None:
        """The run has ended (done, paused, stopped, failed): the child, if any, is killed."""
        if self._split is not None:
            self._split.close()
            self._split = None

    def _may_fork_after(self, at: int) -> bool:
        """Whether to fork now, after the page at `at` was analysed here: after the first page, then every
        RECHECK_PAGES pages while the second core was busy with other programs' work (second_core.usable), as long
        as MIN_PAGES pages are left. Why again: a machine busy when the pages began is often idle a second later
        (another session's tests between two of them), and one core took the whole step. Measured (docs corpus, two
        busy loops in another session, stopped just after the first look; 4 jobs each): pages step 1.27-1.50 s,
        median 1.37, looking once; 0.99-1.18 s, median 1.07, looking again."""
        if not self._eligible or at < self._next_check or len(self._sources) - at - 1 < MIN_PAGES:
            return False
        self._next_check = at + RECHECK_PAGES
        return second_core.usable()

    def _fork(self, first: int) -> second_core.FromBothEnds:
        index, sources = self.index, self._sources
        return second_core.FromBothEnds(lambda: (sources, partial(analyzer.page_rows, index)), first=first)
