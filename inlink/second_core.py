"""Work done on the machine's second CPU core by a forked copy of this process, while this process does the rest.

Used for a job's last pages while its thread analyses the first ones (tasks/two_cores.py), for the plain pages'
blocks while the index builds the rest (links/page_blocks.py), and on a large site for half of the pages' most
similar pages (links/similarity.py): all CPU-bound, and would otherwise leave one core idle.

Why fork, not multiprocessing's spawn or a pool: a spawned interpreter starts empty and must import the engine
and load the built index (0.3-0.5 s of a 2 s docs job); a forked child shares everything already in memory
(copy-on-write) and starts in milliseconds. Why a fork is safe here although the process has other threads (a
dashboard's server, the job scheduler): the child runs only the engine's pure-Python and numpy code on objects
it inherits, imports nothing the parent has not already imported and run, takes no lock another thread may hold
(no logging, no job files), writes only to its own pipe and leaves with os._exit. It dies with the thread that
forked it (PR_SET_PDEATHSIG, so even a kill -9 of the process takes it along), and the parent kills it when the
work is abandoned (pause, stop, an error) or when it stops making progress: nothing ever waits on a child that
hangs, the parent computes that work itself (the results are the same either way).

When: Linux with fork, two usable CPUs, a process small enough that a copy-on-write child cannot push the
machine into swap (resident ≤ MAX_PARENT_MIB and MemAvailable ≥ 2x it), a CPU that other programs leave idle at
the time (_a_cpu_idle), and INLINK_WORKERS is not "1".
"""
from __future__ import annotations

import ctypes
import math
import mmap
import os
import pickle
import select
import signal
import struct
import threading
import time
from pathlib import Path
from typing import Callable, Generic, Sequence, TypeVar

T = TypeVar("T")

#: Environment switch: "1" keeps all work on one core (same results, serial timing).
WORKERS_ENV = "INLINK_WORKERS"
#: A process resident above this does not fork: its child could copy much of it. Measured on a 50k-page site's job
#: (2.2 GiB resident): its pages child wrote to ~0.45 GiB of its own (the two processes' PSS ~2 GB together), and
#: the pages step took 291 s instead of 518 s on one core (bench_engine --50k); the cap was 1 GiB, which kept it
#: on one core. MemAvailable >= 2x resident still guards against swap.
MAX_PARENT_MIB = 4096
#: A child that has shown no progress for this long is taken as hung: killed, and its work done here.
STALL_S = 30.0
#: A cgroup (v2) CPU quota: "<quota> <period>" in microseconds, or "max <period>" for none.
CPU_MAX = Path("/sys/fs/cgroup/cpu.max")
#: The kernel's load figures; the fourth field, "runnable/all", counts the threads runnable machine-wide right now.
LOADAVG = Path("/proc/loadavg")
#: Reads of that count before a fork, this far apart (seconds): _a_cpu_idle.
RUNNABLE_READS = 3
RUNNABLE_READ_GAP_S = 0.001
_PR_SET_PDEATHSIG = 1
_HEADER = struct.Struct("<Q")
_live = 0                          # this process's children not yet reaped
_live_lock = threading.Lock()


class ForkFailed(RuntimeError):
    """The child gave no usable result (died, hung, raised, or could not start): do the work here instead."""


def usable() -> bool:
    """Whether a second core can take work now (see the module's docstring): also not while this process's
    children already keep every other core busy (two jobs at once on a two-core machine: one child, not two)."""
    if os.environ.get(WORKERS_ENV, "").strip() == "1" or not hasattr(os, "fork"):
        return False
    cores = usable_cores()
    with _live_lock:
        if _live >= cores - 1:
            return False
    resident, available = _memory_mib()
    return resident is not None and resident <= MAX_PARENT_MIB and \
        (available is None or available >= 2 * resident) and _a_cpu_idle()


def _a_cpu_idle() -> bool:
    """Whether the machine has a CPU for a child now, beside the caller's: fewer threads other than the caller
    runnable than it has CPUs besides the caller's, in at least one of RUNNABLE_READS reads of the kernel's count
    (a thread runnable in every read is another program's work, not a blip). Unknown (no /proc): yes.

    Why: on a machine whose CPUs other programs keep busy, a child wins little CPU time and adds its costs (the
    fork, the pages it and this process copy, its answer); where the kernel shares CPU time between sessions, not
    threads (autogroup, Linux's default, and this machine's), it wins none. Measured on the docs corpus job, one
    and two cores alternated in one process while another session ran the test suite: 3.0-3.3 s on one core,
    2.8-4.3 s (median 3.9) on two; on the idle machine 2.3-2.4 s on two, 3.0 on one."""
    spare = (os.cpu_count() or 1) - 2   # other runnable threads that still leave a CPU (the caller is one)
    for read in range(RUNNABLE_READS):
        if read:
            time.sleep(RUNNABLE_READ_GAP_S)
        runnable = _runnable_now()
        if runnable is None or runnable - 1 <= spare:
            return True   # an idle machine answers at the first read, without waiting
    return False


