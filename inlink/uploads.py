"""The saved-upload store: the last accepted crawl survives a closed tab or a server restart.

It lives in <jobs_dir>/datasets/, the one subfolder the JobManager ignores. Each dataset is a folder holding
the pages file as accepted (headers already renamed when the user mapped columns), the optional links file and
a small meta.json written last and atomically, so a half-written dataset is never offered back to the user.
Only the newest few datasets are kept: jobs keep their own copy of their inputs. Beside them, once asked for, the
pages' URLs as an analysis reads them (page_urls), so the Generate page can say what exclude patterns leave out.
"""
from __future__ import annotations

import json
import re
import shutil
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from inlink.fileio import atomic_write_bytes, make_private_dir
from inlink.jobs import default_jobs_dir
from inlink.site.scope import reason_kind
from inlink.site.sources import table_suffix

KEEP_LATEST = 5
_META = "meta.json"
_URLS = "urls.txt"     # the pages' URLs as an analysis reads them, one a line (page_urls)
_ANALYSABLE = "analysable.txt"   # those an analysis analyses (link targets with text), one a line (analysable_urls)
_TEXT_CHARS = "text_chars.txt"   # the length of each one's body text, one a line (analysable_text_chars)
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class DatasetError(ValueError):
    """A saved dataset is missing or unreadable; the message names it."""


@dataclass
class Dataset:
    """One accepted upload: where its files are and what the validation report said about them."""

    dataset_id: str
    folder: Path
    pages_name: str
    pages_file: str
    links_name: str | None = None
    links_file: str | None = None
    saved_at: str = ""
    column_map: dict = field(default_factory=dict)   # canonical field -> header, when the user mapped columns
    summary: dict = field(default_factory=dict)   # figures for the UI (summary_from): pages, analysed, left_out...
    sheet: str | None = None                     # the pages workbook's sheet to read (None: the first)
    site_hosts: list[str] | None = None          # the hosts analysed as one site (None: the main host only)
    links_sheet: str | None = None               # the links workbook's sheet to read (None: the first)

    @property
    def pages_path(self) -> Path:
        return self.folder / self.pages_file

    @property
    def links_path(self) -> Path | None:
        return self.folder / self.links_file if self.links_file else None


def default_root() -> Path:
    """<INLINK_JOBS_DIR or ./jobs>/datasets."""
    return default_jobs_dir() / "datasets"


def summary_from(report, links_report=None) -> dict:
    """The figures a dataset is saved with, from the import's report (site.report.ImportReport): the one builder
    for an upload, the sample site and a finished fetch, which each made their own and disagreed (a fetch counted
    every URL asked for as a page, its failed ones too, where the importer merges a redirect into the page it ends
    at). "analysed" is what an analysis of the dataset reads, the job's "of N pages" (the link targets with body
    text, before any exclude pattern the job is given); "left_out" the kept pages it neither analyses nor links to, counted by kind of reason
    ("left_out_reasons", most common first); "no_text" the link targets without body text. ``links_report``: the
    links file's own report (load_parts); without it, the figures load_site merged into ``report``."""
    left_out = Counter(reason_kind(reason) for _, reason in report.excluded)
    no_text = len(report.missing_text)
    links = links_report if links_report is not None else (report if report.links_file else None)
    return {"pages": report.pages, "rows_read": report.rows_read,
            "analysed": report.pages - len(report.excluded) - no_text, "left_out": len(report.excluded),
            "left_out_reasons": dict(left_out.most_common()), "no_text": no_text,
            "links_kept": links.links_kept if links is not None else None}


