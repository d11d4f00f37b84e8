"""Whether a suggested link may be shown: the rules every row obeys, whichever engine proposed it.

Why apart from the engine's own choosing (suggest.py): a model's pick (Gemini) is only a source, a target and an
anchor text, so it is checked here as an outsider's, against the same bar the offline rows clear by construction;
the contract test holds both engines to anchor_placement.
"""
from __future__ import annotations

from inlink.links.index import LinkIndex, page_index, page_prose, page_see_also, under_inbound_cap
from inlink.links.languages import same_language
from inlink.links.linked_text import overlaps_linked
from inlink.links.naming import declared_in_term
from inlink.links.notation import (in_key_combination, in_menu_path, in_path, in_template_code, is_code_span,
                                   quoted_value)
from inlink.links.placement import in_running_text, inside_one, open_to_anchors, stands_for_a_value
from inlink.links.spans import (
    QUOTE_CLOSINGS,
    QUOTE_TAIL,
    closes_one_it_opens,
    glued_to_placeholder,
    option_dashes,
    placeholder_edges,
    with_option_dashes,
    with_placeholder_brackets,
)
from inlink.links.text import ends_on_initial, glued, is_acceptable_anchor, names_target, starts_sentence, tokens


def validate_suggestion(index: LinkIndex, source: str, destination: str, anchor: str) -> str | None:
    """None when a suggested link obeys every rule; otherwise a plain reason why it may not be suggested."""
    s, d = index.url_pos.get(source), index.url_pos.get(destination)
    if s is None:
        return f"the source page {source} is not in the crawl"
    if d is None:
        return f"the target page {destination} is not in the crawl"
    if s == d:
        return "a page cannot link to itself"
    if not index.is_target[d]:
        return f"the target page {destination} is not indexable or is excluded"
    if not same_language(index.language, s, d):
        return "the target page is in another language than the source page"
    own = page_index(index, source)
    if own is not index:   # a site in several languages: the rest as the source's language's own index reads it
        return validate_suggestion(own, source, destination, anchor)
    if (s, d) in index.existing:
        return "the source page already links to the target"
    if not under_inbound_cap(index, d):
        return "the target already received its maximum of new inbound links"
    return _anchor_problem(index, s, d, anchor)


def _anchor_problem(index: LinkIndex, source: int, target: int, anchor: str) -> str | None:
    """Why an anchor is unusable (too short, only stop words, absent, inside a word, only outside running
    prose, only in a path or a quoted value, a code-like span that is no name of the target, a plain word that
    does not name the target): the same bar a model's pick must clear as the offline engine's own anchors."""
    text = index.texts[source]
    if not is_acceptable_anchor(anchor):
        return f'the anchor "{anchor}" is shorter than 3 characters or made only of stop words'
    occurrences = whole_word_occurrences(text, anchor)
    if not occurrences:
        return f'the anchor "{anchor}" does not stand as whole words in the source page\'s text'
    span = anchor_placement(index, source, target, anchor)
    if span is None:
        prose = page_prose(index, source)
        prose_ones = [o for o in occurrences if in_running_text(prose, text, *o)]
        if not prose_ones:
            return f'the anchor "{anchor}" stands only in a heading, code or other block that is not running prose'
        linked = (index.linked or {}).get(source, ())
        if linked and all(overlaps_linked(text, linked, *o) for o in prose_ones):
            return f'the anchor "{anchor}" stands only inside text the page links already'
        if all(in_path(text, *o) for o in prose_ones):
            return f'the anchor "{anchor}" stands only inside a file path, file extension or URL'
        if all(in_path(text, *o) or in_template_code(text, *o) for o in prose_ones):
            return f'the anchor "{anchor}" stands only inside template code ({{% ... %}} or {{{{ ... }}}}) or a path'
        if all(quoted_value(text, *o) for o in prose_ones):
            return f'the anchor "{anchor}" stands only as a quoted value (a string literal), not as a mention'
        if all(in_menu_path(text, *o) or in_key_combination(text, *o) for o in prose_ones):
            return (f'the anchor "{anchor}" stands only in a menu path ("File → Export") or a key combination '
                    '("Ctrl+S"), not as a mention')
        if all(_placeholder_here(index, source, target, *o) for o in prose_ones):
            return f'the anchor "{anchor}" stands only as a placeholder (a value the reader supplies), not as a name'
        return f'the anchor "{anchor}" is code-like (an identifier, call, path or option) and no name of the target'
    if not names_target(anchor, index.titles[target], index.h1s[target], index.urls[target],
                        starts_sentence(text, span[0])) and not _site_links_it(index, target, anchor) \
            and not declared_in_code(index, source, target, span):
        return f'the one-word anchor "{anchor}" does not name the target (not in its title, H1 or URL)'
    return None


