"""The second core (inlink/second_core.py, tasks/two_cores.py): a forked child's answer, every way it can fail
(raise, die, hang), its death with its parent (a real kill -9) and with an abandoned run, and a job on two cores
writing the rows of one core."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from inlink import second_core
from inlink.second_core import ForkFailed, Forked, FromBothEnds
from inlink.links import suggest as analyzer
from inlink.tasks import analysis as link_task
from inlink.tasks import two_cores
from waiting import wait_for

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT.parent / "shared/corpora/python-docs-3.11/pages.csv.gz"
SAMPLE_PAGES = ROOT / "sample_data" / "pages.csv"

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the second core needs fork (Linux)")


def _gone(pid: int) -> bool:
    """The process has ended: reaped, or a zombie nobody reaps (its parent was killed)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] in (b"Z", b"X")
    except (FileNotFoundError, ProcessLookupError):
        return True


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_a_forked_child_answers_from_its_own_process():
    child = Forked(lambda progress: (os.getpid(), {"pages": [1, 2, 3]}))
    pid, value = child.result()
    assert pid == child.pid != os.getpid()
    assert value == {"pages": [1, 2, 3]}
    assert _reaped(child.pid)


def test_a_child_that_raises_is_a_plain_failure_and_is_reaped():
    def work(progress):
        raise ValueError("bad page")
    child = Forked(work)
    with pytest.raises(ForkFailed, match="ValueError: bad page"):
        child.result()
    assert _reaped(child.pid)


def test_a_child_that_dies_without_an_answer_is_a_failure():
    child = Forked(lambda progress: os._exit(3))
    with pytest.raises(ForkFailed, match="without an answer"):
        child.result()


def test_a_child_that_stops_making_progress_is_killed():
    child = Forked(lambda progress: threading.Event().wait(), stall_s=0.5)   # hangs: never answers, never beats
    with pytest.raises(ForkFailed, match="no progress"):
        child.result()
    assert _reaped(child.pid)


def test_no_pipe_or_no_fork_is_a_plain_failure(monkeypatch):
    """Out of file descriptors or processes: ForkFailed (the caller computes the items itself), not an OSError that
    would fail the job."""
    def refused():
        raise OSError(24, "Too many open files")
    monkeypatch.setattr(os, "pipe", refused)
    with pytest.raises(ForkFailed, match="pipe"):
        Forked(lambda progress: 1)
    monkeypatch.undo()
    monkeypatch.setattr(os, "fork", refused)
    with pytest.raises(ForkFailed, match="fork"):
        Forked(lambda progress: 1)


def test_ForkFailed_is_a_runtime_error():
    assert issubclass(ForkFailed, RuntimeError)


def test_one_core_when_asked(monkeypatch):
    monkeypatch.setenv(second_core.WORKERS_ENV, "1")
    assert not second_core.usable()


def test_one_child_at_a_time_on_two_cores(monkeypatch):
    """Two jobs at once on a two-core machine: the second finds the other core taken and stays on its own."""
    monkeypatch.setattr(second_core, "usable_cores", lambda: 2)
    monkeypatch.setattr(second_core, "_memory_mib", lambda: (100.0, 8000.0))
    monkeypatch.setattr(second_core, "_a_cpu_idle", lambda: True)   # even while other programs keep it busy
    assert second_core.usable()
    child = Forked(lambda progress: threading.Event().wait())
    try:
        assert not second_core.usable()
    finally:
        child.cancel()
    assert second_core.usable()


def test_the_usable_cores_are_the_affinity_capped_by_a_cgroup_quota(monkeypatch, tmp_path):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(8)))
    monkeypatch.setattr(second_core, "CPU_MAX", tmp_path / "cpu.max")     # no cgroup file: the affinity
    assert second_core.usable_cores() == 8
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert second_core.usable_cores() == 8
    (tmp_path / "cpu.max").write_text("150000 100000\n")                  # 1.5 CPUs: two cores busy at times
    assert second_core.usable_cores() == 2
    (tmp_path / "cpu.max").write_text("50000 100000\n")                   # half a CPU: one, so no second core
    assert second_core.usable_cores() == 1
    monkeypatch.setattr(second_core, "_memory_mib", lambda: (100.0, 8000.0))
    assert not second_core.usable()


