"""A static HTML documentation tree -> a link corpus in the shared corpora's format (held-out sites).

Reads every *.html file under ROOT (an mdBook, Sphinx or similar static site) and writes, to OUT (default
/tmp/heldout/<name>/, outside the repository: the text belongs to the site, never commit it):
- pages.csv.gz: Address, Title 1, H1-1, Meta Description 1, Word Count, Content (plain text of the main content);
- pages_html.csv.gz: the same rows with `Body HTML 1` (the main content's inner HTML, every <a> unwrapped to its
  text, scripts / styles / comments removed, every attribute stripped) in place of Content;
- links.csv.gz: Source, Destination, Anchor: links inside the main content to another page of the set
  (#fragment and ?query removed, self links dropped, one row per (Source, Destination) keeping the first non-empty
  anchor); a link to a meta-refresh redirect counts as a link to the page it redirects to.
Text is made as the shared corpora's: a space at the start and end of each block-level element, text nodes joined,
white space collapsed to single spaces, so every anchor is a substring of its source's Content (checked).

Main content: the first element matching one of --content (default `main`, `div[role=main]`, `article`), else
<body>; inside it --drop's elements are removed (default: nav, footer, scripts, Sphinx's `a.headerlink` and
toctree lists). Left out (--skip-no-content): pages no --content selector matches. Left out: --exclude globs (default print.html, 404.html, search.html, toc.html, genindex*.html),
pure meta-refresh redirects (a crawler reports them as redirects, not pages), and pages whose main content is
byte-identical to a page with a shorter path (mdBook's index.html and its first chapter: links to the copy count
as links to the kept page). Moved / "old edition" stub pages with a body stay: they are part of a real crawl.
Selectors are simple: tag, .class, #id, [attr] or [attr=value], combined without spaces (div.body, a.header).
Why its own text extraction and not the product's HTML importer (inlink.site.html): this corpus is the truth the
product is measured against, and build_corpus checks that the importer reads each `Body HTML 1` back to `Content`;
made with the importer, that check would be circular. Why its own small selector-to-XPath: lxml's CSS selectors
need the cssselect package, which the product does not otherwise need.

Held-out sites this machine can make (none of them is committed; eval_links.py --corpus-dir /tmp/heldout/NAME):
- Node.js API reference (installed with nodejs): ROOT /usr/share/doc/nodejs/api, BASE https://nodejs.org/api/,
  --exclude all.html --exclude index.html
- git's manual pages (`apt-get download git-doc`, `dpkg-deb -x`): ROOT .../usr/share/doc/git/html,
  BASE https://git-scm.com/docs/, --content '#content' --drop '#footnotes'
- The Debian Administrator's Handbook, a prose handbook (`apt-get download debian-handbook`): ROOT
  .../html/en-US, BASE https://debian-handbook.info/browse/stable/, --drop '#banner' --drop '#title'
  --drop ul.docnav --drop div.toc
- pygame's Sphinx docs (`pip download pygame --no-deps`, unzip the wheel): ROOT .../pygame/docs/generated,
  BASE https://www.pygame.org/docs/, --exclude py-modindex.html --exclude logos.html --exclude c_api.html
- SQLite's website, articles and a C reference as manual pages (`apt-get download sqlite3-doc`): ROOT
  .../usr/share/doc/sqlite3, BASE https://www.sqlite.org/, no main element (the body): --drop div.nosearch
  --drop 'p[align=center]' --drop svg --drop button --drop div.imgcontainer, --exclude 'syntax/*' and the pure
  link lists: docs.html sitemap.html doclist.html keyword_index.html 'doc_*_crossref.html' '*list.html'
  capi3ref.html changes.html chronology.html syntax.html
- The Apache httpd manual (`apt-get download apache2-doc`): ROOT .../usr/share/doc/apache2-doc/manual/en, BASE
  https://httpd.apache.org/docs/2.4/, --content '#page-content' --drop '#quickview' --drop div.toplang --drop div.top
  --drop button --drop a.permalink --drop table.directive --drop table.module; --exclude sitemap.html and the
  lists mod/quickreference.html mod/directives.html mod/overrides.html mod/index.html, and the pages Debian ships
  in Portuguese under en/: new_features_2_4.html bind.html invoking.html upgrading.html install.html filter.html
- The PostgreSQL 15 manual (`apt-get download postgresql-doc-15`): ROOT .../usr/share/doc/postgresql-doc-15/html, BASE
  https://www.postgresql.org/docs/15/, --drop div.navheader --drop div.navfooter --drop div.toc, --exclude index.html
  bookindex.html appendixes.html and the part/chapter pages left empty without their tables of contents: brin.html
  btree.html gin.html gist.html hash-index.html nls.html plpgsql.html source.html spgist.html spi-interface.html
  textsearch.html tutorial-advanced.html tutorial-sql.html tutorial-start.html
- The Debian Reference (`apt-get download debian-reference-en`): ROOT .../usr/share/debian-reference (the *.en.html
  pages), BASE https://www.debian.org/doc/manuals/debian-reference/, --drop div.navheader --drop div.navfooter
  --drop div.toc --drop div.list-of-tables --exclude index.en.html
- The GIMP 2.10 user manual, a GUI application's prose manual (`apt-get download gimp-help-en`): ROOT
  .../usr/share/gimp/2.0/help/en, BASE https://docs.gimp.org/2.10/en/, no main element (the body): --drop div.navheader
  --drop div.navfooter --drop div.toc, --exclude index.html gimp-help-index.html and the part pages left empty without
  their tables of contents: getting-started.html become-a-gimp-wizard.html gimp-function-reference.html key-reference.html
- The GNU Octave manual, made with Texinfo (`apt-get download octave-doc`): ROOT .../usr/share/doc/octave/octave.html,
  BASE https://docs.octave.org/latest/, no main element: --drop div.header --drop div.nav-panel, --exclude index.html
  --exclude '*Index*.html'
- The Maxima manual, Texinfo with @deffn entries (`apt-get download maxima-doc`): ROOT
  .../usr/share/doc/maxima-doc/html, BASE https://maxima.sourceforge.io/docs/manual/, --drop div.header --drop
  div.nav-panel, --exclude maxima_toc.html maxima_377.html (the index) index.html maxima_singlepage.html (the whole
  manual again on one page)
- The GLib reference, gtk-doc (`apt-get download libglib2.0-doc`): ROOT .../usr/share/gtk-doc/html/glib, BASE
  https://docs.gtk.org/glib-legacy/, --content div.refentry --content div.chapter --content div.part --content
  div.book --drop table.navigation, --exclude 'api-index-*.html' 'ix*.html' index.html annotation-glossary.html
- Apache Commons IO's Javadoc (`apt-get download libcommons-io-java-doc`): ROOT
  .../usr/share/doc/libcommons-io-java/api, BASE https://commons.apache.org/proper/commons-io/apidocs/, --exclude
  '*-tree.html' '*index*.html' serialized-form.html deprecated-list.html constant-values.html help-doc.html
  overview-summary.html '*package-summary.html' '*/class-use/*' '*package-use.html' 'allclasses*.html'
- The Rust book, an mdBook (`apt-get download rust-doc`): ROOT .../usr/share/doc/rust-doc/html/book, BASE
  https://doc.rust-lang.org/stable/book/, --drop '#versioninfo', --exclude '2018-edition/*' 'first-edition/*'
  'second-edition/*' (its old-link stubs carry a noindex a crawl export would flag)
- Apache Ant's manual, hand-written HTML whose pages open with an <h2> (`apt-get download ant-doc`): ROOT
  .../usr/share/doc/ant/manual, BASE https://ant.apache.org/manual/, no main element (the body), --exclude
  index.html toc.html tasklist.html anttaskslist.html conceptstypeslist.html developlist.html installlist.html
  runninglist.html usinglist.html tasksoverview.html (the frames' lists)
- aptitude's user manual, DocBook chunked by docbook-xsl (`apt-get download aptitude-doc-en`): ROOT
  .../usr/share/doc/aptitude/html/en, BASE https://www.debian.org/doc/manuals/aptitude/, --drop div.navheader
  --drop div.navfooter --drop div.toc --exclude index.html
- The Securing Debian Manual, a prose handbook made with Publican (`apt-get download harden-doc`): ROOT
  .../usr/share/doc/harden-doc/html/en-US, BASE https://www.debian.org/doc/manuals/securing-debian-manual/, --drop
  '#banner' --drop '#title' --drop ul.docnav --drop div.toc --exclude 'Common_Content/*' --exclude index.html
- Scrapy's Sphinx docs (`apt-get download python-scrapy-doc`): ROOT .../usr/share/doc/python-scrapy-doc/html, BASE
  https://docs.scrapy.org/en/latest/, --exclude '_modules/*' genindex.html py-modindex.html search.html index.html
- The Debian Installation Guide, a prose handbook made with DocBook (`apt-get download installation-guide-amd64`):
  ROOT .../usr/share/doc/installation-guide-amd64/en, BASE https://www.debian.org/releases/stable/amd64/, --name
  instguide --drop div.navheader --drop div.navfooter --drop div.toc --exclude index.html
- The GnuCash help, a GUI application's manual made with DocBook (`apt-get download gnucash-docs`): ROOT
  .../usr/share/doc/gnucash-docs/gnucash-help-en, BASE https://gnucash.org/docs/v4/C/gnucash-help/, --name gnchelp
  --drop div.navheader --drop div.navfooter --drop div.toc --exclude index.html

Run: python3 bench/build_corpus.py ROOT BASE_URL [--out DIR] [--name NAME] [--content SEL ...] [--drop SEL ...]
                                   [--exclude GLOB ...]
e.g. python3 bench/build_corpus.py $R/book https://doc.rust-lang.org/stable/book/ --drop '#versioninfo'
"""
from __future__ import annotations

