"""The development corpora as a crawler really exports them: each heading and definition term ending in its permalink
sign ("Concepts¶", "class HttpResponse[source]¶", Node.js's "#"), then eval_links.py on that copy.

Why: the shared corpora were built without the signs (their builder drops Sphinx's a.headerlink), but a crawler's
text keeps them, glued to the heading's last word, and a plain-text reader that does not expect them misses every
declaration they follow (python-docs plain cold P@5 fell from 0.557 to 0.414 with them, before 9b25a35). The copy
is made from `pages_html.csv.gz`: the sign is appended inside each h1-h6 and dt, the plain `Content` is that HTML's
text as the importer reads it (inlink.site.html), and the links are the corpus's own. Written to a temporary folder,
never into the repository (the text belongs to the site).

Run: python3 bench/eval_permalinks.py [--corpus NAME ...] [--sign ¶] [eval_links.py options, e.g. --mode cold]
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))

import eval_links

SIGNED = ("h1", "h2", "h3", "h4", "h5", "h6", "dt")


def signed_html(body: str, sign: str) -> str:
    """`body` with `sign` glued to the end of each heading and definition term (trailing white space and <br>
    before it removed, as a theme's permalink anchor follows the text directly)."""
    import lxml.html

    root = lxml.html.fragment_fromstring(body or "<p></p>", create_parent="div")
    for element in root.iter(*SIGNED):
        while len(element) and element[-1].tag == "br":
            element.remove(element[-1])
        _strip_trailing_space(element)
        mark = lxml.html.Element("span")
        mark.text = sign
        element.append(mark)
    return (root.text or "") + "".join(lxml.html.tostring(child, encoding="unicode") for child in root)


def _strip_trailing_space(element) -> None:
    """Remove the white space that ends `element`'s text, wherever its last text node is."""
    while len(element):
        last = element[-1]
        if last.tail and last.tail.strip():
            last.tail = last.tail.rstrip()
            return
        last.tail = None
        element = last
    element.text = (element.text or "").rstrip()


def signed_corpus(name: str, sign: str, out: Path) -> Path:
    """A copy of corpus `name` with signed headings, in the shared format, under `out`."""
    from inlink.site.html import parse_fragment_tuples

    folder = out / f"{name}-signed"
    folder.mkdir(parents=True, exist_ok=True)
    html = pd.read_csv(eval_links.corpus_file(name, "html"), dtype=str, keep_default_na=False)
    plain = pd.read_csv(eval_links.corpus_file(name, "plain"), dtype=str, keep_default_na=False)
    html["Body HTML 1"] = [signed_html(body, sign) for body in html["Body HTML 1"]]
    plain["Content"] = [parse_fragment_tuples(body)[0] for body in html["Body HTML 1"]]
    html.to_csv(folder / "pages_html.csv.gz", index=False, compression="gzip")
    plain.to_csv(folder / "pages.csv.gz", index=False, compression="gzip")
    shutil.copy(eval_links.corpus_file(name, "links"), folder / "links.csv.gz")
    return folder


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", choices=eval_links.CORPORA)
    parser.add_argument("--sign", default="¶", help="the permalink sign (default ¶; Node.js writes #)")
    args, rest = parser.parse_known_args(argv)
    with tempfile.TemporaryDirectory(prefix="inlink-signed-") as tmp:
        folders = [signed_corpus(name, args.sign, Path(tmp)) for name in args.corpus or eval_links.CORPORA]
        eval_links.main([*rest, *(arg for folder in folders for arg in ("--corpus-dir", str(folder)))])


if __name__ == "__main__":
    main()
