"""Turn an uploaded crawl (pages table, optional existing-links table) into clean, normalised frames.

Accepts Screaming Frog exports ("Internal: HTML", custom extraction, "All Inlinks") and generic tables.
Anything odd in the input is either repaired and reported in an ImportReport, or refused with one
SiteDataError that names file, row and column, so the dashboard never shows a traceback.

The work is split by concern: tables.py reads files (encodings, delimiters, workbooks, size limits),
site_columns.py finds which header holds which field, site_urls.py holds the one URL rule; this module
turns rows into pages and links and keeps the public API of docs/architecture.md section 2.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd

from inlink.site.columns import (EXTRACTION_HEADER, LINK_SYNONYMS, PAGE_FIELDS, TEXT_FIELDS, detect,
                          detect_page_columns, extraction_headers, header_key, missing_page_fields,
                          resolve_page_columns)
from inlink.site.scope import NothingToAnalyse, host_scope, require_analysable
from inlink.site.tables import SiteDataError, read_table, sheet_names, source_name
from inlink.site.coded import Coded
from inlink.site.urls import (EXAMPLES, counted, examples, map_distinct, normalise_series, normalise_values,
                              normalize_url, site_base)

__all__ = ["SiteDataError", "PAGE_FIELDS", "normalize_url", "read_table", "detect_page_columns",
           "missing_page_fields", "load_pages", "load_links", "load_site", "SiteData", "ImportReport",
           "sheet_names", "NothingToAnalyse", "require_analysable"]

PAGE_COLUMNS = PAGE_FIELDS + ("is_target", "excluded_reason", "blocks")
LINK_COLUMNS = ("source", "destination", "anchor")
NON_INDEXABLE_VALUES = ("non-indexable", "nonindexable", "false", "no", "0", "noindex")
NON_INDEXABLE_STATUS = r"noindex|canonicali[sz]ed"


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
    encoding: str = ""          # the pages file's text encoding and how it was found ("" for a workbook)
    text_column: str = ""       # the header the body text came from ("" when the file has none)
    hosts: list[str] = field(default_factory=list)   # the hosts analysed (see scope.py)
    links_file: str = ""

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
            kinds = Counter(reason.split(":")[0].split(" (")[0] for _, reason in self.excluded)
            lines.append(f"{counted(len(self.excluded), 'page')} kept but never suggested as link targets ("
                         + ", ".join(f"{kind}: {count}" for kind, count in kinds.most_common()) + ").")
        if self.missing_text:
            lines.append(f"{counted(len(self.missing_text), 'page has', 'pages have')} no body text (only "
                         f"title/H1 can be used), e.g. {examples(self.missing_text)}.")
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

    def dropped_lines(self, limit: int | None = None) -> list[str]:
        """Each dropped row as 'file, row N, column "C": reason', the form of a SiteDataError."""
        lines = []
        for row, reason in self.dropped_rows[:limit]:
            file = self.file
            if self.links_file and reason.startswith(f"{self.links_file}: "):
                file, reason = self.links_file, reason[len(self.links_file) + 2:]
            lines.append(f"{file}, row {row}{', ' if reason.startswith('column ') else ': '}{reason}")
        return lines


@dataclass
class SiteData:
    pages: pd.DataFrame
    links: pd.DataFrame
    report: ImportReport


# --- pages ------------------------------------------------------------------------------------------------

class _Drops:
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
        if rows:
            return
        if self.first is None:
            raise SiteDataError(f"no {what} found in the file", file=self.report.file)
        raise SiteDataError(f"{self.first.detail} (no usable {what} left: all "
                            f"{len(self.report.dropped_rows):,} rows were dropped)", file=self.first.file,
                            row=self.first.row, column=self.first.column)


def load_pages(source, filename=None, column_map=None, sheet=None,
               site_hosts=None) -> tuple[pd.DataFrame, ImportReport]:
    """Pages table with PAGE_COLUMNS, one row per normalised URL, and the report of what was done.

    ``sheet`` picks a workbook's worksheet (default: the first). ``site_hosts`` lists the hosts that form one
    site ("*" for all); by default only the main host is analysed (see scope.py).
    """
    name = source_name(source, filename)
    table = read_table(source, name, sheet)   # positional: tests wrap read_table in a lambda *args
    report = ImportReport(file=name, rows_read=len(table) + len(table.attrs.get("bad_rows", [])),
                          warnings=list(table.attrs.get("notes", [])), encoding=table.attrs.get("encoding", ""))
    drops = _Drops(report, table.attrs.get("bad_rows", []))
    columns = resolve_page_columns(table.columns, column_map, name)
    if "url" not in columns:
        raise _no_url_column(table.columns, name, table.attrs)
    report.text_column = columns.get("content", "")
    if "content" not in columns:
        report.warnings.append("No body text column found: pages are matched on title, H1 and description "
                               "only. Export the page text too (e.g. a custom extraction \"Body 1\").")
    pages = _page_frame(table, columns, column_map)
    pages = _drop_folder_rows(pages, report)
    pages = _normalise_page_urls(pages, drops, columns["url"])
    drops.refuse_if_empty(len(pages), "pages")
    pages["excluded_reason"] = _exclusion_reasons(pages)
    other_host, report.hosts, warnings = host_scope(pages["url"], site_hosts, name)
    pages["excluded_reason"] = _join_reasons(pages["excluded_reason"], other_host)
    report.warnings.extend(warnings)
    pages = _merge_duplicate_pages(pages, report)
    pages["is_target"] = pages["excluded_reason"] == ""
    _report_pages(pages, report)
    return pages.loc[:, list(PAGE_COLUMNS)].reset_index(drop=True), report


def _no_url_column(headers, file: str, attrs: Mapping) -> SiteDataError:
    if any(re.match(r"(?i)https?://", str(header)) for header in headers):
        return SiteDataError("the first row holds URLs, not column names: add a header row "
                             "(e.g. URL, Title, Content)", file=file, row=1)
    if {"source", "destination"} <= set(detect(headers, LINK_SYNONYMS)):
        return SiteDataError("this looks like a links export (Source, Destination): give it as the existing "
                             "links file, and a page export (Address, Title 1, ...) as the pages file", file=file)
    where, others = _other_sheets(attrs)
    return SiteDataError(f"no URL column found{where} (expected a header such as Address, URL or Page); "
                         f"headers are: {', '.join(map(str, list(headers)[:12]))}{others}", file=file)


def _other_sheets(attrs: Mapping) -> tuple[str, str]:
    """(' in the worksheet "X"', '; the workbook's other worksheets are ...') for a workbook of several
    sheets whose read sheet lacks the expected columns; ("", "") otherwise."""
    others = [sheet for sheet in attrs.get("sheets", []) if sheet != attrs.get("sheet")]
    if not others:
        return "", ""
    return (f' in the worksheet "{attrs["sheet"]}"', "; the workbook's other worksheets are "
            + ", ".join(f'"{sheet}"' for sheet in others) + ": pick the one that holds the crawl")


def _fold_whitespace(value: str) -> str:
    """Whitespace runs (line breaks, tabs, no-break spaces) folded to one space; the cheap substring
    checks skip the costly split for the many values that are already tidy."""
    if "  " in value or "\n" in value or "\t" in value or "\r" in value or "\xa0" in value:
        return " ".join(value.split())
    return value.strip()


def _clean_text(series: pd.Series) -> pd.Series:
    """Cleaned strings, so anchors found in one file match the text of another reliably."""
    return map_distinct(series, _fold_whitespace)


#: Fields cleaned as text (whitespace folded); the others (status code, word count) are parsed as numbers.
CLEANED_FIELDS = (*TEXT_FIELDS, "url", "content_type", "indexability", "indexability_status")


def _page_frame(table: pd.DataFrame, columns: Mapping[str, str], column_map) -> pd.DataFrame:
    """Canonical columns as cleaned strings (index still = file row); body text columns joined.

    Memory (bench/bench_import.py, target: the importer's peak <= 3x the file): this consumes ``table``. A
    column leaves it when its last field has been read and its Arrow chunks are freed as they become Python
    strings, the body text's HTML and raw spacing as each cell is cleaned: at no time are two whole copies of
    a crawl's text alive. The body text goes first: it is nearly all of a crawl's bytes."""
    sources = {name: ([columns[name]] if name != "content" else _body_headers(table, columns, column_map))
               for name in (*PAGE_FIELDS, "indexability_status") if name in columns}
    uses = Counter(header for headers in sources.values() for header in headers)

    def take(header: str) -> pd.Series:
        uses[header] -= 1
        return table[header].astype(str) if uses[header] else table.pop(header).astype(str)

    empty = pd.Series("", index=table.index, dtype=object)
    fields: dict[str, pd.Series] = {}
    for name in sorted(sources, key=lambda name: name != "content"):
        if name in CLEANED_FIELDS:
            fields[name] = _python_strings(take(sources[name][0]))
            for header in sources[name][1:]:   # more custom-extraction columns ("Body 2"...): joined
                fields[name] = fields[name].str.cat(_python_strings(take(header)), sep=" ")
        else:
            fields[name] = take(sources[name][0])
    fields["content"], blocks = _body_text(fields.pop("content", empty), columns.get("content", ""))
    for name in CLEANED_FIELDS:
        if name != "content":
            fields[name] = _clean_text(fields[name]) if name in fields else empty
    pages = pd.DataFrame({name: fields.pop(name, empty) for name in (*PAGE_FIELDS, "indexability_status")},
                         index=table.index)
    pages["blocks"] = blocks
    pages["status_code"] = pd.to_numeric(pages["status_code"], errors="coerce").astype("Int64")
    counted = pd.to_numeric(pages["word_count"], errors="coerce")
    uncounted = counted.isna()
    # content is whitespace-folded by now, so words = spaces + 1 (a C-speed count, no split)
    counted[uncounted] = pages.loc[uncounted, "content"].map(lambda text: text.count(" ") + 1 if text else 0)
    pages["word_count"] = counted.astype("int64")
    return pages


def _python_strings(column: pd.Series) -> pd.Series:
    """A text column as Python str objects (object dtype; a missing value as ""): what cleaning makes of it
    anyway, made once. Takes the caller's only reference: an Arrow-backed column is converted chunk by chunk,
    each chunk freed once read, so the column's Arrow and Python copies are never both whole."""
    index = column.index
    to_arrow = getattr(column.array, "__arrow_array__", None)
    if to_arrow is None:   # not Arrow-backed (pandas without pyarrow)
        return pd.Series(column.fillna("").to_numpy(dtype=object), index=index, dtype=object)
    chunks = list(to_arrow().chunks)
    del column, to_arrow
    values = np.empty(len(index), dtype=object)
    start = 0
    for position in range(len(chunks)):
        chunk, chunks[position] = chunks[position], None
        values[start:start + len(chunk)] = chunk.fill_null("").to_pylist()
        start += len(chunk)
    return pd.Series(values, index=index, dtype=object)


def _body_headers(table: pd.DataFrame, columns: Mapping[str, str], column_map) -> list[str]:
    """The content column's header; several custom-extraction columns ("Body 1", "Body 2"...) are joined,
    unless the user picked one column in column_map."""
    headers = [columns["content"]]
    if not (column_map or {}).get("content") and EXTRACTION_HEADER.match(header_key(headers[0])):
        headers = extraction_headers(table.columns, {k: v for k, v in columns.items() if k != "content"})
    return headers


def _body_text(content: pd.Series, header: str) -> tuple[pd.Series, pd.Series]:
    """The body text cleaned, and its blocks: HTML in the text column (a custom extraction "Extract HTML
    Element" / "Extract Inner HTML", e.g. Body HTML 1) becomes its plain text plus its blocks (kind, start,
    end); plain text keeps blocks None.

    Takes the caller's only reference to ``content``: each cell is replaced by its text as it is parsed and
    cleaned, so the raw column and the clean one are never both whole in memory."""
    from inlink.site.html import parse_fragment

    html = _html_cells(content, header)
    texts, index = content.to_numpy(dtype=object, copy=True), content.index
    del content
    blocks = pd.Series([None] * len(texts), index=index, dtype=object)
    for position, text in enumerate(texts):
        if html is not None and html[position]:
            page = parse_fragment(text)
            text, blocks.iat[position] = page.text, page.block_tuples()
        texts[position] = _fold_whitespace(text)
    return pd.Series(texts, index=index, dtype=object), blocks


def _html_cells(content: pd.Series, header: str) -> np.ndarray | None:
    """Which cells hold HTML to parse; None when the column is plain text. The column is HTML when its header
    says so, or when nearly all its cells start with a tag: plain text about HTML (a template guide quoting
    <a>) must stay plain text. Cells are judged by their first non-blank character (no stripped copies)."""
    from inlink.site.html import looks_like_html

    first = content.map(lambda text: text.lstrip()[:1])
    filled = first[first != ""]
    if not ("html" in header_key(header) or (len(filled) > 0 and (filled == "<").mean() >= 0.8)):
        return None
    html = content.map(looks_like_html).to_numpy(dtype=bool)
    return html if html.any() else None


def _drop_folder_rows(pages: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    """Screaming Frog's tree view adds folder rows with an empty Address: drop them, say how many."""
    folders = pages["url"] == ""
    if folders.any():
        report.warnings.append(f"{int(folders.sum()):,} rows without a URL (tree-view folder rows) were skipped.")
    return pages.loc[~folders]


def _normalise_page_urls(pages: pd.DataFrame, drops: _Drops, url_header: str) -> pd.DataFrame:
    base = site_base(pages["url"].unique())
    normalised, errors = normalise_series(pages["url"], base)
    bad = errors != ""
    drops.add_many(errors[bad], url_header)
    pages = pages.loc[~bad].copy()
    pages["url"] = normalised[~bad]
    return pages


def _join_reasons(first: pd.Series, second: pd.Series) -> pd.Series:
    both = (first != "") & (second != "")
    return (first + second).where(~both, first + "; " + second)


def _exclusion_reasons(pages: pd.DataFrame) -> pd.Series:
    """Why a page must not be suggested as a link target ("" when it may be)."""
    blank = pd.Series("", index=pages.index, dtype=object)
    content_type = pages["content_type"].str.lower()
    not_html = (content_type != "") & ~content_type.str.contains("html", regex=False)
    reason = blank.where(~not_html, "not HTML (" + pages["content_type"] + ")")
    status = pages["status_code"]
    bad_status = status.notna() & (status != 200)
    reason = _join_reasons(reason, blank.where(~bad_status.fillna(False), "status " + status.astype(str)))
    detail = pages["indexability_status"]
    non_indexable = (pages["indexability"].str.lower().isin(NON_INDEXABLE_VALUES)
                     | detail.str.lower().str.contains(NON_INDEXABLE_STATUS, regex=True))
    label = ("non-indexable" + (": " + detail).where(detail != "", "")).where(non_indexable, "")
    return _join_reasons(reason, label.where(~bad_status.fillna(False), ""))  # a redirect is non-indexable anyway


def _merge_duplicate_pages(pages: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    """One row per URL: prefer a usable (target) row, then the most filled-in one, then the longest text."""
    counts = pages["url"].value_counts()
    repeated = counts[counts > 1]
    if repeated.empty:
        return pages
    rank = pd.DataFrame({
        "url": pages["url"],
        "usable": pages["excluded_reason"] == "",
        "filled": sum((pages[name] != "").astype(int) for name in TEXT_FIELDS),
        "length": pages["content"].str.len(),
    }, index=pages.index)
    keep = (rank.sort_values(["usable", "filled", "length"], ascending=False, kind="stable")
            .drop_duplicates("url").index)
    report.duplicates_merged.extend(pages.loc[pages["url"].isin(repeated.index), "url"].drop_duplicates())
    return pages.loc[pages.index.isin(keep)]


def _report_pages(pages: pd.DataFrame, report: ImportReport) -> None:
    report.pages = len(pages)
    excluded = pages.loc[~pages["is_target"], ["url", "excluded_reason"]]
    report.excluded.extend(zip(excluded["url"], excluded["excluded_reason"]))
    report.missing_text.extend(pages.loc[pages["is_target"] & (pages["content"] == ""), "url"])
    with_query = pages["url"].str.contains("?", regex=False)
    if with_query.any():
        count = int(with_query.sum())
        report.warnings.append(f"{count:,} page URL{' has' if count == 1 else 's have'} a query string and "
                               f"{'is' if count == 1 else 'are'} kept as separate pages, "
                               f"e.g. {examples(list(pages.loc[with_query, 'url']))}.")


# --- links ------------------------------------------------------------------------------------------------

def load_links(source, filename=None, known_urls=None, sheet=None) -> tuple[pd.DataFrame, ImportReport]:
    """Existing hyperlinks (source, destination, anchor[, position]), normalised, deduplicated, no self links.

    With ``known_urls`` (the normalised page URLs), links from or to other URLs are dropped and counted.
    ``sheet`` picks a workbook's worksheet (default: the first), as for load_pages.

    Memory (bench/bench_import.py, target: the importer's peak <= 3x the file): the columns are held as codes
    into their distinct values (coded.py) from the read on; only the result has one (shared) string per cell.
    """
    name = source_name(source, filename)
    table = read_table(source, name, sheet)
    report = ImportReport(file=name, warnings=list(table.attrs.get("notes", [])))
    report.links_read = report.rows_read = len(table) + len(table.attrs.get("bad_rows", []))
    drops = _Drops(report, table.attrs.get("bad_rows", []))
    columns = detect(table.columns, LINK_SYNONYMS)
    missing = [f'"{part}"' for part in ("source", "destination") if part not in columns]
    if missing:
        hint = ("; this looks like a page export: give it as the pages file"
                if "url" in detect_page_columns(table.columns) else "")
        where, others = _other_sheets(table.attrs)
        raise SiteDataError(f"no {' or '.join(missing)} column found{where} (expected headers such as Source, "
                            f"Destination, Anchor); headers are: {', '.join(map(str, table.columns[:12]))}"
                            + hint + others, file=name)
    links = _hyperlinks_only(table, columns, report)
    links = _normalise_link_urls(links, columns, drops, known_urls)
    drops.refuse_if_empty(len(links.rows), "links")
    links = _filter_links(links, report, known_urls)
    links = _merge_duplicate_links(links)
    report.links_kept = len(links.rows)
    return links.frame(), report


@dataclass
class _LinkRows:
    """The link rows being imported: file row numbers and one coded column per field (coded.py)."""
    rows: np.ndarray
    fields: dict[str, Coded]

    def where(self, keep: np.ndarray) -> "_LinkRows":
        return _LinkRows(self.rows[keep], {name: coded.where(keep) for name, coded in self.fields.items()})

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({name: coded.strings() for name, coded in self.fields.items()})


def _hyperlinks_only(table: pd.DataFrame, columns: Mapping[str, str], report: ImportReport) -> _LinkRows:
    """source/destination/anchor(/position) of the rows that are hyperlinks (All Inlinks also lists
    images, CSS, JavaScript, canonicals...), text cleaned. Consumes ``table`` column by column."""
    names = [*LINK_COLUMNS, *(["position"] if "position" in columns else [])]
    rows = table.index.to_numpy()
    other = None
    if "type" in columns:
        kind = Coded.of(_taken(table, columns["type"], columns, names))
        lowered = np.array([value.strip().lower() for value in kind.values], dtype=object)
        other = kind.per_row((lowered != "") & (lowered != "hyperlink"))
        if other.any():
            report.warnings.append(f"{int(other.sum()):,} non-hyperlink rows ({_most_common(kind, other)}) "
                                   "were skipped.")
    links = _LinkRows(rows, {
        name: Coded.of(_taken(table, columns[name], columns, names[i + 1:])).map(_fold_whitespace)
        if name in columns else Coded.constant("", len(rows)) for i, name in enumerate(names)})
    return links.where(~other) if other is not None and other.any() else links


def _most_common(kind: Coded, rows: np.ndarray, count: int = 4) -> str:
    """The ``count`` most frequent values among ``rows``, as value_counts orders them (ties: first seen)."""
    counts = np.bincount(kind.codes[rows], minlength=len(kind.values))
    first_seen = pd.unique(kind.codes[rows])
    ranked = first_seen[np.argsort(-counts[first_seen], kind="stable")]
    return ", ".join(kind.values[ranked[:count]])


def _taken(table: pd.DataFrame, header: str, columns: Mapping[str, str], later: list[str]) -> pd.Series:
    """A column of ``table``, removed from it unless a later field reads it too: each column's Arrow copy is
    freed once it has been coded."""
    if any(columns.get(name) == header for name in later):
        return table[header]
    return table.pop(header)


def _normalise_link_urls(links: _LinkRows, columns: Mapping[str, str], drops: _Drops,
                         known_urls) -> _LinkRows:
    """Source and destination normalised, as codes into one vocabulary of normalised URLs (equal URLs, equal
    codes); rows with a bad URL dropped and reported (for their source, else their destination)."""
    source, destination = links.fields["source"], links.fields["destination"]
    raw = pd.unique(np.concatenate([source.values, destination.values]))
    base = site_base(known_urls) if known_urls is not None else None
    base = base or site_base(raw)
    normalised, errors = normalise_values(raw, base)
    url_codes, vocabulary = pd.factorize(np.array(normalised, dtype=object), sort=False)
    errors = np.array(errors, dtype=object)
    bad = np.zeros(len(links.rows), dtype=bool)
    for part in ("source", "destination"):
        coded = links.fields[part]
        in_raw = pd.Index(raw).get_indexer(coded.values)
        failed = coded.per_row(errors[in_raw] != "")
        new = failed & ~bad
        drops.add_many(pd.Series(errors[in_raw][coded.codes[new]], index=links.rows[new]), columns[part])
        bad |= failed
        links.fields[part] = Coded(url_codes.astype(np.int32)[in_raw][coded.codes],
                                   np.asarray(vocabulary, dtype=object))
    return links.where(~bad) if bad.any() else links


def _filter_links(links: _LinkRows, report: ImportReport, known_urls) -> _LinkRows:
    """Drop self links and, given the page list, links from or to pages outside it (both counted)."""
    source, destination = links.fields["source"], links.fields["destination"]
    self_links = source.values[source.codes] == destination.values[destination.codes]
    if self_links.any():
        report.warnings.append(f"{int(self_links.sum()):,} self links (a page linking to itself) were skipped.")
        links = links.where(~self_links)
    if known_urls is not None:
        known = set(known_urls)
        source, destination = links.fields["source"], links.fields["destination"]
        in_known = [np.array([url in known for url in coded.values], dtype=bool) for coded in (source, destination)]
        outside = ~(source.per_row(in_known[0]) & destination.per_row(in_known[1]))
        if outside.any():
            report.warnings.append(f"{int(outside.sum()):,} links from or to URLs that are not in the page "
                                   "table were skipped." + _host_mismatch_hint(source, known, outside))
            links = links.where(~outside)
    return links


def _host_mismatch_hint(source: Coded, known: set, outside: np.ndarray) -> str:
    """When most links miss the page table, say so if the two files name the site differently."""
    if outside.mean() <= 0.5:
        return ""
    page_base, link_base = site_base(known), site_base(source.strings())
    if not page_base or not link_base or page_base == link_base:
        return ""
    return f" The pages use {page_base} but the links use {link_base}: were both exported from the same crawl?"


def _merge_duplicate_links(links: _LinkRows) -> _LinkRows:
    """One row per (source, destination): prefer an in-content occurrence, then one with an anchor; the rows
    stay in file order."""
    source, destination = links.fields["source"], links.fields["destination"]
    position = links.fields.get("position")
    nav = (position.per_row(np.array([value.lower() != "content" for value in position.values], dtype=bool))
           if position is not None else np.zeros(len(links.rows), dtype=bool))
    anchor = links.fields["anchor"]
    no_anchor = anchor.per_row(anchor.values == "")
    order = np.lexsort((no_anchor, nav))   # stable: file order within each rank
    pair = source.codes.astype(np.int64) * max(len(destination.values), 1) + destination.codes
    _, first = np.unique(pair[order], return_index=True)
    keep = np.zeros(len(links.rows), dtype=bool)
    keep[order[first]] = True
    return links.where(keep) if not keep.all() else links


def empty_links() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in LINK_COLUMNS})


# --- both -------------------------------------------------------------------------------------------------

def load_site(pages_source, links_source=None, *, pages_name=None, links_name=None, column_map=None,
              sheet=None, site_hosts=None, links_sheet=None) -> SiteData:
    """Pages plus (optionally) existing links, with one report covering both files.

    ``sheet`` and ``site_hosts`` are load_pages' (the pages file's worksheet; the hosts that form one site);
    ``links_sheet`` is the links workbook's worksheet (default: the first).
    """
    pages, report = load_pages(pages_source, pages_name, column_map, sheet, site_hosts)
    if links_source is None:
        return SiteData(pages=pages, links=empty_links(), report=report)
    links, link_report = load_links(links_source, links_name, known_urls=pages["url"], sheet=links_sheet)
    report.links_file = link_report.file
    report.links_read, report.links_kept = link_report.links_read, link_report.links_kept
    report.warnings.extend(f"{link_report.file}: {warning}" for warning in link_report.warnings)
    report.dropped_rows.extend((row, f"{link_report.file}: {reason}") for row, reason in link_report.dropped_rows)
    return SiteData(pages=pages, links=links, report=report)