def declared_in_code(index: LinkIndex, source: int, target: int, span: tuple[int, int]) -> bool:
    """The span stands in inline code on the source, or is a whole item of a "See also" list there
    (index.page_see_also: "See also: glaze, fire."), and is a name the target declares in a definition term
    (an API entry: "glaze" of a Texinfo manual's ": C = glaze (ware, color)"): it names the target, though a plain
    word (the page "Glazing" is no title that holds it)."""
    code = index.code_spans[source] if index.code_spans else None
    listed = tuple(span) in page_see_also(index, source)
    if (code is None or not inside_one(code, *span)) and not listed:
        return False
    key = tuple(word.lower() for word in tokens(index.texts[source][span[0]:span[1]]))
    return any(declared_in_term(index, phrase, target) for phrase in index.phrases.ids_for(key))


def whole_word_occurrences(text: str, anchor: str) -> list[tuple[int, int]]:
    """Where `anchor` stands in `text` as whole words (_on_word_boundaries), in text order."""
    found, start = [], text.find(anchor)
    while start >= 0:
        if _on_word_boundaries(text, start, start + len(anchor)):
            found.append((start, start + len(anchor)))
        start = text.find(anchor, start + 1)
    return found


def _names_target_phrase(index: LinkIndex, target: int, anchor: str) -> bool:
    """The anchor is a phrase the index holds for the target as a name (title, H1, head, defined, inbound,
    owned key phrase), not mere shared vocabulary."""
    return bool(phrase_kinds(index, target, anchor) - {None, "shared"})


def phrase_kinds(index: LinkIndex, target: int, anchor: str) -> set[str | None]:
    """The kinds of evidence by which the phrase index holds the anchor (any capitalisation) for the target."""
    key = tuple(word.lower() for word in tokens(anchor))
    return {phrase.targets.get(target) for phrase in index.phrases.phrases_for(key)}


def allowed_here(index: LinkIndex, source: int, target: int, span: tuple[int, int], prose) -> bool:
    """Whether the anchor at this occurrence passes _anchor_problem's rules, judged at that occurrence alone (`prose`:
    the page's placement.prose_ranges): what the offline engine checks of the span it shows, without finding every
    occurrence of the anchor in the page (that search was a tenth of the pages' time)."""
    text = index.texts[source]
    start, end = span
    anchor = text[start:end]
    if not (is_acceptable_anchor(anchor) and _on_word_boundaries(text, start, end)
            and _placeable(index, source, target, prose, text, start, end)):
        return False
    title, h1, url = index.titles[target], index.h1s[target], index.urls[target]
    if names_target(anchor, title, h1, url, starts_sentence=True) or _site_links_it(index, target, anchor) \
            or declared_in_code(index, source, target, span):
        return True    # it names the target wherever it stands (a phrase, a word of its title, the site's anchor)
    if not names_target(anchor, title, h1, url, starts_sentence(text, start)):
        return False
    # a capitalised word names the target mid-sentence only (opening a sentence, its capital says nothing), and
    # _anchor_problem judges the first occurrence it allows: so must this
    return _anchor_problem(index, source, target, anchor) is None


