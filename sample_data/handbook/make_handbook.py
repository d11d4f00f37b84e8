"""Write the Keelson Operations Handbook crawl (pages.csv, pages_html.csv, inlinks.csv) from handbook_text.py.

Laid out like the development corpora in ../shared/corpora (see their READMEs), so bench/eval_links.py reads it
as a third corpus: pages.csv has the plain main content in `Content`; pages_html.csv the same rows with
`Body HTML 1` (bare tags, every link unwrapped to its text, like a Screaming Frog "Extract Inner HTML"
extraction); inlinks.csv is the truth in "All Inlinks" columns: the in-content links an editor made, one row per
(Source, Destination), first anchor kept. The plain text is the HTML's text with a space around each block,
whitespace collapsed, so every anchor is a substring of `Content` (checked on writing).
Run: python3 sample_data/handbook/make_handbook.py
"""
import csv
import html
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from handbook_text import PAGES  # noqa: E402

SITE = "https://handbook.keelson.example"
SUFFIX = " — Keelson Operations Handbook"
LINK = re.compile(r"\[([^\]]+)\]\((/[^)]*)\)")
PAGE_HEADERS = ["Address", "Title 1", "H1-1", "Meta Description 1", "Word Count"]
INLINK_HEADERS = ["Type", "Source", "Destination", "Alt Text", "Anchor", "Status Code", "Status", "Follow",
                  "Link Position"]


def inline(text: str, links: list[tuple[str, str]]) -> str:
    """A block's text as escaped HTML with its links unwrapped; the links are appended to ``links``."""
    links.extend((anchor, path) for anchor, path in LINK.findall(text))
    return html.escape(LINK.sub(r"\1", " ".join(text.split())), quote=False)


def block_html(block: str, links: list[tuple[str, str]]) -> str:
    """One markup block as bare HTML (see handbook_text's docstring for the markup)."""
    lines = block.split("\n")
    if all(line.startswith("    ") for line in lines):
        return "<pre>" + html.escape("\n".join(line[4:] for line in lines), quote=False) + "</pre>"
    if block.startswith("## "):
        return f"<h2>{inline(block[3:], links)}</h2>"
    if block.startswith("- "):
        items = [item.strip() for item in ("\n" + block).split("\n- ") if item.strip()]
        return "<ul>" + "".join(f"<li><p>{inline(item, links)}</p></li>" for item in items) + "</ul>"
    if " :: " in block:
        term, text = block.split(" :: ", 1)
        return f"<dl><dt>{inline(term, links)}</dt><dd><p>{inline(text, links)}</p></dd></dl>"
    return f"<p>{inline(block, links)}</p>"


def plain_text(body_html: str) -> str:
    """The page's plain Content: the HTML's text, a space around each block, whitespace collapsed."""
    text = re.sub(r"<[^>]+>", " ", body_html)
    return " ".join(html.unescape(text).split())


def page(path: str, h1: str, body: str) -> tuple[list, str, list[tuple[str, str]]]:
    """(the page row's first columns, its Body HTML, its links as (anchor, path))."""
    links: list[tuple[str, str]] = []
    blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", body.strip("\n")) if b.strip()]
    inner = "\n".join(block_html(block, links) for block in blocks)
    body_html = f"<section>\n<h1>{html.escape(h1, quote=False)}</h1>\n{inner}\n</section>"
    words = len(plain_text(body_html).split())
    return [SITE + path, h1 + SUFFIX, h1, "", words], body_html, links


def main() -> None:
    pages = [page(*entry) for entry in PAGES]
    known = {row[0] for row, _b, _l in pages}
    with open(HERE / "pages.csv", "w", newline="", encoding="utf-8") as plain, \
            open(HERE / "pages_html.csv", "w", newline="", encoding="utf-8") as marked, \
            open(HERE / "inlinks.csv", "w", newline="", encoding="utf-8") as inlinks:
        plain_out, html_out, links_out = csv.writer(plain), csv.writer(marked), csv.writer(inlinks)
        plain_out.writerow([*PAGE_HEADERS, "Content"])
        html_out.writerow([*PAGE_HEADERS, "Body HTML 1"])
        links_out.writerow(INLINK_HEADERS)
        count = 0
        for row, body_html, links in pages:
            content = plain_text(body_html)
            plain_out.writerow([*row, content])
            html_out.writerow([*row, body_html])
            seen = {row[0]}
            for anchor, path in links:
                destination = SITE + path
                assert destination in known, f"{row[0]}: link to unknown page {path}"
                assert anchor in content, f"{row[0]}: anchor {anchor!r} not in the text"
                if destination not in seen:
                    seen.add(destination)
                    links_out.writerow(["Hyperlink", row[0], destination, "", anchor, 200, "OK", "True",
                                        "Content"])
                    count += 1
    print(f"{len(pages)} pages, {count} in-content links written to {HERE}")


if __name__ == "__main__":
    main()
