"""A name written with a wildcard glued to it ("the Findosg* suite", "the FindPython* modules") names the family of
pages whose titles start with it, not the one page titled with the name alone.

Why its own module: read from the site's titles (how many begin with the name), not from the text alone: a C type
written with its pointer star ("a PyObject*", "returns a PyTypeObject*") has the same shape and is a mention of its
page (python-docs: 11 such rows, 9 of them real links). A held-out build tool's manual wrote "Findosg*" on the
twenty pages of its OpenSceneGraph modules: every one linked "Findosg" to the module of that title in the high
tier, none a link its editors made.
"""
from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from inlink.links.index import LinkIndex

FAMILY_MEMBERS = 2   # titles beginning with the name (and longer than it) that make it a family's


def _sorted_titles(index: LinkIndex) -> list[str]:
    """The site's titles, lowercased and sorted, made once per run (index.derived)."""
    found = index.derived.get("sorted_titles")
    if found is None:
        found = index.derived["sorted_titles"] = sorted(title.lower() for title in index.titles if title)
    return found


def names_a_family(index: LinkIndex, text: str, start: int, end: int) -> bool:
    """text[start:end] has a wildcard "*" glued after it, and at least FAMILY_MEMBERS other titles begin with it:
    the mention is of the family ("Findosg*": FindosgDB, FindosgUtil, ...), no anchor for any one of them."""
    if not text.startswith("*", end) or (end + 1 < len(text) and (text[end + 1].isalnum() or text[end + 1] == "_")):
        return False
    name = text[start:end].lower()
    titles = _sorted_titles(index)
    members = 0
    for title in titles[bisect_left(titles, name):]:
        if not title.startswith(name):
            break
        members += len(title) > len(name)
        if members >= FAMILY_MEMBERS:
            return True
    return False
