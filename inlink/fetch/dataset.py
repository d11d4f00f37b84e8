"""One fetched page as a row of the fetch job's results, and fetched rows as the two files of a crawl export
(Screaming Frog "Internal: HTML"-like pages, "All Inlinks"-like links), the same shape as an upload.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from collections.abc import Container, Iterable
from typing import IO, TYPE_CHECKING, NamedTuple
from urllib.parse import urlsplit

from inlink.exports import allow_large_fields
from inlink.fetch import faults
from inlink.fetch.client import FetchResult
from inlink.fetch.extract import ParsedPage, refresh_target
from inlink.fetch.unavailable import is_past
from inlink.fetch.urls import same_site

if TYPE_CHECKING:   # pandas is imported where a frame is made: a fetch worker that is killed and restarted
    import pandas as pd   # again and again (a crash loop) fetches its pages without it (0.7 s a start)

PAGE_COLUMNS = ("Address", "Status Code", "Status", "Reason", "Content Type", "Indexability",
                "Indexability Status", "Title 1", "Meta Description 1", "H1-1", "Canonical Link Element 1",
                "Meta Robots 1", "Redirect URL", "Language", "Word Count", "Content", "Body HTML 1")
#: the fetch job's result row: the page columns, the URL asked for, the blocks and the links (JSON)
RESULT_COLUMNS = ("Requested URL", *PAGE_COLUMNS, "Blocks", "Links")
NUMERIC_COLUMNS = ("Status Code", "Word Count")   # of RESULT_COLUMNS, the numbers (the rest is text as written)
#: the Indexability Status of a page whose <meta http-equiv="refresh"> sends the reader elsewhere (its Redirect
#: URL): a redirect in all but name, so it is no link target and links to it lead to where it sends them
META_REFRESH = "Redirected (meta refresh)"
#: ... whose HTTP Refresh header does (Screaming Frog's "Redirection (HTTP Refresh)"): a page sent on so was
#: Indexable, a link target, since only the meta tag was read
HTTP_REFRESH = "Redirected (HTTP refresh)"
REFRESHES = (META_REFRESH, HTTP_REFRESH)
#: the Indexability Status of a page whose robots directives' `unavailable_after` date has passed: Google drops it
#: from its results then, as for noindex; it was Indexable, a link target
UNAVAILABLE = "unavailable_after (date passed)"
#: the Indexability Status of a listed URL that redirected (an HTTP 3xx) to a page: its Redirect URL
REDIRECTED = "Redirected"
DUPLICATE = "Duplicate of "       # + the address of the copy kept
COLLECTION = "Repeats the text of "   # + "N other pages"
BOILERPLATE_ONLY = "No text of its own: its text is on "   # + "N other pages"
BOILERPLATE = 5     # a text block on more pages than this is boilerplate (a template's), not a page's own text
OWN_WORDS = 30      # a page whose every long block is boilerplate has text of its own when the rest has this many
#: the columns of a foreground fetch's slim rows holding page_key and block_keys (full rows: computed when read)
KEY_COLUMN, BLOCK_KEYS_COLUMN = "Page Key", "Block Keys"
LINK_COLUMNS = ("Type", "Source", "Destination", "Anchor", "Link Position", "Status Code", "Follow")


def page_rows(result: FetchResult, page: ParsedPage | None, site: str | None, listed: Container[str] = (),
              problem: tuple[str, str] | None = None) -> list[dict]:
    """The result rows of one fetched URL. A URL that redirected to a page keeps a row of its own, as a crawler's
    export does (its 3xx status, Non-Indexable "Redirected", the Redirect URL), and the page it led to gets its row
    unless that page is `listed` itself (its own item writes it). The page's row was the URL's only row, under the
    page's address: with the page listed too, the export held that address twice and the report counted the page
    twice."""
    row = page_row(result, page, site, problem)
    fetched = row["Status"] == faults.label(faults.OK)
    if not result.redirects or (not fetched and row["Status"] in _CHAIN_FAULTS):
        return [row]
    moved = redirect_row(result, "" if fetched else row["Reason"])
    if result.final_url in listed:
        return [moved]
    redirect_url = row["Redirect URL"] if row["Indexability Status"] in REFRESHES else ""
    return [moved, {**row, "Requested URL": result.final_url, "Address": result.final_url,
                    "Redirect URL": redirect_url}]


#: the faults of a redirect chain itself (where it leads cannot be asked), not of the URL it ends at: the listed
#: URL's one row says them
_CHAIN_FAULTS = frozenset(faults.label(code) for code in ("redirect_loop", "too_many_redirects", "redirect_offsite",
                                                          "bad_scheme", "bad_redirect"))


def redirect_row(result: FetchResult, failed: str = "") -> dict:
    """The row of a listed URL that redirected to the URL `result` ended at: Screaming Frog's 3xx row. `failed`:
    why that URL was not fetched (it has a row of its own, with its status), said here too, since the redirect's
    row is where a reader of the listed URL looks. A chain ending in a 404 or a refused connection was one row
    under the listed URL with the 404: its own 301 was not seen, and the missing page's address was nowhere."""
    hops = len(result.redirects)
    return {"Requested URL": result.url, "Address": result.url, "Status Code": result.redirects[0][1],
            "Status": faults.label(faults.REDIRECTED),
            "Reason": f"redirects to {result.final_url}" + (f" ({hops} redirects)" if hops > 1 else "")
                      + (f", which was not fetched: {failed}" if failed else ""),
            "Content Type": "", "Indexability": "Non-Indexable", "Indexability Status": REDIRECTED,
            "Redirect URL": result.final_url, "Word Count": 0}


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
    page.canonical, conflict = _canonical([page.canonical, *page.other_canonicals] if page.canonical else [],
                                          result.canonical_header, address)
    for note in filter(None, (conflict, *page.ignored_canonicals)):
        row["Reason"] = f"{row['Reason']}; {note}".lstrip("; ")
    text = page.content.text
    links = _unique_links(page, address, site)
    by_header = not page.refresh and bool(result.refresh_header)
    if by_header:
        page.refresh = refresh_target(result.refresh_header, address, address)
    indexability = _indexability(page, address)
    if indexability == META_REFRESH:
        row["Redirect URL"] = page.refresh
        indexability = HTTP_REFRESH if by_header else indexability
    return {**row, "Indexability": "Indexable" if not indexability else "Non-Indexable",
            "Indexability Status": indexability, "Title 1": page.title, "Meta Description 1": page.description,
            "H1-1": page.h1, "Canonical Link Element 1": page.canonical, "Meta Robots 1": page.meta_robots,
            "Language": page.language, "Word Count": len(text.split()), "Content": text, "Body HTML 1": page.body_html,
            "Blocks": json.dumps(page.content.block_tuples(), separators=(",", ":")),
            "Links": json.dumps(links, ensure_ascii=False, separators=(",", ":"))}


