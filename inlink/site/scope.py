"""Which pages an analysis may use: the site's hosts, and whether any page can be analysed at all.

Kept apart from load.py because both are policy on top of a clean import, and both must explain themselves.

Hosts. An analyst's crawl is one site. An export whose URLs span several hosts mostly holds a few strays next
to the site (the other www variant, a CDN or staging host, a page on a partner site), so by default only the
main host -- the one with the most pages -- is analysed; pages on other hosts stay in the import but are kept
out (neither analysed nor suggested as targets), and the report names them and says how to include them.
When the hosts really are one site (shop.a.com and blog.a.com), the user says so (`site_hosts`; the CLI's
--same-site) and links are suggested across them. Refusing the file would block the common case over a few
strays; analysing all hosts silently would suggest links into another site.

Analysable pages. A page is analysed when it may be a target and has body text to place a link in; when no
page is, `require_analysable` refuses with what went wrong and what to do (an export without a text column is
the usual case: Screaming Frog's default "Internal: HTML" export has none).
"""
from __future__ import annotations

import re
import shlex
from collections import Counter
from typing import Callable, Iterable

import pandas as pd

from inlink.site.errors import SiteDataError
from inlink.site.urls import normalize_host, url_hosts
from inlink.wording import counted

_WORD_RE = re.compile(r"\w")
ALL_HOSTS = "*"   # in site_hosts: every host of the file is one site
OTHER_HOST = "on another host"
#: The ways out of a file with nothing to analyse, in the words of each front end: the same message
#: (nothing_to_analyse), each pointing to its own controls (the dashboard's said "--column" and "cli.py fetch").
CLI, DASHBOARD = "cli", "dashboard"
HINTS = {
    CLI: {"column": "name the column that holds it with `--column 'content=HEADER'`",
          "fetch": "fetch the pages with `cli.py fetch {file} --out-pages pages.csv --out-links links.csv`",
          "hosts": "say so with --same-site"},
    DASHBOARD: {"column": "pick the column that holds it as the \"Column for body text\" on the Upload page",
                "fetch": "fetch the pages with \"Fetch from the site\" on the Upload page",
                "hosts": "pick them under \"Hosts analysed as one site\" on the Upload page"},
}


class NothingToAnalyse(SiteDataError):
    """No page of an import can be analysed; the message (str: the command line's words) says why and what to do,
    and in_words_of(front) says it in a front end's words."""

    def __init__(self, message: str, file: str | None = None, *, words: dict[str, str] | None = None,
                 fetching: Callable[[str], str] | None = None):
        super().__init__(message, file=file)
        self.words = dict(words or {})
        self._fetching = fetching

    def in_words_of(self, front: str) -> str:
        """The message with the hints of `front` (CLI or DASHBOARD), the file named first as str() names it."""
        return SiteDataError(self.words.get(front, self.detail), file=self.file).args[0]

    def fetching_from(self, path: str) -> NothingToAnalyse:
        """This refusal with its command line's `cli.py fetch` naming the pages file by `path`, as the user gave it.

        The import knows the file by its name alone ("crawl.csv"): a command copied from the message, run from
        another folder than the file's, was refused ("File 'crawl.csv' does not exist"), and a name with a space
        split into two arguments."""
        detail = self._fetching(path) if self._fetching else self.detail
        return NothingToAnalyse(detail, file=self.file, words={**self.words, CLI: detail})


def host_scope(urls: pd.Series, site_hosts: Iterable[str] | None,
               file: str | None = None) -> tuple[pd.Series, list[str], list[str]]:
    """(why each page is out of scope, "" when it is in; the hosts analysed; warnings for the report)."""
    hosts = url_hosts(urls)
    counts = _host_counts(hosts[~urls.duplicated()])   # pages, not rows: the duplicates are merged after this
    given = [str(host).strip() for host in (site_hosts or []) if str(host).strip()]
    if ALL_HOSTS in given:
        chosen = list(counts.index)
    elif given:
        chosen = _given_hosts(given, counts, file)
    else:
        chosen = list(counts.index[:1])
    outside = ~hosts.isin(chosen)
    reasons = (f"{OTHER_HOST} (" + hosts + ")").where(outside, "")
    return reasons, chosen, _host_warnings(counts, chosen)


def page_hosts(urls: pd.Series) -> dict[str, int]:
    """Each host of the page URLs with its number of pages, most first (the first is the main host)."""
    return {str(host): int(count) for host, count in _host_counts(url_hosts(urls)).items()}


def _host_counts(hosts: pd.Series) -> pd.Series:
    """Pages per host, most first; a tie goes to the host met first in the file."""
    order = {host: position for position, host in enumerate(pd.unique(hosts))}
    counts = hosts.value_counts()
    return counts.iloc[sorted(range(len(counts)), key=lambda i: (-counts.iloc[i], order[counts.index[i]]))]


def _given_hosts(given: list[str], counts: pd.Series, file: str | None) -> list[str]:
    chosen = list(dict.fromkeys(normalize_host(host) for host in given))
    unknown = [host for host in chosen if host not in counts.index]
    if unknown:
        raise SiteDataError(f"the hosts given as one site include {', '.join(unknown)}, but no page URL is on "
                            f"{'it' if len(unknown) == 1 else 'them'}; the pages are on {_describe(counts)}",
                            file=file)
    return chosen


def _describe(counts: pd.Series) -> str:
    return ", ".join(f"{host} ({counted(count, 'page')})" for host, count in counts.items())


