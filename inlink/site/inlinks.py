"""The existing links of a site (an "All Inlinks" export or a source / destination / anchor table):
normalised, hyperlinks only, no self links, one row per link, links outside the crawl dropped and counted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping
from urllib.parse import urljoin, urlsplit

import numpy as np
import pandas as pd

from inlink.site.coded import Coded
from inlink.site.columns import LINK_SYNONYMS, detect, header_list, holds_links, holds_pages
from inlink.site.report import Drops, ImportReport
from inlink.site.errors import SiteDataError
from inlink.site.sources import source_name
from inlink.site.tables import MAX_LINK_ROWS, fold_whitespace, read_table
from inlink.site.workbooks import other_sheets
from inlink.site.urls import normalise_values, site_base
from inlink.wording import clipped, counted

LINK_COLUMNS = ("source", "destination", "anchor")
#: A link type that is a link to a page: Screaming Frog's "Hyperlink", Ahrefs' "href" (its others: "redirect",
#: "canonical", "alternate", ..., as Screaming Frog's "Image", "CSS", "Canonical" are no hyperlinks either).
HYPERLINK_TYPES = ("hyperlink", "href")


def load_links(source, filename=None, known_urls=None, sheet=None,
               redirects: Mapping[str, str] | None = None) -> tuple[pd.DataFrame, ImportReport]:
    """Existing hyperlinks (source, destination, anchor[, position]), normalised, deduplicated, no self links
    (read_links, without the text they leave linked)."""
    links, _linked_text, report = read_links(source, filename, known_urls, sheet, redirects)
    return links, report


def read_links(source, filename=None, known_urls=None, sheet=None, redirects: Mapping[str, str] | None = None,
               ) -> tuple[pd.DataFrame, pd.DataFrame, ImportReport]:
    """(links, linked text, report): the existing hyperlinks (source, destination, anchor[, position]), normalised,
    deduplicated, no self links; and (source, anchor) of the hyperlinks dropped from a page of the site (a self
    link, a link to a URL outside the page table), text that stands linked on that page all the same, where no
    suggestion may put a link (the engine's linked spans: a suggested anchor fell inside "Prefix matching", the
    page's link to its own section).

    With ``known_urls`` (the normalised page URLs), links from or to other URLs are dropped and counted.
    ``sheet`` picks a workbook's worksheet (default: the first), as for load_pages. ``redirects`` ({URL: where
    it redirects}, normalised): a link to a redirecting URL is a link to the page it ends at.

    Memory (bench/bench_import.py, target: the importer's peak <= 3x the file): the columns are held as codes
    into their distinct values (coded.py) from the read on; only the result has one (shared) string per cell.
    """
    name = source_name(source, filename)
    table = read_table(source, name, sheet, categories=True, fits=holds_links, holds="the links",
                       max_rows=MAX_LINK_ROWS)
    report = ImportReport(file=name, warnings=list(table.attrs.get("notes", [])))
    report.links_read = report.rows_read = len(table) + len(table.attrs.get("bad_rows", []))
    drops = Drops(report, table.attrs.get("bad_rows", []))
    columns = detect(table.columns, LINK_SYNONYMS)
    missing = [f'"{part}"' for part in ("source", "destination") if part not in columns]
    if missing:
        hint = ("; this looks like a page export: give it as the pages file"
                if holds_pages(table.columns) else "")
        where, others = other_sheets(table.attrs, "the links")
        raise SiteDataError(f"no {' or '.join(missing)} column found{where} (expected headers such as Source, "
                            f"Destination, Anchor); headers are: {header_list(table.columns)}"
                            + hint + others, file=name)
    links = _hyperlinks_only(table, columns, report)
    links = _relative_to_source(links, report)
    links = _normalise_link_urls(links, columns, drops, known_urls)
    drops.refuse_if_empty(len(links.rows), "links")
    links = _through_redirects(links, redirects, report)
    links, dropped = _filter_links(links, report, known_urls)
    links, merged = _merge_duplicate_links(links)
    dropped.append(merged)
    report.links_kept = len(links.rows)
    return links.frame(), _linked_text(dropped), report


def _linked_text(dropped: list[_LinkRows]) -> pd.DataFrame:
    """(source, anchor[, position]) of dropped links with an anchor, once each."""
    frames = [rows.frame().drop(columns="destination") for rows in dropped if len(rows.rows)]
    if not frames:
        return pd.DataFrame({"source": [], "anchor": []}, dtype=object)
    linked = pd.concat(frames, ignore_index=True)
    return linked[linked["anchor"].str.strip() != ""].drop_duplicates(ignore_index=True)


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
        other = kind.per_row((lowered != "") & ~np.isin(lowered, HYPERLINK_TYPES))
        if other.any():
            count = int(other.sum())
            report.warnings.append(f"{counted(count, 'non-hyperlink row')} ({_most_common(kind, other)}) "
                                   f"{'was' if count == 1 else 'were'} skipped.")
    links = _LinkRows(rows, {
        name: Coded.of(_taken(table, columns[name], columns, names[i + 1:])).map(fold_whitespace)
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


#: A URL with a scheme (https:, mailto:, javascript:...) or from the site's root ("/a", "//host/a"): not relative
#: to its page. "www.a.com/x" is read as an address too (urls._absolute).
_NOT_PAGE_RELATIVE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|/|\\|www\.)", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s")   # "not a url": no href either


def _relative_to_source(links: _LinkRows, report: ImportReport) -> _LinkRows:
    """A destination written relative to its page ("list.html", "../api/x.html", "#top", "?page=2"), as a links
    table taken from the pages' hrefs holds it, resolved against its row's source, as a browser does: it was
    dropped as "not a URL" (the row names its base: the source), and the site's existing link suggested again."""
    source, destination = links.fields["source"], links.fields["destination"]
    hosts = {urlsplit(value.lower()).hostname for value in source.values}   # "a.com/x" is a.com's, no path of it
    relative = destination.per_row(np.array([value != "" and not _NOT_PAGE_RELATIVE.match(value)
                                             and not _WHITESPACE.search(value)
                                             and value.split("/", 1)[0].lower() not in hosts
                                             for value in destination.values], dtype=bool))
    relative &= source.per_row(np.array([value.lower().startswith(("http://", "https://"))
                                         for value in source.values], dtype=bool))
    if not relative.any():
        return links
    resolved = destination.values[destination.codes]
    resolved[relative] = [urljoin(base, href) for base, href in
                          zip(source.values[source.codes[relative]], resolved[relative])]
    first = int(relative.nonzero()[0][0])
    one = int(relative.sum()) == 1
    report.warnings.append(f"{counted(int(relative.sum()), 'link destination')} written relative to "
                           f"{'its page was' if one else 'their pages were'} read from the link's source, e.g. "
                           f"{destination.values[destination.codes[first]]} on {source.values[source.codes[first]]} "
                           f"as {resolved[first]}.")
    codes, distinct = pd.factorize(resolved, sort=False)
    links.fields["destination"] = Coded(codes.astype(np.int32), np.asarray(distinct, dtype=object))
    return links


def _normalise_link_urls(links: _LinkRows, columns: Mapping[str, str], drops: Drops,
                         known_urls) -> _LinkRows:
    """Source and destination normalised, as codes into one vocabulary of normalised URLs (equal URLs, equal
    codes); rows with a bad URL dropped and reported (for their source, else their destination)."""
    source, destination = links.fields["source"], links.fields["destination"]
    # each field's distinct values as positions in ``raw``, the two fields' distinct values together: no
    # pandas.Index (pandas 3 makes one of strings an Arrow array, whose allocator's first use added 2 MB
    # resident to the docs corpus links file, 3.6x its size)
    raw_codes, raw = pd.factorize(np.concatenate([source.values, destination.values]), sort=False)
    in_raws = {"source": raw_codes[:len(source.values)], "destination": raw_codes[len(source.values):]}
    base = site_base(known_urls) if known_urls is not None else None
    base = base or site_base(raw)
    normalised, errors = normalise_values(raw, base)
    url_codes, vocabulary = pd.factorize(np.array(normalised, dtype=object), sort=False)
    errors = np.array(errors, dtype=object)
    bad = np.zeros(len(links.rows), dtype=bool)
    for part in ("source", "destination"):
        coded = links.fields[part]
        in_raw = in_raws[part]
        failed = coded.per_row(errors[in_raw] != "")
        new = failed & ~bad
        drops.add_many(pd.Series(errors[in_raw][coded.codes[new]], index=links.rows[new]), columns[part])
        bad |= failed
        links.fields[part] = Coded(url_codes.astype(np.int32)[in_raw][coded.codes],
                                   np.asarray(vocabulary, dtype=object))
    return links.where(~bad) if bad.any() else links


#: Redirect hops followed at most from one URL (a longer chain, or a loop, leaves the link as it is).
MAX_REDIRECT_HOPS = 10


def _through_redirects(links: _LinkRows, redirects: Mapping[str, str] | None, report: ImportReport) -> _LinkRows:
    """A link to a redirecting URL is a link to the page the redirects end at: the site links that page already
    (it was suggested again, with the very anchor the site uses), and its anchor is evidence for that page."""
    if not redirects:
        return links
    destination = links.fields["destination"]
    final = np.array([redirected(url, redirects) for url in destination.values], dtype=object)
    moved = destination.per_row(final != destination.values)
    if moved.any():
        example = next(f"{clipped(url)} -> {clipped(end)}" for url, end in zip(destination.values, final) if url != end)
        one = int(moved.sum()) == 1
        report.warnings.append(f"{int(moved.sum()):,} link{' goes' if one else 's go'} to a redirecting URL and "
                               f"count{'s' if one else ''} as a link to the page it redirects to, e.g. {example}.")
        links.fields["destination"] = destination.recoded(final)
    return links


def redirected(url: str, redirects: Mapping[str, str]) -> str:
    """Where following the redirects from ``url`` ends (``url`` itself for a loop or an over-long chain)."""
    seen, current = {url}, url
    for _ in range(MAX_REDIRECT_HOPS):
        following = redirects.get(current)
        if following is None:
            return current
        if following in seen:
            return url
        seen.add(following)
        current = following
    return url


def _filter_links(links: _LinkRows, report: ImportReport, known_urls) -> tuple[_LinkRows, list[_LinkRows]]:
    """Drop self links and, given the page list, links from or to pages outside it (both counted); also returns
    the dropped rows whose source is a page of the site (read_links' linked text). URLs are spelled as the pages
    spell them first (_as_the_pages_spell_them), so a page's link to itself written with another scheme or "www."
    is a self link too (it stayed among the links, and its anchor out of the page's linked text)."""
    known = set(known_urls) if known_urls is not None else None
    if known is not None:
        links = _as_the_pages_spell_them(links, known, report)
    from_page = _in(links.fields["source"], known)
    source, destination = links.fields["source"], links.fields["destination"]
    self_links = source.values[source.codes] == destination.values[destination.codes]
    dropped = []
    if self_links.any():
        count = int(self_links.sum())
        report.warnings.append(f"{counted(count, 'self link')} (a page linking to itself) "
                               f"{'was' if count == 1 else 'were'} skipped.")
        dropped.append(links.where(self_links & from_page))
        links, from_page = links.where(~self_links), from_page[~self_links]
    if known is not None:
        source, destination = links.fields["source"], links.fields["destination"]
        outside = ~(from_page & _in(destination, known))
        if outside.any():
            first = int(outside.nonzero()[0][0])
            example = next(clipped(url) for url in (coded.values[coded.codes[first]] for coded in (source, destination))
                           if url not in known)
            count = int(outside.sum())
            report.warnings.append(f"{counted(count, 'link')} from or to URLs that are not in the page table "
                                   f"{'was' if count == 1 else 'were'} skipped, e.g. {example}."
                                   + _host_mismatch_hint(source, known, outside))
            dropped.append(links.where(outside & from_page))
            links = links.where(~outside)
    return links, dropped


def _in(coded: Coded, known: set | None) -> np.ndarray:
    """Per row, whether its URL is in `known` (every row when no page list is given)."""
    if known is None:
        return np.ones(len(coded.codes), dtype=bool)
    return coded.per_row(np.array([url in known for url in coded.values], dtype=bool))


_SCHEME_AND_WWW_RE = re.compile(r"^https?://(?:www\.)?", re.IGNORECASE)


def _as_the_pages_spell_them(links: _LinkRows, known: set, report: ImportReport) -> _LinkRows:
    """A link URL missing from the page table that differs from exactly one page's URL only in its scheme or a
    "www." (http://ex.com/a for https://ex.com/a: links hard-coded before a move to https) is that page's: else
    the site's existing link was dropped, and the engine suggested the very link the page has."""
    if all(url in known for part in ("source", "destination") for url in links.fields[part].values):
        return links   # the common case (one crawl's export): no page URL is respelled
    aliases: dict[str, list[str]] = {}
    for url in known:
        aliases.setdefault(_SCHEME_AND_WWW_RE.sub("", url), []).append(url)
    respelled, example = 0, None
    for part in ("source", "destination"):
        coded = links.fields[part]
        final = np.array([url if url in known else _only(aliases.get(_SCHEME_AND_WWW_RE.sub("", url))) or url
                          for url in coded.values], dtype=object)
        changed = final != coded.values
        if changed.any():
            respelled += int(coded.per_row(changed).sum())
            example = example or f"{clipped(coded.values[changed][0])} as {clipped(final[changed][0])}"
            links.fields[part] = coded.recoded(final)
    if respelled:
        report.warnings.append(f"{counted(respelled, 'link URL')} differing from a page's only in http/https or "
                               f"www. {'was' if respelled == 1 else 'were'} read as that page's, e.g. {example}.")
    return links


def _only(urls: list[str] | None) -> str | None:
    return urls[0] if urls and len(urls) == 1 else None


def _host_mismatch_hint(source: Coded, known: set, outside: np.ndarray) -> str:
    """When most links miss the page table, say so if the two files name the site differently."""
    if outside.mean() <= 0.5:
        return ""
    page_base, link_base = site_base(known), site_base(source.strings())
    if not page_base or not link_base or page_base == link_base:
        return ""
    return f" The pages use {page_base} but the links use {link_base}: were both exported from the same crawl?"


def _merge_duplicate_links(links: _LinkRows) -> tuple[_LinkRows, _LinkRows]:
    """(one row per (source, destination), the rows merged away): prefer an in-content occurrence, then one with
    an anchor; the rows stay in file order. The rows merged away are a page's other links to the same page (an
    All Inlinks export lists every occurrence): their anchors stand linked on that page too, so they join the
    linked text (read_links), or a suggestion could put a link inside the second one."""
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
    return (links.where(keep) if not keep.all() else links), links.where(~keep)


def empty_links() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in LINK_COLUMNS})