import argparse
import csv
import fnmatch
import gzip
import html as html_lib
import io
import re
import statistics
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import lxml.etree
import lxml.html

DEFAULT_CONTENT = ("main", "div[role=main]", "article")
DEFAULT_DROP = ("nav", "footer", "script", "style", "noscript", "template", "a.headerlink", "div.toctree-wrapper")
DEFAULT_EXCLUDE = ("print.html", "404.html", "search.html", "toc.html", "genindex*.html", "py-modindex.html")
BLOCK_TAGS = frozenset("""address article aside blockquote body br caption center dd details dialog dir div dl dt
    fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu nav ol
    optgroup option p pre section summary table tbody td tfoot th thead tr ul colgroup col label input button
    select textarea""".split())
SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "meta", "link"})
_SPACE = re.compile(r"\s+")
_SIMPLE = re.compile(r"([a-zA-Z0-9*]*)((?:[.#][\w-]+|\[[\w-]+(?:=[^\]]*)?\])*)$")
_PART = re.compile(r"\.([\w-]+)|#([\w-]+)|\[([\w-]+)(?:=([^\]]*))?\]")


def selector_xpath(selector: str) -> str:
    """A simple CSS selector (tag, .class, #id, [attr], [attr=value], combined) as a descendant XPath."""
    match = _SIMPLE.match(selector.strip())
    if not match:
        raise ValueError(f"unsupported selector: {selector!r}")
    tests = []
    for cls, ident, attr, value in _PART.findall(match.group(2)):
        if cls:
            tests.append(f"contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')")
        elif ident:
            tests.append(f"@id='{ident}'")
        elif value:
            tests.append(f"@{attr}='{value.strip(chr(34) + chr(39))}'")
        else:
            tests.append(f"@{attr}")
    return ".//" + (match.group(1) or "*") + "".join(f"[{test}]" for test in tests)