def save_dataset(pages: bytes, pages_name: str, *, links: bytes | None = None,
                 links_name: str | None = None, column_map: dict | None = None,
                 summary: dict | None = None, sheet: str | None = None, site_hosts: list[str] | None = None,
                 links_sheet: str | None = None, root: Path | None = None, urls: list[str] | None = None,
                 analysable: list[str] | None = None, text_chars: list[int] | None = None) -> Dataset:
    """Store an accepted upload and return it; older datasets beyond KEEP_LATEST are removed. ``urls``: its pages'
    URLs as the import read them, when the caller parsed it already (else page_urls parses it when first asked);
    ``analysable``: those of them an analysis analyses (else analysable_urls parses it when first asked);
    ``text_chars``: their texts' lengths (else analysable_text_chars parses it when first asked)."""
    root = Path(root or default_root())
    dataset_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f") + "-" + uuid.uuid4().hex[:6]
    folder = root / dataset_id
    for private in (root.parent, root):           # the data folder and its datasets/: 0700, like the job engine's
        make_private_dir(private, exist_ok=True)
    make_private_dir(folder)
    dataset = Dataset(dataset_id, folder, pages_name, "pages" + table_suffix(pages_name),
                      saved_at=datetime.now(timezone.utc).isoformat(), column_map=dict(column_map or {}),
                      summary=dict(summary or {}), sheet=sheet or None, site_hosts=list(site_hosts or []) or None,
                      links_sheet=links_sheet or None)
    atomic_write_bytes(folder / dataset.pages_file, pages)       # 0600, like every job file
    if links is not None:
        dataset.links_name = links_name or "links.csv"
        dataset.links_file = "links" + table_suffix(dataset.links_name)
        atomic_write_bytes(folder / dataset.links_file, links)
    if urls is not None:
        _write_urls(folder, urls, analysable)
    if text_chars is not None:
        _write_text_chars(folder, text_chars)
    _write_meta(dataset)
    _prune(root)
    return dataset


def latest_dataset(root: Path | None = None) -> Dataset | None:
    """The newest complete dataset, or None when nothing was accepted yet."""
    for folder in _folders_newest_first(Path(root or default_root())):
        try:
            return load_dataset(folder.name, root)
        except DatasetError:
            continue
    return None


def load_dataset(dataset_id: str, root: Path | None = None) -> Dataset:
    """A dataset by id; DatasetError when it is missing or its files are gone."""
    if not _SAFE_ID.fullmatch(dataset_id):
        raise DatasetError(f"invalid dataset id {dataset_id!r}")
    folder = Path(root or default_root()) / dataset_id
    try:
        meta = json.loads((folder / _META).read_text(encoding="utf-8"))
        dataset = Dataset(folder=folder, **meta)
    except (OSError, ValueError, TypeError) as exc:
        raise DatasetError(f"saved dataset {dataset_id} cannot be read: {exc}") from exc
    if not dataset.pages_path.is_file():
        raise DatasetError(f"saved dataset {dataset_id} has lost its pages file")
    return dataset


def page_urls(dataset: Dataset) -> list[str] | None:
    """The dataset's page URLs as an analysis of it reads them (normalised, on the hosts chosen): what its exclude
    patterns are matched against. Read from its urls.txt; a dataset saved without them is parsed once, as
    start_analysis parses it, and they are kept (a large crawl takes seconds to parse, and the Generate page asks
    again on each change of its patterns). None when the files no longer parse."""
    return _kept(dataset, _URLS)


def analysable_urls(dataset: Dataset) -> list[str] | None:
    """Those of page_urls an analysis analyses (link targets with text: site.scope.analysable), which Start refuses
    exclude patterns to leave out every one of (tasks.options.refuse_excluding_every_page); kept as page_urls are."""
    return _kept(dataset, _ANALYSABLE)


def analysable_text_chars(dataset: Dataset) -> list[int] | None:
    """The body text length, in characters, of each page an analysis analyses: what a Gemini analysis's prompts are
    mostly made of (gemini.estimate, said before Start). Kept as page_urls are; None when the files no longer
    parse."""
    kept = _kept(dataset, _TEXT_CHARS)
    try:
        return None if kept is None else [int(length) for length in kept]
    except ValueError:   # a damaged file: parsed again, and kept anew
        (dataset.folder / _TEXT_CHARS).unlink(missing_ok=True)
        return analysable_text_chars(dataset)