def test_no_second_core_while_other_programs_keep_every_other_cpu_busy(monkeypatch):
    """The kernel's count of runnable threads (the caller among them), read three times: a child only when some
    read leaves a CPU besides the caller's; a thread runnable in one read only is a blip."""
    monkeypatch.setattr(second_core, "usable_cores", lambda: 2)
    monkeypatch.setattr(second_core, "_memory_mib", lambda: (100.0, 8000.0))
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    reads = iter(())
    monkeypatch.setattr(second_core, "_runnable_now", lambda: next(reads))
    reads = iter([3, 2, 2])                 # another program's thread runnable in every read: no child
    assert not second_core._a_cpu_idle()
    reads = iter([2, 1, 2])                 # runnable in two reads of three: a blip, the other CPU is free
    assert second_core._a_cpu_idle()
    reads = iter([2, 2, 2])
    assert not second_core.usable()
    monkeypatch.setattr(os, "cpu_count", lambda: 4)   # two CPUs left of four: a child
    reads = iter([3, 3, 3])
    assert second_core.usable()
    reads = iter([None])                    # no count to read (not Linux): as before it was read
    assert second_core._a_cpu_idle()


def test_the_runnable_threads_are_read_from_the_kernels_load_figures(monkeypatch, tmp_path):
    monkeypatch.setattr(second_core, "LOADAVG", tmp_path / "loadavg")
    assert second_core._runnable_now() is None
    (tmp_path / "loadavg").write_text("0.50 0.40 0.30 3/120 4242\n")
    assert second_core._runnable_now() == 3
    monkeypatch.undo()
    assert second_core._runnable_now() is None or second_core._runnable_now() >= 1   # this thread, reading


def test_no_second_core_for_a_process_too_big_to_copy(monkeypatch):
    monkeypatch.setattr(second_core, "usable_cores", lambda: 4)
    monkeypatch.setattr(second_core, "_memory_mib", lambda: (second_core.MAX_PARENT_MIB + 1.0, 64000.0))
    assert not second_core.usable()
    monkeypatch.setattr(second_core, "_memory_mib", lambda: (600.0, 1000.0))   # the machine has no room for it
    assert not second_core.usable()


def _marked_compute(marker: Path, parent: int, child_action=None):
    """compute(key) for FromBothEnds: (key * 2, the pid that computed it); in the child, the first call writes
    `marker` (the child's pid, whole: written aside and renamed, as the kill -9 test below does; a CI run read the
    marker created but still empty) and then runs `child_action`, if any."""
    def compute(key: str):
        if os.getpid() != parent and not marker.exists():
            written = marker.with_name(marker.name + ".tmp")
            written.write_text(str(os.getpid()))
            os.replace(written, marker)
            if child_action is not None:
                child_action()
        return int(key) * 2, os.getpid()
    return compute


def test_both_ends_give_every_item_once_in_order_the_last_from_the_child(tmp_path):
    keys = [str(n) for n in range(200)]
    parent, marker = os.getpid(), tmp_path / "child"
    compute = _marked_compute(marker, parent)
    split = FromBothEnds(lambda: (keys, compute))
    try:
        answers = []
        for at, key in enumerate(keys):
            if at == 0:
                wait_for(marker.exists, what="the child's first item")   # the gate: the child has started
                wait_for(lambda: split.ahead() >= 1, what="the child's items counted as ahead")
            answers.append(split.take(at, lambda key=key: compute(key)))
    finally:
        split.close()
    assert [value for value, _pid in answers] == [n * 2 for n in range(200)]
    child = int(marker.read_text())
    by = [pid for _value, pid in answers]
    assert by[-1] == child and by[0] == parent
    first_of_child = by.index(child)
    assert set(by[first_of_child:]) == {child}       # one meeting point: the child's part is the end
    assert _gone(child)


