"""The offline link engine: from a SiteData to internal-link suggestions, one source page at a time.

build_index prepares the shared state once (TF-IDF, top-k neighbours, the site-wide phrase index, existing
links); analyze_page then ranks targets for one page and picks verbatim anchors under the caps. The only state
that changes while pages are analysed is the count of new inbound links per target, which record_suggestions
rebuilds from committed rows, so a resumed run gives exactly the rows of an uninterrupted one.

This module chooses a page's rows (page_choices) and is the engine's public API (analyzer.py re-exports it):
index.py builds the shared state, ranking.py scores a page's targets, placement.py says where an anchor may
stand, evidence.py and confidence.py weigh and explain a row (row_confidence.py: the caps on a placed row's
confidence), validation.py holds the rules any row obeys
(validate_suggestion, anchor_placement: re-exported here). docs/architecture.md draws the rest.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from inlink.links.anchors import OWN_NAME_KINDS
from inlink.links.confidence import floor_logit, tier
from inlink.links.evidence import best_logits, features, reason, topic_terms
from inlink.links.link_lists import item_span
from inlink.links.index import (  # noqa: F401  (public API, see docs/architecture.md)
    AnalysisConfig,
    LinkIndex,
    build_index,
    matches_pattern,
    page_prose,
    under_inbound_cap,
    unmatched_patterns,
)
from inlink.links.mentions import linkable
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
    sentence_context,
    stands_for_a_value,
    used_as_verb,
)
from inlink.links.ranking import VOCABULARY_KINDS, Option, Ranked, ranked_items, score_targets
from inlink.links.row_confidence import caution, listed_confidence, row_confidence
from inlink.links.spans import (
    Taken,
    closed_brackets,
    grow_to_title,
    overlaps,
    pick_occurrence,
    reference_before,
    widen_single_word,
    with_call_parens,
    with_option_dashes,
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
from inlink.links.validation import allowed_here, anchor_placement, validate_suggestion  # noqa: F401  (public API)

RESULT_COLUMNS = ("Source", "Destination", "Anchor", "Context", "Score", "Confidence", "Tier", "Reason", "Engine")
NUMERIC_COLUMNS = ("Score", "Confidence")   # of RESULT_COLUMNS, the numbers (the rest is text as written)
ENGINE = "offline"
RANKED_WEIGHED = 20        # targets per page weighed for confidence (the score's best; the rest rarely make it)
RANKED_PER_SLOT = 4        # ... and at least this many per suggestion asked for
LOGIT_MARGIN = 1e-6        # best_logits sums the features in another order than confidence: far within this


@dataclass
class Candidate:
    destination: str
    anchor: str          # verbatim text of the source page; "" when no anchor was found (TF-IDF neighbour only)
    context: str
    score: float
    reason: str
    confidence: float = 0.0
    tier: str = "low"
    span: tuple[int, int] | None = None   # where the anchor stands in the source text (None: no anchor)


@dataclass
class Choice:
    """One target with the anchor option and occurrence chosen for it, and its confidence."""
    item: Ranked
    option: Option
    span: tuple[int, int]
    confidence: float
    features: dict


# ---------------------------------------------------------------- one page

def source_pages(index: LinkIndex) -> list[str]:
    """The pages to analyse, in the input's order (stable, so a resumed run replays the same sequence)."""
    return [index.urls[i] for i in np.flatnonzero(index.is_source)]


