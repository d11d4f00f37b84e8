"""Notes a front end keeps with a job, such as an analyst's accept / reject of each result row.

They live in jobs/<id>_annotations.json, next to the job's other files: deleted with the job, kept across
restarts, readable from every process and tab. Each change is a read-modify-write under the job's lock,
written whole by an atomic replace, so two tabs marking rows at once never lose each other's marks and a
kill never leaves half a file. Keys and values belong to the front end (strings to JSON values); the engine
stores them and never interprets them.
"""
from __future__ import annotations

import json
import logging
from typing import Any, Mapping

from inlink.jobs.state import InvalidJobOperation, JobError, JobNotFound
from inlink.jobs.store import ANNOTATIONS_SUFFIX, JobStore, atomic_write_bytes, storage_error

LOG = logging.getLogger(__name__)


def read_annotations(store: JobStore, job_id: str) -> dict[str, Any]:
    """The job's annotations ({} when none were set)."""
    path = store.path(job_id, ANNOTATIONS_SUFFIX)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise storage_error(exc, f"read {path.name}") from exc
    try:
        notes = json.loads(data)
    except ValueError:
        notes = None
    if not isinstance(notes, dict):
        raise JobError(f"job {job_id}: its annotations file {path.name} is damaged; move it away to start afresh")
    return notes


def update_annotations(store: JobStore, job_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Apply `changes` (a value of None removes its key) and return every annotation of the job."""
    checked = _checked(changes)
    with store.job_lock(job_id):
        if not store.exists(job_id):          # deleted meanwhile: leave no file behind for it
            raise JobNotFound(f"job {job_id} not found")
        notes = read_annotations(store, job_id)
        for key, value in checked.items():
            if value is None:
                notes.pop(key, None)
            else:
                notes[key] = value
        data = json.dumps(notes, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        atomic_write_bytes(store.path(job_id, ANNOTATIONS_SUFFIX), data)
    LOG.debug("job %s: %d annotation(s) changed", job_id, len(checked))
    return notes


def _checked(changes: Mapping[str, Any]) -> dict[str, Any]:
    """String keys and JSON values only, refused before anything is written."""
    changes = dict(changes)
    bad = [key for key in changes if not isinstance(key, str)]
    if bad:
        raise InvalidJobOperation(f"annotation keys must be strings, not {bad[0]!r}")
    try:
        json.dumps(changes)
    except (TypeError, ValueError) as exc:
        raise InvalidJobOperation(f"annotation values must be JSON values: {exc}") from None
    return changes