def test_the_child_computes_its_items_strictly_backwards(tmp_path):
    """Backwards item by item, not a claim's items forwards: a cache growing along the reading order (the link
    engine's mention chunks) then grows backwards instead of starting again at each claim."""
    keys = [str(n) for n in range(120)]
    parent, seen = os.getpid(), tmp_path / "seen"

    def compute(key: str):
        if os.getpid() != parent:
            with seen.open("a") as out:
                out.write(key + "\n")
        return int(key)

    split = FromBothEnds(lambda: (keys, compute))
    try:
        wait_for(lambda: seen.exists() and len(seen.read_text().split()) >= 8, what="the child's first items")
        answers = [split.take(at, lambda key=key: compute(key)) for at, key in enumerate(keys)]
    finally:
        split.close()
    assert answers == list(range(120))
    order = [int(key) for key in seen.read_text().split()]
    assert order[:8] == list(range(119, 111, -1)) and order == sorted(order, reverse=True)


def test_what_a_dead_child_left_is_computed_here(tmp_path):
    keys = [str(n) for n in range(60)]
    parent, marker = os.getpid(), tmp_path / "child"
    compute = _marked_compute(marker, parent, child_action=lambda: os._exit(1))   # dies inside its first claim
    split = FromBothEnds(lambda: (keys, compute))
    try:
        wait_for(marker.exists, what="the child's first item")
        child = int(marker.read_text())
        wait_for(lambda: _gone(child), what="the child's death")
        answers = [split.take(at, lambda key=key: compute(key)) for at, key in enumerate(keys)]
    finally:
        split.close()
    assert answers == [(n * 2, parent) for n in range(60)]


def test_closing_kills_a_child_still_at_work(tmp_path):
    keys = [str(n) for n in range(60)]
    parent, marker = os.getpid(), tmp_path / "child"
    compute = _marked_compute(marker, parent, child_action=lambda: threading.Event().wait())
    split = FromBothEnds(lambda: (keys, compute))
    wait_for(marker.exists, what="the child's first item")
    child = int(marker.read_text())
    assert not _gone(child)
    split.close()
    assert _reaped(child) and _gone(child)


def test_the_child_dies_with_its_parent_on_kill_9(tmp_path):
    """A real process forks its child, then is SIGKILLed: the child does not live on (PR_SET_PDEATHSIG)."""
    marker = tmp_path / "child"
    script = textwrap.dedent(f"""
        import os, sys, threading
        sys.path.insert(0, {str(ROOT)!r})
        from inlink.second_core import FromBothEnds
        marker, parent = {str(marker)!r}, os.getpid()
        def compute(key):
            if os.getpid() != parent:
                open(marker + ".tmp", "w").write(str(os.getpid()))
                os.replace(marker + ".tmp", marker)
                threading.Event().wait()
            return key
        split = FromBothEnds(lambda: (["a"] * 100, compute))
        threading.Event().wait()
    """)
    worker = subprocess.Popen([sys.executable, "-c", script])
    try:
        wait_for(marker.exists, what="the child's first item")
        child = int(marker.read_text())
        assert not _gone(child)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=60)
        wait_for(lambda: _gone(child), timeout=30, what="the orphaned child's end")
    finally:
        if worker.poll() is None:
            worker.kill()


def _a_child_that_fails(monkeypatch):
    """Offline runs on the sample site use a second core whose child raises on its first page; returns the real
    page_rows to put back."""
    parent, page_rows = os.getpid(), analyzer.page_rows

    def failing_in_the_child(*args, **kwargs):
        if os.getpid() != parent:
            raise RuntimeError("a page the child could not analyse")
        return page_rows(*args, **kwargs)
    monkeypatch.setattr(two_cores, "MIN_PAGES", 2)                  # the sample site's 45 pages are enough here
    monkeypatch.setattr(second_core, "usable", lambda: True)
    monkeypatch.setattr(analyzer, "page_rows", failing_in_the_child)
    return page_rows


def test_a_second_core_that_gives_no_pages_is_said_in_the_job_events_and_changes_no_row(manager, monkeypatch):
    """A child that fails (here it raises on its first page; a hung one is killed after STALL_S) is no longer taken
    back in silence: the job's events say once that the second core gave no pages, and the rows are one core's."""
    page_rows = _a_child_that_fails(monkeypatch)
    failed = link_task.start_analysis(manager, SAMPLE_PAGES, pages_name="pages.csv")
    assert manager.wait(failed, timeout=120)["status"] == "completed"
    said = [e["message"] for e in manager.events(failed, limit=500) if "second CPU core" in e["message"]]
    assert len(said) == 1 and "RuntimeError: a page the child could not analyse" in said[0], said
    monkeypatch.setattr(analyzer, "page_rows", page_rows)
    monkeypatch.setattr(second_core, "usable", lambda: False)
    one = link_task.start_analysis(manager, SAMPLE_PAGES, pages_name="pages.csv")
    assert manager.wait(one, timeout=120)["status"] == "completed"
    assert manager.results_csv(failed) == manager.results_csv(one)
    assert not [e for e in manager.events(one, limit=500) if "second CPU core" in e["message"]]