def plain_text(element) -> str:
    """The element's text as the corpora make it: a space around each block element, white space collapsed."""
    parts: list[str] = []

    def walk(node) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in SKIPPED_TAGS or not tag:
            return
        block = tag in BLOCK_TAGS
        if block:
            parts.append(" ")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append(" ")

    walk(element)
    return _SPACE.sub(" ", "".join(parts)).strip()


def inner_html(element) -> str:
    """The element's inner HTML (its text, then each child serialised with its tail)."""
    head = html_lib.escape(element.text or "", quote=False)
    return head + "".join(lxml.html.tostring(child, encoding="unicode", method="html", with_tail=True)
                          for child in element)


def redirect_target(tree) -> str | None:
    """The URL of a <meta http-equiv="refresh"> page (None when the page has none)."""
    for meta in tree.iter("meta"):
        if (meta.get("http-equiv") or "").lower() == "refresh":
            match = re.search(r"url\s*=\s*['\"]?([^'\"]+)", meta.get("content") or "", re.IGNORECASE)
            if match:
                return match.group(1).strip()
    return None


def main_content(tree, content: tuple[str, ...], drop: tuple[str, ...], require: bool = False):
    """A cleaned copy of the page's main-content element (None when `require` and no selector matches)."""
    body = tree.find(".//body")
    root = body if body is not None else tree.getroot()
    found = None
    for selector in content:
        hits = root.xpath(selector_xpath(selector))
        if hits:
            found = hits[0]
            break
    if found is None and require:
        return None
    element = lxml.html.fromstring(lxml.html.tostring(found if found is not None else root))
    for selector in drop:
        for node in element.xpath(selector_xpath(selector)):
            if node.getparent() is not None:
                node.drop_tree()
    for node in element.iter(lxml.etree.Comment):
        if node.getparent() is not None:
            node.drop_tree()
    return element


