"""Entries that documentation tools write in shapes of their own, read from a crawler's plain text (plain_blocks).

Why a module of its own: plain_blocks reads the shapes of declarations any reference shares (a name, its signature,
a description); these are the shapes one tool gives every entry it writes, distinctive enough to be read wherever
they stand. In HTML each is a definition term or a heading; in plain text they ran into the prose, where their
names were not declared and anchors could stand inside them (held-out GNU, GNOME and server manuals):
- a Texinfo manual's entry as makeinfo writes it, its permalink sign kept (": y = sum (x) ¶", "Function:
  quad_qag quad_qag (f(x), ...) ¶");
- a gtk-doc reference's entry: its heading, the name, then its declaration naming it again;
- a section opening with a code-shaped name and its kind ("SSLEngine Directive This directive toggles ...");
and the type a configuration reference writes after a setting's name ("work_mem (integer)"), which plain_blocks'
declaration shapes take in.
"""
from __future__ import annotations

import re

from inlink.links.anchors import signature_name
from inlink.links.text import is_code_like, occurrences

#: A setting's type after its name, as a server's configuration reference writes it ("shared_buffers (integer)",
#: "work_mem (floating point)"): one or two lowercase words in brackets.
TYPE_NOTE = r" \((?:integer|boolean|string|enum|real|floating point|int|bool|float|list)\)"
TYPE_NOTE_RE = re.compile(TYPE_NOTE)
TEXINFO_REACH = 160   # characters of a Texinfo definition line before its permalink sign
# An optional kind and its colon, the definition, the sign.
_TEXINFO_RE = re.compile(r"(?<![^\s¶])(?:[A-Z][\w-]*(?: [\w-]+){0,3})?: [^¶:]{1,%d}? ¶" % TEXINFO_REACH)
# gtk-doc: a function's prototype ("g_array_new () GArray * g_array_new (gboolean zero_terminated, ...);"), a
# function type's ("GCompareFunc () gint (*GCompareFunc) (gconstpointer a, ...);"), a macro's ("g_array_index()
# #define g_array_index(a,t,i)", "G_OS_UNIX #define G_OS_UNIX", not a header's guard "#ifndef X_H #define X_H"), a
# type's ("GHashTable typedef struct _GHashTable GHashTable;").
PROTOTYPE_REACH = 80   # characters after a heading's name within which its declaration names it again
_PROTOTYPE_RE = re.compile(
    r"(?<![\w.])(?<!#ifndef )(?<!#ifdef )(?P<name>[A-Za-z_]\w*)"
    r"(?: ?\(\) (?:[A-Za-z_]\w* ){1,3}\**\s*(?:(?P=name)|\(\*(?P=name)\)) ?\([^()]*\);"
    r"|(?: ?\(\))? #define (?P=name)\b(?:\([^()]*\))?"
    r"|(?P<typedef> typedef [\w *]{1,80}?\b(?P=name);))")
_PROTOTYPE_MARKS = ("() ", " #define ", " typedef ")
# The kinds of thing a reference titles its entries with, after the name ("ScriptAlias Directive" (Apache),
# "array_map Function") or before it ("Option: Aptitude::Keep-Unused"), as page_blocks reads them in headings and
# labelled blocks; plain text is read here for those a table's header row does not also write (PLAIN_TEXT_KINDS:
# "Column Type Description" made Postgres's catalog columns declare names).
PLAIN_TEXT_KINDS = ("Directive|Function|Method|Class|Command|Macro|Variable|Setting|Option|Property|Element|Filter|"
                    "Module|Attribute|Parameter|Statement")
ENTRY_KINDS = rf"(?:{PLAIN_TEXT_KINDS}|Event|Hook|Field|Type|Interface|Constant|Keyword|Pragma|Operator|Exception|" \
              r"Signal|Tag)"
# A section's kind after its code-shaped name, its first sentence after it. The kind word is searched first (few).
_KIND_WORD_RE = re.compile(rf" (?:{PLAIN_TEXT_KINDS}) (?=[A-Z][a-z])")
_SENTENCE_END = ".!?:"


def manual_entries(text: str) -> list[tuple[int, int]]:
    """Spans of the tool-shaped entries of a plain text (see the module docstring), in text order."""
    found = []
    if "¶" in text:
        found += [match.span() for match in _TEXINFO_RE.finditer(text) if signature_name(match.group())]
    return sorted(found + _prototype_entries(text) + _kinded_headings(text))


def _prototype_entries(text: str) -> list[tuple[int, int]]:
    """gtk-doc's entries (_PROTOTYPE_RE), tried only before a "() ", " #define " or " typedef " that the same name
    follows within PROTOTYPE_REACH characters: searched everywhere, the pattern cost more than every other
    declaration shape together on a page of function mentions ("call f() first": 0.33 s on the Python docs)."""
    found, reach = [], 0
    for at in sorted(_marks(text)):
        if at < reach:
            continue
        end = at - 1 if at and text[at - 1] == " " else at
        start = end
        while start and (text[start - 1].isalnum() or text[start - 1] == "_"):
            start -= 1
        if start == end or text.find(text[start:end], at + 3, at + PROTOTYPE_REACH) < 0:
            continue
        match = _PROTOTYPE_RE.match(text, start)
        if match is None:
            continue
        if match.group("typedef"):   # the name, then the typedef: too long a term for anchors.defined_name
            found += [match.span("name"), (match.start("typedef") + 1, match.end())]
        else:
            found.append(match.span())
        reach = match.end()
    return found


def _marks(text: str) -> list[int]:
    """Where each of _PROTOTYPE_MARKS stands (str.find: cheaper than a pattern over the whole text)."""
    return [at for mark in _PROTOTYPE_MARKS for at in occurrences(text, mark)]


def _kinded_headings(text: str) -> list[tuple[int, int]]:
    """The names of the sections that open with a name and its kind (_KIND_WORD_RE), each where a sentence starts,
    code-shaped ones only ("SSLEngine", "<IfModule>"; not "Error Directive", nor a section number "9.3.1 Class
    ..."): each declares its name, as the HTML heading "SSLEngine Directive" does."""
    found = []
    for kind in _KIND_WORD_RE.finditer(text):
        end = kind.start()
        start = text.rfind(" ", 0, end) + 1
        opens = start == 0 or (start >= 2 and text[start - 2] in _SENTENCE_END)
        if opens and start < end and not text[start].isdigit() and is_code_like(text[start:end]):
            found.append((start, end))
    return found