def _indexability(page: ParsedPage, address: str) -> str:
    """"" when the page may be a link target; else why not (Screaming Frog's Indexability Status)."""
    if page.refresh and page.refresh != address:
        return META_REFRESH
    if page.noindex:
        return "noindex"
    if is_past(page.meta_robots):
        return UNAVAILABLE
    if page.canonical and _names_another_page(page.canonical, address):
        return "Canonicalised"
    return ""


def _canonical(tags: list[str], header: str, address: str) -> tuple[str, str]:
    """(the page's canonical, a note when the URLs its <link rel="canonical"> tags and its HTTP Link header name
    disagree). Google reads tag and header the same way; given several naming different pages, it takes none as said
    and picks one itself, and Screaming Frog flags them as conflicting. A page whose header (served by a CDN or a
    plugin the editors never see), or whose second tag, named another page was Indexable, a link target, since only
    the first tag was read. The first naming another page is kept then, so the page is no link target: the site may
    well have its readers go there, not here."""
    named = list(dict.fromkeys([*tags, header] if header else tags))
    if len(named) < 2:
        return (named or [""])[0], ""
    elsewhere = [canonical for canonical in named if _names_another_page(canonical, address)]
    if not elsewhere:
        return named[0], ""
    said = [f"the HTML tag names {tags[0]}" if len(tags) == 1 else f"the HTML tags name {' and '.join(tags)}"
            if tags else "", f"the HTTP Link header {header}" if header else ""]
    return elsewhere[0], (f"its canonicals disagree: {', '.join(filter(None, said))} (search engines may choose "
                          f"{'either' if len(named) == 2 else 'any'})")


