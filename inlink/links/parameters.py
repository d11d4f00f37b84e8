"""A page's own parameter names: a word the page uses as the name of an argument is no mention of the page of the
same name ("cmd must be a string" on a page declaring run(cmd) is not the cmd module).

Why: reference manuals of every language declare signatures ("run(cmd)", "open(file, mode='r')", "PyObject
*PyList_New(Py_ssize_t len)") and then talk about their parameters by name in the description. There such a name
is a variable of the signature, whatever page it also names. Read from the page's own declaration terms (HTML
<dt>, or the declarations plain_blocks finds in plain text), and, in any prose, from the words that say so ("the
cmd argument", "the parameter cmd").
"""
from __future__ import annotations

import re

_IDENTIFIER_RE = re.compile(r"[A-Za-z_][\w]*")
# "the cmd argument", "its key parameters", "the parameter cmd", "keyword argument key"
_NAMED_AFTER_RE = re.compile(r"\s(?:argument|parameter)s?\b")
_NAMED_BEFORE_RE = re.compile(r"\b(?:argument|parameter)s?\s$")


def own_parameters(text: str, blocks) -> list[tuple[int, int, frozenset[str]]]:
    """Where each of the page's signatures holds: (start, end, its parameter names), from a run of definition
    terms (blocks of kind "term": one or several signatures) to the next term or heading after their
    description (blocks do not say where a description ends; between two signatures of a reference page the text
    is the first one's). A parameter is named so in its own description; elsewhere on the page the same word
    may well mean the module ("the pickle module" on a page whose functions take a `pickle` argument)."""
    scopes: list[tuple[int, int, frozenset[str]]] = []
    names: set[str] = set()
    begin, in_terms = -1, False
    for kind, start, end in blocks or ():
        if kind == "term":
            if not in_terms:
                if names:
                    scopes.append((begin, start, frozenset(names)))
                names, begin, in_terms = set(), start, True
            names |= _signature_parameters(text[start:end])
            continue
        in_terms = False
        if kind == "heading" and names:
            scopes.append((begin, start, frozenset(names)))
            names = set()
    if names:
        scopes.append((begin, len(text), frozenset(names)))
    return scopes


def _signature_parameters(term: str) -> set[str]:
    """The parameter names of one signature ("run(cmd)" -> cmd; "PyObject *p" -> p, "*args" -> args,
    "key=None" -> key, "x: int" -> x); none for a term without parentheses."""
    opened = term.find("(")
    if opened < 0:
        return set()
    closed = term.rfind(")")
    found = set()
    for piece in term[opened + 1:closed if closed > opened else len(term)].split(","):
        names = _IDENTIFIER_RE.findall(re.split(r"[=:]", piece, maxsplit=1)[0])
        if names:
            found.add(names[-1])
    return found


def is_parameter(text: str, start: int, end: int, scopes: list[tuple[int, int, frozenset[str]]]) -> bool:
    """text[start:end] is a parameter of the signature whose description it stands in, or its sentence calls it
    an argument or parameter."""
    if _NAMED_AFTER_RE.match(text, end) or _NAMED_BEFORE_RE.search(text, max(0, start - 11), start):
        return True
    word = None
    for begin, stop, names in scopes:
        if begin <= start < stop:
            word = text[start:end] if word is None else word
            if word in names:
                return True
    return False