def test_pages_begun_on_a_busy_machine_take_the_second_core_once_it_is_idle(manager, monkeypatch):
    """The second core busy with other programs' work at the first page (second_core.usable: False), idle at a
    later look: the child is forked then and takes the last pages from there; the rows are one core's."""
    forks, looks = [], []
    made = second_core.FromBothEnds.__init__

    def counted(self, *args, first=0, **kwargs):
        forks.append(first)
        made(self, *args, first=first, **kwargs)

    def idle_at_the_third_look():
        looks.append(True)
        return len(looks) >= 3
    monkeypatch.setattr(two_cores, "MIN_PAGES", 2)
    monkeypatch.setattr(two_cores, "RECHECK_PAGES", 5)
    monkeypatch.setattr(second_core.FromBothEnds, "__init__", counted)
    monkeypatch.setattr(second_core, "usable", idle_at_the_third_look)
    later = link_task.start_analysis(manager, SAMPLE_PAGES, pages_name="pages.csv")
    assert manager.wait(later, timeout=120)["status"] == "completed"
    assert forks == [11] and len(looks) == 3      # looked after pages 0, 5 and 10; forked for page 11 on
    monkeypatch.setattr(second_core, "usable", lambda: False)
    one = link_task.start_analysis(manager, SAMPLE_PAGES, pages_name="pages.csv")
    assert manager.wait(one, timeout=120)["status"] == "completed"
    assert manager.results_csv(later) == manager.results_csv(one)


def test_a_job_paced_after_each_page_stays_on_one_core(manager, monkeypatch):
    """A demonstration's throttle paces the job's thread only: a child ran through its half unpaced, and the
    panel's pace read thousands of pages a minute, then a few hundred. (A child here would fail, and say so.)"""
    _a_child_that_fails(monkeypatch)
    paced = link_task.start_analysis(manager, SAMPLE_PAGES, pages_name="pages.csv", options={"throttle_s": 0.001})
    assert manager.wait(paced, timeout=120)["status"] == "completed"
    assert not [e for e in manager.events(paced, limit=500) if "second CPU core" in e["message"]]

