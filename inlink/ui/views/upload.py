"""Upload page: take a crawl (or the sample site), show what the import made of it, and save it.

The page is a list of sections in render(): the current dataset, then each way to get a dataset (today the
file upload; another source, such as fetching the pages from the site, adds its own section there).
The headers and the parse are remembered per uploaded file in the session, so moving a widget does not
re-read a large crawl. The accepted dataset goes to the dataset store (inlink/uploads.py), which survives a
closed tab and a restart.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pandas as pd
import streamlit as st

from inlink import uploads as datasets
from inlink.site import load as site_import
from inlink.site import scope
from inlink.ui import format as fmt
from inlink.ui import fetch_form, navigation, page_width, sample
from inlink.ui.page import guard, page_manager
from inlink.ui.results_table import path_display, shared_folder

PREVIEW_ROWS = 50
#: Pixel widths: the preview fits the page at 1,400 px with the sidebar open (about 938 px; it scrolled sideways
#: past Words, full URLs taking half of it); a cut title reads whole on a click on its cell.
PREVIEW_WIDTHS = {"url": 230, "title": 220, "h1": 170, "word_count": 62, "is_target": 84, "excluded_reason": 160}
#: A main area narrower than that (562 px at 1,024 px, where the preview scrolled sideways past Title): no H1 (the
#: caption says a wider window shows it), narrower paths, titles and reasons.
NARROW_PREVIEW_WIDTHS = {"url": 140, "title": 145, "word_count": 62, "is_target": 75, "excluded_reason": 130}
PREVIEW_WIDE_FROM = sum(PREVIEW_WIDTHS.values()) + 12
#: The report's lists of pages at 1,024 px (528 px in an expander): a full URL took the whole width, and the reason,
#: the list's point, was behind a sideways scroll. Paths when the pages share one site.
DETAIL_WIDTHS = {"Page": 280, "Row": 70, "Reason": 230}
#: what the importer reads: CSV by any name a crawler gives it (a tab-separated export is often .tsv or .txt, and
#: many exporters save text as .xls); an old binary .xls is refused by the importer, in words that say what to do
TABLE_TYPES = ["csv", "tsv", "txt", "xlsx", "xlsm", "xls", "gz", "zip"]
_PARSED = "upload.parsed"
_PARSED_HOSTS = "upload.parsed_hosts"   # the parse with the hosts the user chose (kept apart from the default's)
_HEADERS = "upload.headers"
_SAVED = "upload.saved"
_USE_SAMPLE = "upload.use_sample"
_LINKS_FILE = "upload.links_file"   # the existing links' uploader
#: An uploader's hint ("1GB per file • CSV, TSV, TXT, XLSX, XLSM, XLS, GZ, ZIP") is one line cut with an ellipsis:
#: at 1,024 px, in half the page, it read "... XLSX, XLSM, …" and hid three of the types the page takes. It wraps.
_WHOLE_HINTS = ('<style>[data-testid="stFileUploaderDropzoneInstructions"] span'
                "{white-space:normal;overflow:visible;text-overflow:clip}</style>")


@dataclass
class Upload:
    """The files the user chose: pages (required) and existing links (optional)."""

    key: str
    pages: bytes
    pages_name: str
    links: bytes | None = None
    links_name: str | None = None
    pages_sheet: str | None = None     # the pages workbook's sheet to read (None: the first)
    links_sheet: str | None = None     # the links workbook's sheet to read (None: the first)


def chosen_files() -> Upload | None:
    """The uploaded files, or the sample site after its button was pressed; None before either."""
    left, right = st.columns(2)
    pages_file = left.file_uploader("Pages file (CSV or XLSX)", type=TABLE_TYPES, key="upload.pages_file",
                                    help="One row per page: URL, title, H1 and the page text.")
    links_file = right.file_uploader("Existing links (optional, CSV or XLSX)", type=TABLE_TYPES,
                                     key=_LINKS_FILE, help="Source, Destination and Anchor columns.")
    st.button("Try the sample site", icon=":material/science:", key="upload.sample",
              on_click=st.session_state.__setitem__, args=(_USE_SAMPLE, True))
    if pages_file is not None:
        st.session_state[_USE_SAMPLE] = False
        pages_sheet = chosen_sheet(pages_file, "pages", left)
        links_sheet = chosen_sheet(links_file, "links", right) if links_file is not None else None
        key = (f"{pages_file.file_id}:{pages_sheet}:"
               f"{links_file.file_id if links_file is not None else ''}:{links_sheet}")
        return Upload(key, pages_file.getvalue(), pages_file.name,
                      links_file.getvalue() if links_file is not None else None,
                      links_file.name if links_file is not None else None, pages_sheet, links_sheet)
    if st.session_state.get(_USE_SAMPLE):
        pages, links = sample.sample_files()
        return Upload("sample", pages, sample.PAGES_NAME, links, sample.LINKS_NAME)
    return None


def chosen_sheet(uploaded, role: str, column) -> str | None:
    """The sheet of a workbook with several sheets that the user picked (by default the one the importer reads:
    the first visible sheet with the columns the role needs); None for a CSV or a one-sheet workbook."""
    try:
        names, default = remembered(f"upload.sheets_{role}", uploaded.file_id,
                                    lambda: site_import.sheet_choice(uploaded.getvalue(), uploaded.name, role))
    except site_import.SiteDataError:   # a damaged file: the read that follows says so where bad files are said
        return None
    if len(names) < 2:
        return None
    column.caption(f"{fmt.plural(len(names), 'sheet')} in this workbook: {', '.join(names)}.")
    return column.selectbox(f"Sheet of {uploaded.name}", names, key=f"upload.{role}_sheet",
                            index=names.index(default) if default in names else 0,
                            help=f"Pick the sheet that holds the {role}.")


def column_map_for(upload: Upload) -> dict | None:
    """{} when the headers are recognised; the user's mapping when not; None while fields are still unmapped.
    Besides the required fields, a title or H1 the detection did not find can be picked among the columns it
    did not recognise (a "Page Name" column: else no title to match anchors to, and no way to say so here).

    The URL and the body text are asked for as needed (an analysis reads nothing else: a body text picker said
    "(optional)", then "This dataset cannot be analysed" without it); the title and H1 as optional. What is said
    above the pickers is of the columns still not picked, read from the pickers' values of this run (it kept
    asking for "url" with every column mapped)."""
    headers = remembered(_HEADERS, upload.key, lambda: _headers(upload))
    missing = site_import.missing_page_fields(headers)
    asked = missing + [field for field in optional_fields(headers) if field not in missing]
    if not asked:
        return {}
    picked_now = {field: st.session_state.get(_picker_key(field)) for field in asked}
    unpicked = [field for field in asked if picked_now[field] not in headers]
    needed = [field for field in unpicked if field in NEEDED_FIELDS]
    wanted = [field for field in unpicked if field not in NEEDED_FIELDS]
    if "url" in needed and site_import.holds_links(headers):   # an All Inlinks export in the pages box
        st.warning(f"{upload.pages_name} looks like a links file (its columns name each link's source and "
                   "destination): give it as the existing links, and a crawl of the pages (one row per page with its "
                   "URL and text) as the pages file.", icon=":material/link:")
    elif needed:
        other_sheet = (f" (or pick the sheet that holds the pages: this is \"{upload.pages_sheet}\")"
                       if upload.pages_sheet else "")
        st.warning(f"No column of {upload.pages_name} was recognised as the pages' {_listed(needed, 'and')}, "
                   f"which an analysis needs: pick {_it(needed)} below{other_sheet}.", icon=":material/table_rows:")
    if wanted and len(wanted) == len([field for field in asked if field not in NEEDED_FIELDS]):   # none picked yet
        st.caption(f"No column was recognised as the pages' {_listed(wanted, 'or')}: pick {_it(wanted)} if the file "
                   f"has {_it(wanted)}, since a suggested anchor names the page it links to by its title or H1.")
    mapping = _picked([field for field in asked if field in NEEDED_FIELDS], headers)
    mapping.update(_picked([field for field in asked if field not in NEEDED_FIELDS], headers, optional=True))
    if site_import.missing_page_fields(headers, mapping):
        st.info("Map the columns above to see the validation report.")
        return None
    return mapping


FIELD_LABELS = {"url": "URL", "content": "body text", "title": "title", "h1": "main heading (H1)"}
OPTIONAL_LABELS = {field: FIELD_LABELS[field] for field in ("content", "title", "h1")}   # asked when not found
NEEDED_FIELDS = ("url", "content")   # without them no page is analysed: their pickers are not "(optional)"


def _listed(fields: list[str], joint: str) -> str:
    """'URL and body text', 'title or main heading (H1)'."""
    labels = [FIELD_LABELS[field] for field in fields]
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} {joint} {labels[-1]}"


def _it(fields: list[str]) -> str:
    return "it" if len(fields) == 1 else "them"


def _picker_key(field: str) -> str:
    return f"upload.map_{field}"


def optional_fields(headers: list[str]) -> list[str]:
    """Body text, title and H1 when the detection found no column for them and the file has columns it recognised as
    no field (a Screaming Frog export with all its columns named as it names them asks nothing). The text is asked
    for too: a file whose text column has a name the detection does not know ("Main Text 1") was told to "pick it
    below" with nothing to pick."""
    found = site_import.detect_page_columns(headers)
    if not site_import.unrecognised_headers(headers, found):
        return []
    return [field for field in OPTIONAL_LABELS if field not in found]


