"""What an import did, for the analyst: the ImportReport, and the dropped rows that feed it (Drops).

Shared by the pages and the links importers (pages.py, inlinks.py), so both explain themselves the same way:
a repaired or dropped row is listed with file, row and column; a file with nothing usable left is refused
with the first reason.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

import pandas as pd

from inlink.site.scope import reason_kind
from inlink.site.errors import SiteDataError
from inlink.wording import clipped, counted

#: How many examples a sentence of the report quotes ("e.g. a, b, c ...").
EXAMPLES = 3


def examples(items: list[str]) -> str:
    """The first EXAMPLES items quoted as a sentence of the report does, "..." when there are more."""
    return ", ".join(map(clipped, items[:EXAMPLES])) + (" ..." if len(items) > EXAMPLES else "")


@dataclass
class ImportReport:
    """What the import repaired, merged, dropped or wants the analyst to know."""
    file: str
    rows_read: int = 0
    pages: int = 0
    duplicates_merged: list[str] = field(default_factory=list)
    excluded: list[tuple[str, str]] = field(default_factory=list)
    missing_text: list[str] = field(default_factory=list)
    dropped_rows: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    links_read: int = 0
    links_kept: int = 0
    links_in_pages: int = 0   # no links file: the links between pages the pages' HTML holds (html_links.py)
    encoding: str = ""          # the pages file's text encoding and how it was found ("" for a workbook)
    text_column: str = ""       # the header the body text came from ("" when the file has none)
    hosts: list[str] = field(default_factory=list)   # the hosts analysed (see scope.py)
    links_file: str = ""
    languages: dict = field(default_factory=dict)   # {language: pages} of a site in several (languages.py)

    def as_dict(self, max_items: int | None = None) -> dict:
        """Plain data (JSON-ready). ``max_items`` cuts each list, for job metadata that is re-read often:
        a 50k-page crawl without body text would otherwise carry 50k URLs; "counts" keeps the full sizes."""
        data = asdict(self)
        data["counts"] = {key: len(value) for key, value in data.items() if isinstance(value, list)}
        if max_items is not None:
            data.update({key: data[key][:max_items] for key in data["counts"]})
        return data

    def summary_lines(self, max_dropped: int = EXAMPLES) -> list[str]:
        """Plain sentences for the dashboard and the CLI, longest lists shortened to a few examples; each
        dropped row on a line of its own ('file, row N, column "C": reason'), at most ``max_dropped``."""
        encoding = f" (text in {self.encoding})" if self.encoding else ""
        lines = [f"{self.file}: {counted(self.rows_read, 'row')} read, {counted(self.pages, 'page')} kept"
                 f"{encoding}."]
        if self.duplicates_merged:
            lines.append(f"{counted(len(self.duplicates_merged), 'duplicate URL')} merged (the most complete row "
                         f"kept), e.g. {examples(self.duplicates_merged)}.")
        if self.excluded:
            kinds = Counter(reason_kind(reason) for _, reason in self.excluded)
            target = "a link target" if len(self.excluded) == 1 else "link targets"
            lines.append(f"{counted(len(self.excluded), 'page')} kept but never suggested as {target} ("
                         + ", ".join(f"{kind}: {count}" for kind, count in kinds.most_common()) + ").")
        if self.missing_text:
            lines.append(f"{counted(len(self.missing_text), 'page has', 'pages have')} no body text: no link is "
                         f"placed in {'it' if len(self.missing_text) == 1 else 'them'} (a title and H1 still name a "
                         f"link target), e.g. {examples(self.missing_text)}.")
        if self.dropped_rows:
            lines.append(f"{counted(len(self.dropped_rows), 'row')} dropped:")
            lines.extend(f"  {line}" for line in self.dropped_lines(max_dropped))
            if len(self.dropped_rows) > max_dropped:
                lines.append(f"  ... and {len(self.dropped_rows) - max_dropped:,} more")
        lines.extend(self.warnings)
        if self.links_read:
            lines.append(f"{counted(self.links_read, 'link row')} read, "
                         f"{counted(self.links_kept, 'existing link')} kept.")
        return lines

    def named_warnings(self) -> list[str]:
        """The warnings, each naming this report's file (the reader's notes name it already): said beside another
        file's, as a links file's are beside its pages file's, "2 self links were skipped" named neither."""
        return [warning if warning.startswith(self.file) else f"{self.file}: {warning}" for warning in self.warnings]

    def dropped_lines(self, limit: int | None = None) -> list[str]:
        """Each dropped row as 'file, row N, column "C": reason', the form of a SiteDataError."""
        lines = []
        for row, reason in self.dropped_rows[:limit]:
            file = self.file
            if self.links_file and reason.startswith(f"{self.links_file}: "):
                file, reason = self.links_file, reason[len(self.links_file) + 2:]
            lines.append(f"{file}, row {row}{', ' if reason.startswith('column ') else ': '}{reason}")
        return lines


class Drops:
    """Rows dropped during an import, with enough detail to refuse the file if nothing is left."""

    def __init__(self, report: ImportReport, bad_rows: list[tuple]):
        self.report = report
        self.first: SiteDataError | None = None
        for row, reason, *column in bad_rows:   # (row, reason) or (row, reason, column) from read_table
            self.add(row, column[0] if column else None, reason)

    def add(self, row: int, column: str | None, reason: str) -> None:
        self.report.dropped_rows.append((row, f'column "{column}": {reason}' if column else reason))
        if self.first is None:
            self.first = SiteDataError(reason, file=self.report.file, row=row, column=column)

    def add_many(self, rows: pd.Series, column: str) -> None:
        for row, reason in rows.items():
            self.add(int(row), column, reason)

    def refuse_if_empty(self, rows: int, what: str) -> None:
        """The dropped rows listed in file order (the reader's bad cells come before the importer's bad URLs,
        whatever their rows); SiteDataError when no row is left."""
        self.report.dropped_rows.sort(key=lambda dropped: dropped[0])
        if rows:
            return
        if self.first is None and not self.report.rows_read:   # it said "no pages found in the file"
            raise SiteDataError(f"the file holds its column names but no rows under them: export the {what} again "
                                "(a crawl or a filter that found nothing exports only the column names)",
                                file=self.report.file)
        if self.first is None:
            raise SiteDataError(f"no {what} found in the file", file=self.report.file)
        dropped = len(self.report.dropped_rows)
        raise SiteDataError(f"{self.first.detail} (no usable {what} left: "
                            + ("its one row was dropped)" if dropped == 1 else f"all {dropped:,} rows were dropped)"),
                            file=self.first.file,
                            row=self.first.row, column=self.first.column)