def _host_warnings(counts: pd.Series, chosen: list[str]) -> list[str]:
    if len(counts) <= 1:
        return []
    left_out = counts[~counts.index.isin(chosen)]
    if left_out.empty:
        return [f"Page URLs span {len(counts)} hosts, analysed as one site as asked: {', '.join(chosen)}."]
    pages = counted(int(left_out.sum()), "page on another host is", "pages on other hosts are")
    return [f"Page URLs span {len(counts)} hosts ({_describe(counts)}); only {', '.join(chosen)} "
            f"{'is' if len(chosen) == 1 else 'are'} analysed: {pages} kept out (neither analysed nor suggested "
            f"as link targets). If the hosts are one site, say so to link across them (pick them on the Upload "
            f"page, or --same-site {','.join(counts.index)} on the command line)."]


# --- can anything be analysed? ---------------------------------------------------------------------------

def analysable(pages: pd.DataFrame) -> pd.Series:
    """Pages the engine analyses: possible link targets that have body text."""
    return pages["is_target"].astype(bool) & (pages["content"].astype(str).str.strip() != "")


def analysable_urls(pages: pd.DataFrame) -> list[str]:
    """The URLs of the pages the engine analyses (analysable), as the import read them: what exclude patterns must
    not leave out entirely (tasks.options.refuse_excluding_every_page), kept with a saved dataset for its check."""
    return pages.loc[analysable(pages), "url"].astype(str).tolist()


def analysable_text_chars(pages: pd.DataFrame) -> list[int]:
    """The body text length, in characters, of each page analysable_urls names (in its order): what a Gemini
    analysis's prompts are mostly made of (gemini.estimate), kept with a saved dataset for the cost said before
    Start."""
    return pages.loc[analysable(pages), "content"].astype(str).str.len().tolist()


def require_analysable(site) -> None:
    """Raise NothingToAnalyse (naming the file, the cause and the fix) when no page of ``site`` (a
    load.SiteData) can be analysed."""
    pages, report = site.pages, site.report
    if _has_worded_target(pages) or analysable(pages).any():
        return
    words = {front: nothing_to_analyse(pages, report.text_column, report.file, front) for front in HINTS}
    raise NothingToAnalyse(words[CLI], file=report.file, words=words, fetching=lambda path: nothing_to_analyse(
        pages, report.text_column, report.file, CLI, source=path))


def _has_worded_target(pages: pd.DataFrame) -> bool:
    """Whether a possible target's text holds a word character: then it is analysable whatever white space
    the strip in `analysable` takes away. A quick answer for nearly every crawl (one search per page until the
    first such page, no stripped copy of every text); when it says no, `analysable` decides."""
    if "content" not in pages.columns or "is_target" not in pages.columns:
        return False
    return any(isinstance(text, str) and _WORD_RE.search(text) is not None
               for text, target in zip(pages["content"].tolist(), pages["is_target"].tolist()) if target is True)


def nothing_to_analyse(pages: pd.DataFrame, text_column: str, file: str, front: str = CLI,
                       source: str | None = None) -> str:
    """Why no page can be analysed, and what to do about it, in the words of `front` (HINTS); the command to fetch
    the pages names the file as `source` (its path as given), else by its name, quoted for a shell."""
    hints = HINTS[front]
    fetch = hints["fetch"].format(file=shlex.quote(source or file))
    if not text_column:
        return (f"no page can be analysed: the file has no body text column, so none of its {len(pages):,} "
                "pages has text to place a link in (Screaming Frog's \"Internal: HTML\" export has none unless a "
                "custom extraction adds it). Export the body text with a custom extraction (e.g. \"Body 1\" on "
                f"the page's main content), {hints['column']}, or {fetch}.")
    targets = pages["is_target"].astype(bool)
    kinds = Counter(reason_kind(reason) for reason in pages.loc[~targets, "excluded_reason"])
    kept_out = ", ".join(f"{count:,} {'with ' if kind.startswith('status') else ''}{kind}"
                         for kind, count in kinds.most_common())
    if not targets.any():
        advice = dict.fromkeys(_advice(kind, hints) for kind, _ in kinds.most_common())
        return f"no page can be analysed: all {len(pages):,} pages are kept out ({kept_out}). " + " ".join(advice)
    others = f"; {int((~targets).sum()):,} other pages are kept out ({kept_out})" if kinds else ""
    return (f"no page can be analysed: the {int(targets.sum()):,} pages that could be have no body text (the "
            f"\"{text_column}\" column is empty for all of them{others}). Export the body text with a custom "
            f"extraction, or {fetch}.")


#: A page whose title, H1 and text another page has word for word is kept out as "copy of <URL>" (pages.py); its
#: kind, counted with the other reasons, names no URL.
COPY_OF, COPY_KIND = "copy of ", "copy of another page"


def reason_kind(reason: str) -> str:
    """"status 404; non-indexable: noindex" -> "status 404"; "on another host (b.com)" -> "on another host": the
    refusal above, the import report (report.py) and a saved dataset's summary (uploads.summary_from) name the pages
    kept out by these kinds. "copy of https://a.com/guide" -> "copy of another page": cut at its URL's colon, the
    kind read "copy of https"."""
    first = reason.split("; ")[0]
    if first.startswith(COPY_OF):
        return COPY_KIND
    return first.split(" (")[0].split(":")[0]


def _advice(kind: str, hints: dict[str, str]) -> str:
    if kind.startswith("status") or kind == "not fetched":
        return ("Pages that did not answer 200 are not pages to link to: export the crawl's pages that did "
                "(every page failing often means the crawler was blocked or given a wrong address).")
    if kind == "not HTML":
        return "Files that are not HTML (PDFs, images) have no prose: export the HTML pages (Internal: HTML)."
    if kind == "non-indexable":
        return "Non-indexable pages (noindex, canonicalised elsewhere) are never link targets."
    if kind == OTHER_HOST:
        return f"Pages on other hosts are analysed only when the hosts are one site: {hints['hosts']}."
    return ""