def _runnable_now() -> int | None:
    """The threads runnable machine-wide right now (LOADAVG's fourth field, "runnable/all"); None when unknown."""
    try:
        with open(LOADAVG, "rb") as handle:
            return int(handle.read().split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):
        return None


def usable_cores() -> int:
    """The CPU cores this process may really use: its CPU affinity, capped by its cgroup's CPU quota, which
    os.cpu_count() and the affinity both ignore (a container limited to two CPUs on a 64-core host)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    try:
        quota, period = CPU_MAX.read_text().split()[:2]
        if quota != "max":
            cores = min(cores, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return cores


def _memory_mib() -> tuple[float | None, float | None]:
    """This process's resident memory and the machine's available memory, in MiB (None: unknown)."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            resident = int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return None, None
    try:
        with open("/proc/meminfo", "rb") as handle:
            for line in handle:
                if line.startswith(b"MemAvailable:"):
                    return resident, int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return resident, None


class Cells:
    """A few integers shared between the parent and its forked child (an anonymous shared mapping): positions and
    progress counters, each written by one side only, so no lock is needed."""

    def __init__(self, count: int):
        self._map = mmap.mmap(-1, 8 * count)
        self._cells = memoryview(self._map).cast("q")

    def __getitem__(self, at: int) -> int:
        return self._cells[at]

    def __setitem__(self, at: int, value: int) -> None:
        self._cells[at] = value

    def close(self) -> None:
        self._cells.release()
        self._map.close()


class Forked(Generic[T]):
    """`work(progress)` run in a forked child; `result()` returns what it returned. `work` calls `progress()` now
    and then (e.g. once per page) so the parent can tell a slow child from a hung one."""

    def __init__(self, work: Callable[[Callable[[], None]], T], stall_s: float = STALL_S):
        self._stall_s = stall_s
        self._beats = Cells(1)    # an anonymous mapping starts zeroed
        try:
            read, write = os.pipe()   # both ends close-on-exec: an exec'd subprocess never holds them
        except OSError as exc:        # out of file descriptors: the caller does the work itself, as for a fork
            self._beats.close()
            raise ForkFailed(f"could not open a pipe: {exc}") from None
        try:
            self.pid = os.fork()
        except OSError as exc:
            os.close(read)
            os.close(write)
            self._beats.close()
            raise ForkFailed(f"could not fork: {exc}") from None
        if self.pid == 0:   # the child: never returns
            os.close(read)
            _run_child(work, write, self._beats)
        os.close(write)
        self._read = read
        self._done = False
        self._reaped = False
        _count_live(+1)

    @property
    def progress(self) -> int:
        """How many times the child has called progress() so far (0 once it is gone)."""
        try:
            return 0 if self._done else int(self._beats[0])
        except ValueError:   # released meanwhile by another thread's cancel()
            return 0

    def answered(self) -> bool:
        """Whether the child's answer has begun to arrive, or the child is gone: result() will not wait for work."""
        if self._done:
            return False
        return bool(select.select([self._read], [], [], 0)[0])

    def result(self) -> T:
        """The child's result; ForkFailed when it has none (the child is gone either way)."""
        try:
            payload = self._receive()
            outcome, value = pickle.loads(payload)
        except ForkFailed:
            raise
        except Exception as exc:   # a torn or unreadable answer
            raise ForkFailed(f"unreadable answer from the child: {exc}") from None
        finally:
            self.cancel()
        if outcome != "ok":
            raise ForkFailed(f"the child failed: {value}")
        return value

    def cancel(self) -> None:
        """Kill the child (if still running) and let go of its pipe; safe to call more than once."""
        if self._done:
            return
        self._done = True
        if not self._reaped:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
            self._reaped = True
        os.close(self._read)
        self._beats.close()
        _count_live(-1)

    def _receive(self) -> bytes:
        header = self._read_exactly(_HEADER.size)
        return self._read_exactly(_HEADER.unpack(header)[0])

    def _read_exactly(self, size: int) -> bytes:
        """Read `size` bytes of the answer, giving up when the child dies or stops making progress.

        Why not read to end of file: another thread's fork (a second job) may hold a copy of the pipe's write end
        for a while, so the answer carries its length instead."""
        chunks, got = [], 0
        last_beat, last_change = self._beats[0], time.monotonic()
        while got < size:
            ready, _, _ = select.select([self._read], [], [], 0.2)
            if ready:
                chunk = os.read(self._read, min(size - got, 1 << 20))
                if not chunk:
                    raise ForkFailed("the child ended without an answer")
                chunks.append(chunk)
                got += len(chunk)
                last_change = time.monotonic()
                continue
            if os.waitpid(self.pid, os.WNOHANG)[0] != 0:
                self._reaped = True   # cancel() must not signal or wait for its pid again
                raise ForkFailed("the child ended without an answer")
            beat = self._beats[0]
            if beat != last_beat:
                last_beat, last_change = beat, time.monotonic()
            elif time.monotonic() - last_change > self._stall_s:
                raise ForkFailed(f"the child made no progress for {self._stall_s:.0f} s")
        return b"".join(chunks)