def _picked(fields: list[str], headers: list[str], optional: bool = False) -> dict[str, str]:
    """A column picker per field, side by side: {field: the header picked} for the fields picked."""
    picked = {}
    if not fields:
        return picked
    for column, field in zip(st.columns(len(fields)), fields):
        label = f"Column for {FIELD_LABELS[field]}" + (" (optional)" if optional else "")
        choice = column.selectbox(label, headers, index=None, key=_picker_key(field),
                                  placeholder="None" if optional else "Choose a column")
        if choice:
            picked[field] = choice
    return picked


def remembered(slot: str, key, compute):
    """compute()'s value, kept in the session under `slot` while `key` stays the same (one value per slot)."""
    memo = st.session_state.get(slot)
    if not memo or memo[0] != key:
        memo = (key, compute())
        st.session_state[slot] = memo
    return memo[1]


def parsed(upload: Upload, column_map: dict, site_hosts: list[str] | None = None):
    """(pages, page report, links report or None), remembered for this upload, mapping and choice of hosts."""
    return remembered(_PARSED_HOSTS if site_hosts else _PARSED,
                      (upload.key, tuple(sorted(column_map.items())), tuple(site_hosts or ())),
                      lambda: _parse(upload, column_map, site_hosts))


def chosen_hosts(pages: pd.DataFrame) -> list[str] | None:
    """The hosts the user says form one site, when the page URLs span several; None for the default (the
    main host only, as the importer decides) or a one-host crawl."""
    counts = scope.page_hosts(pages["url"])
    if len(counts) < 2:
        return None
    main = next(iter(counts))
    picked = st.multiselect(
        "Hosts analysed as one site", list(counts), default=[main], key="upload.site_hosts",
        format_func=lambda host: f"{host} ({fmt.plural(counts[host], 'page')})",
        help="By default only the host with the most pages is analysed, so no link is suggested into another "
             "site. Add the hosts that belong to the same site (shop.example.com and blog.example.com) to "
             "suggest links across them.")
    if not picked or picked == [main]:
        return None
    return picked