def _names_another_page(canonical: str, address: str) -> bool:
    """Whether a canonical names another page than the one at `address` (not this page spelled another way, at the
    public copy's address or under another scheme or www.)."""
    return not (_same_address(canonical, address) or _names_itself_elsewhere(canonical, address)
                or _names_itself_over_https(canonical, address))


def _names_itself_over_https(canonical: str, address: str) -> bool:
    """Whether a canonical names this very page on the same site under another scheme or with(out) "www." (an
    http:// site whose pages all say https://...): the same page at its preferred address, not another page.
    Without this, every page of a site fetched over http was "Canonicalised", and the site had no link target."""
    own, named = urlsplit(address), urlsplit(canonical)
    return (same_site(canonical, address) and named.path.rstrip("/") == own.path.rstrip("/")
            and named.query == own.query)


def _same_address(canonical: str, address: str) -> bool:
    """Whether a canonical names the page's own address, spelled either way (RFC 3986 normalisation, as the importer
    reads URLs: percent-encodings in either case or for a character written as is, a default port, "~" escaped). A
    page listed as .../caf%C3%A9 whose canonical says .../caf%c3%a9 (WordPress writes them so) or .../café was
    "Canonicalised", no link target, though the importer reads both as one URL. One trailing slash aside."""
    if canonical.rstrip("/") == address.rstrip("/"):
        return True
    from url_normalize import url_normalize   # light (no pandas): a fetch worker imports this module

    try:
        return url_normalize(canonical).rstrip("/") == url_normalize(address).rstrip("/")
    except (ValueError, UnicodeError):   # e.g. a host IDNA refuses: not this page's address
        return False


def _names_itself_elsewhere(canonical: str, address: str) -> bool:
    """Whether a canonical on another site names this very page at that site's address: the fetched site is a
    copy (a staging server, a mirror, a local build: every page of a copy of the Node.js docs on 127.0.0.1 says
    https://nodejs.org/api/<its file>), and one of the two paths ends with the other, whole segments (a copy may
    live under another folder). Such a page is the site's page, not a copy of another of its pages: without this, no
    page of the copy was a link target. A home page ("/") matches only a home page."""
    if same_site(canonical, address):
        return False
    own, named = urlsplit(address), urlsplit(canonical)
    if own.path in ("", "/"):
        return named.path in ("", "/") and named.query == own.query
    shorter, longer = sorted((own.path, named.path), key=len)
    return shorter not in ("", "/") and longer.endswith(shorter) and named.query == own.query


def _unique_links(page: ParsedPage, source: str, site: str | None) -> list[list[str]]:
    """[destination, anchor, position, follow] per (destination, position), same-site, no self links;
    the first non-empty anchor wins. A link is not followed when its rel says nofollow or the page's robots
    directives do (meta tag or X-Robots-Tag, as Screaming Frog's Follow column has it: "true" was written for every
    link of a page that says nofollow)."""
    seen: dict[tuple[str, str], list[str]] = {}
    page_nofollow = page.nofollow
    for link in page.links:
        if link.destination == source or not same_site(link.destination, site or source):
            continue
        key = (link.destination, link.position)
        follow = "false" if page_nofollow or "nofollow" in link.rel.split() else "true"
        if key not in seen:
            seen[key] = [link.destination, link.anchor, link.position, follow]
        elif not seen[key][1] and link.anchor:
            seen[key][1] = link.anchor
    return list(seen.values())