def _placement_rule(text: str, prose, option: Option, parameters=None, code=None, term_declared: bool = False,
                    chapter: tuple[str, ...] | None = None, written: str = "",
                    lowercase: tuple[str, ...] | None = None, names: frozenset[str] | None = None, terms=None,
                    heading: tuple[str, ...] | None = None):
    """The places an option's occurrence may take: running prose only, never inside a path or URL, a quoted value
    (notation.quoted_value), a part of a quoted title ('titled “Subtyping Built-in Types”':
    placement.part_of_quoted_title) nor a heading run into its paragraph (placement.glued_heading), a code-like span only
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
    bitset (A, n)": anchors.signature_name) is a name only inside code, on any page (out of it, "bitset" is a
    word). A numbered chapter's title (`chapter`: its spelling, given for a title or H1 option found in another
    capitalisation, cold start) names the chapter only spelled as the title is, but for its first letter: "input
    and output" in prose is the words, not the chapter "7. Input and Output" (3 of 63 such rows were real links).
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
            and (not word_declared or is_code_like(text[start:end]) or text[start:end].isupper()
                 or code is not None and inside_one(code, start, end)) \
            and (chapter is None or spelled_as(text[start:end], chapter)) \
            and (lowercase is None or opens_sentence(text, prose, start) and spelled_as(text[start:end], lowercase)) \
            and (not section or (after_opening_quote(text, (start, end)) and not in_string_literal(text, start)
                                 if heading is None else referred_to(text, start, end, heading))) \
            and (not numbered or not cites_another_document(text, start, end)) \
            and not glued_heading(text, start, end, block_bounds(prose, start, end)) \
            and (section or numbered or not breaks_between_words(text[start:end], written)) \
            and not (names is not None and cut_from_longer_name(text, start, end, names, block_bounds(prose, start, end))) \
            and (option.kind == "inbound" or not used_as_verb(text, start, end, prose)) \
            and not (terms and text[start:end] in terms[0] and not inside_one(terms[1], start, end)
                     and not is_code_like(text[start:end]))
    return allowed


def _out_of_placeholders(rule, placeholders, text: str, names: tuple[str, ...]):
    """`rule`, and never inside one of the page's placeholders but as the target's title or H1 (`names`):
    placement.stands_for_a_value."""
    return lambda start, end: rule(start, end) and not stands_for_a_value(placeholders, text, start, end, names)


def _capitals_word(text: str, start: int, end: int) -> bool:
    """A word of capital letters alone: a constant's name, or an acronym ("ASCII", "MIME")."""
    word = text[start:end]
    return word.isalpha() and word.isupper()


class _PagePlace(NamedTuple):
    """One source page as anchor placement reads it (_first_usable): its text and tokens, where its running prose
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


def _page_place(index: LinkIndex, source: int, words: PageWords) -> _PagePlace:
    """The source page's _PagePlace (`words`: its tokens, as score_targets found them)."""
    text = index.texts[source]
    # cold start only: with the site's links given, hidden links stand at such words too (recovery R@10 -0.002)
    parameters = None if index.dictionary.known else own_parameters(text, index.blocks[source] if index.blocks else None)
    return _PagePlace(text, words, words.starts, words.ends, page_prose(index, source), _own_names(index, source),
                      parameters, index.code_spans[source] if index.code_spans else None, source,
                      None if index.dictionary.known else _own_terms(text, index.blocks[source] if index.blocks else None),
                      index.placeholder_spans[source] if index.placeholder_spans else None,
                      (index.linked or {}).get(source, ()))


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


def _first_usable(index: LinkIndex, item: Ranked, page: _PagePlace, taken: Taken,
                  weigh: bool = True) -> tuple[Option, tuple[int, int]] | None:
    """The best anchor option of a target with a free, well-placed occurrence that names the target (weigh=False:
    any such occurrence, cheaply, for ranking; the occurrence shown is then chosen with weigh=True)."""
    text, words, starts, ends, prose, own_names, parameters, code, source, terms, placeholders, _linked = page
    written = "\n".join((index.titles[item.target], index.h1s[item.target],   # the target's, for every option
                         (index.anchor_marks or {}).get(item.target, "")))
    long_names = name_neighbours(f"{written}\n{index.urls[item.target]}") if _own_blocks(index, source) else None
    for option in item.options:
        in_term = code is not None and option.kind == "defined" and declared_in_term(index, option.phrase, item.target)
        chapter = _chapter_spelling(index, item.target, option)
        rule = _placement_rule(text, prose, option, parameters, code, in_term, chapter, written,
                               _lowercase_spelling(index, option), long_names, terms, _heading_spelling(index, option))
        if placeholders is not None:
            rule = _out_of_placeholders(rule, placeholders, text, (index.titles[item.target], index.h1s[item.target]))
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
            span = with_call_parens(text, with_option_dashes(text, span))
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


