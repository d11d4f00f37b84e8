"""The evidence behind one suggestion: the features its confidence is computed from, and the reason an editor
reads (what the target covers, the exact evidence, the tier).

Kept apart from ranking (which orders targets) and suggest (which places anchors) so that the Gemini engine
can score and explain its own picks with the very same features and sentences.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields
from functools import lru_cache, partial
from itertools import chain
from typing import Callable, Iterator

import numpy as np

from inlink.links.anchors import KINDS, OWN_NAME_KINDS
from inlink.links.confidence import model_for
from inlink.links.index import LinkIndex
from inlink.links.naming import declared_in_term, numbered_origin
from inlink.links.notation import man_section_closing
from inlink.links.ranking import NAME_KINDS, Option, Ranked, Scored, phrase_link_odds, weighs_links
from inlink.links.sections import site_quotes_titles
from inlink.links.similarity import top_shared_terms_of_rows
from inlink.links.text import is_code_like, tokens
from inlink.links.title_case import title_as_sentence_writes_it
from inlink.links.tokens import JOINERS
from inlink.wording import confidence_figure, counted, shortened, times

TOPIC_TERMS = 3            # "both pages are about X, Y and Z"
STEM_MIN_CHARS = 4         # the shortest stem _word_forms strips an -ing or -ed to
TOPIC_SPARE = 2            # terms read beyond them, for when one is another's form (_distinct_terms)
TOPIC_KEY_SHARE = 5        # a page's key terms: the heaviest fifth of its TF-IDF terms (_key_count)
TOPIC_KEY_MIN = 8          # and at least this many
KEY_REACH = 3              # a key term of one page is shared when the other weighs it among 3x its key count
TOPIC_MIN_SIMILARITY = 0.1
TITLE_CHARS = 70
_LETTER_RE = re.compile(r"[^\W\d_]")
# A version ("v20.19.0", "3.11", "1.2.3-rc1"), a possessive or a contraction ("trait’s", "shouldn’t"): distinctive
# to two pages, yet none says what they are about (a possessive's word stands beside it as a term of its own).
_NO_TOPIC_RE = re.compile(r"v?\d+(?:\.\d+)+[a-z0-9\-]*|.*['’].*")
TOPIC_MIN_CHARS = 3   # "td", "li", "cd": two letters are a tag, a command or an abbreviation more than a topic
TOPIC_MIN_PAGES = 3   # a word only the two pages use is an example's name more often than a topic ("sjoerd, zfill")
TOPIC_MIN_SITE = 30   # pages from which TOPIC_MIN_PAGES applies (a smaller site's shareable words are on 2 pages)
_TOKEN_CHAR_RE = re.compile(r"\w")
_CAPITAL_WORD_RE = re.compile(r"(?<!\w)[^\W\d_][^\W_]*")   # a title's words (those capitalised are looked up)
SPELLING_WINDOW = 8000   # characters of a page read for a topic term's spelling (_PageSpelling)
SPELLERS_KEPT = 256      # pages' spellers kept for a run (_page_speller): each a window's lowered copy, or a page's
TITLE_KINDS = ("title", "h1", "section", "numbered")   # spelled as the target's title, H1, (quoted) a section's
                                                     # title, or its number ("Chapter 13")
NEIGHBOURS_FACT_LIFT = math.log(1.5)  # "N of the pages most like this one link to it": told once they link it
                                      # half as often again as the site's pages at large do


def features(index: LinkIndex, item: Ranked, option: Option) -> dict[str, float]:
    """The evidence features of linking item.target with `option` (see confidence.WEIGHTS)."""
    key, target, dictionary = option.key, item.target, index.dictionary
    exact = option.exact
    speaks = dictionary.known and weighs_links(index, target, key)
    return {
        "similarity": math.log(item.similarity + 1e-3),
        "title_similarity": math.log(item.title_similarity + 1e-2),
        "names_title": float(exact and option.kind in TITLE_KINDS),
        "names_head": float(exact and option.kind == "head"),
        "names_inexact": float(not exact and option.kind in NAME_KINDS),
        "defines": float(option.kind == "defined"),
        "key_phrase": float(option.kind == "key"),
        "shared": float(option.kind == "shared"),
        "specificity": option.specificity,
        "ambiguity": option.ambiguity,
        "words": float(len(key) - 1),
        "thin_target": float(index.thin is not None and bool(index.thin[target])),
        "dictionary_links": math.log1p(dictionary.links_to(key, target)),
        "exact": float(exact),
        "link_odds": phrase_link_odds(index, key, option.phrase, target, option.df, exact) if speaks else 0.0,
        # the recovery model weighs a left-out link; the site's links say nothing about a page they never reach
        # (an orphan), so a link to it gets the cold-start confidence (is this a link an editor makes?), unless
        # its phrase is one the site links to other pages (weighs_links)
        "links_given": float(speaks),
        "neighbour_lift": item.neighbour_lift,
        "names": math.log(item.names),
        "links_back": float(item.links_back),
        "coupled": item.coupled,
    }


def best_logits(index: LinkIndex, scored: Scored) -> np.ndarray:
    """Per scored target (ranking.score_targets), the highest confidence logit (confidence.evidence_logit) of its
    options, within 1e-9; -inf for a target with none.

    Why: most of a page's ranked targets fall below the confidence floor whatever anchor they take, and telling so
    from the page's option arrays, before any option object is made, costs a fraction of placing an anchor and
    weighing its features (tests check that row_logits agrees with them, so a feature changed in features() must
    be changed here too)."""
    owner, logits = row_logits(index, scored)
    best = np.full(len(scored.targets), -np.inf)
    np.maximum.at(best, owner, logits)
    return best


def row_logits(index: LinkIndex, scored: Scored) -> tuple[np.ndarray, np.ndarray]:
    """The confidence logit of each usable option row of the scored targets, and the position of its target: the
    same weighted features as features() summed in another order (the target's share, then the row's own), under
    the model of each row (the site's links weigh it or not: Scored.speaks)."""
    found = scored.found
    counts = [len(rows) for rows in scored.rows]
    owner = np.arange(len(counts)).repeat(counts)
    rows = np.fromiter(chain.from_iterable(scored.rows), dtype=np.int64, count=len(owner))
    speaks, kind, exact = scored.speaks[rows], found.kind[rows], found.exact[rows].view(np.int8)
    pids = found.phrase[rows]
    words = np.ones(len(pids), dtype=np.int64)   # a shared term (no phrase id): one word
    named = pids >= 0
    if named.any():   # (a site of untitled pages has no phrase at all: nothing to look up)
        words[named] = index.phrase_matcher().words(pids[named])
    words -= 1
    shares = _target_shares(index, scored)
    logits = None
    for says in (True,) if speaks.all() else (False,) if not speaks.any() else (False, True):
        w = _weights(says)
        part = shares[owner, int(says)] + w.kind_table[kind, exact] + w.specificity * scored.specificity[rows] \
            + w.ambiguity * scored.ambiguity[rows] + w.words * words
        if says:
            part += w.link_odds * scored.link_odds[rows]
        elif w.dictionary_links:
            part += w.dictionary_links * _dictionary_links(index, found, rows, ~speaks)
        logits = part if logits is None else np.where(speaks, part, logits)
    return owner, logits


def _dictionary_links(index: LinkIndex, found, rows: np.ndarray, asked: np.ndarray) -> np.ndarray:
    """log(1 + pages that link each row's phrase to its target) for the `asked` rows (0 for the others): 0 for a
    target no existing link reaches, so only the rows of linked targets are looked up."""
    linked, targets = np.zeros(len(rows)), found.target[rows]
    for j in (asked & (index.inbound_before[targets] != 0)).nonzero()[0].tolist():
        linked[j] = math.log1p(index.dictionary.links_to(found.key(index, int(rows[j])), int(targets[j])))
    return linked


def _target_shares(index: LinkIndex, scored: Scored) -> np.ndarray:
    """What each scored target's own evidence adds to its options' logits (bias included): column 0 under the
    cold-start model, column 1 under the model weighing the site's links (which then counts as given)."""
    targets = np.asarray(scored.targets, dtype=np.int64)
    thin = index.thin[targets] if index.thin is not None else np.zeros(len(targets), dtype=bool)
    evidence = np.array((scored.similarity, scored.title_similarity, scored.names, thin, scored.lifts, scored.back,
                         scored.coupled), dtype=np.float64)
    evidence[:3] = np.log(evidence[:3] + _SHARE_OFFSETS)   # the features that are logarithms
    weights, bias = _share_weights()
    return (weights @ evidence).T + bias


_SHARE_OFFSETS = np.array([[1e-3], [1e-2], [0.0]])   # what features() adds before taking each logarithm


@lru_cache(maxsize=1)
def _share_weights() -> tuple[np.ndarray, np.ndarray]:
    """The weights _target_shares multiplies its evidence rows by (one row per model), and each model's bias
    (links_given added to the one weighing the site's links)."""
    models = (_weights(False), _weights(True))
    weights = np.array([[w.similarity, w.title_similarity, w.names, w.thin_target, w.neighbour_lift, w.links_back,
                         w.coupled] for w in models])
    return weights, np.array([models[0].bias, models[1].bias + models[1].links_given])


@dataclass(frozen=True)
class _Weights:
    """One confidence model's weights as row_logits reads them (0 for a feature the model does not weigh), with
    what each (kind code, exact) pair of an option adds (the features' yes/no evidence)."""
    bias: float
    similarity: float
    title_similarity: float
    thin_target: float
    links_given: float
    neighbour_lift: float
    names: float
    links_back: float
    coupled: float
    specificity: float
    ambiguity: float
    words: float
    dictionary_links: float
    link_odds: float
    kind_table: np.ndarray   # [kind code, exact]


@lru_cache(maxsize=2)
def _weights(links_given: bool) -> _Weights:
    """The weights of the model weighing with or without the site's links (constants, so read once)."""
    weights, bias = model_for(links_given)
    weight = weights.get
    kinds = [[weight("names_title", 0.0) * float(exact and kind in TITLE_KINDS)
             + weight("names_head", 0.0) * float(exact and kind == "head")
             + weight("names_inexact", 0.0) * float(not exact and kind in NAME_KINDS)
             + weight("defines", 0.0) * float(kind == "defined") + weight("key_phrase", 0.0) * float(kind == "key")
             + weight("shared", 0.0) * float(kind == "shared") + weight("exact", 0.0) * float(exact)
              for exact in (False, True)] for kind in KINDS]
    per_feature = [weight(field.name, 0.0) for field in fields(_Weights)[1:-1]]
    return _Weights(bias, *per_feature, kind_table=np.array(kinds, dtype=np.float64))


def _target_summary(index: LinkIndex, target: int) -> str:
    """What the target covers, in its own words: its cleaned title (or H1), shortened."""
    title = index.titles[target] or index.h1s[target] or index.urls[target]
    return shortened(title, TITLE_CHARS)


def _quoted_list(terms: list[str]) -> str:
    return terms[0] if len(terms) == 1 else ", ".join(terms[:-1]) + " and " + terms[-1]


def _man_page_of(title: str, anchor: str) -> bool:
    """Whether the anchor cites the title's command as a manual page ("cargo-fetch(1)" of the title "cargo fetch":
    text.man_page_names), not the title as written."""
    words, name = title.split(), anchor[:man_section_closing(anchor, 0, len(anchor))]
    return len(words) > 1 and name.lower() == "-".join(words).lower()


def _member_of(title: str, anchor: str) -> bool:
    """Whether the anchor is a name qualified by the title ("pg_proc.oid" of "pg_proc": naming.register_members)."""
    return anchor.lower().startswith(title.lower() + ".") and len(anchor) > len(title) + 1


_LISTED_FACTS = {"list": "this page lists it among other pages' names, as a list of links would",
                 "see also": "this page lists it under “See also”",
                 None: "this page also lists it elsewhere, among other pages' names, as a list of links would"}


def _evidence(index: LinkIndex, item: Ranked, option: Option, anchor: str, in_list: str | None = "list") -> list[str]:
    """The checkable facts behind the anchor, strongest first (`in_list`, when the page lists the target: the
    anchor is a whole item of the page's list, "list", or of a "See also" list, "see also"; None: it stands
    elsewhere)."""
    facts, target = [], item.target
    linked = index.dictionary.links_to(option.key, target)
    if linked:
        mentioning = max(linked + 1, option.df)   # this page mentions it too, unlinked
        facts.append(f'the site already links "{anchor}" to this page on {linked} of the {mentioning} '
                     f'page{"s" * (mentioning != 1)} that mention it')
    if option.kind == "title" and _man_page_of(index.titles[target], anchor):
        facts.append(f'the anchor names the target\'s command, "{index.titles[target]}", as its manual page does')
    elif option.kind == "title" and _member_of(index.titles[target], anchor):
        facts.append(f'the anchor names a member of the target, "{index.titles[target]}" (its title), qualified')
    elif option.kind in ("title", "h1") and option.exact:
        facts.append("the anchor is the target's " + ("title" if option.kind == "title" else "main heading"))
    elif option.kind == "head" and option.exact:
        facts.append("the anchor is the name the target's title starts with")
    elif option.kind == "section":
        facts.append("the anchor, in quotes, names a section of the target: only the target writes it out of quotes"
                     if site_quotes_titles(index) else
                     "the page refers the reader to the anchor, a section heading only the target has")
    elif option.kind == "numbered":
        facts.append(_numbered_fact(index, anchor, target))
    elif option.kind == "defined":
        facts.append(f'the target defines "{anchor}" in an entry of its own' if declared_in_term(
            index, option.phrase, target) else f'the target has a section headed "{anchor}"')
    elif option.kind in NAME_KINDS and not linked:
        facts.append(_words_fact(option.kind) if option.kind not in OWN_NAME_KINDS or index.dictionary.known
                     or not title_as_sentence_writes_it(index, target, anchor) else
                     "the anchor is the target's title as a sentence writes it (this site titles its pages in "
                     "sentence case)")
    elif option.kind == "key":
        facts.append(_key_phrase_fact(index, anchor, target))
    elif option.kind == "shared":
        facts.append(_shared_fact(anchor, option.key[0], option.df, len(index.urls)))
    if item.listed:   # said of the list when the anchor stands elsewhere: the reason read as if of its sentence
        facts.append(_LISTED_FACTS[in_list])
    if item.neighbour_lift >= NEIGHBOURS_FACT_LIFT and item.neighbours_linking >= 2:
        facts.append(f"{item.neighbours_linking} of the pages most like this one link to it")
    if item.links_back:
        facts.append("the target already links to this page")
    return facts


def _words_fact(kind: str) -> str:
    """An inexact match of a name: whose words the anchor has, said as the page says them (an H1 is the main
    heading, not the title an editor would look for in the browser's tab)."""
    if kind == "inbound":
        return "other pages link to the target with these words"
    return "the anchor has the words of the target's " + ("main heading" if kind == "h1" else "title")


def _shared_fact(anchor: str, term: str, df: int, site_pages: int) -> str:
    """A shared distinctive word: the count is the word's (TF-IDF's document frequency), so the fact names the
    word as the anchor spells it, not the anchor grown around it ("zero-terminated UTF-8" counted as the 17 pages
    using "zero-terminated" read as 17 pages using the whole phrase, which an editor's search did not find).
    "Only" where the word is rare on the site (RARE_WORD_PAGES, RARE_WORD_SHARE): a word on up to a tenth of the
    pages may be shared, and "which only 507 pages of the site use" (of 5,185) called a common word distinctive."""
    lowered = anchor.lower()
    at = lowered.find(term) if len(lowered) == len(anchor) else -1   # (offsets hold while lowering keeps lengths)
    word = anchor[at:at + len(term)] if at >= 0 else term
    if df <= max(RARE_WORD_PAGES, RARE_WORD_SHARE * site_pages):
        pages = "1 page of the site uses" if df == 1 else f"{df} pages of the site use"
        return f'both pages use "{word}", which only {pages}'
    return f'both pages use "{word}", as {counted(df, "page")} of the site\'s {site_pages:,} do'


RARE_WORD_PAGES = 10      # a word on this many pages or fewer is rare on any site
RARE_WORD_SHARE = 0.02    # or on this share of the site's pages


def _key_phrase_fact(index: LinkIndex, anchor: str, target: int) -> str:
    """A key phrase (similarity.owned_terms): the term weighs more in the target than in any other page, for the
    target's length. Said with how often the target writes it, so an editor can weigh it: "more than any other
    page" read as strong evidence for a term the target wrote once (an editor's read)."""
    count = len(re.findall(rf"(?<!\w){re.escape(anchor)}(?!\w)", index.texts[target], re.IGNORECASE))
    written = f"; it is written there {times(count)}" if count else ""
    return f'"{anchor}" weighs more in the target than in any other page, for its length{written}'


def _numbered_fact(index: LinkIndex, anchor: str, target: int) -> str:
    """Where the target carries the number the anchor gives (naming.register_numbers), so an editor can check it:
    '"Chapter 13" is the number of the chapter the target opens (its address: ch13-00-functional-features; ...)'."""
    whole = tuple(word.lower() for word in tokens(anchor))   # 'Section 1, “The Toolbox”': numbering.titled_sections
    if (" ".join(whole), target) not in (index.numbers or {}):
        anchor = anchor.split(",", 1)[0]   # the reference, without the quoted title it took ("Section 7.6, “Sandbox”")
    origin, pages = numbered_origin(index, tuple(word.lower() for word in tokens(anchor)), target)
    if origin.startswith("heading "):
        return f'"{anchor}" names a section of the target (its {origin})'
    if origin.startswith("caption "):   # numbering.numbered_captions
        return f'"{anchor}" stands in the target (its {origin})'
    if origin == "section heading":   # numbering.inner_sections
        return f'"{anchor}" is a section of the target (a heading there opens with its number; no page has it as its own)'
    if origin != "address":
        return f'"{anchor}" is the target\'s own number (its {origin}; one page per number on this site)'
    segment, word = index.urls[target].rstrip("/").rsplit("/", 1)[-1], anchor.split()[0].lower()
    if pages > 1:
        return (f'"{anchor}" is the number of the {word} the target opens (its address: {segment}; the {word} has '
                f'{pages} pages, and the sentence may mean another of them)')
    return f'"{anchor}" is the target\'s number (its address: {segment}; one page per number on this site)'


def topic_terms(index: LinkIndex, items: list[Ranked], source_row: np.ndarray, source: int | None = None,
                ) -> dict[int, list[str]]:
    """For each item close enough to the source to name a shared topic: the distinctive terms (used by at most
    a tenth of the site's pages) the two pages share most, spelled as the source page spells them when `source`
    is given (TF-IDF's terms are lowercased: "pytupleobject" reads "PyTupleObject"). All of a page's rows at once
    (one gather)."""
    targets = [item.target for item in items if item.similarity >= TOPIC_MIN_SIMILARITY]
    columns = top_shared_terms_of_rows(index.model.matrix, targets, source_row, _topic_worthy(index),
                                       TOPIC_TERMS + TOPIC_SPARE, np.zeros(len(targets), dtype=np.float32))
    titles = _titles_by_word(index)
    spell = _page_speller(index, source, titles) if source is not None else str
    found, ours = {}, np.sort(source_row[source_row > 0])
    for target, chosen in zip(targets, columns):
        column_of = {str(index.model.terms[c]): c for c in chosen}
        named = list(column_of) if source is None else _spelled_alike(
            list(column_of), spell, index.texts[target], theirs=partial(_page_speller, index, target, titles))
        distinct = _distinct_terms(named)
        key = set(_key_columns(index, target, [column_of[t] for t in distinct], (source_row, ours), source, spell))
        found[target] = [spell(term) for term in distinct if column_of[term] in key]
    return found


def _key_columns(index: LinkIndex, target: int, columns: list[int], source_weights: tuple[np.ndarray, np.ndarray],
                 source: int | None, spell=str) -> list[int]:
    """The shared terms (`columns`, best first) that are key terms of the two pages: a name written like code or
    an acronym (`spell`: as the source writes it; "PyEval_GetFrame", "csrf_token", "CSRF"), a word of either page's title or H1, or
    a term among one page's heaviest TF-IDF terms (_key_count) that the other weighs among its own KEY_REACH times
    as many (a term ranks below every term weighing as much: a short page's words used once all tie). Why: the
    terms that add most to the similarity are often everyday words that a site uses on few pages, middling on
    both ("Both pages are about write", "sits", "big and mugs" on a coffee shop's 30 pages; "succeeded and
    performing" on the Python docs); an editor reads the reason to learn what the pages share. Terms are only
    left out (topic_terms), never replaced by weaker ones further down. `source_weights`: the source's spread row
    and its nonzero weights, sorted. A term's rank is the count of the page's weights at least its own, less one,
    read from the sorted weights (a search, not a comparison with every weight)."""
    if not columns:
        return []
    matrix, terms, wanted = index.model.matrix, index.model.terms, np.asarray(columns, dtype=np.int64)
    lo, hi = matrix.indptr[target], matrix.indptr[target + 1]
    (source_row, ours), theirs = source_weights, matrix.data[lo:hi]
    weights = _weights_of(matrix.indices[lo:hi], theirs, wanted)
    ranks = (_ranks(np.sort(theirs), weights), _ranks(ours, source_row[wanted]))
    keys = (_key_count(len(theirs)), _key_count(len(ours)))
    key = ((ranks[0] < keys[0]) & (ranks[1] < KEY_REACH * keys[1])) | \
        ((ranks[1] < keys[1]) & (ranks[0] < KEY_REACH * keys[0]))
    named = _title_words(index, target) | (_title_words(index, source) if source is not None else set())
    return [column for column, is_key in zip(columns, key.tolist())
            if is_key or str(terms[column]) in named or _named_like_code(spell(str(terms[column])))]


def _weights_of(columns: np.ndarray, weights: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The weights of the `wanted` columns in a TF-IDF row (its sorted `columns` and their `weights`), 0 for a
    column the row lacks."""
    found = np.zeros(len(wanted), dtype=weights.dtype)
    if len(columns):
        at = np.minimum(np.searchsorted(columns, wanted), len(columns) - 1)
        held = columns[at] == wanted
        found[held] = weights[at[held]]
    return found


def _ranks(ascending: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For each value, how many of the weights (`ascending`) are at least as heavy, less one."""
    return len(ascending) - np.searchsorted(ascending, values, side="left") - 1


def _named_like_code(spelled: str) -> bool:
    """A name more than a word: code-like ("csrf_token", "PyObject") or an acronym ("CSRF", "SWIG")."""
    return is_code_like(spelled) or (len(spelled) > 1 and spelled.isupper())


def _key_count(terms: int) -> int:
    """How many of a page's heaviest terms are its key terms: a fifth of them, TOPIC_KEY_MIN at least (a short
    page's words used once tie: they are none of its key terms)."""
    return max(TOPIC_KEY_MIN, terms // TOPIC_KEY_SHARE)


def _title_words(index: LinkIndex, page: int) -> set[str]:
    """The lowercased words of a page's title and H1 (kept for the run: a target is named in many reasons)."""
    known = index.derived.setdefault("title_words", {})
    words = known.get(page)
    if words is None:
        words = known[page] = set(tokens(f"{index.titles[page]} {index.h1s[page]}".lower()))
    return words


def _spelled_alike(terms: list[str], mine: _PageSpelling, text: str, titles: dict | None = None,
                   theirs: Callable[[], _PageSpelling] | None = None) -> list[str]:
    """The terms the source (`mine`) and the target (its `text`) write alike somewhere. Why: TF-IDF lowercases,
    so an acronym of one page's prose ("the REPL") and a parameter of the other's ("re.sub(pattern, repl, ...)")
    are one term, and a reason read "Both pages are about REPL, sub and digit" for two pages that share no such
    topic. A term either page holds only inside longer tokens (no spelling to compare) is kept. The target is
    only read word by word when it does not hold the source's spelling verbatim (most terms: a substring search).
    `theirs`: gives the target's speller (_page_speller), when the caller keeps one; else one is made here."""
    kept, speller = [], None
    for term in terms:
        spelled = mine(term)
        if spelled not in text:
            speller = speller or (theirs() if theirs is not None else _PageSpelling(text, titles))
            if _spelled_apart(mine, speller, term) and _spelled_apart(mine, speller, term, whole=True):
                continue
        kept.append(term)
    return kept


def _page_speller(index: LinkIndex, page: int, titles: dict) -> _PageSpelling:
    """The page's _PageSpelling, made once for the run and kept among the SPELLERS_KEPT made last (the lot is dropped
    past that: a plain dict, safe with Gemini's threads). Why: a page is read as the source of its own rows and as
    the target of other pages' rows, and each reading made a speller of its own, lowering its window again and
    spelling the same terms again (docs corpus, one core: the spellers were 10% of the pages step)."""
    kept = index.derived.get("spellers")
    if kept is None or len(kept) >= SPELLERS_KEPT:
        kept = index.derived["spellers"] = {}
    speller = kept.get(page)
    if speller is None:
        speller = kept[page] = _PageSpelling(index.texts[page], titles)
    return speller


def _spelled_apart(mine: _PageSpelling, theirs: _PageSpelling, term: str, whole: bool = False) -> bool:
    """Whether both pages write the term as a word and never the same way (read in their windows, or `whole`)."""
    ours, others = mine.spellings(term, whole), theirs.spellings(term, whole)
    return bool(ours and others and not ours & others)


def _distinct_terms(terms: list[str]) -> list[str]:
    """The first TOPIC_TERMS of the (lowercased) terms, each no other form of one before it: "about collation,
    collations and locales" says one thing twice (6% of the reasons on eighteen held-out manuals), as does "about
    embedding, extending and embed" (python-docs)."""
    kept: list[str] = []
    seen: set[str] = set()
    for term in terms:
        forms = _word_forms(term)
        if forms & seen:
            continue
        seen |= forms
        kept.append(term)
        if len(kept) == TOPIC_TERMS:
            break
    return kept


def _word_forms(word: str) -> set[str]:
    """The word and what it would be without a plural ending ("locks" -> lock, "classes" -> class, "entries" ->
    entry; "class" stays) or an -ing / -ed ending ("embedding", "embedded" -> embed; "parsed" -> parse), a stem
    of STEM_MIN_CHARS letters or more ("string" is no form of "str"). Only to tell two words of one reason apart:
    a wrong stem costs a topic word its place, never an anchor."""
    forms = {word}
    if word.endswith("s") and not word.endswith("ss"):
        forms.add(word[:-1])
    if word.endswith("es"):
        forms.add(word[:-2])
    if word.endswith("ies"):
        forms.add(word[:-3] + "y")   # "entries" -> entry
    for ending in ("ing", "ed"):
        stem = word[:-len(ending)]
        if word.endswith(ending) and len(stem) >= STEM_MIN_CHARS and stem.isalpha():
            forms |= {stem, stem + "e"} | ({stem[:-1]} if stem[-1] == stem[-2] else set())
    return forms


class _PageSpelling:
    """A lowercased term as a page spells it: lowercase when the page writes it so ("heap"); a word only
    capitalised ("Windows") when the page capitalises it mid-sentence too, so the capital is the word's and not a
    heading's or a sentence's ("Dealing with errors" reads "dealing"); any other spelling as first written
    ("PyTypeObject", "IPC"). Nor is the capital of a page's title the page cites mid-sentence ("see Embedding
    Python in Another Application", "read Dealing with Bugs": `titles`, by their first word lowercased): it reads
    "embedding", "dealing". The term itself when the page holds it only inside longer tokens (a letter that
    lowercases to two, 'İ', is kept as it is, so offsets stay). Read from the page's first SPELLING_WINDOW
    characters, where a shared topic term nearly always stands already: lowering and searching whole long pages
    cost 6% of the pages step on the docs corpus. A term not found there is looked for in the whole page (else
    one reason read "updatecachemiddleware" where the page writes UpdateCacheMiddleware past its window)."""

    def __init__(self, text: str, titles: dict[str, list[str]] | None = None, window: int | None = SPELLING_WINDOW):
        self.titles = titles or {}
        self.text = text[:window] if window else text
        self.lowered = _lowered_in_place(self.text) if window else _lowered_page(self.text)
        self._page = text if len(text) > len(self.text) else None
        self._whole: _PageSpelling | None = None
        self._known: dict[str, str] = {}

    def __call__(self, term: str) -> str:
        known = self._known.get(term)
        if known is None:
            known = self._known[term] = self._spell(term)
        return known

    def _spell(self, term: str) -> str:
        spelled = self._spelled(term)
        if spelled is None and self._page is not None:
            spelled = self._whole_page()._spelled(term)
        return term if spelled is None else spelled

    def _whole_page(self) -> _PageSpelling:
        """A speller of the whole page, made when a term is first looked for past the window."""
        if self._whole is None:
            self._whole = _PageSpelling(self._page, self.titles, window=None)
        return self._whole

    def spellings(self, term: str, whole: bool = False) -> set[str]:
        """Every way the page writes the term as a whole token, a capital that is a sentence's or a cited title's
        read as the lowercase word ("Dealing with errors": dealing). The window first; the whole page when the
        window holds the term nowhere, or when asked (`whole`)."""
        found = self._spellings(term)
        if (whole or not found) and self._page is not None:
            found = self._whole_page()._spellings(term)
        return found

    def _spellings(self, term: str) -> set[str]:
        return {term if spelled != term and spelled[1:] == term[1:] and not self._own_capital(at, term) else spelled
                for at, spelled in self._tokens(term)}

    def _tokens(self, term: str) -> Iterator[tuple[int, str]]:
        """Where the text holds the term as a whole token (any case), and how it writes it there."""
        text, lowered = self.text, self.lowered
        at = lowered.find(term)
        while at >= 0:
            end = at + len(term)
            if _whole_token(lowered, at, end):
                yield at, text[at:end]
            at = lowered.find(term, end)

    def _own_capital(self, at: int, term: str) -> bool:
        """Whether the capital of the word at `at` is the word's: mid-sentence, and not a cited title's."""
        text = self.text
        return _mid_sentence(text, at) and not any(offset <= at and text.startswith(title, at - offset)
                                                   for title, offset in self.titles.get(term, ()))

    def _spelled(self, term: str) -> str | None:
        """The spelling read from this speller's text, or None when the text holds the term nowhere as a token."""
        capital, seen = None, False
        for at, spelled in self._tokens(term):
            seen = True
            if spelled == term:
                return term
            if spelled[1:] != term[1:]:
                return spelled
            if capital is None and self._own_capital(at, term):
                capital = spelled
        return capital or (term if seen else None)


def _lowered_in_place(text: str) -> str:
    """The text lowercased character for character, so offsets stay ('İ', which lowercases to two, reads 'i')."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = text.replace("\u0130", "I").lower()
        if len(lowered) != len(text):
            lowered = "".join(char if len(char.lower()) != 1 else char.lower() for char in text)
    return lowered


@lru_cache(maxsize=16)
def _lowered_page(text: str) -> str:
    """_lowered_in_place of a whole page, kept for the pages read last: a page read past its window is read so as
    the source of each of its rows and as the target of many pages' rows (lowering whole pages again and again was
    3% of the pages step on the docs corpus). Keyed by the page's text, whose hash Python keeps with the string."""
    return _lowered_in_place(text)


def _titles_by_word(index: LinkIndex) -> dict[str, list[tuple[str, int]]]:
    """The site's titles of several words, by each capitalised word lowercased: (title, the word's offset in it)
    (_PageSpelling), made once per run."""
    found = index.derived.get("titles_by_word")
    if found is None:
        found = {}
        for title in dict.fromkeys(index.titles):
            if " " in title:
                for word in _CAPITAL_WORD_RE.finditer(title):
                    if word.group()[0].isupper():
                        found.setdefault(word.group().lower(), []).append((title, word.start()))
        index.derived["titles_by_word"] = found
    return found


def _whole_token(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a whole token (text.TOKEN_PATTERN), not a piece of a longer one."""
    return not (_continues(text, start - 1, start - 2) or _continues(text, end, end + 1))


def _mid_sentence(text: str, at: int) -> bool:
    """Whether the word at `at` follows a word of its sentence (a lowercase letter, digit or comma before it)."""
    before = text[max(0, at - 40):at].rstrip()
    return bool(before) and (before[-1].islower() or before[-1].isdigit() or before[-1] == ",")


def _continues(text: str, near: int, beyond: int) -> bool:
    """Whether the character at `near` (next to a match) belongs to the same token: a word character, or a
    joiner (. - ') with a word character beyond it."""
    if not 0 <= near < len(text):
        return False
    if _TOKEN_CHAR_RE.match(text[near]):
        return True
    return text[near] in JOINERS and 0 <= beyond < len(text) and _TOKEN_CHAR_RE.match(text[beyond]) is not None


def _topic_worthy(index: LinkIndex) -> np.ndarray:
    """The shareable terms that can name a topic: a word of TOPIC_MIN_CHARS characters or more with a letter in
    it, not a version, a possessive nor a contraction, that TOPIC_MIN_PAGES pages or more use. Why: numbers,
    times, versions, single letters and two-letter tags ("1" of "Part 1", "b" of "Appendix B", "00-05" of a config
    line, "v20.19.0" of a changelog line, "td" of a table's markup) are distinctive to two pages without saying
    what either is about ("Both pages are about 00, 00-05 and 01"); and on a site of TOPIC_MIN_SITE pages or more,
    a word no third page uses is mostly a name in one example the two share ("Both pages are about sjoerd, Jack
    and zfill": an editor's read). Reasons only: the shared-term evidence keeps index.shareable_terms. Computed
    once per run."""
    mask = index.derived.get("topic_worthy")
    if mask is None:
        worded = np.fromiter((len(term) >= TOPIC_MIN_CHARS and _LETTER_RE.search(term) is not None
                              and _NO_TOPIC_RE.fullmatch(term) is None for term in index.model.terms),
                             dtype=bool, count=len(index.model.terms))
        if len(index.urls) >= TOPIC_MIN_SITE:
            worded &= index.model.df >= TOPIC_MIN_PAGES
        mask = index.derived["topic_worthy"] = index.shareable_terms & worded
    return mask


def reason(index: LinkIndex, item: Ranked, option: Option, anchor: str, confidence: float, tier: str,
           source_row: np.ndarray, topics: dict[int, list[str]] | None = None, caution: str | None = None,
           in_list: str | None = "list") -> str:
    """One plain paragraph: what the target covers, the evidence, the shared topic, what to check (`caution`),
    the tier. `topics`: the page's topic_terms, when its rows are explained together; `in_list`: see _evidence."""
    parts = [f'Target: "{_target_summary(index, item.target)}".']
    facts = _evidence(index, item, option, anchor, in_list)
    if facts:
        parts.append(facts[0][0].upper() + facts[0][1:] + "".join(f"; {fact}" for fact in facts[1:]) + ".")
    if item.similarity >= TOPIC_MIN_SIMILARITY:
        terms = (topic_terms(index, [item], source_row) if topics is None else topics)[item.target]
        parts.append(f"Both pages are about {_quoted_list(terms)} (similarity {item.similarity:.2f})." if terms
                     else f"The two pages' wording is alike (similarity {item.similarity:.2f}).")
    if index.thin is not None and index.thin[item.target]:
        parts.append("The target is a short page.")
    if caution:
        parts.append(caution)
    parts.append(f"Confidence {confidence_figure(confidence)} ({tier}).")
    return " ".join(parts)
