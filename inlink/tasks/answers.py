"""Paid Gemini answers kept in the job's own folder until their pages are committed.

A Gemini job asks for several pages at once but commits them strictly in page order, so when it pauses (the
budget is spent, a request to pause) or its process dies, answers of later pages may have arrived that no
checkpoint holds. Kept here, one small file per answer, the resumed run takes them back instead of paying for
them again. The folder goes when the job finishes (every answer is in the results by then) or is deleted.
"""
from __future__ import annotations

import contextlib
import json
import logging
import shutil
from pathlib import Path
from typing import Collection, Iterator

from inlink.fileio import atomic_write_bytes, make_private_dir
from inlink.tasks import kinds

log = logging.getLogger(__name__)
FOLDER = "gemini-answers"


class FolderAnswers:
    """The Gemini engine's AnswerStore over a folder: `<key>.json` per answer, written atomically (0600)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def get(self, key: str) -> dict | None:
        """The kept answer, or None when there is none or it cannot be read (the page is asked again)."""
        try:
            return json.loads((self.folder / f"{key}.json").read_bytes())
        except (OSError, ValueError):
            return None

    def put(self, key: str, answer: dict) -> None:
        """Keep an answer; a disk that refuses only costs a resume the same call again. The folder is made inside
        the job's own folder only while that exists: a job deleted while a call ran must not get its folder back
        (it would belong to no job)."""
        try:
            for folder in (self.folder.parent, self.folder):
                make_private_dir(folder, exist_ok=True, parents=False)
            atomic_write_bytes(self.folder / f"{key}.json", json.dumps(answer).encode())
        except OSError as exc:
            log.info("could not keep a Gemini answer for resume (%s)", exc)

    def records(self) -> Iterator[tuple[str, dict]]:
        """(key, record) of every readable kept answer (an unreadable one is skipped: its page is asked again)."""
        try:
            paths = sorted(self.folder.glob("*.json"))
        except OSError:
            return
        for path in paths:
            record = self.get(path.stem)
            if isinstance(record, dict):
                yield path.stem, record

    def spent_usd(self) -> float:
        """What the kept answers that name their page cost (the ones of committed pages were dropped: drop_pages);
        with the job's committed cost, what Google billed it."""
        return sum(kinds.spent_usd(record) for _, record in self.records() if record.get("page"))   # as counters

    def drop_pages(self, pages: Collection[str]) -> None:
        """Drop the kept answers of `pages` (committed: their rows and cost are in the job's checkpoints)."""
        done = set(pages)
        for key, record in list(self.records()):
            if record.get("page") in done:
                with contextlib.suppress(OSError):
                    (self.folder / f"{key}.json").unlink()

    def clear(self) -> None:
        """Drop every kept answer (the job's results hold them all)."""
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(self.folder)