def _own_blocks(index: LinkIndex, source: int) -> bool:
    """The page's blocks came with it (HTML input), not recovered from plain text (plain_blocks)."""
    return index.own_blocks is not None and bool(index.own_blocks[source])


def _valid_span(index: LinkIndex, source: int, target: int, prose,
                spans: tuple[tuple[int, int], ...]) -> tuple[int, int] | None:
    """The first of `spans` (the anchor as grown, then as found) that passes validation's anchor rules there, the
    ones any engine's pick must pass (validation.allowed_here), else None. Placement grows an anchor after it
    checked it: widened, "dictConfig" became "use dictConfig", a span no rule had seen (on the development
    corpora 7-9 rows in 1,500-1,900 failed the rules the Gemini engine's picks are held to)."""
    return next((span for span in dict.fromkeys(spans) if allowed_here(index, source, target, span, prose)), None)


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


def _weigh(index: LinkIndex, item: Ranked, option: Option, span: tuple[int, int], page: _PagePlace) -> Choice:
    found = features(index, item, option)
    return Choice(item, option, span, row_confidence(index, item, option, page, span, found), found)


def _reachable(index: LinkIndex, scored, bar: float | None) -> list[bool] | None:
    """Per scored target, whether any of its options has a confidence logit that may reach the floor's (`bar`;
    None: any may). Most ranked targets have none, and need neither option objects nor an anchor placed to know
    that they will be left out."""
    if bar is None:
        return None
    reach = best_logits(index, scored) + LOGIT_MARGIN >= bar
    if scored.listed and listed_confidence(index) >= index.config.min_confidence:
        reach |= np.array(scored.listed, dtype=bool)
    return reach.tolist()


def _by_score(item: Ranked) -> float:
    return -item.score


def _equal_scores(items: list[Ranked]):
    """Items sorted best score first, in runs of equal score: _order ranks by the score, and within one score by
    the confidence, so each run is weighed (an anchor placed, a confidence computed) only when the rows chosen so
    far leave room for it. Weighing every ranked target first cost a page about twice the weighing it needs (a
    page that fills its rows from its first targets weighed all the others for nothing)."""
    start = 0
    for end in range(1, len(items) + 1):
        if end == len(items) or items[end].score != items[start].score:
            yield items[start:end]
            start = end


def _order(choice: Choice) -> tuple:
    """Best first by the ranking score, confidence breaking ties.

    Why the score and not the confidence: the confidence says whether a row is worth showing (the floor, the
    tier) and is calibrated across pages; the score also weighs how specific the anchor is and how close the
    two pages are, and orders one page's targets better (P@5 on every development cell, recall in recovery)."""
    return (-choice.item.score, -choice.confidence, choice.item.target)


def page_choices(index: LinkIndex, source: int, floor: float | None = None,
                 limit: int | None = None) -> tuple[list[Choice], np.ndarray]:
    """The page's suggestions, best ranked first: at most `limit`, none below the confidence `floor`, anchors never
    overlapping, one anchor text and one link per target. Also returns the page's spread TF-IDF row."""
    config = index.config
    floor = config.min_confidence if floor is None else floor
    limit = config.max_per_page if limit is None else limit
    scored = score_targets(index, source, max(RANKED_WEIGHED, RANKED_PER_SLOT * limit))
    page = _page_place(index, source, scored.words)
    items = [item for item in ranked_items(index, scored, _reachable(index, scored, floor_logit(floor)))
             if item.score >= config.min_score]
    items.sort(key=_by_score)
    chosen, taken, used_anchors = [], Taken(page.text, page.linked), set()   # none inside text it links already
    for group in _equal_scores(items):
        if len(chosen) >= limit:
            break
        for choice in _weighed(index, group, page, floor):
            if len(chosen) >= limit:
                break
            if not under_inbound_cap(index, choice.item.target):
                continue
            choice = _placed(index, choice, page, taken)
            if choice is None or choice.confidence < floor:
                continue
            anchor = page.text[choice.span[0]:choice.span[1]].lower()
            if anchor not in used_anchors:
                taken.add(choice.span)
                used_anchors.add(anchor)
                chosen.append(choice)
    return chosen, scored.source_row


