"""Counts and amounts in the sentences a user reads ("1 page", "2 pages", "1,250 rows", "$0.0050"): one rule for
every layer (the importer's report, the fetcher's notes, the job engine's summary, the Gemini engine, the dashboard
and the CLI), none of which may import another's helpers."""
from __future__ import annotations

import math


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """The count with the noun that agrees with it; `plural` when it is not noun + "s"."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def listed(names, most: int = 6) -> str:
    """Names quoted and joined, the first `most` of them: '"Page Name", "Main Text 1" and 4 more'."""
    names = [f'"{name}"' for name in names]
    shown = names[:most]
    if len(names) > most:
        return ", ".join(shown) + f" and {len(names) - most:,} more"
    return ", ".join(shown[:-1]) + f" and {shown[-1]}" if len(shown) > 1 else "".join(shown)


def times(count: int) -> str:
    """How often something is written or done: 'once', 'twice', '14 times'."""
    return "once" if count == 1 else "twice" if count == 2 else f"{count:,} times"


def usd(amount: float) -> str:
    """US dollars as a Gemini spend or budget reads: '$0.0050' under a dollar (a page costs fractions of a cent;
    '$0.01' for a $0.005 budget misled), '$12.50' from a dollar, '$0' for nothing."""
    if not amount:
        return "$0"
    return f"${amount:,.4f}" if amount < 1 else f"${amount:,.2f}"


def two_decimals(value: float) -> str:
    """A 0-1 figure (a confidence) to two decimals, cut, not rounded: rounded, a 0.869 read "0.87" on a card and in
    its reason while its tier said medium (high from 0.87), and a filter at 0.87 hid it. Cut, a figure reads at
    most what it is, so it never crosses a cut-off of two decimals."""
    return f"{math.floor(value * 100 + 1e-9) / 100:.2f}"
