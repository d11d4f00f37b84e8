"""What a job runs: the Task base class, the context handed to it, and the registry of tasks by name.

Tasks are registered by name (not pickled into the job) so that a restarted process that imports
the same modules finds the task again and can resume the job from its checkpoint.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterable, Mapping, Sequence


if TYPE_CHECKING:
    import pandas as pd

from inlink.jobs.state import UnknownTask

SLEEP_STEP_S = 0.05   # how often TaskContext.sleep looks whether the job was asked to stop


def _empty_frame() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame()


STATE_DIR = ".state"   # a job's task state, inside its input folder (TaskContext.state_dir)


class TaskContext:
    """The job as a task sees it. Built fresh for every run; `state` is rebuilt by the steps."""

    def __init__(self, job_id: str, config: dict, input_dir: Path,
                 secrets: Mapping[str, str] | None = None,
                 log: Callable[[str], None] | None = None,
                 results: Callable[[], pd.DataFrame] | None = None,
                 stop_flag: threading.Event | None = None,
                 counters: Callable[[], dict] | None = None,
                 rows: Callable[[], Iterable[dict]] | None = None,
                 committed: Callable[[], int] | None = None):
        self.job_id = job_id
        self.config = config
        self.input_dir = Path(input_dir)
        self.state: dict[str, Any] = {}
        self.secrets: Mapping[str, str] = MappingProxyType(dict(secrets or {}))
        self._log = log or (lambda message: None)
        self._results = results or _empty_frame
        self._rows = rows or (lambda: self._results().to_dict("records"))
        self._stop_flag = stop_flag or threading.Event()
        self._counters = counters or dict
        self._committed = committed or (lambda: 0)
        self._local = threading.local()   # counters of the item this thread is processing

    def count(self, **increments: float) -> None:
        """Add to the current item's counters (tokens, cost_usd...); saved with its checkpoint."""
        counters = self._item_counters()
        for name, value in increments.items():
            counters[name] = counters.get(name, 0) + value

    def log(self, message: str) -> None:
        self._log(str(message))

    @property
    def state_dir(self) -> Path:
        """A folder for state the task can rebuild but would rather not (e.g. a built index), kept between
        runs and removed with the job. Inside the job's input folder under a name no input can take (input
        names start with a letter or digit); the task creates it when it first saves something."""
        return self.input_dir / STATE_DIR

    def results_so_far(self) -> pd.DataFrame:
        return self._results()

    def result_rows(self) -> Iterable[dict]:
        """The committed rows as dicts of strings ("" for an empty cell), read without pandas: for a task that
        replays them before its first item on a resume, where importing pandas would cost more than the rest. Read
        as they are iterated, once (a fetch job's rows hold whole pages: a list of them held every page at once)."""
        return self._rows()

    def should_stop(self) -> bool:
        return self._stop_flag.is_set()

    def sleep(self, seconds: float) -> bool:
        """Sleep up to `seconds`, ending early once a pause, stop, delete or shutdown is asked (then True): a
        task's own wait (a demonstration's pause after each item) would otherwise hold the job's pause that long,
        and outlast a server's shutdown, which then left the job to be recovered as if it had crashed. Polled in
        short steps, since the stop flag the runner hands over is no Event one can wait on."""
        deadline = time.monotonic() + max(0.0, float(seconds))
        while not self.should_stop():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(SLEEP_STEP_S, left))
        return True

    def counters_so_far(self) -> dict:
        """Counter totals of the committed items (e.g. cost already spent, for a budget cap)."""
        return dict(self._counters())

    def items_committed(self) -> int:
        """How many items, from the first in `items` order, are committed: a task that kept work of later items
        (paid answers ahead of their turn) tells which of it no checkpoint holds yet."""
        return int(self._committed())

    # -- used by the runner -------------------------------------------------------------------
    def _item_counters(self) -> dict:
        counters = getattr(self._local, "counters", None)
        if counters is None:
            counters = self._local.counters = {}
        return counters

    def _take_counters(self) -> dict:
        """The counters of the item just processed on this thread, reset for the next one."""
        counters = getattr(self._local, "counters", None)
        self._local.counters = None
        return counters or {}


class Task:
    """Subclass, set name/steps/result_columns, and register it with register_task()."""

    name: ClassVar[str] = ""
    steps: ClassVar[tuple[str, ...]] = ("process",)
    result_columns: ClassVar[tuple[str, ...]] = ()
    #: the result columns read back as numbers (results_frame); the others are text exactly as written: guessed, a
    #: column whose cells all looked like numbers came back as numbers ("007" as 7, a version "3.10" as 3.1)
    numeric_columns: ClassVar[tuple[str, ...]] = ()
    concurrency: int = 1

    def concurrency_for(self, ctx: TaskContext) -> int:
        """Items in flight for this job (after its preparation steps); a task may decide per job,
        e.g. several remote calls at once for a paid API but one at a time for local work."""
        return int(self.concurrency or 1)

    def prepare(self, ctx: TaskContext, step: str) -> None:
        """Run one preparation step (every step but the last). Rerun on resume to rebuild state."""

    def items(self, ctx: TaskContext) -> Sequence[str]:
        raise NotImplementedError

    def process(self, ctx: TaskContext, item: str) -> list[dict]:
        raise NotImplementedError

    def finish(self, ctx: TaskContext) -> dict | None:
        return None

    def items_ahead(self, ctx: TaskContext) -> int:
        """Items finished past the last checkpoint but not handed to the runner yet (e.g. computed on a second
        core, to be returned in order): the progress shown counts committed items only, the rate and the time left
        count these too. Called from another thread while items run; must be cheap and never raise."""
        return 0

    def release(self, ctx: TaskContext) -> None:
        """The run has ended, whatever its outcome (completed, paused, stopped, failed): let go of what the
        steps held beyond the run's own objects (e.g. a frozen garbage collector)."""


_REGISTRY: dict[str, Task | type[Task]] = {}
_REGISTRY_LOCK = threading.Lock()


def register_task(task_cls_or_instance) -> Any:
    """Register a Task class or instance under its name (usable as a class decorator)."""
    name = getattr(task_cls_or_instance, "name", "")
    steps = tuple(getattr(task_cls_or_instance, "steps", ()))
    if not isinstance(name, str) or not name:
        raise ValueError("a task needs a non-empty string `name`")
    if not steps:
        raise ValueError(f"task {name!r} needs at least one step (the last one iterates items)")
    if not tuple(getattr(task_cls_or_instance, "result_columns", ())):
        raise ValueError(f"task {name!r} needs result_columns")
    with _REGISTRY_LOCK:
        _REGISTRY[name] = task_cls_or_instance
    return task_cls_or_instance


def registered_tasks() -> dict[str, Task]:
    with _REGISTRY_LOCK:
        return {name: _instance(entry) for name, entry in _REGISTRY.items()}


def _instance(entry: Task | type[Task]) -> Task:
    return entry() if isinstance(entry, type) else entry


def get_task(name: str) -> Task:
    """A task ready to run a job: a fresh instance when a class was registered."""
    with _REGISTRY_LOCK:
        entry = _REGISTRY.get(name)
    if entry is None:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise UnknownTask(f"unknown task {name!r} (registered: {known})")
    return _instance(entry)


def is_registered(name: str) -> bool:
    with _REGISTRY_LOCK:
        return name in _REGISTRY