def _weighed(index: LinkIndex, group: list[Ranked], page: _PagePlace, floor: float) -> list[Choice]:
    """Targets of one score with a usable anchor anywhere on the page, weighed (confidence), at or above the floor,
    in _order."""
    weighed = []
    for item in group:
        usable = _first_usable(index, item, page, Taken(page.text, page.linked), weigh=False)
        if usable:
            weighed.append(_weigh(index, item, *usable, page))
    return sorted((choice for choice in weighed if choice.confidence >= floor), key=_order)


def _placed(index: LinkIndex, choice: Choice, page: _PagePlace, taken: Taken) -> Choice | None:
    """The choice with the occurrence it is shown at (none overlapping the `taken` ones) and that occurrence's
    confidence, or None when the target has no free occurrence left."""
    usable = _first_usable(index, choice.item, page, taken)
    if usable is None:
        return None
    if usable[0] is not choice.option:
        return _weigh(index, choice.item, *usable, page)
    choice.span = usable[1]
    choice.confidence = row_confidence(index, choice.item, choice.option, page, usable[1], choice.features)
    return choice


def _rows(index: LinkIndex, source: int, chosen: list[Choice], source_row: np.ndarray) -> list[dict]:
    """The result rows of a page's choices (their reasons' shared topics found together)."""
    if not chosen:
        return []
    topics = topic_terms(index, [choice.item for choice in chosen], source_row, source)
    prose = page_prose(index, source)
    return [_row(index, source, choice, source_row, topics, prose) for choice in chosen]


def _row(index: LinkIndex, source: int, choice: Choice, source_row: np.ndarray, topics: dict, prose) -> dict:
    text, config = index.texts[source], index.config
    level = tier(choice.confidence, config.high_confidence, config.medium_confidence)
    anchor = text[choice.span[0]:choice.span[1]]
    return dict(zip(RESULT_COLUMNS, (
        index.urls[source], index.urls[choice.item.target], anchor, anchor_context(index, source, choice.span, prose),
        choice.item.score, choice.confidence, level,
        reason(index, choice.item, choice.option, anchor, choice.confidence, level, source_row, topics,
               caution(index, source, choice.item.listed, choice.option, choice.span),
               not choice.item.listed or fills_list_item(index, source, choice.span)), ENGINE)))


def fills_list_item(index: LinkIndex, source: int, span: tuple[int, int]) -> bool:
    """Whether the anchor is a whole item of one of the page's lists (as link_lists reads a list of links), or the
    page has no blocks to tell (plain text's run of titles: said as before)."""
    if not _own_blocks(index, source):
        return True
    text = index.texts[source]
    return any(kind == "list_item" and item_span(text, start, end) == tuple(span)
               for kind, start, end in index.blocks[source])


def candidates_for(index: LinkIndex, source_url: str, k: int = 20) -> list[Candidate]:
    """The k best ranked targets for a page, with no floor and no per-page cap (for Gemini to pick from);
    each has the anchor and context the offline engine would use."""
    source = index.url_pos[source_url]
    chosen, source_row = page_choices(index, source, floor=0.0, limit=k)
    rows = _rows(index, source, chosen, source_row)
    found = [Candidate(r["Destination"], r["Anchor"], r["Context"], r["Score"], r["Reason"], r["Confidence"],
                       r["Tier"], choice.span) for r, choice in zip(rows, chosen)]
    chosen_targets = {choice.item.target for choice in chosen}
    for target in index.neighbours[source]:   # close pages with no usable anchor: confidence 0, below any floor
        if len(found) >= k:
            break
        if target >= 0 and int(target) not in chosen_targets and linkable(index, source, int(target)):
            found.append(Candidate(index.urls[int(target)], "", "", 0.0, "No phrase of the target stands in "
                                   "the page's running prose; the two pages' topics overlap.", 0.0, "low"))
    return found