def _write_text_chars(folder: Path, chars: list[int]) -> None:
    atomic_write_bytes(folder / _TEXT_CHARS, "\n".join(map(str, chars)).encode("utf-8"))


def _kept(dataset: Dataset, name: str) -> list[str] | None:
    """The lines of the dataset's kept file `name`; when it has none, the dataset parsed once and all three files
    kept (its URLs, those analysed, their texts' lengths): the Generate page asks for two of them at once for an
    older dataset, which was parsed once for each."""
    try:
        text = (dataset.folder / name).read_text(encoding="utf-8")
        return text.split("\n") if text else []
    except FileNotFoundError:
        pass
    from inlink.site.scope import analysable_text_chars as lengths, analysable_urls   # (on demand, as the parse)

    pages = _parsed_pages(dataset)
    if pages is None:
        return None
    kept = {_URLS: pages["url"].astype(str).tolist(), _ANALYSABLE: analysable_urls(pages), _TEXT_CHARS: lengths(pages)}
    _write_text_chars(dataset.folder, kept[_TEXT_CHARS])
    _write_urls(dataset.folder, kept[_URLS], kept[_ANALYSABLE])
    return [str(line) for line in kept[name]]


def _parsed_pages(dataset: Dataset):
    """The dataset's pages as an analysis of it reads them (parsed as start_analysis parses it), or None when its
    files no longer parse."""
    from inlink.site import load as site_import   # on demand: the pages that only list datasets never parse one

    try:
        return site_import.load_site(dataset.pages_path, dataset.links_path, pages_name=dataset.pages_name,
                                     links_name=dataset.links_name, column_map=dataset.column_map or None,
                                     sheet=dataset.sheet, site_hosts=dataset.site_hosts,
                                     links_sheet=dataset.links_sheet).pages
    except (site_import.SiteDataError, OSError):
        return None


def pattern_reach(dataset: Dataset, patterns: list[str]) -> tuple[int, int, list[str]] | None:
    """(pages the exclude patterns leave out, pages, the patterns that match no page), matched as the analysis
    matches them; None when the dataset's URLs cannot be read."""
    from inlink.tasks.analysis import pattern_reach as reach

    urls = page_urls(dataset)
    return None if urls is None else reach(urls, patterns)


def excludes_every_page(dataset: Dataset, patterns: list[str]):
    """The refusal Start would meet (tasks.options.ExcludesEveryPage) when `patterns` leave out every page of the
    dataset an analysis could analyse, else None (also when its URLs cannot be read): said before Start."""
    from inlink.tasks.options import ExcludesEveryPage, refuse_excluding_every_page

    try:
        refuse_excluding_every_page(analysable_urls(dataset) or [], patterns)
    except ExcludesEveryPage as refused:
        return refused
    return None


def _write_urls(folder: Path, urls: list[str], analysable: list[str] | None = None) -> None:
    """urls.txt (and analysable.txt, when given): one URL a line (a URL holds no line break once normalised),
    written atomically (0600)."""
    if analysable is not None:   # first: a urls.txt without it is a dataset whose analysable URLs are still to find
        atomic_write_bytes(folder / _ANALYSABLE, "\n".join(analysable).encode("utf-8"))
    atomic_write_bytes(folder / _URLS, "\n".join(urls).encode("utf-8"))


def _write_meta(dataset: Dataset) -> None:
    meta = asdict(dataset)
    meta.pop("folder")
    atomic_write_bytes(dataset.folder / _META, json.dumps(meta, indent=1, default=str).encode("utf-8"))


def _folders_newest_first(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.name, reverse=True)


def _prune(root: Path) -> None:
    for folder in _folders_newest_first(root)[KEEP_LATEST:]:
        shutil.rmtree(folder, ignore_errors=True)