def test_suggest_in_the_foreground_says_a_second_core_that_gave_no_pages(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from inlink.cli import cli

    _a_child_that_fails(monkeypatch)
    out = tmp_path / "rows.csv"
    result = CliRunner().invoke(cli, ["suggest", str(SAMPLE_PAGES), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert ("note: the second CPU core gave no pages (the child failed: RuntimeError: a page the child could not "
            "analyse): they were analysed on one core, with the same results") in result.output
    assert out.read_bytes().count(b"\n") > 10


@pytest.mark.skipif(not DOCS.exists(), reason="needs ../shared/corpora/python-docs-3.11")
def test_a_job_on_two_cores_writes_the_rows_of_one_core(manager, monkeypatch):
    """The docs corpus as a job: the pages split between the job's thread and a forked child give the CSV that one
    core gives, byte for byte."""
    forks = []
    made = two_cores.PagesOnTwoCores._fork

    def counted(self, *args, **kwargs):   # the pages' split (the index's blocks have their own: page_blocks.py)
        forks.append(made(self, *args, **kwargs))
        return forks[-1]
    monkeypatch.setattr(two_cores.PagesOnTwoCores, "_fork", counted)
    monkeypatch.setattr(second_core, "usable", lambda: True)   # even on a one-core or busy machine
    two = link_task.start_analysis(manager, DOCS, pages_name="pages.csv.gz")
    assert manager.wait(two, timeout=240)["status"] == "completed"
    assert len(forks) == 1
    monkeypatch.setenv(second_core.WORKERS_ENV, "1")
    monkeypatch.setattr(second_core, "usable", lambda: False)
    one = link_task.start_analysis(manager, DOCS, pages_name="pages.csv.gz")
    assert manager.wait(one, timeout=240)["status"] == "completed"
    assert len(forks) == 1
    assert manager.results_csv(two) == manager.results_csv(one)
    assert manager.results_csv(one).count(b"\n") > 1000


def _docs_pages():
    """The docs corpus's plain pages with the tokeniser's declaration-keyword offsets (as the index makes them)."""
    from inlink.links.index import _column
    from inlink.links.plain_blocks import KEYWORDS
    from inlink.links.tokens import SiteTokens
    from inlink.site.load import load_site

    pages = load_site(DOCS).pages
    texts, h1s = _column(pages, "content"), _column(pages, "h1")
    return pages, texts, h1s, SiteTokens.build_watching(texts, frozenset(KEYWORDS))[1]


def _blocks_here(monkeypatch, pages, texts, h1s, keywords_at):
    from inlink.links.page_blocks import PageBlocks

    with monkeypatch.context() as patched:
        patched.setattr(second_core, "usable", lambda: False)
        return PageBlocks(pages, texts, h1s).take(keywords_at, [True] * len(texts))


@pytest.mark.skipif(not DOCS.exists(), reason="needs ../shared/corpora/python-docs-3.11")
def test_the_blocks_read_from_both_ends_are_the_ones_read_here(monkeypatch, tmp_path):
    """inlink/links/page_blocks.py: a forked child reads the plain pages' blocks and declared names from the last
    page backwards (searching the texts for keywords itself) while this process, once the tokeniser has run, reads
    them from the first page on (with the tokeniser's offsets); they meet in the middle, and the blocks equal those
    this process reads alone. The child is held at its first page until this process has read PARENT_FIRST pages,
    so both take part whatever the machine's speed."""
    from inlink.links import page_blocks

    parent_first = 100
    pages, texts, h1s, keywords_at = _docs_pages()
    gate, parent, read, read_here = tmp_path / "open", os.getpid(), page_blocks.plain_blocks, []

    def gated(text, h1, at=None):
        if os.getpid() != parent:
            wait_for(gate.exists, 120, "the test to let the child read")
        else:
            read_here.append(text)
            if len(read_here) == parent_first:
                gate.touch()
        return read(text, h1, at)
    children = []
    fork = second_core.Forked.__init__

    def counted(self, *args, **kwargs):
        fork(self, *args, **kwargs)
        children.append(self.pid)
    monkeypatch.setattr(page_blocks, "plain_blocks", gated)
    monkeypatch.setattr(second_core.Forked, "__init__", counted)
    monkeypatch.setattr(second_core, "usable", lambda: True)
    blocks, declared = page_blocks.PageBlocks(pages, texts, h1s).take(keywords_at, [False] * len(texts))
    assert len(children) == 1 and _reaped(children[0])
    by_child = [names is not None for names in declared]   # the child reads every page's names; this process none
    here = by_child.index(True)
    assert here >= parent_first and all(by_child[here:]) and read_here == texts[:here]   # a prefix here, the rest there
    monkeypatch.setattr(page_blocks, "plain_blocks", read)
    here_blocks, here_declared = _blocks_here(monkeypatch, pages, texts, h1s, keywords_at)
    assert blocks == here_blocks
    assert declared[here:] == here_declared[here:]
    assert sum(kind == "term" for page in blocks[here:] for kind, _start, _end in page) > 100
    assert sum(len(names) for names, _in_terms in declared[here:]) > 100


@pytest.mark.skipif(not DOCS.exists(), reason="needs ../shared/corpora/python-docs-3.11")
def test_blocks_a_child_died_reading_are_read_here(monkeypatch):
    from inlink.links import page_blocks

    pages, texts, h1s, keywords_at = _docs_pages()
    parent, read = os.getpid(), page_blocks.plain_blocks

    def dies_in_the_child(*args, **kwargs):
        if os.getpid() != parent:
            os._exit(3)
        return read(*args, **kwargs)
    monkeypatch.setattr(page_blocks, "plain_blocks", dies_in_the_child)
    monkeypatch.setattr(second_core, "usable", lambda: True)
    assert page_blocks.PageBlocks(pages, texts, h1s).take(keywords_at, [True] * len(texts)) == \
        _blocks_here(monkeypatch, pages, texts, h1s, keywords_at)


def _site_matrix(pages: int = 900, seed: int = 5):
    """A TF-IDF-like sparse matrix (rows L2-normalised) with ties: some pages are copies of others."""
    import numpy as np
    import scipy.sparse as sp

    rng = np.random.default_rng(seed)
    matrix = sp.random(pages, 3000, density=0.01, format="lil", random_state=rng, dtype=np.float32)
    matrix[::7] = matrix[1::7][: matrix[::7].shape[0]]           # equal rows: ties at the k-th neighbour
    matrix = matrix.tocsr()
    norms = np.sqrt(matrix.multiply(matrix).sum(axis=1)).A1
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1 / norms) @ matrix, dtype=np.float32), rng.random(pages) > 0.1


def test_a_child_finds_the_last_pages_neighbours_and_they_equal_one_cores(monkeypatch):
    """similarity.top_k_similar on a large site: the second half of the rows' blocks in a forked child; each row's
    neighbours and similarities are the ones this process finds alone (ties included)."""
    import numpy as np

    from inlink.links import similarity

    matrix, allowed = _site_matrix()
    monkeypatch.setattr(second_core, "usable", lambda: False)
    alone = similarity.top_k_similar(matrix, 12, allowed, block_cells=900 * 50)
    children, parent, keep_top, rows_here = [], os.getpid(), similarity._keep_top, []
    fork = second_core.Forked.__init__

    def counted(self, *args, **kwargs):
        fork(self, *args, **kwargs)
        children.append(self.pid)

    def kept_where(block, k, out_idx, out_sim):
        if os.getpid() == parent:
            rows_here.append(len(out_idx))
        keep_top(block, k, out_idx, out_sim)
    monkeypatch.setattr(similarity, "_keep_top", kept_where)
    monkeypatch.setattr(second_core.Forked, "__init__", counted)
    monkeypatch.setattr(second_core, "usable", lambda: True)
    monkeypatch.setattr(similarity, "MIN_SPLIT_CELLS", 0)
    split = similarity.top_k_similar(matrix, 12, allowed, block_cells=900 * 50)
    assert len(children) == 1 and _reaped(children[0])
    assert sum(rows_here) == 900 // 2                # the other half came from the child
    assert np.array_equal(split[0], alone[0]) and np.array_equal(split[1], alone[1])
    assert (alone[0][-100:] >= 0).sum() > 500     # the child's rows have neighbours to get right


def test_neighbours_a_child_died_finding_are_found_here(monkeypatch):
    import numpy as np

    from inlink.links import similarity

    matrix, allowed = _site_matrix()
    monkeypatch.setattr(second_core, "usable", lambda: False)
    alone = similarity.top_k_similar(matrix, 12, allowed, block_cells=900 * 50)
    parent, keep_top = os.getpid(), similarity._keep_top

    def dies_in_the_child(*args):
        if os.getpid() != parent:
            os._exit(3)
        keep_top(*args)
    monkeypatch.setattr(similarity, "_keep_top", dies_in_the_child)
    monkeypatch.setattr(second_core, "usable", lambda: True)
    monkeypatch.setattr(similarity, "MIN_SPLIT_CELLS", 0)
    split = similarity.top_k_similar(matrix, 12, allowed, block_cells=900 * 50)
    assert np.array_equal(split[0], alone[0]) and np.array_equal(split[1], alone[1])


@pytest.mark.skipif(not DOCS.exists(), reason="needs ../shared/corpora/python-docs-3.11")
def test_a_blocks_child_that_has_answered_is_settled_before_the_neighbours(monkeypatch):
    """PageBlocks.settle: a child whose answer is ready is taken at once (its core is free for the neighbours'
    split); the blocks are the same as when taken later."""
    from inlink.links.page_blocks import PageBlocks

    pages, texts, h1s, keywords_at = _docs_pages()
    monkeypatch.setattr(second_core, "usable", lambda: True)
    aside = PageBlocks(pages, texts, h1s)
    child = aside._split._child
    wait_for(child.answered, 60, "the blocks child's answer")
    aside.settle()
    assert aside._split._child is None and _reaped(child.pid)
    assert aside.take(keywords_at, [True] * len(texts)) == _blocks_here(monkeypatch, pages, texts, h1s, keywords_at)