# -- the dataset files ----------------------------------------------------------------------------------
def once_per_address(results: pd.DataFrame) -> pd.DataFrame:
    """The rows with each Address once (the first row of it kept): two listed URLs redirecting to one page not
    listed each wrote the page's row, and a job fetched before redirects had rows of their own wrote the page's row
    for the listed URL and for the page itself, listed too."""
    if results.empty or "Address" not in results.columns:
        return results
    kept = results.loc[~results["Address"].duplicated()]
    kept.attrs = results.attrs
    return kept


def pages_frame(results: pd.DataFrame, rules: dict[str, str] | None = None) -> pd.DataFrame:
    """The pages file: one row per fetched URL (failed ones included, with their status), export columns;
    a copy of another fetched page, or a page that repeats many others, is no link target (site_rules; pass
    them when they are known already: they read every page's blocks)."""
    rules = site_rules(results) if rules is None else rules
    return with_site_rules(results.reindex(columns=list(PAGE_COLUMNS)).fillna(""), rules)


def page_key(title, h1, content) -> str:
    """What two copies of one page share: a digest of its title, H1 and main text ("" for a page without
    text, which is a copy of nothing)."""
    if not isinstance(content, str) or not content.strip():
        return ""
    joined = "\x00".join(str(part) if isinstance(part, str) else "" for part in (title, h1, content))
    return hashlib.blake2b(joined.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def duplicates(results: pd.DataFrame) -> dict[str, str]:
    """{address: the address kept} for the fetched pages that are copies of another one: the same title, H1 and
    text under another address (a folder's URL and its index.html, one page under two paths). Listed both
    ways, a book's home page was analysed as two pages and the top suggestion of the whole site linked one
    copy to the other ("similarity 1.00"). Kept: an indexable copy, then the shortest address, then the first.
    Works on full result rows and on a foreground fetch's slim rows (which carry KEY_COLUMN)."""
    import pandas as pd
    if results.empty or "Address" not in results.columns:
        return {}
    if KEY_COLUMN in results.columns:
        keys = results[KEY_COLUMN].tolist()
    else:
        blank = pd.Series("", index=results.index)
        keys = [page_key(*parts) for parts in zip(*(results.get(column, blank)
                                                    for column in ("Title 1", "H1-1", "Content")))]
    fetched = faults.label(faults.OK)
    indexable = results.get("Indexability", pd.Series("Indexable", index=results.index)).tolist()
    statuses = results.get("Status", pd.Series(fetched, index=results.index)).tolist()
    groups: dict[str, list[tuple]] = {}
    for order, (key, address, status, index) in enumerate(zip(keys, results["Address"], statuses, indexable)):
        if key and isinstance(key, str) and status == fetched:
            group = groups.setdefault(key, [])
            if all(address != member[3] for member in group):
                group.append((index != "Indexable", len(address), order, address))
    copies = {}
    for group in groups.values():
        if len(group) > 1:
            kept = min(group)[3]
            copies.update({member[3]: kept for member in group if member[3] != kept})
    return copies


def block_keys(content, blocks) -> list[str]:
    """"digest:words" of each of a page's text blocks of 8 words or more (paragraphs, list items, code...), one per
    distinct text: what shows that a page repeats another one, or has no text of its own. `blocks`: the page's
    (kind, start, end) blocks, as JSON."""
    if not isinstance(content, str) or not content:
        return []
    keys: dict[str, int] = {}
    for _, start, end in _decoded(blocks):
        spaces = content.count(" ", start, end)
        if spaces >= 7:
            digest = hashlib.blake2b(content[start:end].encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
            keys[digest] = spaces + 1
    return [f"{digest}:{words}" for digest, words in keys.items()]


class _Blocks(NamedTuple):
    keys: dict[str, list[str]]     # address -> the digests of its blocks of 8+ words (block_keys)
    words: dict[str, int]          # address -> the words of those blocks
    total: dict[str, int]          # address -> the words of its whole text
    spread: Counter                # digest -> on how many pages


def _blocks(results: pd.DataFrame) -> _Blocks:
    """The block keys of the fetched pages with text, and how many pages hold each."""
    import pandas as pd
    found = _Blocks({}, {}, {}, Counter())
    if results.empty or "Address" not in results.columns:
        return found
    blank = pd.Series("", index=results.index)
    if BLOCK_KEYS_COLUMN in results.columns:
        per_page = [str(keys).split() if isinstance(keys, str) else [] for keys in results[BLOCK_KEYS_COLUMN]]
    else:
        per_page = [block_keys(content, blocks) for content, blocks in zip(results.get("Content", blank),
                                                                             results.get("Blocks", blank))]
    fetched = faults.label(faults.OK)
    statuses = results.get("Status", pd.Series(fetched, index=results.index)).tolist()
    totals = pd.to_numeric(results.get("Word Count", blank), errors="coerce").fillna(0).astype(int).tolist()
    for address, status, keys, total in zip(results["Address"], statuses, per_page, totals):
        if status == fetched and keys and address not in found.keys:
            digests, words = zip(*(key.split(":") for key in keys))
            found.keys[address], found.words[address] = list(digests), sum(map(int, words))
            found.total[address] = max(total, found.words[address])
            found.spread.update(digests)
    return found


def _collections(blocks: _Blocks, least: int = 3) -> dict[str, int]:
    """{address: how many other fetched pages it repeats} for pages that repeat `least` or more: a print page
    holding every chapter of a book, an archive holding whole posts. Page P repeats page Q when P holds at
    least 80% of Q's text blocks (block_keys; boilerplate blocks, on more than BOILERPLATE pages, not counted)
    and at least twice as many blocks. A book's print page, indexable, took the top suggestions of the book
    and left 12 where there were 239 without it."""
    pages, spread = blocks.keys, blocks.spread
    owners: dict[str, list[str]] = {}
    for address, keys in pages.items():
        for key in keys:
            if spread[key] <= BOILERPLATE:
                owners.setdefault(key, []).append(address)
    repeats: Counter = Counter()
    for address, keys in pages.items():
        own = [key for key in keys if spread[key] <= BOILERPLATE]
        if len(own) < 2:
            continue
        holders = Counter(holder for key in own for holder in owners[key] if holder != address)
        repeats.update(holder for holder, held in holders.items()
                       if held >= 0.8 * len(own) and len(pages[holder]) >= 2 * len(keys))
    return {address: count for address, count in repeats.items() if count >= least}


def _boilerplate(blocks: _Blocks) -> dict[str, int]:
    """{address: on how many other pages, at least, each of its text blocks stands} for pages with no text of
    their own: every block of 8 words or more is boilerplate (on more than BOILERPLATE pages) and the rest of
    its text (headings, short lines) is under OWN_WORDS words. The Rust book's
    2018-edition folder is 100 stubs "no longer distributed" under the titles of the real chapters; they took
    suggestions meant for the chapters."""
    found = {}
    for address, keys in blocks.keys.items():
        others = min(blocks.spread[key] for key in keys) - 1
        if others >= BOILERPLATE and blocks.total[address] - blocks.words[address] < OWN_WORDS:
            found[address] = others
    return found


def site_rules(results: pd.DataFrame) -> dict[str, str]:
    """{address: why the page is no link target} for what only the whole fetched site shows: a copy of another
    page ("Duplicate of <address>", duplicates), a page that repeats many others (_collections), a page with no
    text of its own (_boilerplate)."""
    rules = {address: DUPLICATE + kept for address, kept in duplicates(results).items()}
    blocks = _blocks(results)
    for address, repeated in _collections(blocks).items():
        rules.setdefault(address, f"{COLLECTION}{repeated} other pages")
    for address, others in _boilerplate(blocks).items():
        rules.setdefault(address, f"{BOILERPLATE_ONLY}{others} other pages")
    return rules


def with_site_rules(frame: pd.DataFrame, rules: dict[str, str]) -> pd.DataFrame:
    """The rows with each indexable page of `rules` (site_rules) marked Non-Indexable, with its reason."""
    if not rules or "Address" not in frame.columns:
        return frame
    frame = frame.copy()
    for position, address in enumerate(frame["Address"].tolist()):
        if address in rules and frame["Indexability"].iat[position] == "Indexable":
            frame.iloc[position, frame.columns.get_loc("Indexability")] = "Non-Indexable"
            frame.iloc[position, frame.columns.get_loc("Indexability Status")] = rules[address]
    return frame


def copy_pages(spool: IO[str], out: IO[str], rules: dict[str, str]) -> None:
    """Copy a pages CSV written row by row as the pages came (a foreground fetch) to `out`, the indexable pages
    of `rules` marked as with_site_rules does: which page copies or repeats others is known only at the end."""
    allow_large_fields()                      # a page's text and HTML outgrow the csv module's 128 KiB default
    reader = csv.DictReader(spool)
    writer = csv.DictWriter(out, fieldnames=reader.fieldnames or list(PAGE_COLUMNS))
    out.write("\ufeff")   # the byte-order mark csv_bytes writes too
    writer.writeheader()
    for row in reader:
        if row.get("Address") in rules and row.get("Indexability") == "Indexable":
            row["Indexability"], row["Indexability Status"] = "Non-Indexable", rules[row["Address"]]
        writer.writerow(row)


def moved_to(results: pd.DataFrame, copies: dict[str, str] | None = None) -> dict[str, str]:
    """{URL: the page it stands for}: a listed URL that redirected -> where it ended; a page whose meta refresh
    sends the reader on -> there; a copy of another page -> the copy kept (`copies`, else duplicates(results)).
    Chains followed."""
    moved = {requested: address for requested, address in zip(results.get("Requested URL", []),
                                                                results.get("Address", []))
             if isinstance(requested, str) and requested != address}
    for address, why, target in zip(results.get("Address", []), results.get("Indexability Status", []),
                                    results.get("Redirect URL", [])):
        if (why in REFRESHES or why == REDIRECTED) and isinstance(target, str) and target and target != address:
            moved[address] = target
    moved.update(duplicates(results) if copies is None else copies)
    for start in list(moved):
        seen, end = {start}, moved[start]
        while end in moved and end not in seen:
            seen.add(end)
            end = moved[end]
        moved[start] = end
    return moved


def links_frame(results: pd.DataFrame) -> pd.DataFrame:
    """The links file: every kept link of every fetched page; Status Code of the destination when fetched.

    A link to a URL that redirected (fetched as listed) points at the page the redirects ended at: a page is
    known by its final address (page_row), and the link to it was dropped on import as a link to no page, so
    the engine suggested the very link the site already has. So does a link to a page that sends its reader
    on with a meta refresh, or to a copy of another page (moved_to)."""
    import pandas as pd
    status = dict(zip(results.get("Address", []), results.get("Status Code", [])))
    copies = duplicates(results)
    moved = moved_to(results, copies)
    rows, seen = [], set()
    for source, links in zip(results.get("Address", []), results.get("Links", [])):
        source = copies.get(source, source)    # a copy's links are its original's (once)
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


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark, so a spreadsheet reads its accents right (the importer takes the mark
    as the UTF-8 it is). No formula guard: the files are the analysis's input, read back by the importer, and a
    page's text must stay exact (README: they keep every cell as the site wrote it)."""
    out = io.StringIO()
    frame.to_csv(out, index=False)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def report_counts(results: pd.DataFrame) -> dict:
    """Pages per status label, for the fetch report."""
    if results.empty:
        return {}
    return {str(k): int(v) for k, v in results["Status"].value_counts().items()}