def analyze_page(index: LinkIndex, source_url: str) -> list[dict]:
    """Suggestions for one page (RESULT_COLUMNS), best ranked first, none below the confidence floor;
    counts them towards each target's inbound cap."""
    rows = page_rows(index, source_url)
    record_page(index, source_url, rows)
    return rows


def page_rows(index: LinkIndex, source_url: str) -> list[dict]:
    """analyze_page without counting its rows: the same rows from any process that holds the index, as long as
    no target has an inbound cap (inbound_capped), the one thing earlier pages change for later ones."""
    source = index.url_pos[source_url]
    if not index.is_source[source]:
        return []
    chosen, source_row = page_choices(index, source)
    return _rows(index, source, chosen, source_row)


def record_page(index: LinkIndex, source_url: str, rows: list[dict]) -> None:
    """Count a page's rows towards their targets' inbound caps and the page as analysed (analyze_page's second
    half, for rows computed elsewhere)."""
    index.analysed.add(source_url)
    record_suggestions(index, rows)


def inbound_capped(index: LinkIndex) -> bool:
    """Whether targets have an inbound cap: then a page's rows depend on the pages analysed before it."""
    return index.config.max_inbound_per_target is not None


def _says_enough(index: LinkIndex, target: int, option, text: str, span: tuple[int, int]) -> bool:
    """Title, H1 and inbound anchors name the target; vocabulary-only anchors must name it too."""
    if option.kind not in ("shared", "key"):
        return True
    return names_target(text[span[0]:span[1]], index.titles[target], index.h1s[target], index.urls[target],
                        starts_sentence(text, span[0]))


# ---------------------------------------------------------------- context, resume, summary

def anchor_context(index: LinkIndex, source: int, span: tuple[int, int], prose=None) -> str:
    """The prose sentence around an anchor occurrence (inside its block on HTML input; `prose`: the page's
    prose_ranges, when the caller has them)."""
    text = index.texts[source]
    block = block_bounds(page_prose(index, source) if prose is None else prose, *span)
    return sentence_context(text, *span, block)


def _rows_list(rows) -> list[dict]:
    if rows is None:
        return []
    if hasattr(rows, "to_dict"):   # a DataFrame (pandas is not imported here: a resume does not need it)
        return rows.to_dict("records")
    return list(rows)


def record_suggestions(index: LinkIndex, rows) -> None:
    """Replay committed rows (after a resume) into the inbound counts, as if they had just been analysed."""
    for row in _rows_list(rows):
        target = index.url_pos.get(str(row.get("Destination")))
        if target is not None:
            index.new_inbound[target] += 1
        index.analysed.add(str(row.get("Source")))


def summarize(index: LinkIndex, rows) -> dict:
    """Pages analysed, suggestions, and orphan pages (indexable, no inbound link) before and after them."""
    rows = _rows_list(rows)
    targets = index.is_target
    orphans_before = targets & (index.inbound_before == 0)
    after = orphans_before.copy()
    for row in rows:
        d = index.url_pos.get(str(row.get("Destination")))
        if d is not None and index.url_pos.get(str(row.get("Source"))) != d:
            after[d] = False
    analysed = index.analysed | {str(r.get("Source")) for r in rows}
    return {"pages_analysed": len(analysed), "suggestions": len(rows),
            "orphans_before": int(orphans_before.sum()), "orphans_after": int(after.sum()),
            "unmatched_exclude_patterns": unmatched_patterns(index.urls, index.config.exclude_patterns)}