def aside(work: Callable[[Callable[[], None]], T]) -> Forked[T] | None:
    """`work` started in a forked child when a second core can take it now (usable()); None when not, or when the
    fork failed: the caller then does the work itself."""
    if not usable():
        return None
    try:
        return Forked(work)
    except ForkFailed:
        return None


def answer_of(child: Forked[T] | None) -> T | None:
    """What `child` (from aside) answered; None when there was none or it died, hung or failed (the caller then
    does its work itself: the results are the same either way)."""
    if child is None:
        return None
    try:
        return child.result()
    except ForkFailed:
        return None


def _count_live(change: int) -> None:
    global _live
    with _live_lock:
        _live += change


def _run_child(work: Callable, write: int, beats: Cells) -> None:
    """The child's whole life: die with the parent's thread, do the work, send (outcome, value), exit."""
    status = 0
    try:
        for number in (signal.SIGINT, signal.SIGTERM):   # not the parent's handlers (a CLI's Ctrl-C, a worker's
            signal.signal(number, signal.SIG_DFL)          # shutdown): they act on objects the child does not run
        _die_with_parent()
        def progress() -> None:
            beats[0] += 1
        try:
            answer = ("ok", work(progress))
        except BaseException as exc:   # reported to the parent, which then does the work itself
            answer = ("error", f"{type(exc).__name__}: {exc}")
        payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        _write_all(write, _HEADER.pack(len(payload)) + payload)
    except BaseException:
        status = 1
    finally:
        os._exit(status)


def _die_with_parent() -> None:
    """SIGKILL this child when the thread that forked it ends (Linux); a parent already gone ends it now."""
    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class FromBothEnds(Generic[T]):
    """Every item of a list computed once, asked for in order by the caller (a job's item loop, which checkpoints
    each), while a forked child computes them from the far end backwards: the two meet in the middle.

    The child calls `prepare()` first: it returns the list's keys and the function computing one key's result
    (for a job's pages: over the index the parent built, which the child shares copy-on-write). The caller's
    `take(position, compute)` must give the result the child's function would (they read the same state and
    change none the other needs). The caller's position and the child's lowest claimed position are
    shared cells; a race between them costs at most an item computed twice, never a different result. When the
    caller reaches the child's part it takes the child's answer (the child stops within a chunk); when there is
    none (the child died, hung or failed) it computes the rest itself."""

    def __init__(self, prepare: Callable[[], tuple[Sequence[str], Callable[[str], T]]], chunk: int = 4,
                 stall_s: float = STALL_S, first: int = 0):
        """`first`: the caller's next position (the items before it are done)."""
        self._answers: dict[int, T] | None = None
        self.failure: str | None = None     # why the child gave no answers (the caller computed its part), if so
        self._cells = Cells(2)          # [0]: the caller's next position; [1]: the child's lowest claimed one
        self._cells[0], self._cells[1] = first, 2**62
        try:
            self._child: Forked | None = Forked(self._back_half(prepare, chunk), stall_s)
        except ForkFailed as exc:
            self.failure = str(exc)
            self._child = None
            self._answers = {}
            self._cells.close()

    def take(self, at: int, compute: Callable[[], T]) -> T:
        """The result at position `at`: `compute()` here, or the child's."""
        if self._answers is None:
            self._cells[0] = at + 1        # published before the child's claim is read: see the class docstring
            if at < self._cells[1]:
                return compute()
            self._answers = self._collect()
        answer = self._answers.pop(at, _MISSING)
        return compute() if answer is _MISSING else answer

    def settle(self) -> None:
        """Take the child's answer now when it has finished (it reached the caller's next position), so the child
        is gone and its core free for other work; a child still at work is left to it."""
        if self._answers is None and self._child is not None and self._child.answered():
            self._answers = self._collect()

    def ahead(self) -> int:
        """Items the child has computed that the caller has not taken yet (its progress: one per item)."""
        child = self._child
        return child.progress if child is not None else 0

    def close(self) -> None:
        """Abandon the child's work (pause, stop, error) or let go of a finished child."""
        if self._child is not None:
            self._child.cancel()
            self._child = None
        if self._answers is None:
            self._answers = {}
            self._cells.close()

    def _collect(self) -> dict[int, T]:
        child, self._child = self._child, None
        try:
            return child.result()
        except ForkFailed as exc:
            self.failure = str(exc)
            return {}
        finally:
            self._cells.close()

    def _back_half(self, prepare, chunk: int) -> Callable[[Callable[[], None]], dict[int, T]]:
        cells = self._cells

        def work(progress: Callable[[], None]) -> dict[int, T]:
            keys, compute = prepare()
            answers: dict[int, T] = {}
            high = len(keys)
            while True:
                low = max(high - chunk, cells[0] + 1)   # the caller's next item stays the caller's
                if low >= high:
                    return answers
                cells[1] = low
                for at in range(high - 1, low - 1, -1):   # strictly backwards, so that a cache growing along the
                    # reading order grows backwards too (the link engine's mention chunks)
                    answers[at] = compute(keys[at])
                    progress()
                high = low
        return work


_MISSING = object()