def _headers(upload: Upload) -> list[str]:
    known = fetch_form.headers_read(upload)
    if known is not None:
        return known
    with fetch_form.reading(upload):
        return [str(h) for h in site_import.read_table(upload.pages, upload.pages_name, upload.pages_sheet).columns]


def _parse(upload: Upload, column_map: dict, site_hosts: list[str] | None = None):
    with st.spinner(f"Checking {upload.pages_name}{' and ' + upload.links_name if upload.links_name else ''}…"):
        return _parsed_parts(upload, column_map, site_hosts)


def _parsed_parts(upload: Upload, column_map: dict, site_hosts: list[str] | None):
    parts = site_import.load_parts(upload.pages, upload.links, pages_name=upload.pages_name,   # as an analysis
                                   links_name=upload.links_name, column_map=column_map or None,   # reads them
                                   sheet=upload.pages_sheet, site_hosts=site_hosts, links_sheet=upload.links_sheet)
    return parts.pages, parts.report, parts.links_report


def show_report(report, links_report) -> None:
    """The validation report: headline figures, then the details behind them."""
    st.subheader("Validation report")
    figures = st.container(horizontal=True)   # wraps: fixed columns cut "Rows d…", "Duplica…" at 1,024 px
    figures.metric("Rows read", f"{report.rows_read:,}")
    figures.metric("Rows dropped", f"{len(report.dropped_rows):,}", help="Rows that could not be read (a bad "
                   "URL, a broken line): listed below with their row and column.")
    figures.metric("Pages kept", f"{report.pages:,}", help="Distinct pages of the file, the ones left out "
                   "as link targets included.")
    figures.metric("Duplicate URLs", f"{len(report.duplicates_merged):,}", help=_merged_words(report))
    figures.metric("Left out", f"{len(report.excluded):,}",   # pages only: a dropped row is no page kept
                   help="Kept pages neither analysed nor suggested as a link target (listed below with the "
                        f"reason). The dataset, as saved and shown on Generate links: "
                        f"{fmt.dataset_pages(datasets.summary_from(report, links_report))}.")
    figures.metric("Missing text", f"{len(report.missing_text):,}")
    if links_report is not None:
        st.caption(f"Existing links: {links_report.links_kept:,} kept of {links_report.links_read:,} read "
                   "(non-hyperlinks, self links, links to pages outside the crawl, and a page's further links to "
                   "a page it links already, counted once, are left out).")
    warnings = list(report.warnings) + (links_report.named_warnings() if links_report is not None else [])
    if warnings:
        st.warning("\n".join(f"- {warning}" for warning in warnings), icon=":material/info:")
    _details(report, links_report)


