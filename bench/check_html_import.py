"""Equality check for the HTML importer: today's inlink/site/html.py against an older revision, on both corpora.

Why: the HTML walk is rewritten for speed, and its output (text, blocks, code spans, links) decides where the
link engine may place anchors, so any rewrite must give byte-identical results. (A revision from before placeholder
spans were recorded has none: on these corpora, which mark no placeholder, the new ones must be none too.) The old module is read from
git (`git show REV:inlink/site/html.py`) and loaded beside the new one; then
  1. every "Body HTML 1" cell of each corpus's pages_html.csv.gz goes through both fragment walks (full_parse:
     text, blocks, code spans, links must be equal) and the importer's parse_fragment_tuples;
  2. load_site runs twice on each file, once as it is and once with the old parser under it, and every column
     of the pages it returns must be equal (code spans compared as arrays, dtype included).
Prints one line per corpus and exits 1 on any difference.

Run: python3 bench/check_html_import.py [--rev e82c446]   (e82c446: main before the rewrite)
"""
from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import inlink.site.html as html
from inlink.site.load import load_site

CORPORA = [REPO.parent / "shared/corpora" / name / "pages_html.csv.gz"
           for name in ("python-docs-3.11", "django-docs-3.2")]


def old_module(rev: str):
    """inlink/site/html.py as it was at ``rev``, imported under another name."""
    source = subprocess.run(["git", "-C", str(REPO), "show", f"{rev}:inlink/site/html.py"],
                            capture_output=True, text=True, check=True).stdout
    path = Path(tempfile.mkdtemp()) / "old_html.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("old_html", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["old_html"] = module   # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def full_parse(module, cell: str):
    """A fragment's whole reading by `module` (a ParsedHtml, links included): its parse_fragment where it has one
    (revisions before it was dropped), else the walk behind the importer's parse_fragment_tuples, links kept."""
    if hasattr(module, "parse_fragment"):
        return module.parse_fragment(cell)
    return module._parsed(*module._parse_fragment_raw(cell))


def cell_differences(cells: list[str], old) -> int:
    """How many cells parse differently (the new walk or parse_fragment_tuples against the old parser)."""
    differ = 0
    for cell in cells:
        before, after = full_parse(old, cell), full_parse(html, cell)
        text, blocks, spans, placeholders = html.parse_fragment_tuples(cell)
        old_placeholders = getattr(before, "placeholder_spans", ())
        same = ((after.text, after.blocks, after.code_spans, after.links, after.placeholder_spans)
                == (before.text, tuple(html.Block(*b) for b in before.block_tuples()), before.code_spans,
                    tuple(html.HtmlLink(*vars(link).values()) for link in before.links), old_placeholders)
                and (text, blocks, tuple(spans), tuple(placeholders))
                == (before.text, before.block_tuples(), before.code_spans, old_placeholders))
        differ += not same
    return differ


def old_tuples(old):
    """The old parser behind the importer's call (parse_fragment_tuples' signature)."""
    def parse(cell: str):
        page = full_parse(old, cell)
        return page.text, page.block_tuples(), list(page.code_spans), list(getattr(page, "placeholder_spans", ()))
    return parse


def differing_columns(before: pd.DataFrame, after: pd.DataFrame) -> list[str]:
    if list(before.columns) != list(after.columns) or not before.index.equals(after.index):
        return ["(columns or index)"]
    differ = [column for column in before.columns if before[column].dtype != after[column].dtype]
    for column in before.columns:
        a, b = before[column].tolist(), after[column].tolist()
        if column in ("code_spans", "placeholder_spans"):
            same = all(x is y is None or x is not None and y is not None and x.dtype == y.dtype
                       and x.shape == y.shape and np.array_equal(x, y) for x, y in zip(a, b))
        else:
            same = repr(a) == repr(b)
        if not same:
            differ.append(column)
    return differ


def check(path: Path, old) -> bool:
    cells = pd.read_csv(path, dtype=str, keep_default_na=False)["Body HTML 1"].tolist()
    cells_differ = cell_differences(cells, old)
    after = load_site(path).pages
    new_tuples, html.parse_fragment_tuples = html.parse_fragment_tuples, old_tuples(old)
    try:
        before = load_site(path).pages
    finally:
        html.parse_fragment_tuples = new_tuples
    columns = differing_columns(before, after)
    ok = cells_differ == 0 and not columns
    print(f"{path.parent.name:<18} cells={len(cells):>4}  cells differing={cells_differ}  "
          f"load_site pages {len(after)} rows x {len(after.columns)} columns: "
          f"{'IDENTICAL' if ok else 'DIFFERENT ' + ', '.join(columns)}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="e82c446", help="the revision whose html.py is the reference")
    args = parser.parse_args()
    old = old_module(args.rev)
    results = [check(path, old) for path in CORPORA if path.is_file()]
    sys.exit(0 if results and all(results) else 1)


if __name__ == "__main__":
    main()
