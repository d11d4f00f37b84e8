"""Turn an uploaded crawl (pages table, optional existing-links table) into clean, normalised frames: the
site importer's front door (docs/architecture.md section 2).

Accepts Screaming Frog exports ("Internal: HTML", custom extraction, "All Inlinks") and generic tables.
Anything odd in the input is either repaired and reported in an ImportReport, or refused with one
SiteDataError that names file, row and column, so the dashboard never shows a traceback.

The work is split by concern: sources.py gets a file's bytes and text (size limit, gzip, zip, encodings),
tables.py reads them as a table (delimiters, title lines, workbooks, row limits), columns.py finds which header
holds which field, urls.py holds the one URL rule, pages.py and inlinks.py turn rows into pages and links,
report.py says what was done; this module joins pages and links into a SiteData and re-exports the importer's
public names.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from inlink.site.columns import (PAGE_FIELDS, detect_page_columns, holds_links, holds_pages, missing_page_fields,
                                 unrecognised_headers)
from inlink.site.html_links import links_in_html
from inlink.site.inlinks import LINK_COLUMNS, empty_links, load_links, read_links
from inlink.site.pages import PAGE_COLUMNS, load_pages, load_pages_and_redirects
from inlink.site.report import ImportReport
from inlink.site.scope import NothingToAnalyse, require_analysable
from inlink.site.errors import SiteDataError
from inlink.site.tables import read_table, sheet_names, workbook_sheets
from inlink.site.urls import normalize_url
from inlink.wording import counted

__all__ = ["SiteDataError", "PAGE_FIELDS", "PAGE_COLUMNS", "LINK_COLUMNS", "normalize_url", "read_table",
           "detect_page_columns", "missing_page_fields", "unrecognised_headers", "holds_links", "load_pages",
           "load_links", "load_site", "SiteData", "load_parts", "SiteParts", "ImportReport", "sheet_names",
           "sheet_choice", "NothingToAnalyse", "require_analysable"]


def sheet_choice(source, filename: str | None = None, role: str = "pages") -> tuple[list[str], str | None]:
    """A workbook's worksheet names, and the one load_pages (role "pages") or load_links ("links") reads when
    none is named: the first visible one holding the URL column (the source and destination columns), else the
    first visible one. ([], None) for a CSV. The dashboard's sheet picker lists them, starting on that one."""
    return workbook_sheets(source, filename, holds_pages if role == "pages" else holds_links)


@dataclass
class SiteData:
    pages: pd.DataFrame
    links: pd.DataFrame
    report: ImportReport
    linked_text: pd.DataFrame | None = None   # (source, anchor) of links not in `links`: read_links' linked text


@dataclass
class SiteParts:
    """The pages and the existing links as read, each with its own report, before load_site joins them (the
    dashboard shows the two files' reports apart)."""
    pages: pd.DataFrame
    report: ImportReport
    links: pd.DataFrame | None = None
    links_report: ImportReport | None = None
    linked_text: pd.DataFrame | None = None


def load_parts(pages_source, links_source=None, *, pages_name=None, links_name=None, column_map=None,
               sheet=None, site_hosts=None, links_sheet=None) -> SiteParts:
    """load_site's reading, with the links file's report kept apart: the one path from files to frames, so a
    report of the files counts what an analysis will (a link to a redirecting URL as one to where it ends)."""
    pages, report, redirects = load_pages_and_redirects(pages_source, pages_name, column_map, sheet, site_hosts)
    in_html = links_in_html(pages, redirects) if links_source is None else None
    pages = pages.drop(columns="html_links")
    if in_html is not None:   # no links file: the links the pages' HTML holds are the site's (html_links.py)
        links, linked_text = in_html
        if not len(links):   # only self links, fragments, other sites: their words still take no anchor
            return SiteParts(pages, report, None, None, linked_text)
        report.links_in_pages = len(links)
        report.warnings.append(f"No links file: the {counted(len(links), 'link')} between pages that the pages' HTML "
                               "holds are read as the site's existing links (none is suggested again).")
        return SiteParts(pages, report, links, None, linked_text)
    if links_source is None:
        return SiteParts(pages, report)
    links, linked_text, link_report = read_links(links_source, links_name, known_urls=pages["url"],
                                                 sheet=links_sheet, redirects=redirects)
    return SiteParts(pages, report, links, link_report, linked_text)


def load_site(pages_source, links_source=None, *, pages_name=None, links_name=None, column_map=None,
              sheet=None, site_hosts=None, links_sheet=None) -> SiteData:
    """Pages plus (optionally) existing links, with one report covering both files.

    ``sheet`` and ``site_hosts`` are load_pages' (the pages file's worksheet; the hosts that form one site);
    ``links_sheet`` is the links workbook's worksheet (default: the first).
    """
    parts = load_parts(pages_source, links_source, pages_name=pages_name, links_name=links_name,
                       column_map=column_map, sheet=sheet, site_hosts=site_hosts, links_sheet=links_sheet)
    pages, report, link_report = parts.pages, parts.report, parts.links_report
    if link_report is None:   # no links file; the pages' HTML may hold some (load_parts)
        return SiteData(pages=pages, links=parts.links if parts.links is not None else empty_links(), report=report,
                        linked_text=parts.linked_text)
    report.links_file = link_report.file
    report.links_read, report.links_kept = link_report.links_read, link_report.links_kept
    report.warnings.extend(link_report.named_warnings())
    report.dropped_rows.extend((row, f"{link_report.file}: {reason}") for row, reason in link_report.dropped_rows)
    return SiteData(pages=pages, links=parts.links, report=report, linked_text=parts.linked_text)