def _merged_words(report) -> str:
    """What the duplicates tile counts: URLs, each standing on several rows merged into one page (a crawl repeated
    20 times read "Duplicates merged 497" for its 9,443 rows merged)."""
    extra = report.rows_read - len(report.dropped_rows) - report.pages
    rows = f" ({fmt.plural(extra, 'extra row')} in all)" if report.duplicates_merged and extra > 0 else ""
    return (f"URLs that stand on more than one row: each one's rows were merged into one page, the most complete "
            f"row kept{rows}.")


def _details(report, links_report=None) -> None:
    lists = [
        ("Pages left out and why", pd.DataFrame(report.excluded, columns=["Page", "Reason"])),
        (f"Rows of {report.file} dropped and why", pd.DataFrame(report.dropped_rows, columns=["Row", "Reason"])),
        ("Duplicate URLs merged", pd.DataFrame({"Page": report.duplicates_merged})),
        ("Pages without text", pd.DataFrame({"Page": report.missing_text})),
    ]
    if links_report is not None:   # a bad row of the links file is dropped and said, like one of the pages file
        lists.append((f"Rows of {links_report.file} dropped and why",
                      pd.DataFrame(links_report.dropped_rows, columns=["Row", "Reason"])))
    for title, frame in lists:
        if len(frame):
            with st.expander(f"{title} ({len(frame):,})"):
                st.dataframe(frame, hide_index=True, width="stretch", column_config=detail_columns(frame))


