"""The pages table of a crawl: one row per normalised URL with its title, H1, body text (HTML parsed into
text and blocks), whether it may be a link target and why not.

Accepts Screaming Frog's "Internal: HTML" and custom extraction exports and generic tables; anything odd is
repaired and reported (report.py) or refused with one SiteDataError naming file, row and column.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Mapping

import numpy as np
import pandas as pd

from inlink.site.coded import map_distinct
from inlink.site.columns import (EXTRACTION_HEADER, PAGE_FIELDS, TEXT_FIELDS, detect_page_columns,
                                 extraction_headers, header_key, header_list, holds_links, holds_pages,
                                 resolve_page_columns)
from inlink.site.heap import HeapTrimmer
from inlink.site.languages import language_counts, language_line, page_languages
from inlink.site.page_frames import frame_warning
from inlink.site.report import Drops, ImportReport, examples
from inlink.site.scope import host_scope
from inlink.site.scripts import unspaced_warning
from inlink.site.errors import SiteDataError
from inlink.site.sources import source_name
from inlink.site.tables import fold_whitespace, read_table
from inlink.site.urls import normalise_series, site_base
from inlink.site.workbooks import other_sheets
from inlink.wording import counted, listed

PAGE_COLUMNS = PAGE_FIELDS + ("is_target", "excluded_reason", "blocks", "code_spans", "placeholder_spans", "html_links")
#: An indexability cell that says "not indexable", compared as headers are (header_key): Screaming Frog
#: writes "Non-Indexable", Sitebulb "Not Indexable", and an "Is Indexable" column false / no / 0.
NON_INDEXABLE_VALUES = ("nonindexable", "notindexable", "false", "no", "0", "noindex")
NON_INDEXABLE_STATUS = r"noindex|canonicali[sz]ed"


def load_pages(source, filename=None, column_map=None, sheet=None,
               site_hosts=None) -> tuple[pd.DataFrame, ImportReport]:
    """Pages table with PAGE_COLUMNS, one row per normalised URL, and the report of what was done.

    ``sheet`` picks a workbook's worksheet (default: the first). ``site_hosts`` lists the hosts that form one
    site ("*" for all); by default only the main host is analysed (see scope.py).
    """
    pages, report, _ = load_pages_and_redirects(source, filename, column_map, sheet, site_hosts)
    return pages, report


def load_pages_and_redirects(source, filename=None, column_map=None, sheet=None,
                             site_hosts=None) -> tuple[pd.DataFrame, ImportReport, dict[str, str]]:
    """load_pages, plus {redirecting URL: where it redirects} from the 3xx rows that say so (a "Redirect URL"
    column), both normalised: load_site reads the existing links through them."""
    name = source_name(source, filename)
    table = read_table(source, name, sheet, fits=holds_pages)
    report = ImportReport(file=name, rows_read=len(table) + len(table.attrs.get("bad_rows", [])),
                          warnings=list(table.attrs.get("notes", [])), encoding=table.attrs.get("encoding", ""))
    drops = Drops(report, table.attrs.get("bad_rows", []))
    columns = resolve_page_columns(table.columns, column_map, name)
    columns = _content_that_is_a_type(table, columns, column_map, report)
    columns = _repeated_headers(table, columns, column_map, report)
    if "url" not in columns:
        raise _no_url_column(table.columns, name, table.attrs, column_map)
    report.text_column = columns.get("content", "")
    if "content" not in columns:
        report.warnings.append("No body text column found: without the pages' text no link can be placed in them "
                               "(titles and H1s only name the link targets). Export the page text too (e.g. a "
                               "custom extraction \"Body 1\").")
    report.warnings.extend(_other_extractors(table.columns, columns, column_map))
    pages, cut = _page_frame(table, columns, column_map)
    if cut:
        report.warnings.append(f"{counted(len(cut), 'page has', 'pages have')} more than {MAX_TEXT_CHARS:,} characters "
                               f"of text, the most read of a page: the rest was left out (e.g. {cut[0]}).")
    _kinds_are_no_content_types(pages, columns.get("content_type", ""), report)
    pages = _drop_folder_rows(pages, report)
    pages = _normalise_page_urls(pages, drops, columns["url"], report)
    drops.refuse_if_empty(len(pages), "pages")
    pages["excluded_reason"] = _exclusion_reasons(pages)
    other_host, report.hosts, warnings = host_scope(pages["url"], site_hosts, name)
    pages["excluded_reason"] = _join_reasons(pages["excluded_reason"], other_host)
    report.warnings.extend(warnings)
    pages = _merge_duplicate_pages(pages, report)
    if pages["blocks"].isna().all():   # plain text: in HTML the parser tells the frame itself (site/main_content.py)
        report.warnings.extend(filter(None, [frame_warning(pages["content"].tolist())]))
    report.warnings.extend(filter(None, [unspaced_warning(pages["content"].tolist())]))
    pages["language"] = page_languages(pages["url"], pages["language"])
    report.languages = language_counts(pages["language"])
    if report.languages:
        report.warnings.append(language_line(report.languages))
    pages["excluded_reason"] = _copies_left_out(pages)
    pages["is_target"] = pages["excluded_reason"] == ""
    if not _any_named(pages):
        report.warnings.append("No page has a title or an H1: a suggestion's anchor names its target by them, so "
                               "few or no links can be suggested. Export the titles and H1s too (\"Title 1\", "
                               "\"H1-1\"), or fetch the pages.")
    _report_pages(pages, report)
    return pages.loc[:, list(PAGE_COLUMNS)].reset_index(drop=True), report, _redirects(pages)


#: A content type as a crawler writes it: "text/html; charset=UTF-8", "application/pdf", "image/png".
_MIME_TYPE = re.compile(r"\s*[a-z]+/[a-z0-9.+-]+\s*(?:;.*)?", re.IGNORECASE)
_MIME_MAX = 200   # characters: a longer cell is no content type (and a column holding one is text)


def _content_that_is_a_type(table: pd.DataFrame, columns: dict[str, str], column_map,
                            report: ImportReport) -> dict[str, str]:
    """The columns, with a "Content" column of content types read as the content type: Screaming Frog's URL tab (and
    its older Internal tab) names the content type "Content", which was read as every page's text ("text/html;
    charset=UTF-8"), a custom extraction "Body 1" beside it unread and a PDF kept as a link target. Told from the
    column's first cells as they are: a copy of them (stripped, as text) held 200 pages' text twice over, and took the
    docs corpus's import from 2.6 to 4.4 times its file's size (bench_import.py)."""
    header = columns.get("content", "")
    if not header or (column_map or {}).get("content") or "html" in header_key(header):
        return columns
    head = table[header].head(200).tolist()   # the cells themselves, not a copy of 200 pages' text (see above)
    if any(isinstance(value, str) and len(value) > _MIME_MAX for value in head):
        return columns
    filled = [value.strip() for value in head if isinstance(value, str) and value.strip()]
    if not filled or not all(_MIME_TYPE.fullmatch(value) for value in filled):
        return columns
    found = resolve_page_columns([h for h in table.columns if h != header], column_map, report.file)
    found.setdefault("content_type", header)
    report.warnings.append(f'The column "{header}" holds content types (e.g. {filled[0]}), not the '
                           "pages' text: it was read as their content type.")
    return found


def _repeated_headers(table: pd.DataFrame, columns: dict[str, str], column_map,
                      report: ImportReport) -> dict[str, str]:
    """The columns, with a field whose header the file repeats ("Content" twice: the second is named "Content.1",
    tables.unique_headers) read from the first of them that holds anything, and a warning that names them all. The
    second was ignored without a word: with an empty first "Content", the file was refused as having no text, and
    with an empty first "Address" as "the URL is empty" in every row. A column the user picked stays picked."""
    chosen = {field for field, header in (column_map or {}).items() if header}
    found = dict(columns)
    for field, header in columns.items():
        twins = [str(h) for h in table.columns if re.fullmatch(re.escape(header) + r"\.\d+", str(h))]
        if not twins:
            continue
        positions = [list(table.columns).index(h) + 1 for h in (header, *twins)]
        if field not in chosen and not _holds_any(table[header]):
            found[field] = next((twin for twin in twins if _holds_any(table[twin])), header)
        read, others = positions[[header, *twins].index(found[field])], "s" if len(twins) > 1 else ""
        numbers = f'{", ".join(map(str, positions[:-1]))} and {positions[-1]}'
        report.warnings.append(f'The file has {len(positions)} columns named "{header}" (columns {numbers}): column '
                               f"{read} was read, the other{others} ignored. Rename or remove the column{others} not "
                               "meant.")
    return found


def _holds_any(column: pd.Series) -> bool:
    """Whether any cell of a column holds more than white space."""
    return bool(column.astype(str).str.strip().ne("").any()) if len(column) else False


def _kinds_are_no_content_types(pages: pd.DataFrame, header: str, report: ImportReport) -> None:
    """A column named only "Type" is a content type when its values are ("text/html", "application/pdf"); a CMS's
    export names its kinds of page so ("post", "page", "product"), and every page was kept out as "not HTML (post)",
    the file refused as "Files that are not HTML (PDFs, images) have no prose". Such a column is not read."""
    if header_key(header) != "type" or pages["content_type"].str.contains("/", regex=False).any():
        return
    kinds = examples(list(pages.loc[pages["content_type"] != "", "content_type"].drop_duplicates()))
    pages["content_type"] = ""
    if kinds:
        report.warnings.append(f'The column "{header}" holds kinds of page ({kinds}), not content types such as '
                               "text/html: it was not read.")


def _redirects(pages: pd.DataFrame) -> dict[str, str]:
    """{URL: its Redirect URL, normalised} of the rows whose status is 3xx; {} when the file says none."""
    moved = (pages["status_code"].between(300, 399).fillna(False) & (pages["redirect_url"] != "")).to_numpy(bool)
    if not moved.any():
        return {}
    targets, errors = normalise_series(pages.loc[moved, "redirect_url"], site_base(pages["url"].unique()))
    good = (errors == "").to_numpy(bool)
    return dict(zip(pages.loc[moved, "url"].to_numpy()[good], targets.to_numpy()[good]))


def _no_url_column(headers, file: str, attrs: Mapping, column_map=None) -> SiteDataError:
    taken = {header: field for field, header in (column_map or {}).items()
             if header and "url" in detect_page_columns([header])}
    if taken:   # 'content=Address': it said "no URL column found; headers are: Address, ..."
        header, field = next(iter(taken.items()))
        return SiteDataError(f'the URL column "{header}" is mapped to the field "{field}", so no column is left for '
                             f"the pages' URLs: map {field} to another column", file=file)
    if any(re.match(r"(?i)https?://", str(header)) for header in headers):
        return SiteDataError("the first row holds URLs, not column names: add a header row "
                             "(e.g. URL, Title, Content)", file=file, row=1)
    if holds_links(headers):
        return SiteDataError("this looks like a links export (Source, Destination): give it as the existing "
                             "links file, and a page export (Address, Title 1, ...) as the pages file", file=file)
    where, others = other_sheets(attrs)
    return SiteDataError(f"no URL column found{where} (expected a header such as Address, URL or Page); "
                         f"headers are: {header_list(headers)} (URLs under another header: name it, with --column "
                         f"'url=HEADER' on the command line or the column picker on the Upload page){others}",
                         file=file)


def _clean_text(series: pd.Series) -> pd.Series:
    """Cleaned strings, so anchors found in one file match the text of another reliably."""
    return map_distinct(series, fold_whitespace)


#: Fields cleaned as text (whitespace folded); the others (status code, word count) are parsed as numbers.
CLEANED_FIELDS = (*TEXT_FIELDS, "url", "content_type", "indexability", "indexability_status", "redirect_url",
                  "canonical")
#: Fields read besides PAGE_FIELDS: why a page is non-indexable, where a 3xx row redirects, its canonical URL.
EXTRA_FIELDS = ("indexability_status", "redirect_url", "canonical")


def _any_named(pages: pd.DataFrame) -> bool:
    """Whether any page has a title or an H1 (the names anchors are made of)."""
    return any(column in pages.columns and pages[column].fillna("").astype(str).str.strip().ne("").any()
               for column in ("title", "h1"))


def _page_frame(table: pd.DataFrame, columns: Mapping[str, str], column_map) -> tuple[pd.DataFrame, list[str]]:
    """Canonical columns as cleaned strings (index still = file row); body text columns joined; and the URLs of
    the pages whose text was cut at MAX_TEXT_CHARS.

    Memory (bench/bench_import.py, target: the importer's peak <= 3x the file): this consumes ``table``. A
    column leaves it when its last field has been read and its Arrow chunks are freed as they become Python
    strings, the body text's HTML and raw spacing as each cell is cleaned: at no time are two whole copies of
    a crawl's text alive. The body text goes first: it is nearly all of a crawl's bytes."""
    sources = {name: ([columns[name]] if name != "content" else _body_headers(table, columns, column_map))
               for name in (*PAGE_FIELDS, *EXTRA_FIELDS) if name in columns}
    uses = Counter(header for headers in sources.values() for header in headers)

    def take(header: str) -> pd.Series:
        uses[header] -= 1
        return _strings(table[header] if uses[header] else table.pop(header))

    empty = pd.Series("", index=table.index, dtype=object)
    fields: dict[str, pd.Series] = {}
    for name in sorted(sources, key=lambda name: name != "content"):
        if name in CLEANED_FIELDS:
            fields[name] = _python_strings(take(sources[name][0]))
            for header in sources[name][1:]:   # more custom-extraction columns ("Body 2"...): joined
                fields[name] = fields[name].str.cat(_python_strings(take(header)), sep=" ")
        else:
            fields[name] = take(sources[name][0])
    fields["content"], blocks, code, placeholders, links, cut = _body_text(fields.pop("content", empty),
                                                                           columns.get("content", ""))
    for name in CLEANED_FIELDS:
        if name != "content":
            fields[name] = _clean_text(fields[name]) if name in fields else empty
    pages = pd.DataFrame({name: fields.pop(name, empty) for name in (*PAGE_FIELDS, *EXTRA_FIELDS)},
                         index=table.index)
    pages["blocks"] = blocks
    pages["code_spans"] = code
    pages["placeholder_spans"] = placeholders
    pages["html_links"] = links
    pages["status_code"] = _status_codes(pages["status_code"])
    counted = pd.to_numeric(_without_digit_groups(pages["word_count"]), errors="coerce")
    uncounted = counted.isna()
    # content is whitespace-folded by now, so words = spaces + 1 (a C-speed count, no split)
    counted[uncounted] = pages.loc[uncounted, "content"].map(lambda text: text.count(" ") + 1 if text else 0)
    pages["word_count"] = counted.astype("int64")
    return pages, [str(url) for url in pages.loc[cut, "url"]]   # the pages whose text was cut: said by the caller


#: A whole number written in groups of three digits: "1.234" (German, a semicolon-separated export), "1,234", "1 234"
_DIGIT_GROUPS = re.compile(r"\d{1,3}(?:([.,\u00a0\u202f ])\d{3})(?:\1\d{3})*")


def _without_digit_groups(column: pd.Series) -> pd.Series:
    """Word counts with their thousands separators taken out: a count is a whole number, so "1.234" is 1,234 words
    (it was read as 1.234 and shown as 1), and "1,234" is too (it was no number, so counted again from the text)."""
    grouped = column.str.fullmatch(_DIGIT_GROUPS.pattern, na=False)
    if not grouped.any():
        return column
    column = column.copy()
    column[grouped] = column[grouped].str.replace(r"\D", "", regex=True)
    return column


def _status_codes(column: pd.Series) -> pd.Series:
    """The status codes as numbers (Int64, missing where none is written); a code written with its reason phrase,
    "301 Moved Permanently" (Netpeak Spider's export), is its number: it was read as no status at all, and a 404 or
    a redirect kept as a link target without a word."""
    numbers = pd.to_numeric(column, errors="coerce")
    unread = numbers.isna()
    if unread.any():   # a plain number in every cell (the common export): nothing more to read
        codes = column[unread].fillna("").astype(str).str.extract(r"^\s*(\d{3})\b", expand=False)
        numbers[unread] = pd.to_numeric(codes, errors="coerce")
    return numbers.astype("Int64")


def _strings(column: pd.Series) -> pd.Series:
    """A column as pandas strings; one that already is (Python- or Arrow-backed) as it is: astype(str) would
    copy Python strings into Arrow."""
    return column if isinstance(column.dtype, pd.StringDtype) else column.astype(str)


def _python_strings(column: pd.Series) -> pd.Series:
    """A text column as Python str objects (object dtype; a missing value as ""): what cleaning makes of it
    anyway, made once. Takes the caller's only reference: an Arrow-backed column (the text path's) is
    converted chunk by chunk, each chunk freed once read, so the column's Arrow and Python copies are never
    both whole."""
    index = column.index
    if getattr(column.dtype, "storage", None) != "pyarrow":   # Python strings already (the common read)
        return pd.Series(column.fillna("").to_numpy(dtype=object), index=index, dtype=object)
    to_arrow = column.array.__arrow_array__
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
    """The content column's header; the matches of its custom extraction ("Body 1", "Body 2"...) are joined,
    unless the user picked one column in column_map. Another extractor's columns are not: "Extractor 2 1" (an
    author, a date, a list of related posts) was joined to the body text of "Extractor 1 1" and "Extractor 1 2"."""
    headers = [columns["content"]]
    if not (column_map or {}).get("content") and EXTRACTION_HEADER.match(header_key(headers[0])):
        headers = [header for header in
                   extraction_headers(table.columns, {k: v for k, v in columns.items() if k != "content"})
                   if _extractor(header) == _extractor(headers[0])]
    return headers


def _other_extractors(headers, columns: Mapping[str, str], column_map) -> list[str]:
    """A note naming the custom-extraction columns of other extractors than the body text's, which are not read
    (_body_headers), so that a second extractor holding body text can be seen and picked."""
    if "content" not in columns or (column_map or {}).get("content"):   # none, or the one the analyst picked
        return []
    read = set(_body_headers(pd.DataFrame(columns=list(headers)), columns, column_map))
    others = [header for header in extraction_headers(headers, columns)
              if _extractor(header) != _extractor(columns["content"])]
    if not others:
        return []
    return [f"The pages' text is read from {listed(sorted(read, key=list(headers).index))}; "
            f"{counted(len(others), 'custom extraction column')} of another extractor "
            f"({listed(others)}) {'is' if len(others) == 1 else 'are'} not read as text."]


def _extractor(header: str) -> str:
    """The extractor a custom-extraction column belongs to: its header without the match number ("Extractor 1 2"
    -> "extractor1", "Body Text 3" -> "bodytext")."""
    return header_key(re.sub(r"[\s_\-.]*\d+$", "", str(header)))


def _body_text(content: pd.Series, header: str) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series, pd.Series,
                                                          list]:
    """The body text cleaned, and its blocks: HTML in the text column (a custom extraction "Extract HTML
    Element" / "Extract Inner HTML", e.g. Body HTML 1) becomes its plain text plus its blocks (kind, start,
    end), its inline code spans (start, end: how the page marks a name as code) and its placeholders (the code
    that stands for a value: html.py), and its links as (href, anchor, in the content: html.parse_fragment_links);
    plain text keeps all four None. Last, the index labels of the pages whose text was cut (MAX_TEXT_CHARS).

    Takes the caller's only reference to ``content``: each cell is replaced by its text as it is parsed and
    cleaned, so the raw column and the clean one are never both whole in memory."""
    html = _html_cells(content, header)
    if html is not None:   # the HTML parser (lxml) is loaded for a crawl that holds HTML only
        from inlink.site.html import parse_fragment_links
    texts, index = content.to_numpy(dtype=object, copy=True), content.index
    del content
    blocks = np.full(len(texts), None, dtype=object)   # numpy, not Series.iat: pandas' per-cell setitem cost
    code = np.full(len(texts), None, dtype=object)     # a twentieth of an HTML import
    placeholders = np.full(len(texts), None, dtype=object)
    links = np.full(len(texts), None, dtype=object)    # (href, anchor, in content) of its <a> tags, when it has any
    heap = HeapTrimmer()
    cut = []
    for position, text in enumerate(texts):
        if html is not None and html[position]:
            heap.processed(len(text))   # the cells parsed before are freed by now
            text, blocks[position], spans, held, found = parse_fragment_links(text)
            code[position] = np.array(spans, dtype=np.int32).reshape(-1, 2)   # compact: many per page
            if held:   # most pages hold none
                placeholders[position] = np.array(held, dtype=np.int32).reshape(-1, 2)
            if found:
                links[position] = [(href, fold_whitespace(anchor), content) for href, anchor, content in found]
        texts[position] = fold_whitespace(text)
        if len(texts[position]) > MAX_TEXT_CHARS:
            texts[position], blocks[position], code[position], placeholders[position] = _cut_text(
                texts[position], blocks[position], code[position], placeholders[position])
            cut.append(index[position])
    return (*(pd.Series(column, index=index, dtype=object) for column in (texts, blocks, code, placeholders, links)),
            cut)


#: The most characters of a page's body text read (about 150,000 words; the longest pages of the development
#: corpora hold a tenth of it). A crawl with a 42 MB cell took the analysis to 1.8 GB: the engine holds several
#: arrays per token of a page's text. A longer text is cut at a word boundary, and the pages so cut are said.
MAX_TEXT_CHARS = 1_000_000


def _cut_text(text: str, blocks, code, placeholders):
    """A text longer than MAX_TEXT_CHARS cut at the last space before it, with its blocks and spans (from HTML)
    kept only where they start before the cut, and ended there."""
    end = text.rfind(" ", 0, MAX_TEXT_CHARS)
    end = end if end > MAX_TEXT_CHARS // 2 else MAX_TEXT_CHARS
    if blocks is not None:
        blocks = [(kind, start, min(stop, end)) for kind, start, stop in blocks if start < end]
    spans = []
    for found in (code, placeholders):
        if found is not None:
            found = found[found[:, 0] < end]
            found[:, 1] = np.minimum(found[:, 1], end)
        spans.append(found)
    return (text[:end], blocks, *spans)


def _html_cells(content: pd.Series, header: str) -> np.ndarray | None:
    """Which cells hold HTML to parse; None when the column is plain text. The column is HTML when its header
    says so, or when nearly all its cells start with a tag: plain text about HTML (a template guide quoting
    <a>) must stay plain text. Cells are judged by their first non-blank character (no stripped copies)."""
    first = content.map(lambda text: text.lstrip()[:1])
    filled = first[first != ""]
    if not ("html" in header_key(header) or (len(filled) > 0 and (filled == "<").mean() >= 0.8)):
        return None
    from inlink.site.html import looks_like_html   # here: a plain-text crawl never loads lxml
    html = content.map(looks_like_html).to_numpy(dtype=bool)
    return html if html.any() else None


def _drop_folder_rows(pages: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    """Screaming Frog's tree view adds folder rows with an empty Address: drop them, say how many. A row with text
    and no URL is no folder: it is a dropped row ("the URL is empty", with its row, _normalise_page_urls), so
    that a page whose URL cell was lost is found in the file (it was counted among the folder rows)."""
    folders = (pages["url"] == "") & (pages["content"] == "")
    if folders.any():
        report.warnings.append(counted(int(folders.sum()), "row without a URL (a tree-view folder row) was",
                                       "rows without a URL (tree-view folder rows) were") + " skipped.")
    return pages.loc[~folders]


def _normalise_page_urls(pages: pd.DataFrame, drops: Drops, url_header: str, report: ImportReport) -> pd.DataFrame:
    """The pages' URLs in their one canonical form; a URL from the site's root ("/library/os.html") is read on the
    host most URLs name, and said so (it was done without a word, where a links file's relative URLs are said)."""
    base = site_base(pages["url"].unique())
    normalised, errors = normalise_series(pages["url"], base)
    bad = errors != ""
    rooted = ~bad & pages["url"].str.startswith("/") & ~pages["url"].str.startswith("//")
    if base and rooted.any():
        report.warnings.append(f"{counted(int(rooted.sum()), 'page URL was', 'page URLs were')} written from the "
                               f"site's root (e.g. {pages['url'][rooted].iloc[0]}): read on {base}")
    drops.add_many(errors[bad], url_header)
    pages = pages.loc[~bad].copy()
    pages["url"] = normalised[~bad]
    return pages


def _join_reasons(first: pd.Series, second: pd.Series) -> pd.Series:
    both = (first != "") & (second != "")
    return (first + second).where(~both, first + "; " + second)


#: Why a row with status code 0 is no target: Screaming Frog and our fetcher write 0 when no HTTP answer came
#: (blocked by robots.txt, a timeout, a refused connection); the report said "status 0".
NOT_FETCHED = "not fetched (status 0: no answer)"


def _exclusion_reasons(pages: pd.DataFrame) -> pd.Series:
    """Why a page must not be suggested as a link target ("" when it may be)."""
    blank = pd.Series("", index=pages.index, dtype=object)
    content_type = pages["content_type"].str.lower()
    not_html = (content_type != "") & ~content_type.str.contains("html", regex=False)
    reason = blank.where(~not_html, "not HTML (" + pages["content_type"] + ")")
    status = pages["status_code"]
    bad_status = status.notna() & (status != 200)
    said = ("status " + status.astype(str)).where(status != 0, NOT_FETCHED)   # crawlers write 0 for no answer
    reason = _join_reasons(reason, blank.where(~bad_status.fillna(False), said))
    detail = pages["indexability_status"].where(pages["indexability_status"] != "", _canonicalised(pages))
    non_indexable = (map_distinct(pages["indexability"], header_key).isin(NON_INDEXABLE_VALUES)
                     | detail.str.lower().str.contains(NON_INDEXABLE_STATUS, regex=True))
    label = ("non-indexable" + (": " + detail).where(detail != "", "")).where(non_indexable, "")
    return _join_reasons(reason, label.where(~bad_status.fillna(False), ""))  # a redirect is non-indexable anyway


def _canonicalised(pages: pd.DataFrame) -> pd.Series:
    """"Canonicalised to <URL>" for a page whose canonical URL is another page's, when the export gives no
    indexability of its own (a crawler's export with a "Canonical URL" column and none saying "Non-Indexable": its
    "?sort=price" copies were suggested as link targets); "" elsewhere. A canonical naming the same path on another
    host (a staging copy's, naming the public site) is no other page, as for a fetched site."""
    blank = pd.Series("", index=pages.index, dtype=object)
    if (pages["indexability"] != "").any() or not (pages["canonical"] != "").any():
        return blank
    canonical, errors = normalise_series(pages["canonical"], site_base(pages["url"].unique()))
    elsewhere = ((pages["canonical"] != "") & (errors == "")
                 & (_path(canonical) != _path(pages["url"])))
    return blank.where(~elsewhere, "Canonicalised to " + canonical)


def _path(urls: pd.Series) -> pd.Series:
    """The URLs without their scheme and host."""
    return urls.str.replace(r"^[a-z][a-z0-9+.-]*://[^/?#]*", "", regex=True)


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


def _copies_left_out(pages: pd.DataFrame) -> list[str]:
    """The exclusion reasons, with "copy of <URL>" for a page whose title, H1 and text another page has word for word
    (one page under two addresses: a folder and its index.html, a print version): a link should go to one of them,
    and both were suggested to each other at "similarity 1.00". Kept: the shortest address, then the first; the
    fetcher's dataset keeps one copy by the same rule (fetch/dataset.py duplicates). Pages already left out, and
    pages without text, are no copies. The (title, H1, text) tuples are dict keys: no text is copied."""
    reasons, urls = pages["excluded_reason"].tolist(), pages["url"].tolist()
    keys = list(zip(pages["title"].tolist(), pages["h1"].tolist(), pages["content"].tolist()))
    candidates = [at for at, key in enumerate(keys) if not reasons[at] and key[2].strip()]
    kept: dict[tuple, int] = {}
    for at in sorted(candidates, key=lambda at: (len(urls[at]), at)):
        first = kept.setdefault(keys[at], at)
        if first != at:
            reasons[at] = f"copy of {urls[first]}"
    return reasons


def _report_pages(pages: pd.DataFrame, report: ImportReport) -> None:
    report.pages = len(pages)
    excluded = pages.loc[~pages["is_target"], ["url", "excluded_reason"]]
    report.excluded.extend(zip(excluded["url"], excluded["excluded_reason"]))
    report.missing_text.extend(pages.loc[pages["is_target"] & (pages["content"] == ""), "url"])
    # of the pages kept as link targets: one left out (canonicalised to its URL without the query) was said "kept
    # as a separate page" beside its own line in "Pages left out"
    with_query = pages["url"].str.contains("?", regex=False) & pages["is_target"]
    if with_query.any():
        count = int(with_query.sum())
        report.warnings.append(f"{count:,} page URL{' has' if count == 1 else 's have'} a query string and "
                               f"{'is kept as a separate page' if count == 1 else 'are kept as separate pages'}, "
                               f"e.g. {examples(list(pages.loc[with_query, 'url']))}.")
