"""The python-docs corpus as an analyst who extracts each page's whole <body> (not its article) would export it.

Why: a Screaming Frog custom extraction of `//body` gives the engine the site's menus, sidebar, breadcrumbs and
footer with every page's text. This writes a corpus folder in the shared format whose `Body HTML 1` is each page's
whole <body> from the raw site (../shared/sites/python-docs-3.11-html.tar.gz), scripts and styles dropped and links
unwrapped as in the shared corpus; `Content`, the links and every other column are the shared corpus' own. Then

    python3 bench/eval_links.py --corpus-dir OUT --variant html

scores it by the same protocol: P@5 and the tiers should match the article's own HTML (--corpus python-docs-3.11),
and every anchor should stand in the page's text ("valid").

Run: python3 bench/whole_page_corpus.py OUT
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tarfile
from pathlib import Path

import lxml.html
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpora/python-docs-3.11"
SITE = SHARED / "sites/python-docs-3.11-html.tar.gz"
PREFIX = "https://docs.python.org/3.11/"


def whole_body(html: bytes) -> str:
    """A page's <body> as HTML, without scripts and styles, its links' text kept and their tags dropped."""
    body = lxml.html.document_fromstring(html).find("body")
    for element in list(body.iter("script", "style")):
        element.drop_tree()
    for link in list(body.iter("a")):
        link.drop_tag()
    return lxml.html.tostring(body, encoding="unicode")


def build(out: Path) -> int:
    """Write pages_html.csv.gz (whole bodies), pages.csv.gz and links.csv.gz into `out`; the pages written."""
    pages = pd.read_csv(CORPUS / "pages_html.csv.gz", dtype=str, keep_default_na=False)
    with tarfile.open(SITE) as site:
        members = {member.name.removeprefix("./"): member for member in site.getmembers() if member.isfile()}
        pages["Body HTML 1"] = [whole_body(site.extractfile(members[url.removeprefix(PREFIX)]).read())
                                for url in pages["Address"]]
    out.mkdir(parents=True, exist_ok=True)
    pages.to_csv(out / "pages_html.csv.gz", index=False)
    for name in ("pages.csv.gz", "links.csv.gz"):
        shutil.copyfile(CORPUS / name, out / name)
    return len(pages)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the corpus folder to write")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir() or not SITE.is_file():
        sys.exit(f"corpus not found: {CORPUS} and {SITE} are needed")
    print(f"wrote {build(args.out)} pages to {args.out}")


if __name__ == "__main__":
    main()