def detail_columns(frame: pd.DataFrame) -> dict:
    """A report list's columns: the pages as their paths when they share one site (a URL of another host, left out
    for it, keeps its host), the reason beside them."""
    urls = frame["Page"].astype(str) if "Page" in frame else pd.Series(dtype=str)
    origins = urls.str.extract(r"^(https?://[^/]+)", expand=False)
    one_site = len(urls) and origins.notna().all() and origins.nunique() == 1
    page = (st.column_config.LinkColumn("Page", width=DETAIL_WIDTHS["Page"], display_text=path_display())
            if one_site else st.column_config.TextColumn("Page", width=DETAIL_WIDTHS["Page"]))
    return {"Page": page, "Row": st.column_config.NumberColumn("Row", width=DETAIL_WIDTHS["Row"], format="%d"),
            "Reason": st.column_config.TextColumn("Reason", width=DETAIL_WIDTHS["Reason"])}


def show_preview(pages: pd.DataFrame) -> None:
    st.subheader("Preview")
    with st.container(horizontal=True, gap=None, vertical_alignment="center"):   # the probe adds no gap of its own
        words = st.empty()
        narrow = page_width.narrower_than(PREVIEW_WIDE_FROM, key="upload.preview_width")
    widths = NARROW_PREVIEW_WIDTHS if narrow else PREVIEW_WIDTHS
    preview = pages[[c for c in widths if c in pages]].head(PREVIEW_ROWS)
    folder = shared_folder(pages["url"]) if "url" in preview else ""   # of every page: the caption says "every"
    said = ([f"Every page is under {folder}/: the preview shows the paths from there."] if folder else []) + (
        ["A wider window also shows the H1."] if narrow and "h1" in pages else [])
    if said:
        words.caption(" ".join(said))
    column = st.column_config.TextColumn
    st.dataframe(preview, hide_index=True, width="stretch",
                 column_config={"url": st.column_config.LinkColumn("URL", width=widths["url"],
                                                                   display_text=path_display(folder)),
                                "title": column("Title", width=widths["title"]),
                                "h1": column("H1", width=PREVIEW_WIDTHS["h1"]),
                                "word_count": st.column_config.NumberColumn("Words", width=widths["word_count"],
                                                                            format="localized"),   # 1,218
                                "is_target": st.column_config.CheckboxColumn("Link target", width=widths["is_target"]),
                                "excluded_reason": column("Left out because", width=widths["excluded_reason"])})
    if len(pages) > PREVIEW_ROWS:
        st.caption(f"First {PREVIEW_ROWS} of {fmt.plural(len(pages), 'page')}.")


def _why_unusable(pages: pd.DataFrame, report) -> str | None:
    """Why no page of the parsed file can be analysed (the analysis refuses it so), or None: such a file saved as
    the dataset replaced a good one and failed only once the analysis started."""
    try:
        site_import.require_analysable(SimpleNamespace(pages=pages, report=report))   # as it reads a site
    except site_import.NothingToAnalyse as exc:
        return exc.in_words_of(scope.DASHBOARD)   # its column picker and "Fetch from the site", not the CLI's
    return None


def accept(upload: Upload, column_map: dict, report, links_report, site_hosts: list[str] | None = None,
           urls: list[str] | None = None, analysable: list[str] | None = None,
           text_chars: list[int] | None = None) -> None:
    """Save the dataset so the Generate page (and a reopened tab) can use it; `urls`: its pages' URLs as read here
    (what the Generate page matches exclude patterns against, uploads.page_urls); `analysable`: those an analysis
    analyses (uploads.analysable_urls); `text_chars`: their texts' lengths (for the Gemini cost said before Start)."""
    with guard("Saving the dataset"):
        dataset = datasets.save_dataset(upload.pages, upload.pages_name, links=upload.links,
                                        links_name=upload.links_name, column_map=column_map,
                                        summary=datasets.summary_from(report, links_report),
                                        sheet=upload.pages_sheet, site_hosts=site_hosts,
                                        links_sheet=upload.links_sheet, urls=urls, analysable=analysable,
                                        text_chars=text_chars)
        st.session_state[_SAVED] = (_saved_key(upload, site_hosts), dataset.dataset_id)


