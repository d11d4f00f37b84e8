"""Where a CSV's rows break, for the text path's report (tables.py): a last row cut short by a download or a copy
that stopped, and the row a strict reading fails at.

Kept apart from tables.py, which opens, decodes and parses a table: these read the text's row structure only
(quotes, line breaks, field counts), with the csv module, and say what is wrong in words with the row it is in.
"""
from __future__ import annotations

import csv

#: The longest field the csv module reads here: a page's text may be far longer than its 128 KiB default, and a
#: field may be as long as the file (sources.MAX_BYTES).
FIELD_LIMIT = 1_000_000_000


def allow_long_fields() -> None:
    """Raise the csv module's field limit (process-wide) to FIELD_LIMIT before reading a crawl's rows with it:
    under the default a text path file whose last line held a 200 KiB text ended the import with a bare
    "Error: field larger than field limit (131072)", naming no file."""
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)


def cut_last_row(text: str, delimiter: str) -> tuple[str, tuple[str, str] | None]:
    """The text without its last row when the file was cut short in the middle of it, with why (a reason and
    the column it stops in, for the report's dropped rows); else the text and None.

    Cut short: the text does not end with a line break (a complete export does; a download or a copy that
    stopped ends anywhere) and its last row either ends inside a quoted field or has fewer fields than the
    header. Without this the row was kept as it stood: a page whose text stops mid-word, or whose URL is cut
    ("/shop/swiss-water-"), with nothing said, or the whole file was refused for a quote never closed."""
    if not text or text.endswith("\n"):   # line endings are unified by now
        return text, None
    start = _last_row_start(text, len(text))
    if start == 0:   # the header line itself: a file with no row, reported as such later
        return text, None
    row = text[start:]
    open_quote = row.count('"') % 2 == 1
    fields = _fields(row + '"' * open_quote, delimiter)
    header = _fields(text, delimiter, 0, start)
    if not open_quote and (len(fields) >= len(header) or _short_rows(text, start, delimiter, len(header))):
        return text, None
    column = str(header[len(fields) - 1]).strip() if 0 < len(fields) <= len(header) else None
    where = "inside this row's quoted field" if open_quote else \
        f"in the middle of this row ({len(fields)} of its {len(header)} fields)"
    return text[:start], (f"the file ends {where}: it looks cut short, so the row is left out (export or download "
                          "the file again)", column)


def _fields(text: str, delimiter: str, start: int = 0, end: int | None = None) -> list[str]:
    """The fields of the first row of text[start:end], read line by line as the csv module asks for them: the
    text may be a whole crawl, and is not copied."""
    allow_long_fields()
    return next(csv.reader(_lines(text, start, len(text) if end is None else end), delimiter=delimiter), [])


def _lines(text: str, start: int, end: int):
    """The lines of text[start:end], each with its line break."""
    while start < end:
        stop = text.find("\n", start, end)
        stop = end if stop < 0 else stop + 1
        yield text[start:stop]
        start = stop


def _short_rows(text: str, last: int, delimiter: str, width: int) -> bool:
    """Whether the row before the last one (which starts at `last`) has fewer fields than the header too: a file
    written by hand that leaves out empty last fields ("https://a.com/,Home" under three headers), whose last
    row is then no sign of a cut. Read in place: the text may be a whole crawl, and is not copied."""
    before = _last_row_start(text, last - 1)
    return before > 0 and len(_fields(text, delimiter, before, last)) < width


def _last_row_start(text: str, end: int) -> int:
    """Where the last row of text[:end] starts: after the last line break that stands outside quotes (the quotes
    before a line break are even in number; a quoted field may hold line breaks of its own)."""
    total, after = text.count('"', 0, end), 0
    while True:
        line_break = text.rfind("\n", 0, end)
        after += text.count('"', line_break + 1, end)
        if line_break < 0:
            return 0
        if (total - after) % 2 == 0:
            return line_break + 1
        end = line_break


def failing_row(text: str, delimiter: str) -> tuple[int | None, str | None]:
    """The row (the header being row 1) where a strict CSV reading fails, and what is wrong there in words;
    (None, None) when it reads through. Only asked once the parsers refused the file, so its pace is no
    matter: pandas' tolerant parser says what failed ("',' expected after '\"'") but not where."""
    allow_long_fields()
    reader = csv.reader(_lines(text, 0, len(text)), delimiter=delimiter, strict=True)
    rows = 0
    try:
        for _fields in reader:
            rows += 1
    except csv.Error as exc:
        if "expected after" in str(exc):
            return rows + 1, ('a quote character inside a quoted field is not doubled (a cell holding " must '
                              'write it as ""), so the fields of this row cannot be told apart')
        return rows + 1, f"cannot be read as a table ({exc})"
    return None, None
