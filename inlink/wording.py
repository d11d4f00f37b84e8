"""Counts in the sentences a user reads ("1 page", "2 pages", "1,250 rows"): one rule for every layer (the
importer's report, the fetcher's notes, the job engine's summary, the dashboard and the CLI), none of which
may import another's helpers."""
from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """The count with the noun that agrees with it; `plural` when it is not noun + "s"."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"