def _site_links_it(index: LinkIndex, target: int, anchor: str) -> bool:
    """The site's own links use this anchor for the target (given existing links: an "inbound" phrase of it), the
    strongest evidence a word names a page, whatever its title says."""
    return "inbound" in phrase_kinds(index, target, anchor)


def anchor_placement(index: LinkIndex, source: int, target: int, anchor: str,
                     avoid: tuple[tuple[int, int], ...] = ()) -> tuple[int, int] | None:
    """The first occurrence of `anchor` in the source that the placement rules allow (whole words, running
    prose, not inside a path or URL, template code, a quoted value, a menu path nor a key combination, and a
    code-like span only when the anchor
    names the target) and that overlaps none of the spans to `avoid` (anchors already chosen on the page), or None.
    Both engines' rows obey it, so the contract test can check any row with it."""
    text = index.texts[source]
    prose = page_prose(index, source)
    return next((span for span in whole_word_occurrences(text, anchor)
                 if not any(span[0] < end and start < span[1] for start, end in avoid)
                 and _placeable(index, source, target, prose, text, *span)), None)


def _placeable(index: LinkIndex, source: int, target: int, prose, text: str, start: int, end: int) -> bool:
    """Whether an anchor may stand at text[start:end] for the target: open to anchors there (placement), a
    code-like span only when the anchor names the target, no placeholder but the target's title or H1
    (placement.stands_for_a_value), and nothing the page links already (linked_text.py)."""
    return open_to_anchors(prose, text, start, end) and \
        (not is_code_span(text, start, end) or _names_target_phrase(index, target, text[start:end])) and \
        not _placeholder_here(index, source, target, start, end) and \
        not overlaps_linked(text, (index.linked or {}).get(source, ()), start, end)


def _placeholder_here(index: LinkIndex, source: int, target: int, start: int, end: int) -> bool:
    """placement.stands_for_a_value on the source page, the target's title and H1 let through."""
    placeholders = index.placeholder_spans[source] if index.placeholder_spans else None
    return stands_for_a_value(placeholders, index.texts[source], start, end, (index.titles[target], index.h1s[target]))


def _cut_in_a_name(text: str, start: int, end: int) -> bool:
    """The span stops inside a person's name written with an initial: on the initial ("Richard M" of "Richard M.
    Stallman") or on the capitalised word before it ("Richard")."""
    if ends_on_initial(text, end):
        return True
    return text.startswith(" ", end) and text[start].isupper() and ends_on_initial(text, end + 2)


def _on_word_boundaries(text: str, start: int, end: int) -> bool:
    """The span starts and ends on word boundaries (a command-line option's dashes open it: with_option_dashes; it
    may end on the bracket or quotation mark that closes one it opens, a quotation's with the space, ellipsis or full
    stop before its mark: spans.closed_brackets; it opens or closes on a placeholder's angle bracket rather than cut
    inside one: spans.with_placeholder_brackets)."""
    if start < end and text[start] == "-" and with_option_dashes(text, (start + option_dashes(text, start), end)) \
            == (start, end):
        start += option_dashes(text, start)
    if with_placeholder_brackets(text, (start, end)) != (start, end) or glued_to_placeholder(text, start, end):
        return False   # cut inside a placeholder ("Recipe>_HOME" of "<Recipe>_HOME") or before one ("KILN_<LANG>")
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    start, last = placeholder_edges(text, start, end)
    while last > start + 1 and (text.endswith("()", start, last + 1) or closes_one_it_opens(text, start, last + 1)):
        if text.endswith("()", start, last + 1):
            last -= 2   # a call's "()" is the name's, as in "fsum()"
            continue
        last -= 1
        if text[last + 1] in QUOTE_CLOSINGS:   # what may stand before a quoted title's closing mark ("“New…”")
            last = len(text[start:last + 1].rstrip(QUOTE_TAIL)) + start - 1
    return not glued(before, text[start]) and not glued(text[last], after) \
        and (text[start].isalnum() or text[start] == "_") and (text[last].isalnum() or text[last] == "_") \
        and not _cut_in_a_name(text, start, end)