def _saved_key(upload: Upload, site_hosts: list[str] | None) -> tuple:
    """What a saved dataset was made of: the files, and the hosts chosen (another choice is another dataset)."""
    return upload.key, tuple(site_hosts or ())


def current_dataset(dataset) -> None:
    if dataset is None:
        return
    pages = dataset.summary.get("pages")
    with st.container(border=True):
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.markdown(f"**Current dataset:** {fmt.dataset_files(dataset.pages_name, dataset.links_name, dataset.summary)}")
        left.caption(f"{fmt.dataset_pages(dataset.summary)} · saved {fmt.timestamp(dataset.saved_at)}" if pages is not None
                     else f"Saved {fmt.timestamp(dataset.saved_at)}")
        right.page_link(navigation.GENERATE, label="Generate links", icon=":material/arrow_forward:")


def review(upload: Upload) -> None:
    try:
        column_map = column_map_for(upload)
        if column_map is None:
            return
        pages, report, links_report = parsed(upload, column_map)
        site_hosts = chosen_hosts(pages)
        if site_hosts:
            pages, report, links_report = parsed(upload, column_map, site_hosts)
    except site_import.SiteDataError as exc:
        st.error(fmt.as_text(f"This file cannot be used: {exc}"), icon=":material/error:")
        return
    show_report(report, links_report)
    show_preview(pages)
    unusable = _why_unusable(pages, report)
    if unusable:
        st.error(fmt.as_text(f"This dataset cannot be analysed: {unusable}"), icon=":material/error:")
    saved = (st.session_state.get(_SAVED) or ("",))[0] == _saved_key(upload, site_hosts)
    st.button("Use this dataset", type="primary", icon=":material/check:", disabled=saved or bool(unusable),
              key="upload.use", on_click=accept,
              args=(upload, column_map, report, links_report, site_hosts, pages["url"].astype(str).tolist(),
                    scope.analysable_urls(pages), scope.analysable_text_chars(pages)),
              help="No page of it has text to place a link in" if unusable else None)
    if saved:
        st.success("Dataset saved. Next: choose the settings and start the analysis.",
                   icon=":material/check_circle:")
        st.page_link(navigation.GENERATE, label="Go to Generate links", icon=":material/arrow_forward:")


def links_wait_for_pages(name: str, dataset) -> None:
    """A links file given without its pages file: the page said "Upload another crawl…" and not a word of it, as if
    the links had gone to the current dataset (they never do: a dataset's links are read with its pages)."""
    current = (f" The current dataset ({fmt.as_text(dataset.pages_name)}) is unchanged." if dataset is not None
               else "")
    st.info(f"{fmt.as_text(name)} holds the existing links, read with the pages file they belong to: add that pages "
            f"file above.{current}", icon=":material/link:")


def upload_section(dataset) -> None:
    """Files from a crawler (or the sample site): validation report, preview, and Use this dataset (`dataset`: the
    saved one, or None)."""
    chosen = chosen_files()
    fetch_form.fetch_section(chosen, dataset)
    links_alone = st.session_state.get(_LINKS_FILE) if chosen is None else None
    if links_alone is not None:
        links_wait_for_pages(links_alone.name, dataset)
    elif chosen is None or fetch_form.fetched_from(chosen, dataset):   # the box at the top leads on to Generate links
        st.info("Upload a pages file, or try the sample site to see how it works." if dataset is None
                else "Upload another crawl to analyse it instead of the current dataset.",
                icon=":material/info:")
    else:
        review(chosen)


def render() -> None:
    page_manager()
    st.title("Upload a crawl")
    st.caption("One row per page with its URL, title, H1 and text: a Screaming Frog *Internal: HTML* export "
               "works as it is. Add the existing internal links (*All Inlinks*) to skip links that are "
               "already there.")
    st.html(_WHOLE_HINTS)   # style only: Streamlit draws no element for it
    with guard("The upload page"):
        dataset = datasets.latest_dataset()   # read once per run: it lists the datasets and reads their JSON
        current_dataset(dataset)
        upload_section(dataset)


if __name__ == "__main__":   # run as a page by st.navigation
    render()
