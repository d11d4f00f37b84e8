"""Counts and amounts in the sentences a user reads ("1 page", "2 pages", "1,250 rows", "$0.0050"): one rule for
every layer (the importer's report, the fetcher's notes, the job engine's summary, the Gemini engine, the dashboard
and the CLI), none of which may import another's helpers."""
from __future__ import annotations


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


#: The most characters of a file's value (a URL, a cell) a sentence quotes: a megabyte-long URL was written whole
#: into the import report, the terminal and the job's files.
QUOTED_MOST = 200


def clipped(value, most: int = QUOTED_MOST) -> str:
    """A value as a sentence quotes it: its first `most` characters and '…' when longer (a URL, a cell, a header:
    the '…' says the value goes on, so it is added after them)."""
    text = str(value)
    return text if len(text) <= most else text[:most] + "…"


def shortened(text: str, most: int) -> str:
    """Text as a short line shows it, '…' included in `most` characters and no space left before it (a target's
    title in a reason, a server's words in a job message: their room is fixed, unlike a quoted value's)."""
    return text if len(text) <= most else text[:most - 1].rstrip() + "…"


def times(count: int) -> str:
    """How often something is written or done: 'once', 'twice', '14 times'."""
    return "once" if count == 1 else "twice" if count == 2 else f"{count:,} times"


def usd(amount: float) -> str:
    """US dollars as a Gemini spend or budget reads: '$0.0050' under a dollar (a page costs fractions of a cent;
    '$0.01' for a $0.005 budget misled), '$12.50' from a dollar, '$0' for nothing."""
    if not amount:
        return "$0"
    return f"${amount:,.4f}" if amount < 1 else f"${amount:,.2f}"


#: The places a confidence is kept to (links/confidence.py), written with (exports) and read with (reasons, cards).
CONFIDENCE_PLACES = 3


def confidence_figure(value: float) -> str:
    """A confidence as every place shows it: "0.869", the figure itself (kept to CONFIDENCE_PLACES), so a reason,
    a card and the CSV read the same number and a tier's cut-off is never crossed by rounding. Two decimals
    did not do both: rounded, 0.869 read "0.87" beside a high tier from 0.87; cut, 0.609 read "0.60" beside
    the CSV's 0.609."""
    return f"{value:.{CONFIDENCE_PLACES}f}"


def lasting(seconds: float) -> str:
    """A long wait as a user plans for it: "about 2 days 4 h", "about 3 h 20 min", "about 12 min", "about 40 s"."""
    seconds = max(0, round(seconds))
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"about {counted(days, 'day')}" + (f" {hours} h" if hours else "")
    if hours:
        return f"about {hours} h" + (f" {minutes} min" if minutes else "")
    return f"about {minutes} min" if minutes else f"about {secs} s"