def body_html(element) -> str:
    """Body HTML 1: every <a> unwrapped, scripts / styles / comments gone, every attribute stripped."""
    copy = lxml.html.fromstring(lxml.html.tostring(element))
    for node in list(copy.iter("a")):
        if node is not copy:
            node.drop_tag()
    for node in copy.iter():
        if isinstance(node.tag, str):
            node.attrib.clear()
    return inner_html(copy)


def first_text(tree, tag: str) -> str:
    node = tree.find(f".//{tag}")
    return plain_text(node) if node is not None else ""


def read_page(path: Path, args) -> dict:
    raw = path.read_bytes()
    tree = lxml.html.document_fromstring(raw)
    refresh = redirect_target(tree)
    title = tree.find(".//title")
    description = next((m.get("content") or "" for m in tree.iter("meta")
                        if (m.get("name") or "").lower() == "description"), "")
    element = main_content(tree, args.content, args.drop, args.skip_no_content)
    if element is None:
        return None
    content = plain_text(element)
    return {"refresh": refresh, "element": element, "content": content,
            "title": _SPACE.sub(" ", title.text_content()).strip() if title is not None else "",
            "h1": first_text(tree.find(".//body") if tree.find(".//body") is not None else tree, "h1"),
            "description": _SPACE.sub(" ", description).strip(),
            "html": body_html(element)}


def is_excluded(rel: str, patterns: tuple[str, ...]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(name, pattern) for pattern in patterns)


def write_gz(path: Path, header: list[str], rows: list[list]) -> int:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    path.write_bytes(gzip.compress(data, mtime=0))
    return len(data)


def build(args) -> dict:
    root = Path(args.root).resolve()
    base = args.base_url if args.base_url.endswith("/") else args.base_url + "/"
    pages: dict[str, dict] = {}
    redirects: dict[str, str] = {}
    for path in sorted(root.rglob("*.html")):
        rel = path.relative_to(root).as_posix()
        if is_excluded(rel, args.exclude):
            continue
        page = read_page(path, args)
        if page is None:
            continue
        if page["refresh"] is not None and len(page["content"].split()) <= args.redirect_words:
            target = urldefrag(urljoin(base + rel, page["refresh"]))[0]
            redirects[base + rel] = target
            continue
        pages[base + rel] = page
    # Byte-identical main content: one page (the shortest path), the copies its aliases.
    by_html: dict[str, str] = {}
    for url in sorted(pages, key=lambda u: (len(u), u)):
        kept = by_html.setdefault(pages[url]["html"], url)
        if kept != url:
            redirects[url] = kept
    for url in redirects:
        pages.pop(url, None)

    def resolve(url: str) -> str | None:
        seen = set()
        while url in redirects and url not in seen:
            seen.add(url)
            url = redirects[url]
        return url if url in pages else None

    links: dict[tuple[str, str], str] = {}
    occurrences = 0
    for source, page in pages.items():
        for anchor_el in page["element"].iter("a"):
            href = (anchor_el.get("href") or "").strip()
            if not href or href.startswith(("#", "javascript:", "mailto:")):
                continue
            url = urldefrag(urljoin(source, href))[0].split("?", 1)[0]
            if url.endswith("/"):
                url += "index.html"
            destination = resolve(url)
            if destination is None or destination == source:
                continue
            occurrences += 1
            anchor = plain_text(anchor_el)
            key = (source, destination)
            if key not in links or (not links[key] and anchor):
                links[key] = anchor
    return {"pages": pages, "links": links, "occurrences": occurrences, "redirects": redirects, "base": base}


