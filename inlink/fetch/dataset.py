"""One fetched page as a row of the fetch job's results, and fetched rows as the two files of a crawl export
(Screaming Frog "Internal: HTML"-like pages, "All Inlinks"-like links), the same shape as an upload.
"""
from __future__ import annotations

import io
import json
from collections.abc import Iterable

import pandas as pd

from inlink.fetch import faults
from inlink.fetch.client import FetchResult
from inlink.fetch.extract import CONTENT, ParsedPage
from inlink.fetch.urls import same_site

PAGE_COLUMNS = ("Address", "Status Code", "Status", "Reason", "Content Type", "Indexability",
                "Indexability Status", "Title 1", "Meta Description 1", "H1-1", "Canonical Link Element 1",
                "Meta Robots 1", "Redirect URL", "Word Count", "Content", "Body HTML 1")
#: the fetch job's result row: the page columns, the URL asked for, the blocks and the links (JSON)
RESULT_COLUMNS = ("Requested URL", *PAGE_COLUMNS, "Blocks", "Links")
LINK_COLUMNS = ("Type", "Source", "Destination", "Anchor", "Link Position", "Status Code", "Follow")


def page_row(result: FetchResult, page: ParsedPage | None, site: str | None,
             problem: tuple[str, str] | None = None) -> dict:
    """The result row of one fetched URL (a failed fetch still gets its row: status and reason)."""
    fault, reason = problem or (result.fault, result.reason)
    address = result.final_url if fault == faults.OK else result.url
    row = {"Requested URL": result.url, "Address": address, "Status Code": result.status_code,
           "Status": faults.label(fault), "Reason": reason, "Content Type": result.content_type,
           "Redirect URL": result.final_url if result.final_url != result.url else ""}
    if page is None:
        return {**row, "Indexability": "Non-Indexable", "Indexability Status": faults.label(fault),
                "Word Count": 0}
    if result.robots_header:
        page.meta_robots = ", ".join(filter(None, (page.meta_robots, result.robots_header)))
    text = page.content.text
    links = _unique_links(page, address, site)
    indexability = _indexability(page, address)
    return {**row, "Indexability": "Indexable" if not indexability else "Non-Indexable",
            "Indexability Status": indexability, "Title 1": page.title, "Meta Description 1": page.description,
            "H1-1": page.h1, "Canonical Link Element 1": page.canonical, "Meta Robots 1": page.meta_robots,
            "Word Count": len(text.split()), "Content": text, "Body HTML 1": page.body_html,
            "Blocks": json.dumps(page.content.block_tuples(), separators=(",", ":")),
            "Links": json.dumps(links, ensure_ascii=False, separators=(",", ":"))}


def _indexability(page: ParsedPage, address: str) -> str:
    """"" when the page may be a link target; else why not (Screaming Frog's Indexability Status)."""
    if page.noindex:
        return "noindex"
    if page.canonical and page.canonical.rstrip("/") != address.rstrip("/"):
        return "Canonicalised"
    return ""


def _unique_links(page: ParsedPage, source: str, site: str | None) -> list[list[str]]:
    """[destination, anchor, position, follow] per (destination, position), same-site, no self links;
    the first non-empty anchor wins."""
    seen: dict[tuple[str, str], list[str]] = {}
    for link in page.links:
        if link.destination == source or not same_site(link.destination, site or source):
            continue
        key = (link.destination, link.position)
        follow = "false" if "nofollow" in link.rel.split() else "true"
        if key not in seen:
            seen[key] = [link.destination, link.anchor, link.position, follow]
        elif not seen[key][1] and link.anchor:
            seen[key][1] = link.anchor
    return list(seen.values())


# -- the dataset files ----------------------------------------------------------------------------------
def pages_frame(results: pd.DataFrame) -> pd.DataFrame:
    """The pages file: one row per fetched URL (failed ones included, with their status), export columns."""
    frame = results.reindex(columns=list(PAGE_COLUMNS)).copy()
    return frame.fillna("")


def links_frame(results: pd.DataFrame) -> pd.DataFrame:
    """The links file: every kept link of every fetched page; Status Code of the destination when fetched.

    A link to a URL that redirected (fetched as listed) points at the page the redirects ended at: a page is
    known by its final address (page_row), and the link to it was dropped on import as a link to no page, so
    the engine suggested the very link the site already has."""
    status = dict(zip(results.get("Address", []), results.get("Status Code", [])))
    moved = {requested: address for requested, address in zip(results.get("Requested URL", []),
                                                                results.get("Address", []))
             if isinstance(requested, str) and requested != address}
    rows, seen = [], set()
    for source, links in zip(results.get("Address", []), results.get("Links", [])):
        for destination, anchor, position, follow in _decoded(links):
            if moved:        # still one row per source, destination and position, and no self link
                destination = moved.get(destination, destination)
                if destination == source or (source, destination, position) in seen:
                    continue
                seen.add((source, destination, position))
            rows.append(("Hyperlink", source, destination, anchor, position, status.get(destination, ""),
                         follow))
    return pd.DataFrame(rows, columns=list(LINK_COLUMNS))


def _decoded(cell) -> Iterable[list]:
    if not isinstance(cell, str) or not cell:
        return ()
    try:
        return json.loads(cell)
    except ValueError:
        return ()


def content_links(results: pd.DataFrame) -> pd.DataFrame:
    frame = links_frame(results)
    return frame.loc[frame["Link Position"] == CONTENT].reset_index(drop=True)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Plain UTF-8 CSV (no formula guard: the files are read back by the importer, text must stay exact)."""
    out = io.StringIO()
    frame.to_csv(out, index=False)
    return out.getvalue().encode("utf-8")


def report_counts(results: pd.DataFrame) -> dict:
    """Pages per status label, for the fetch report."""
    if results.empty:
        return {}
    return {str(k): int(v) for k, v in results["Status"].value_counts().items()}
