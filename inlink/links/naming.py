"""The phrases that name each target page, registered in the site's phrase index: its title, title head and H1, the
names it declares, the key phrases it owns, the site's own anchors for it (links given) and the numbered references
("Chapter 13") its number answers to; and the lookups the page analysis makes on them (declared_in_term,
numbered_origin, numbered_reaches).

Why its own module: which page a phrase names is the engine's central judgement (a name several pages declare stays
with the reference among them; a section heading many pages share names none of them; a special method's bare name
names the protocol, not a class), and each such rule is read and tested on its own, apart from building the rest of
the index (index.py), which calls register_phrases, member_names and register_numbers once per run.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from inlink.links.anchors import OWN_NAME_KINDS, PhraseIndex
from inlink.links.numbering import (CAPTION_WORDS, cited_sections, folder_of, inner_sections, is_caption,
                                    numbered_captions, numbered_pages, section_labels, titled_sections, url_segment)
from inlink.links.page_kinds import historical_pages
from inlink.links.text import clean_title, command_names, man_page_names, title_head
from inlink.links.text import tokens as word_tokens

if TYPE_CHECKING:
    from inlink.links.index import LinkIndex


REFERENCE_SHARE = 0.2      # a page declaring a fifth as many names as a name's main definer is no reference for it
ENTRY_PAGES_SHARE = 0.5   # declaring pages whose URL names a name they declare, on a site of one page per entry
PROTOCOL_DECLARATIONS = 2  # declarations of a special-method name that make it a protocol (_protocol_names)


def _spellings_in(text: str, terms: list[str]) -> list[str]:
    """How a page spells (lowercased) TF-IDF terms, so key phrases like PyObject keep their case: each term's
    first occurrence in the lowered text, spelled as the text does (the terms as they are when lowering
    moves the text's characters).

    The text is lowered whole, once: a page's key terms reach far into it often enough (docs: 30% of them past
    its first 4,096 characters) that lowering a prefix grown fourfold as needed lowered more in all. For ASCII
    terms it is lowered as ASCII bytes, every other character one "?" (str.lower of a page holding any non-ASCII
    character took 2.5x as long): only the Kelvin sign (U+212A) lowers to an ASCII letter and only "İ" (U+0130) to
    two characters, so a text holding neither has its ASCII terms at the same places in both."""
    if not terms:
        return []   # no need to lower the page
    if "\u212a" not in text and "\u0130" not in text and all(term.isascii() for term in terms):
        folded = text.encode("ascii", "replace").lower()
        return [text[pos:pos + len(term)] if (pos := folded.find(term.encode())) >= 0 else term for term in terms]
    lowered = text.lower()
    if len(lowered) != len(text):
        return list(terms)
    return [text[pos:pos + len(term)] if (pos := lowered.find(term)) >= 0 else term for term in terms]


def declared_in_term(index: LinkIndex, phrase: int, target: int) -> bool:
    """Whether the target declares the phrase in a definition term of its own (an API entry, not a section
    heading): index.term_keys."""
    keys = index.term_keys
    if keys is None or phrase < 0:
        return False
    key = phrase * len(index.urls) + target
    at = int(keys.searchsorted(key))
    return at < len(keys) and int(keys[at]) == key


def _protocol_names(declared: list[list[str]]) -> set[str]:
    """Special-method names (__eq__, __len__, __missing__: a hook the language calls on any class that has it)
    that PROTOCOL_DECLARATIONS declarations or more share, counting the last part of qualified ones (the
    protocol's own object.__eq__ and two classes' bare __eq__). A bare mention of one names the protocol, not the
    class whose page declares it bare for itself, so no such page owns the mention.

    Why only special-method names: counted for any member name (get_queryset of three views, template_name),
    the same rule lost more real links than wrong ones (cold P@5 django -0.008 to -0.010); a special method's
    meaning is fixed by the language, whichever class implements it."""
    counts = Counter(name.rsplit(".", 1)[-1] for names in declared for name in names)
    return {name for name, count in counts.items()
            if count >= PROTOCOL_DECLARATIONS and len(name) > 4 and name.startswith("__") and name.endswith("__")}


def register_phrases(index: PhraseIndex, cleaned_titles: list[str], h1s: list[str], texts: list[str],
                      targets: np.ndarray, key_terms: list[list[tuple[str, float]]], inbound: dict,
                      page_declarations: list, changelog: np.ndarray, urls: list[str] | None = None) -> np.ndarray:
    """Add every target's title, head, H1, declared names, owned key phrases and inbound anchors to the
    phrase index. A changelog page (changelog.py) is named by its title and H1 only: the names it declares (a
    heading per changed module or setting) and the terms it owns are what it lists, not what it describes (with
    the declared names kept where no other page names them, cold P@5 django HTML was 0.006 lower). A name
    several pages declare stays with the reference pages among them (_keep_reference_definers), or, on a site that
    gives each entry a page of its own (`urls`: the pages' URLs; _entry_pages), with the page whose URL names it.
    `page_declarations`: per page, the names it declares and those of them in definition terms
    (page_blocks.declared_names). Returns the names each page declares in a definition term (declared_in_term),
    as sorted keys."""
    declarations = {int(i): page_declarations[int(i)] for i in np.flatnonzero(targets)}
    declared = {i: names for i, (names, _in_terms) in declarations.items()}
    protocols = set() if inbound else _protocol_names(list(declared.values()))   # links given: their anchors tell
    defined: set[int | None] = set()
    in_terms: list[int] = []
    commands = command_names(cleaned_titles)
    man_pages = man_page_names(cleaned_titles)
    cleaned_h1s = {int(i): clean_title(h1s[int(i)], set(), set()) for i in np.flatnonzero(targets)}
    shared_h1s = _section_h1s(cleaned_titles, cleaned_h1s)
    for i in np.flatnonzero(targets):
        i = int(i)
        for anchor in inbound.get(i, {}):
            index.add(anchor, i, "inbound")
        cleaned = cleaned_titles[i]
        index.add(cleaned, i, "title")
        if i in commands:
            index.add(commands[i], i, "title")   # "npm-install" is the command "npm install"
        if i in man_pages:
            index.add(man_pages[i], i, "title")   # the command "cargo fetch" is the man page "cargo-fetch(1)"
        index.add(title_head(cleaned), i, "head")
        h1 = cleaned_h1s[i]
        if h1.lower() not in shared_h1s:
            index.add(h1, i, "h1")
            index.add(title_head(h1), i, "head")
        if changelog[i]:
            continue
        for term in _spellings_in(texts[i], [term for term, _weight in key_terms[i]]):
            index.add(term, i, "key")
        names, terms = declarations[i]
        for name in dict.fromkeys(names):
            if name not in protocols:
                pid = index.add(name, i, "defined")
                defined.add(pid)
                if pid is not None and name in terms:
                    in_terms.append(pid * len(targets) + i)
    history = {i for i, old in zip(declared, historical_pages([texts[i] for i in declared])) if old}
    _keep_reference_definers(index, defined - {None}, {i: len(set(names)) for i, names in declared.items()}, history,
                             urls if urls and _entry_pages(urls, declared) else None)
    _leave_titled_names(index, defined - {None})
    return np.unique(np.array(in_terms, dtype=np.int64))


#: A title that is one identifier in snake case ("pg_proc", "mod_rewrite"): a catalog's table, a module, a
#: function; and a member of it written qualified ("pg_proc.oid"), a file extension excepted ("mod_alias.c")
_IDENTIFIER_TITLE_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]*")
_MEMBER_RE = re.compile(r"(?P<owner>[a-z][a-z0-9]*_[a-z0-9_]*)\.(?P<member>[a-z_][a-z0-9_]*)")
FILE_EXTENSIONS = frozenset("c h cc cpp py pl rb js css html htm xml json yml yaml toml ini cfg conf txt md rst so dll "
                            "a o sh log db sql gz zip tar png jpg gif svg pdf".split())


def register_members(index: PhraseIndex, cleaned_titles: list[str], targets: np.ndarray, vocabulary) -> int:
    """A name written qualified by a target's title ("pg_proc.oid" of the page titled "pg_proc") names that page:
    registered as its title (kind "title", the anchor the whole qualified name), unless the name is a phrase
    already (a page declares it). Only titles that are one identifier in snake case, held by one target, and
    only the names the site writes (`vocabulary`: the site's lowercased tokens). Returns how many were added.

    Why: the tokeniser reads "pg_proc.oid" as one token, so the title "pg_proc" never matched inside it, yet a
    catalog's "(references pg_proc.oid)" is how a database manual links its tables: on a held-out one, 179 of its
    in-content links stood so, none suggested; the pairs such names give were real links 214 times in 251 (a server
    manual's "mod_alias.c"-like names, files not members, are left out: 12 in 19)."""
    owners: dict[str, int] = {}
    for i in np.flatnonzero(targets).tolist():
        title = cleaned_titles[i]
        if _IDENTIFIER_TITLE_RE.fullmatch(title):
            owners[title.lower()] = -1 if title.lower() in owners else i   # two pages of one title: neither
    if not any(page >= 0 for page in owners.values()):
        return 0
    added = 0
    for token in vocabulary:
        if "." in token and (match := _MEMBER_RE.fullmatch(token)) and match["member"] not in FILE_EXTENSIONS:
            page = owners.get(match["owner"], -1)
            if page >= 0 and not index.ids_for((token,)) and index.add(token, page, "title") is not None:
                added += 1
    return added


def _section_h1s(cleaned_titles: list[str], cleaned_h1s: dict[int, str]) -> set[str]:
    """H1s (lowercased) that two or more target pages (`cleaned_h1s`: target -> its cleaned H1) carry beside titles
    of their own: the page's first section heading, not its name (SQLite's pages open with "1. Overview", 43 of
    them, or "1. Syntax" under the title "CREATE TABLE"), so no mention of "syntax" names one of them. An H1 equal
    to its page's title is that page's name however many pages share it (django's "Middleware" guide and reference)."""
    counts = Counter()
    for i, h1 in cleaned_h1s.items():
        h1 = h1.lower()
        if h1 and h1 != cleaned_titles[i].lower():
            counts[h1] += 1
    return {h1 for h1, count in counts.items() if count >= 2}


def member_names(index: PhraseIndex, page_declarations: list, targets: np.ndarray) -> np.ndarray:
    """Sorted keys (phrase id * pages + page) of the bare names each page declares qualified: a page declaring
    "Options.get_fields()" calls it "get_fields()" in its own text, so that bare name there is its own member,
    not another page's "get_fields()" (a GDAL layer's). Only bare names some page declares as such have a phrase.
    mentions.own_declaration reads them."""
    keys = []
    for i in np.flatnonzero(targets):
        for name in dict.fromkeys(page_declarations[int(i)][0]):
            member = name.rpartition(".")[2]
            if member and member != name:
                keys.extend(pid * len(targets) + int(i) for pid in index.ids_for((member.lower(),))
                            if index.phrases[pid].original == (member,))
    return np.unique(np.array(keys, dtype=np.int64))


def _keep_reference_definers(index: PhraseIndex, phrases: set[int], sizes: dict[int, int],
                             history: set[int] = frozenset(), urls: list[str] | None = None) -> None:
    """Of the pages that declare one name, those that declare fewer than REFERENCE_SHARE as many names as the
    page declaring the most of them lose it: a checklist or a how-to that names a few settings in headings is not
    where the settings are described, the settings reference declaring hundreds is. So does a page kept for the
    record (`history`: page_kinds.historical_pages, SQLite's version-2 C API declaring the result codes its
    current reference declares) beside one that is not. But where the URL of one of them names the name
    (_url_names: `urls`), that page keeps it and the others lose it, whatever their sizes: a reference that gives
    each entry a page of its own ("c3ref/step.html" declaring sqlite3_step) beside an introduction that declares a
    dozen of them."""
    for pid in phrases:
        named = index.phrases[pid].targets
        definers = [t for t, kind in named.items() if kind == "defined"]
        if len(definers) > 1:
            own = [t for t in definers if urls and _url_names(urls[t], index.phrases[pid].original)]
            bar = REFERENCE_SHARE * max(sizes[t] for t in definers)
            current = any(t not in history for t in definers)
            for t in definers:
                if (t not in own if own else sizes[t] < bar or (current and t in history)):
                    del named[t]


def _entry_pages(urls: list[str], declared: dict[int, list[str]]) -> bool:
    """Whether the site gives each entry a page of its own: of the pages that declare names, at least ENTRY_PAGES_SHARE
    have a URL that names one of them (_url_names; SQLite's C reference 0.81, a Javadoc 0.88, Ant's manual 0.75,
    against 0.20 on python-docs and 0.10 on django-docs, where a module's page is named by its module and a
    "module.html" about module objects declares create_module() beside the importlib page that describes it)."""
    declaring = [page for page, names in declared.items() if names]
    named = 0
    for page in declaring:
        words = _slug_words(urls[page])
        named += bool(words) and any(_ends_as(words, (name,)) for name in declared[page])
    return bool(declaring) and named >= ENTRY_PAGES_SHARE * len(declaring)


def _url_names(url: str, name: tuple[str, ...]) -> bool:
    """The last segment of the page's URL path, without its extension, split into words at "-", "_" and "." (words
    of one letter dropped: c3ref's "c_" prefix), is how the declared name ends, split likewise ("step.html" of
    sqlite3_step, "c_changesetapply_invert.html" of SQLITE_CHANGESETAPPLY_INVERT)."""
    words = _slug_words(url)
    return bool(words) and _ends_as(words, name)


def _slug_words(url: str) -> list[str]:
    return [word for word in re.split(r"[-_.]+", url_segment(url)[1]) if len(word) > 1]


def _ends_as(words: list[str], name: tuple[str, ...]) -> bool:
    lowered = " ".join(name).lower()
    if words[-1] not in lowered:   # most names: no regular expression needed to say no
        return False
    parts = [part for part in re.split(r"[^0-9a-z]+", lowered) if part]
    return parts[-len(words):] == words


def _leave_titled_names(index: PhraseIndex, phrases: set[int]) -> None:
    """A declared name that is another page's own title, H1 or title head, spelled the same, is that page's: the
    pages that declare it list it (a front page's <dl> of modules: "pygame.image" above "Load and save images"),
    the page titled "pygame.image" describes it. The declaring pages lose the name. Code-shaped names only (their
    phrases keep their spelling): the setting DATABASES stays with the settings reference, not a page titled
    "Databases"."""
    for pid in phrases:
        named = index.phrases[pid].targets
        if index.phrases[pid].case_sensitive and any(kind in OWN_NAME_KINDS for kind in named.values()):
            for target in [t for t, kind in named.items() if kind == "defined"]:
                del named[target]


def register_numbers(index: PhraseIndex, urls: list[str], titles: list[str], cleaned_titles: list[str],
                      h1s: list[str], texts: list[str], targets: np.ndarray, blocks: list) -> dict:
    """A numbered reference ("Chapter 13", "Appendix E", "Part 2") names the target that numbering gives that
    number (numbering.numbered_pages: from its title, H1 or first heading, else its URL): kind "numbered"; on a site
    that numbers several books alike, the one of the source's own folder (numbered_reaches). Spelled capitalised
    ("Chapter 13") and, where the page's label writes its word in lowercase ("..., part 2"), so too ("in part 2 of
    this tutorial"): elsewhere "part 5" is mostly the word ("the fractional part 5" of a plain-text example).
    A section inside a numbered page ("Section 7.6" of "Chapter 7") names that page (numbering.inner_sections), and
    a section's number with its quoted title ('Section 1, “The Toolbox”') the one page with that heading
    (numbering.titled_sections); a numbered table, example or figure ("Table 28.2") the one page holding its caption
    (numbering.numbered_captions).
    Returns, by (lowercased reference, page), where the page carries its number, how many pages its URLs file under it and the folder it is named
    for (None: the whole site): for the confidence (row_confidence.capped), the reason and the scope."""
    headings = [next((texts[i][start:end] for kind, start, end in page if kind == "heading"), "") if page else ""
                for i, page in enumerate(blocks)]
    numbers = {}
    named = numbered_pages(urls, titles, cleaned_titles, h1s, headings, texts, np.flatnonzero(targets))
    labelled = {page: _labelled_blocks(texts[page], blocks[page])
                for page in np.flatnonzero(targets).tolist() if blocks[page]}
    named.update(inner_sections(named, lambda page: section_labels(texts[page],
                                                                   labelled.get(page, ((), ()))[0] or None)))
    named.update(titled_sections((page, headings) for page, (headings, _captions) in labelled.items()))
    unheaded = [page for page in np.flatnonzero(targets).tolist() if not labelled.get(page, ((),))[0]]
    named.update({reference: entries for reference, entries in cited_sections(texts, unheaded).items()
                  if reference not in named})
    named.update({reference: entries for reference, entries in numbered_captions(
        (page, captions) for page, (_headings, captions) in labelled.items()).items() if reference not in named})
    for reference, named_pages in named.items():
        for page, origin, lowercase, pages, folder in named_pages:
            for spelling in (reference, reference.lower()) if lowercase else (reference,):
                if index.add(spelling, page, "numbered") is not None:
                    numbers[" ".join(word_tokens(spelling.lower())), page] = (origin, pages, folder)
    return numbers


def _labelled_blocks(text: str, blocks) -> tuple[list[str], list[str]]:
    """A page's heading texts (HTML input: none from plain text, whose blocks recover only its own heading) and
    the texts of its blocks that open with a numbered caption ("Table 28.2. ..."), in one pass over its blocks."""
    headings, captions = [], []
    for kind, start, end in blocks:
        if kind == "heading":
            headings.append(text[start:end])
        elif text.startswith(CAPTION_WORDS, start) and is_caption(text[start:end]):
            captions.append(text[start:end])
    return (headings if len(headings) > 1 else []), captions


def _number_entry(index: LinkIndex, key: tuple[str, ...], target: int) -> tuple[str, int, str | None]:
    """(where the target carries the numbered reference `key`, pages under its number, folder or None), as
    register_numbers kept it; a reference it did not keep reads as the target's title, one page, site-wide."""
    return (index.numbers or {}).get((" ".join(key), target), ("title", 1, None))


def numbered_origin(index: LinkIndex, key: tuple[str, ...], target: int) -> tuple[str, int]:
    """Where the target carries the numbered reference `key` (lowercased tokens: ("chapter", "13")) and how many
    pages the site's URLs file under that number (register_numbers)."""
    return _number_entry(index, key, target)[:2]


def numbered_reaches(index: LinkIndex, key: tuple[str, ...], target: int, source: int) -> bool:
    """Whether the numbered reference `key` on the source names the target: everywhere, or only on the pages of the
    folder whose numbering gives the target that number (a site numbering several books alike)."""
    folder = _number_entry(index, key, target)[2]
    return folder is None or folder_of(index.urls[source]) == folder