def check_importer(pages: dict[str, dict]) -> int:
    """Pages whose Body HTML 1, read by the product's HTML importer, does not give Content back."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from inlink.site.html import parse_fragment_tuples
    return sum(parse_fragment_tuples(page["html"])[0] != page["content"] for page in pages.values())


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root")
    parser.add_argument("base_url")
    parser.add_argument("--out", help="output folder (default /tmp/heldout/<name>)")
    parser.add_argument("--name", help="corpus name (default: the root folder's name)")
    parser.add_argument("--content", action="append", help=f"main-content selector, first match wins "
                        f"(repeatable; default {' '.join(DEFAULT_CONTENT)})")
    parser.add_argument("--drop", action="append", default=[], help="selector removed from the main content, "
                        f"added to the defaults ({' '.join(DEFAULT_DROP)})")
    parser.add_argument("--exclude", action="append", default=[], help="file glob left out, added to the "
                        f"defaults ({' '.join(DEFAULT_EXCLUDE)})")
    parser.add_argument("--skip-no-content", action="store_true",
                        help="leave out pages where no --content selector matches (default: read their <body>)")
    parser.add_argument("--redirect-words", type=int, default=12,
                        help="a meta-refresh page with at most this many words is a redirect, not a page")
    args = parser.parse_args(argv)
    args.content = tuple(args.content or DEFAULT_CONTENT)
    args.drop = DEFAULT_DROP + tuple(args.drop)
    args.exclude = DEFAULT_EXCLUDE + tuple(args.exclude)
    if not Path(args.root).is_dir():   # a mistyped ROOT built an empty corpus and exited 0
        parser.error(f"ROOT {args.root} is not a folder: give the root of a static HTML docs tree")
    name = args.name or Path(args.root).resolve().name
    out = Path(args.out or f"/tmp/heldout/{name}")
    built = build(args)
    pages, links = built["pages"], built["links"]
    if not pages:
        parser.exit(1, f"error: no HTML page found under {args.root} (after --exclude and the redirects left out): "
                       f"nothing was written to {out}\n")
    out.mkdir(parents=True, exist_ok=True)
    words = {url: len(page["content"].split()) for url, page in pages.items()}
    meta = [[url, p["title"], p["h1"], p["description"], words[url]] for url, p in pages.items()]
    plain_bytes = write_gz(out / "pages.csv.gz", ["Address", "Title 1", "H1-1", "Meta Description 1", "Word Count",
                                                  "Content"], [m + [pages[m[0]]["content"]] for m in meta])
    write_gz(out / "pages_html.csv.gz", ["Address", "Title 1", "H1-1", "Meta Description 1", "Word Count",
                                         "Body HTML 1"], [m + [pages[m[0]]["html"]] for m in meta])
    write_gz(out / "links.csv.gz", ["Source", "Destination", "Anchor"], [[s, d, a] for (s, d), a in links.items()])
    verbatim = sum(a in pages[s]["content"] for (s, _d), a in links.items())
    out_deg = Counter(s for s, _d in links)
    in_deg = Counter(d for _s, d in links)
    counts = {
        "pages": len(pages), "total words": sum(words.values()),
        "median words per page": statistics.median(words.values()) if words else 0,
        "pages with empty H1-1": sum(not p["h1"] for p in pages.values()),
        "pages with a meta description": sum(bool(p["description"]) for p in pages.values()),
        "redirects / duplicate copies left out": len(built["redirects"]),
        "links (unique Source->Destination)": len(links),
        "link occurrences before de-duplication": built["occurrences"],
        "mean / median out-links per page": f"{len(links) / max(1, len(pages)):.2f} / "
                                            f"{statistics.median([out_deg.get(u, 0) for u in pages]) if pages else 0}",
        "max out-links / max in-links": f"{max(out_deg.values(), default=0)} / {max(in_deg.values(), default=0)}",
        "pages with zero out-links / zero in-links": f"{sum(u not in out_deg for u in pages)} / "
                                                     f"{sum(u not in in_deg for u in pages)}",
        "anchors verbatim in the source's Content": f"{verbatim} of {len(links)}",
        "empty anchors": sum(not a for a in links.values()),
        "Body HTML 1 read back by inlink.site.html != Content": check_importer(pages),
        "pages.csv raw bytes": plain_bytes,
    }
    print(f"corpus={name} base={built['base']} out={out}")
    print("| | |\n|---|---|")
    for key, value in counts.items():
        print(f"| {key} | {value} |")
    return counts


if __name__ == "__main__":
    main()
