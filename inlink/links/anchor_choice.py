"""Which occurrence of which of a ranked target's phrases becomes its anchor on one source page, and how far the
anchor reaches (first_usable): the placement rules an option's occurrence must pass (_placement_rule), the spellings
some options must keep, and the growth to a whole name or cross-reference, checked against the rules any engine's
pick obeys (validation.allowed_here).

Apart from the ranking (ranking.py: which targets, which phrases) and the choice of a page's rows (suggest.py: how
many, in which order, above which floor); spans.py finds and grows the occurrences this picks among.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from inlink.links.anchors import OWN_NAME_KINDS
from inlink.links.families import names_a_family
from inlink.links.homonyms import homonym_kinds, names_another_kind
from inlink.links.index import LinkIndex, page_prose, page_see_also
from inlink.links.naming import declared_in_term
from inlink.links.notation import is_code_span
from inlink.links.parameters import is_parameter, own_parameters
from inlink.links.placement import (
    block_bounds,
    breaks_between_words,
    cites_another_document,
    cut_from_longer_name,
    glued_heading,
    in_prose,
    inside_one,
    is_one_of,
    name_neighbours,
    open_to_anchors,
    opens_sentence,
    part_of_quoted_title,
    referred_to,
    stands_for_a_value,
    used_as_verb,
)
from inlink.links.ranking import VOCABULARY_KINDS, Option, Ranked
from inlink.links.spans import (
    Taken,
    closed_brackets,
    grow_to_title,
    overlaps,
    pick_occurrence,
    reference_before,
    widen_single_word,
    with_call_parens,
    with_man_section,
    with_option_dashes,
    with_placeholder_brackets,
    with_quoted_title,
    with_title_after,
)
from inlink.links.sections import site_quotes_titles
from inlink.links.text import (
    after_opening_quote,
    in_string_literal,
    is_code_like,
    is_lowercase_name,
    lowered_tokens,
    names_target,
    OPENING_QUOTES,
    spelled_as,
    starts_sentence,
    title_head,
    tokens,
)
from inlink.links.tokens import PageWords
from inlink.links.validation import allowed_here


def _placement_rule(text: str, prose, option: Option, parameters=None, code=None, term_declared: bool = False,
                    chapter: tuple[str, ...] | None = None, written: str = "",
                    lowercase: tuple[str, ...] | None = None, names: frozenset[str] | None = None, terms=None,
                    heading: tuple[str, ...] | None = None, listed: bool = False,
                    see_also: frozenset[tuple[int, int]] | None = None):
    """The places an option's occurrence may take: running prose only, never inside a path or URL, a quoted value
    (notation.quoted_value), a part of a quoted title ('titled “Subtyping Built-in Types”':
    placement.part_of_quoted_title) nor a heading run into its paragraph (placement.glued_heading; unless a list of
    links on the page names the target, `listed`: the first item of a plain-text menu after a sentence, "... like
    built-in functions. Introduction to Function and Script Files Defining Functions ...", opens its sentence and a
    capitalised word follows it, and it is no heading), a code-like span only
    when the phrase names the target (its title, a name it defines or owns, or an anchor the site uses for it), and never one of the page's own parameters (parameters.py; `parameters`: own_parameters' scopes,
    or None to allow them) unless the target declares that very name; and on a page that marks names as inline
    code (`code`: its code spans), the head of a title that is a plain word ("statistics" of "statistics —
    Mathematical statistics functions") only as a whole code span: out of code, it is the word ("any statistics
    text"), and so it is inside a longer code expression ("(message count, mailbox size)", "apache2ctl configtest",
    a method's "readline()": python HTML, 6 of the 26 rows that dropped were real links).
    On the development corpus, 23% of such rows out of code were real links, 95% of those in code. Likewise a
    name the target declares in a definition term (`term_declared`: an API entry) spelled as a word in capitals
    ("ASCII", a regular-expression flag): out of code it is the acronym (1 of 28 such rows were real links on the
    development corpora, HTML, cold start; 33 of 33 in code). A section headed "JSON" is about the format, in code
    or not. A plain word a definition term declares by its call signature ("bitset" of a Texinfo manual's ": C =
    bitset (A, n)": anchors.signature_name) is a name only inside code or as an item of a "See also" list
    (`see_also`: index.page_see_also), on any page (out of them, "bitset" is a word; a page that marks no code has none,
    and there a name of another shape, "Kiln::Max-Temp", is left to validation's rules). A numbered chapter's
    title (`chapter`: its spelling, given for a title or H1 option found in another
    capitalisation, cold start) names the chapter only spelled as the title is, but for its first letter: "input
    and output" in prose is the words, not the chapter "7. Input and Output" (3 of 63 such rows were real links);
    or in sentence case mid-sentence, its first word capitalised as the title's ("in the Patterns dialog":
    _named_in_sentence_case).
    A title written in lowercase (`lowercase`: its spelling, _lowercase_spelling) is capitalised only where a
    sentence opens: "makes Cargo run in another mode" is not the command "cargo run".
    A section's title (sections.register_sections, only on a site that quotes the titles it refers to) is a
    reference only in quotes ('see “The Tuple Type”'); out of them it is the words, and in a string literal
    ('.expect("Should have read the file")', which plain text does not mark as code) it is a value. On a site that
    does not quote them, a section's heading (sections.register_headings; `heading`: its words) is a reference only
    as written right after words that refer the reader to it ("See Library Dependencies": placement.referred_to). A numbered
    reference ("Section 3", naming.register_numbers) next to another document's name in capitals and its number
    ("section 10 of RFC 2616") is that document's part (placement.cites_another_document). An anchor never runs
    across a sentence or clause break ("Cargo. Run", "form, fields") that the target's title or H1 (`written`) does
    not hold, nor the site's own anchors for it (placement.breaks_between_words; a quoted section title is read
    whole, in its quotes). On a page whose blocks came with it (HTML input; `names`: placement.name_neighbours of
    the target, else None), a capitalised phrase is never cut out of a longer capitalised name that is not the
    target's ("Copy" of "the Copy Named command": placement.cut_from_longer_name). Cold start, a phrase
    written as one of the page's own entries is named (`terms`: _own_terms) stands for that entry out of its term:
    "only if the Main or Edge options are non zero" on a filter page whose settings are headed Main and Edge is not
    the page titled "Edge". (A code-shaped name, "spoolkit.jobs", is left to the declarations' own rules: the page
    titled with it is its page.)"""
    names_it = option.kind not in VOCABULARY_KINDS or option.kind == "key"
    declared = option.kind == "defined" and option.exact
    word_name = code is not None and option.kind == "head"
    acronym_name = term_declared and code is not None
    word_declared = term_declared and option.kind == "defined"   # "bitset" of a Texinfo entry: a name only in code
    section = option.kind == "section"
    numbered = option.kind == "numbered"

    def allowed(start: int, end: int) -> bool:
        return open_to_anchors(prose, text, start, end) and not part_of_quoted_title(text, start, end) \
            and (names_it or not is_code_span(text, start, end)) \
            and (declared or parameters is None or not is_parameter(text, start, end, parameters)) \
            and (not word_name or not is_lowercase_name(text[start:end]) or is_one_of(code, start, end)) \
            and (not acronym_name or not _capitals_word(text, start, end) or inside_one(code, start, end)) \
            and (not word_declared or code is None and not text[start:end].isalpha() or is_code_like(text[start:end])
                 or text[start:end].isupper() or code is not None and inside_one(code, start, end)
                 or see_also is not None and (start, end) in see_also) \
            and (chapter is None or spelled_as(text[start:end], chapter)
                 or _named_in_sentence_case(text, prose, start, end, chapter)) \
            and (lowercase is None or opens_sentence(text, prose, start) and spelled_as(text[start:end], lowercase)) \
            and (not section or (after_opening_quote(text, (start, end)) and not in_string_literal(text, start)
                                 if heading is None else referred_to(text, start, end, heading))) \
            and (not numbered or not cites_another_document(text, start, end)) \
            and (listed or not glued_heading(text, start, end, block_bounds(prose, start, end))) \
            and (section or numbered or not breaks_between_words(text[start:end], written)) \
            and not (names is not None and cut_from_longer_name(text, start, end, names, block_bounds(prose, start, end))) \
            and (option.kind == "inbound" or not used_as_verb(text, start, end, prose)) \
            and not (terms and text[start:end] in terms[0] and not inside_one(terms[1], start, end)
                     and not is_code_like(text[start:end]))
    return allowed


def _meant_for_it(rule, index: LinkIndex, target: int, text: str):
    """`rule`, and never where the words beside the mention name the kind of another page of the target's title
    (homonyms.names_another_kind: "the COMPILE_OPTIONS directory property" is not the target property's page)."""
    return lambda start, end: rule(start, end) and not names_another_kind(index, target, text, start, end)


def _not_for_a_family(rule, index: LinkIndex, text: str):
    """`rule`, and never on a name a wildcard makes a family's ("Findosg*": families.names_a_family)."""
    return lambda start, end: rule(start, end) and not names_a_family(index, text, start, end)


def _out_of_placeholders(rule, placeholders, text: str, names: tuple[str, ...]):
    """`rule`, and never inside one of the page's placeholders but as the target's title or H1 (`names`):
    placement.stands_for_a_value."""
    return lambda start, end: rule(start, end) and not stands_for_a_value(placeholders, text, start, end, names)


def _capitals_word(text: str, start: int, end: int) -> bool:
    """A word of capital letters alone: a constant's name, or an acronym ("ASCII", "MIME")."""
    word = text[start:end]
    return word.isalpha() and word.isupper()


class PagePlace(NamedTuple):
    """One source page as anchor placement reads it (first_usable): its text and tokens, where its running prose
    stands, the names it goes by, its own parameters, its code spans, its placeholders and its linked text. Made once
    per page."""
    text: str
    words: PageWords
    starts: np.ndarray
    ends: np.ndarray
    prose: tuple[list[int], list[int]] | None                     # placement.prose_ranges
    own: frozenset[str]                                           # _own_names
    parameters: list[tuple[int, int, frozenset[str]]] | None      # own_parameters; None with the site's links
    code: tuple[np.ndarray, np.ndarray] | None                    # inline code spans (HTML input)
    source: int
    terms: tuple[frozenset[str], tuple[list[int], list[int]]] | None   # _own_terms
    placeholders: tuple[np.ndarray, np.ndarray] | None            # placeholder spans (HTML input)
    linked: tuple[str, ...]                                       # its existing links' anchors (linked_text.py)
    see_also: frozenset[tuple[int, int]]                          # its "See also" items (index.page_see_also)


def page_place(index: LinkIndex, source: int, words: PageWords) -> PagePlace:
    """The source page's PagePlace (`words`: its tokens, as score_targets found them)."""
    text = index.texts[source]
    # cold start only: with the site's links given, hidden links stand at such words too (recovery R@10 -0.002)
    parameters = None if index.dictionary.known else own_parameters(text, index.blocks[source] if index.blocks else None)
    return PagePlace(text, words, words.starts, words.ends, page_prose(index, source), _own_names(index, source),
                      parameters, index.code_spans[source] if index.code_spans else None, source,
                      None if index.dictionary.known else _own_terms(text, index.blocks[source] if index.blocks else None),
                      index.placeholder_spans[source] if index.placeholder_spans else None,
                      (index.linked or {}).get(source, ()), page_see_also(index, source))


OWN_TERM_CHARS = 40   # a longer definition term is a signature or a sentence, not an entry's name


def _own_terms(text: str, blocks) -> tuple[frozenset[str], tuple[list[int], list[int]]] | None:
    """The names of the page's own entries (its short definition terms, as written: "Edge", "Radius" of a
    filter's settings) and where its terms stand, or None for a page without any."""
    spans = [(start, end) for kind, start, end in blocks or () if kind == "term"]
    names = frozenset(text[start:end] for start, end in spans if end - start <= OWN_TERM_CHARS)
    return (names, ([start for start, _ in spans], [end for _, end in spans])) if names else None


def _heading_spelling(index: LinkIndex, option: Option) -> tuple[str, ...] | None:
    """A section heading's words as written (sections.register_headings), on a site that does not quote the titles
    it refers to: there it names the section only so written, where the page refers the reader to it. None
    otherwise."""
    if option.kind != "section" or site_quotes_titles(index):
        return None
    return index.phrases.phrases[option.phrase].original


def first_usable(index: LinkIndex, item: Ranked, page: PagePlace, taken: Taken,
                  weigh: bool = True) -> tuple[Option, tuple[int, int]] | None:
    """The best anchor option of a target with a free, well-placed occurrence that names the target (weigh=False:
    any such occurrence, cheaply, for ranking; the occurrence shown is then chosen with weigh=True)."""
    text, words, starts, ends, prose, own_names, parameters, code, source, terms, placeholders, _linked, see_also = page
    written = "\n".join((index.titles[item.target], index.h1s[item.target],   # the target's, for every option
                         (index.anchor_marks or {}).get(item.target, "")))
    long_names = name_neighbours(f"{written}\n{index.urls[item.target]}") if own_blocks(index, source) else None
    for option in item.options:
        in_term = option.kind == "defined" and declared_in_term(index, option.phrase, item.target)
        chapter = _chapter_spelling(index, item.target, option)
        rule = _placement_rule(text, prose, option, parameters, code, in_term, chapter, written,
                               _lowercase_spelling(index, option), long_names, terms, _heading_spelling(index, option),
                               item.listed, see_also)
        rule = _out_of_placeholders(rule, placeholders, text, (index.titles[item.target], index.h1s[item.target]))
        if item.target in homonym_kinds(index):
            rule = _meant_for_it(rule, index, item.target, text)
        rule = _not_for_a_family(rule, index, text)
        span = pick_occurrence(text, option, taken, rule, weigh)
        if span is None:
            continue
        enough = _says_enough(index, item.target, option, text, span)
        found = span
        if option.kind in VOCABULARY_KINDS and (weigh or not enough):
            wider = widen_single_word(index, text, item.target, span, starts, ends, words, taken)
            if wider != span and in_prose(prose, *wider):
                span = wider
                enough = enough or _says_enough(index, item.target, option, text, span)
        if weigh:
            wider = closed_brackets(text, grow_to_title(index, text, item.target, span, starts, ends, taken))
            span = wider if in_prose(prose, *wider) and not overlaps(wider, taken) else span
            span = with_man_section(text, with_placeholder_brackets(text, with_call_parens(text, with_option_dashes(
                text, span))))
            span = _whole_reference(index, item.target, option, text, span, prose, taken)
            valid = _valid_span(index, source, item.target, prose, (span, found))   # the bar a model's pick clears
            if valid is None:
                continue
            if valid != span:
                span, enough = valid, _says_enough(index, item.target, option, text, valid)
        if enough and not _names_the_source(text[span[0]:span[1]].lower(), option, own_names):
            return option, span
    return None


def _whole_reference(index: LinkIndex, target: int, option: Option, text: str, span: tuple[int, int], prose,
                     taken: Taken) -> tuple[int, int]:
    """A manual's cross-reference taken whole ("Section 7.6, “Sandbox”", "Chapter 7, Solving Problems"): a numbered
    reference with the quoted title written after it, or a title with the reference to the same page before it
    (held-out DocBook handbook: its links hold both, and about half of its rows took the title alone). Left as it
    was where the whole would leave running prose or overlap an anchor taken."""
    if option.kind == "numbered":
        whole = with_quoted_title(text, span)
        if whole != span and _names_another_page(index, target, text[span[1] + 3:whole[1] - 1]):
            whole = span
        if whole == span:
            whole = with_title_after(text, span, (index.titles[target], index.h1s[target]))
    elif option.kind in ("title", "h1", "section"):
        found = reference_before(text, span)
        whole = found[0] if found and _number_agrees(index, target, found[1], text[span[0] - 1:span[0]]) else span
    else:
        return span
    return whole if whole != span and in_prose(prose, *whole) and not overlaps(whole, taken) else span


def _number_agrees(index: LinkIndex, target: int, number: str, before_title: str) -> bool:
    """Whether a title and the numbered reference written before it ("Section 6.7, ") are one cross-reference to
    the target: the number names the same page (naming.register_numbers), or, the title being quoted right after
    it ("Section 8.50, “Histogram”"), the number names no page at all (a section number of a site whose numbers
    restart in every chapter: held-out DocBook manuals). A number naming another page is another reference."""
    named = {target for phrase in index.phrases.phrases_for(tuple(lowered_tokens(number)))
             for target, kind in phrase.targets.items() if kind == "numbered"}
    return target in named or not named and before_title in OPENING_QUOTES


def _names_another_page(index: LinkIndex, target: int, quoted: str) -> bool:
    """Whether the title quoted after a numbered reference ("Section 8.50, “Histogram”") is another page's own name
    (its title, H1 or title head) and not the target's: then the two are two references (the number's page, the
    title's page) and the number's anchor leaves the title to its own page, as _number_agrees has the title leave
    a number naming another page to that page's anchor."""
    named = {page for phrase in index.phrases.phrases_for(tuple(lowered_tokens(quoted)))
             for page, kind in phrase.targets.items() if kind in OWN_NAME_KINDS}
    return bool(named) and target not in named


def own_blocks(index: LinkIndex, source: int) -> bool:
    """The page's blocks came with it (HTML input), not recovered from plain text (plain_blocks)."""
    return index.own_blocks is not None and bool(index.own_blocks[source])


def _valid_span(index: LinkIndex, source: int, target: int, prose,
                spans: tuple[tuple[int, int], ...]) -> tuple[int, int] | None:
    """The first of `spans` (the anchor as grown, then as found) that passes validation's anchor rules there, the
    ones any engine's pick must pass (validation.allowed_here), else None. Placement grows an anchor after it
    checked it: widened, "dictConfig" became "use dictConfig", a span no rule had seen (on the development
    corpora 7-9 rows in 1,500-1,900 failed the rules the Gemini engine's picks are held to)."""
    return next((span for span in dict.fromkeys(spans) if allowed_here(index, source, target, span, prose)), None)


def _named_in_sentence_case(text: str, prose, start: int, end: int, chapter: tuple[str, ...]) -> bool:
    """Whether text[start:end] writes a numbered chapter's title of several words (`chapter`, as spelled) in sentence
    case in the middle of a sentence, its first word capitalised as the title's: "in the Patterns dialog" names the
    chapter "3.4. Patterns Dialog", where "patterns dialog" or a sentence opening "Patterns dialog ..." would be
    words. Only a first word with a capital that says something: no acronym ("API reference", "SQL dump" are
    written so anywhere), and a word before it in its own block (after a heading run into its paragraph, the first
    word opens a sentence). Held out, cold start: a painting program's manual, whose prose writes its dialogs so,
    gained 46 real links in its top five rows (P@5 0.261 -> 0.280), a database manual none and lost none, the
    development corpora nothing."""
    found = tokens(text[start:end])
    if not (len(found) == len(chapter) > 1 and found[0] == chapter[0] and found[0][:1].isupper()
            and found[0][1:].islower() and all(a.lower() == b.lower() for a, b in zip(found, chapter))):
        return False
    block = block_bounds(prose, start, end)
    before = text[block[0] if block else max(0, start - 40):start].rstrip(" \t")
    return bool(before) and (before[-1].islower() or before[-1] == ",")


def _chapter_spelling(index: LinkIndex, target: int, option: Option) -> tuple[str, ...] | None:
    """The spelling of a numbered chapter's title (or H1) that an option found in another capitalisation must keep
    (cold start; with the site's links given, their link odds weigh the words), or None."""
    if option.exact or option.kind not in ("title", "h1") or index.dictionary.known \
            or index.chapters is None or not index.chapters[target]:
        return None
    return index.phrases.phrases[option.phrase].original


def _lowercase_spelling(index: LinkIndex, option: Option) -> tuple[str, ...] | None:
    """The spelling of a title (or H1) of several words written all in lowercase ("cargo run", a command), which an
    option found in another capitalisation may take only where a sentence opens ("Cargo run ..."): mid-sentence,
    "makes Cargo run in another mode" is the tool's proper name and a verb, not the command (1 of 17 such rows were
    real links on a held-out build tool's book; no development corpus titles a page so). A one-word title in
    lowercase ("solaris", a platform's page) is as often the name capitalised ("Solaris 11.4"). Cold start; with
    the site's links given, their link odds weigh the words. None when the option needs no such spelling."""
    if option.exact or option.kind not in ("title", "h1") or index.dictionary.known:
        return None
    original = index.phrases.phrases[option.phrase].original
    return original if len(original) > 1 and " ".join(original).islower() else None


def _names_the_source(anchor: str, option: Option, own_names: frozenset[str]) -> bool:
    """The anchor is the source page's own name, or (found by vocabulary alone) holds it as whole words: "module
    xml.sax.saxutils" on the xml.sax.saxutils page names the page itself, whatever other page shares the phrase.
    A name of the target may hold the source's name ("Logging Cookbook" from the logging page)."""
    if anchor in own_names:
        return True
    return option.kind in VOCABULARY_KINDS and any(_holds_words(anchor, name) for name in own_names)


def _holds_words(text: str, words: str) -> bool:
    """The tokens of `words` stand together among the tokens of `text` ("xml.sax" is not in "xml.sax.saxutils")."""
    have, want = tokens(text), tokens(words)
    return bool(want) and any(have[i:i + len(want)] == want for i in range(len(have) - len(want) + 1))


def _own_names(index: LinkIndex, source: int) -> frozenset[str]:
    """How the source page names itself (title, H1, title head), lowercased: never an anchor to another page."""
    names = {index.titles[source], index.h1s[source], title_head(index.titles[source])}
    return frozenset(name.strip().lower() for name in names if name and name.strip())


def _says_enough(index: LinkIndex, target: int, option, text: str, span: tuple[int, int]) -> bool:
    """Title, H1 and inbound anchors name the target; vocabulary-only anchors must name it too."""
    if option.kind not in ("shared", "key"):
        return True
    return names_target(text[span[0]:span[1]], index.titles[target], index.h1s[target], index.urls[target],
                        starts_sentence(text, span[0]))
