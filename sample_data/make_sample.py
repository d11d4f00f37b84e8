"""Write the sample crawl (pages.csv, inlinks.csv) of the fictional Ridgeline Coffee Roasters site.

The texts are handwritten in site_text.py; this script only lays them out the way Screaming Frog exports
them ("Internal: HTML" with the body in a custom-extraction column "Body 1", and "All Inlinks"), adding what
a real crawl contains: navigation and footer links on every page, image/CSS/JS rows, a noindex cart, a 301
redirect, a PDF, a canonicalised variant and a trailing-slash duplicate. Run: python3 sample_data/make_sample.py
"""
import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from site_text import EXTRA_ROWS, PAGES  # noqa: E402

SITE = "https://www.ridgelinecoffee.example"
HTML = "text/html; charset=utf-8"
STATUS_TEXT = {200: "OK", 301: "Moved Permanently"}
PAGE_HEADERS = ["Address", "Content Type", "Status Code", "Status", "Indexability", "Indexability Status",
                "Title 1", "Title 1 Length", "Meta Description 1", "Meta Description 1 Length", "H1-1",
                "H1-1 Length", "Word Count", "Canonical Link Element 1", "Crawl Depth", "Body 1"]
INLINK_HEADERS = ["Type", "Source", "Destination", "Size (Bytes)", "Alt Text", "Anchor", "Status Code",
                  "Status", "Follow", "Target", "Rel", "Path Type", "Link Path", "Link Position", "Link Origin"]
HEADER_NAV = [("Shop", "/shop"), ("Brew Guides", "/guides"), ("Journal", "/blog"), ("About", "/about"),
              ("Contact", "/contact")]
FOOTER = [("FAQ", "/faq"), ("Shipping & Returns", "/shipping-and-returns"), ("Wholesale", "/wholesale"),
          ("Visit the café", "/visit-our-cafe")]
# Links that point at an old or variant address, as real sites have them.
LINK_OVERRIDES = {("/faq", "espresso at home guide"): "/old-espresso-guide",
                  ("/shop/brewing-gear/cold-brew-jar", "cold brew guide"): "/guides/cold-brew-guide/"}


def page_row(page: dict, **overrides) -> list:
    """One "Internal: HTML" row; status and indexability default to a healthy page."""
    row = dict(status=200, content_type=HTML, indexability="Indexable", indexability_status="",
               canonical=SITE + page["path"])
    row.update({key: value for key, value in page.items() if key in row})
    row.update(overrides)
    body = page["body"]
    depth = 0 if page["path"] == "/" else page["path"].strip("/").count("/") + 1
    return [SITE + page["path"], row["content_type"], row["status"], STATUS_TEXT[row["status"]],
            row["indexability"], row["indexability_status"], page["title"], len(page["title"]),
            page["description"], len(page["description"]), page["h1"], len(page["h1"]),
            len(body.split()), row["canonical"] if row["content_type"] == HTML else "", depth, body]


def page_rows() -> list[list]:
    rows = [page_row(page) for page in PAGES]
    cold_brew = next(page for page in PAGES if page["path"] == "/guides/cold-brew-guide")
    espresso_blend = next(page for page in PAGES if page["path"] == "/shop/blends/house-espresso-blend")
    rows.append(page_row({**cold_brew, "path": "/guides/cold-brew-guide/"}, indexability="Non-Indexable",
                         indexability_status="Canonicalised", canonical=SITE + cold_brew["path"]))
    rows.append(page_row({**espresso_blend, "path": espresso_blend["path"] + "?size=1kg"},
                         indexability="Non-Indexable", indexability_status="Canonicalised",
                         canonical=SITE + espresso_blend["path"]))
    rows.extend(page_row(extra) for extra in EXTRA_ROWS)
    return rows


def link_row(kind, source, destination, anchor, position, link_path, alt="", status=200, path_type="Absolute"):
    return [kind, SITE + source, SITE + destination, 18_000 if kind == "Hyperlink" else 42_000, alt, anchor,
            status, STATUS_TEXT[status], "True", "", "", path_type, link_path, position, "HTML"]


def chrome_links(source: str) -> list[list]:
    """Logo, header navigation and footer links plus the page's CSS and JS, as on every page of the site."""
    rows = [link_row("Hyperlink", source, "/", "", "Header", "/html/body/header/a", alt="Ridgeline Coffee Roasters",
                     path_type="Root-Relative")]
    rows += [link_row("Hyperlink", source, target, anchor, "Navigation", f"/html/body/header/nav/ul/li[{i}]/a",
                      path_type="Root-Relative") for i, (anchor, target) in enumerate(HEADER_NAV, start=1)]
    rows += [link_row("Hyperlink", source, target, anchor, "Footer", f"/html/body/footer/ul/li[{i}]/a",
                      path_type="Root-Relative") for i, (anchor, target) in enumerate(FOOTER, start=1)]
    rows.append(link_row("CSS", source, "/assets/site.css", "", "Head", "/html/head/link[3]"))
    rows.append(link_row("JavaScript", source, "/assets/site.js", "", "Head", "/html/head/script[1]"))
    return rows


def content_links(page: dict) -> list[list]:
    """The page's in-content links; fails loudly if an anchor is not in the page's text."""
    rows = []
    for number, (anchor, target) in enumerate(page["links"], start=1):
        if anchor not in page["body"]:
            raise SystemExit(f"{page['path']}: anchor {anchor!r} does not stand in the text")
        target = LINK_OVERRIDES.get((page["path"], anchor), target)
        status = 301 if target == "/old-espresso-guide" else 200
        rows.append(link_row("Hyperlink", page["path"], target, anchor, "Content",
                             f"/html/body/main/article/p/a[{number}]", status=status))
    if page["path"].startswith("/shop/") and page["path"].count("/") == 3:
        slug = page["path"].rsplit("/", 1)[1]
        rows.append(link_row("Image", page["path"], f"/images/{slug}.jpg", "", "Content",
                             "/html/body/main/figure/img", alt=page["h1"]))
    return rows


def inlink_rows() -> list[list]:
    rows = []
    for page in PAGES:
        rows += content_links(page)
        rows += chrome_links(page["path"])
    rows += chrome_links("/cart")
    return sorted(rows, key=lambda row: (row[2], row[1]))   # All Inlinks lists rows by destination


def write_csv(path: Path, headers: list[str], rows: list[list]) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)


def main() -> None:
    write_csv(HERE / "pages.csv", PAGE_HEADERS, page_rows())
    write_csv(HERE / "inlinks.csv", INLINK_HEADERS, inlink_rows())
    for name in ("pages.csv", "inlinks.csv"):
        print(f"{name}: {(HERE / name).stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
