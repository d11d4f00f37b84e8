"""The `unavailable_after: <date>` robots directive (meta tag or X-Robots-Tag): past that date Google drops the page
from its results, so it is no link target. Kept apart from extract and dataset so that both read the date alike.
"""
from __future__ import annotations

import email.utils
import re
from datetime import datetime, timezone

#: the directive's name and what follows it; the date may hold commas ("Fri, 25 Jun 2010 15:00:00 GMT")
_DIRECTIVE = re.compile(r"unavailable_after\s*:\s*(.*?)(?=unavailable_after|$)", re.IGNORECASE)


def unavailable_after(directives: str) -> datetime | None:
    """The earliest date the directives' `unavailable_after` gives (RFC 822, RFC 850 or ISO 8601, as Google reads
    it), timezone-aware; None when there is none or no date can be read (Google ignores the rule then)."""
    dates = [when for match in _DIRECTIVE.finditer(directives) if (when := _date(match.group(1))) is not None]
    return min(dates, default=None)


def is_past(directives: str, now: datetime | None = None) -> bool:
    """Whether the directives say the page is unavailable from a date that has come (at `now`, UTC by default)."""
    when = unavailable_after(directives)
    return when is not None and when <= (now or datetime.now(timezone.utc))


def _date(text: str) -> datetime | None:
    """The date `text` starts with: the longest run of its comma-separated parts that reads as one (a directive may
    follow it, "2010-06-25, noindex"; an RFC 822 date holds a comma after its weekday)."""
    parts = text.split(",")
    for end in range(len(parts), 0, -1):
        when = _read(",".join(parts[:end]).strip())
        if when is not None:
            return when
    return None


def _read(text: str) -> datetime | None:
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)
