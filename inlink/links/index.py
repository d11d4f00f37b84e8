"""The prepared state of one analysis run (LinkIndex) and how it is built from a SiteData.

Kept apart from the ranking so each module stays small: this one knows pages, TF-IDF, phrases and existing
links; ranking.py turns them into ranked targets for one page; analyzer.py is the public API.
"""
from __future__ import annotations

import fnmatch
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from inlink import collector
from inlink.links.anchors import PhraseIndex
from inlink.links.changelog import changelog_pages
from inlink.links.dictionary import AnchorDictionary, ProseMentions, inbound_anchor_texts, linked_spellings
from inlink.links.joined import KeptMatches
from inlink.links.matcher import PhraseMatcher
from inlink.links.confidence import (
    DEFAULT_MIN_CONFIDENCE,
    HIGH_CONFIDENCE,
    MEDIUM_CONFIDENCE,
)
from inlink.links.neighbourhood import LinkNeighbourhood
from inlink.links.numbering import (CAPTION_WORDS, folder_of, inner_sections, is_caption, numbered_captions,
                                    numbered_pages, section_labels, titled_sections)
from inlink.links.page_blocks import PageBlocks
from inlink.links.plain_blocks import KEYWORDS
from inlink.links.sections import html_headings, quotes_titles, register_headings, register_sections
from inlink.links.similarity import (
    TfidfModel,
    build_tfidf,
    kth_weights,
    owned_terms,
    prune_rows,
    top_k_similar,
)
from inlink.links.placement import anchor_marks, prose_ranges
from inlink.links.page_kinds import historical_pages, moved_pages, old_copies, thin_pages, word_counts
from inlink.links.text import clean_title, command_names, detect_site_affixes, has_section_number, title_head
from inlink.links.text import tokens as word_tokens
from inlink.links.tokens import SiteTokens

if TYPE_CHECKING:
    import pandas as pd

NEIGHBOURS = 30            # TF-IDF neighbours kept per page (candidates without a title mention come from here)
# Finding TF-IDF neighbours: exact on small sites; on large ones each page keeps only its heaviest terms, so the
# search stays near-linear in pages (about NEIGHBOUR_NONZEROS terms in all, at least NEIGHBOUR_TERMS per page).
NEIGHBOUR_NONZEROS = 1_500_000
NEIGHBOUR_TERMS = 50
REFERENCE_SHARE = 0.2      # a page declaring a fifth as many names as a name's main definer is no reference for it
PROTOCOL_DECLARATIONS = 2  # declarations of a special-method name that make it a protocol (_protocol_names)
TITLE_KINDS = ("title", "h1", "head")   # the kinds of a page's own name (_leave_titled_names)
KEPT_MATCHES = "kept_matches"   # index.derived: the build's joined.KeptMatches, for the pages step of its run
KEY_PHRASES_PER_PAGE = 8   # owned terms registered as anchors for each target
CHARACTERISTIC_TERMS = 30  # a shared-term anchor must be among the target's heaviest terms ("takes" never is)
SHARED_MAX_DF = 0.1        # a shared term used by more pages than this share says nothing about one target


@dataclass(frozen=True)
class AnalysisConfig:
    max_per_page: int = 5
    max_inbound_per_target: int | None = None
    exclude_patterns: tuple[str, ...] = ()   # glob or substring patterns on URLs (sources and targets)
    candidates_per_page: int = 20
    min_score: float = 0.0
    min_confidence: float = DEFAULT_MIN_CONFIDENCE   # the floor: no row below it (so max_per_page is a maximum)
    high_confidence: float = HIGH_CONFIDENCE         # tier cut-offs
    medium_confidence: float = MEDIUM_CONFIDENCE


@dataclass
class LinkIndex:
    """Everything analyze_page needs, built once per run by build_index."""
    config: AnalysisConfig
    urls: list[str]
    texts: list[str]
    is_target: np.ndarray
    is_source: np.ndarray
    model: TfidfModel
    neighbours: np.ndarray
    neighbour_sims: np.ndarray
    phrases: PhraseIndex
    phrase_df: np.ndarray
    existing: set
    inbound_before: np.ndarray
    shareable_terms: np.ndarray     # TF-IDF columns distinctive enough to serve as shared-term anchors
    characteristic_bar: np.ndarray  # per page: weight of its CHARACTERISTIC_TERMS-th heaviest term
    titles: list[str] = field(default_factory=list)   # cleaned titles (site-wide suffix removed), by page
    h1s: list[str] = field(default_factory=list)
    url_pos: dict = field(default_factory=dict)
    new_inbound: np.ndarray | None = None
    analysed: set = field(default_factory=set)
    dictionary: AnchorDictionary = field(default_factory=AnchorDictionary)   # the site's own anchors
    thin: np.ndarray | None = None          # per page: near-empty, stub or "moved" page
    blocks: list = field(default_factory=list)  # per page: [(kind, start, end)], from HTML or plain_blocks
    own_blocks: np.ndarray | None = None    # per page: its blocks came with it (HTML input), not from plain_blocks
    tokens: SiteTokens | None = None        # every page's lowercased token ids (tokenised once)
    matcher: PhraseMatcher | None = None    # the phrases over token ids (built with the index, saved with it)
    derived: dict = field(default_factory=dict)   # arrays the page analysis derives on first use; not saved
    neighbourhood: LinkNeighbourhood | None = None   # the existing links by source (only once they are known)
    prose: ProseMentions | None = None      # where pages mention phrases in prose, for link odds (links known)
    changelog: np.ndarray | None = None     # per page: one of a series of release notes (changelog.py)
    chapters: np.ndarray | None = None      # per page: its title is numbered, a chapter ("7. Input and Output")
    code_spans: list | None = None          # per page: its inline code (starts, ends) on HTML input, else None
    placeholder_spans: list | None = None   # per page: its placeholders (starts, ends) on HTML input, else None
    term_keys: np.ndarray | None = None     # sorted phrase id * pages + page: a name the page declares in a term
    member_keys: np.ndarray | None = None   # sorted phrase id * pages + page: a bare name the page declares
                                            # qualified ("get_fields" of "Options.get_fields"): _member_names
    numbers: dict | None = None             # (numbered reference lowercased, page) -> (where the page carries it,
                                            # pages under its number, folder or None): index._register_numbers
    anchor_marks: dict | None = None        # page -> the sentence or clause marks ("Stability: 2") the site's own
                                            # anchors for it hold (placement.breaks_between_words), when links given

    def __getstate__(self) -> dict:
        # the matcher is saved: its arrays pickle in milliseconds, and rebuilding it from the phrases took a
        # resumed job's first page 0.03-0.08 s (bench_resume); what the pages derive is made again on first use
        return {**self.__dict__, "derived": {}}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        if self.matcher is not None:
            self.matcher.phrases = self.phrases.phrases   # one list of phrases, not a copy for the matcher

    def phrase_matcher(self) -> PhraseMatcher:
        if self.matcher is None:
            self.matcher = PhraseMatcher(self.phrases, self.tokens.vocabulary)
        return self.matcher


# ---------------------------------------------------------------- building the index

def matches_pattern(url: str, patterns: Iterable[str]) -> bool:
    """Glob patterns (with * ? [) match the whole URL, or, written from a slash ("/blog/*"), the URL's path and
    query; other patterns match as plain substrings. Why the path: "/library/*" is how an analyst writes "the
    pages under /library/", and matched against the whole URL (scheme and host first) it matched nothing."""
    for pattern in patterns:
        pattern = pattern.strip()
        if not pattern:
            continue
        if any(ch in pattern for ch in "*?[") and (fnmatch.fnmatchcase(url, pattern) or (
                pattern.startswith("/") and fnmatch.fnmatchcase(_path_of(url), pattern))):
            return True
        if pattern in url:
            return True
    return False


def _path_of(url: str) -> str:
    """The URL from the first slash after its host: path and query ("/library/os.html?x=1")."""
    _scheme, _sep, rest = url.partition("://")
    slash = rest.find("/")
    return rest[slash:] if slash >= 0 else "/"


def unmatched_patterns(urls: Iterable[str], patterns: Iterable[str]) -> list[str]:
    """The exclude patterns that match none of the URLs (said to the user: a mistyped pattern excludes nothing)."""
    left = [pattern for pattern in dict.fromkeys(p.strip() for p in patterns) if pattern]
    for url in urls:
        if not left:
            break
        left = [pattern for pattern in left if not matches_pattern(url, [pattern])]
    return left


def _column(pages: pd.DataFrame, name: str) -> list[str]:
    """A text column as a list of str, '' for missing values."""
    if name not in pages.columns:
        return [""] * len(pages)
    import pandas as pd   # on demand: a resume restores a built index and never needs pandas before its first page

    return ["" if pd.isna(v) else str(v) for v in pages[name].tolist()]


def _clean_titles(titles: list[str]) -> list[str]:
    """Titles without the site-wide suffix/prefix (detected from the data) and section numbers."""
    suffixes, prefixes = detect_site_affixes(titles)
    return [clean_title(t, suffixes, prefixes) for t in titles]


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


def _register_phrases(index: PhraseIndex, cleaned_titles: list[str], h1s: list[str], texts: list[str],
                      targets: np.ndarray, key_terms: list[list[tuple[str, float]]], inbound: dict,
                      page_declarations: list, changelog: np.ndarray) -> np.ndarray:
    """Add every target's title, head, H1, declared names, owned key phrases and inbound anchors to the
    phrase index. A changelog page (changelog.py) is named by its title and H1 only: the names it declares (a
    heading per changed module or setting) and the terms it owns are what it lists, not what it describes (with
    the declared names kept where no other page names them, cold P@5 django HTML was 0.006 lower). A name
    several pages declare stays with the reference pages among them (_keep_reference_definers).
    `page_declarations`: per page, the names it declares and those of them in definition terms
    (page_blocks.declared_names). Returns the names each page declares in a definition term (declared_in_term),
    as sorted keys."""
    declarations = {int(i): page_declarations[int(i)] for i in np.flatnonzero(targets)}
    declared = {i: names for i, (names, _in_terms) in declarations.items()}
    protocols = set() if inbound else _protocol_names(list(declared.values()))   # links given: their anchors tell
    defined: set[int | None] = set()
    in_terms: list[int] = []
    commands = command_names(cleaned_titles)
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
    _keep_reference_definers(index, defined - {None}, {i: len(set(names)) for i, names in declared.items()}, history)
    _leave_titled_names(index, defined - {None})
    return np.unique(np.array(in_terms, dtype=np.int64))


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


def _member_names(index: PhraseIndex, page_declarations: list, targets: np.ndarray) -> np.ndarray:
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
                             history: set[int] = frozenset()) -> None:
    """Of the pages that declare one name, those that declare fewer than REFERENCE_SHARE as many names as the
    page declaring the most of them lose it: a checklist or a how-to that names a few settings in headings is not
    where the settings are described, the settings reference declaring hundreds is. So does a page kept for the
    record (`history`: page_kinds.historical_pages, SQLite's version-2 C API declaring the result codes its
    current reference declares) beside one that is not."""
    for pid in phrases:
        named = index.phrases[pid].targets
        definers = [t for t, kind in named.items() if kind == "defined"]
        if len(definers) > 1:
            bar = REFERENCE_SHARE * max(sizes[t] for t in definers)
            current = any(t not in history for t in definers)
            for t in definers:
                if sizes[t] < bar or (current and t in history):
                    del named[t]


def _leave_titled_names(index: PhraseIndex, phrases: set[int]) -> None:
    """A declared name that is another page's own title, H1 or title head, spelled the same, is that page's: the
    pages that declare it list it (a front page's <dl> of modules: "pygame.image" above "Load and save images"),
    the page titled "pygame.image" describes it. The declaring pages lose the name. Code-shaped names only (their
    phrases keep their spelling): the setting DATABASES stays with the settings reference, not a page titled
    "Databases"."""
    for pid in phrases:
        named = index.phrases[pid].targets
        if index.phrases[pid].case_sensitive and any(kind in TITLE_KINDS for kind in named.values()):
            for target in [t for t, kind in named.items() if kind == "defined"]:
                del named[target]


def _phrase_statistics(matcher: PhraseMatcher, texts: list[str], pages: SiteTokens, blocks: list,
                       sources: np.ndarray, existing: set, links_known: bool,
                       spelled: dict | None = None, kept: KeptMatches | None = None,
                       ) -> tuple[ProseMentions | None, np.ndarray]:
    """How many source pages mention each phrase (specificity: a phrase on every page names nothing) and, when
    the site's links are known, where they mention it in prose (dictionary.ProseMentions, for link odds).

    Both come from one match of the source pages: the prose count adds each page's phrases, wherever they
    stand, to the frequency as it goes. The rare page whose phrase statistics read its tokens otherwise
    (SiteTokens.present_ids) has its share of the frequency swapped for that reading's. `spelled`, `kept`: see
    ProseMentions.count."""
    numbers = np.flatnonzero(sources).tolist()
    if not links_known:
        return None, matcher.document_frequency([pages.present_ids(i) for i in numbers])
    anywhere = np.zeros(len(matcher.ends), dtype=np.int64)
    prose = ProseMentions.count(matcher, ((i, texts[i], pages.page(i), blocks[i] if blocks else None)
                                          for i in numbers), existing, anywhere, spelled, kept)
    for i in pages.special.keys() & set(numbers):
        anywhere += _nodes_held(matcher, pages.present_ids(i)) - _nodes_held(matcher, pages.page(i))
    return prose, matcher.phrase_frequency(anywhere)


def _spelled_nodes(matcher: PhraseMatcher, phrases: PhraseIndex, links: list, texts: list[str]) -> dict:
    """Trie node -> the spelling the site links its phrase in, for the phrases it links as a name
    (dictionary.linked_spellings): their prose mentions count only in that spelling."""
    spelled = {}
    for key, spelling in linked_spellings(links, texts).items():
        pids = phrases.ids_for(key)
        if pids and all(not phrases.phrases[p].case_sensitive and phrases.phrases[p].original == spelling
                        for p in pids):   # a name: the target's own spelling, so an option's `exact` tells it
            for node in {int(matcher.key_of[pid]) for pid in pids} - {-1}:
                spelled[node] = spelling
    return spelled


def _nodes_held(matcher: PhraseMatcher, ids: np.ndarray) -> np.ndarray:
    """1 for each trie node whose phrases occur in the token ids of one page, else 0."""
    nodes = matcher.occurrences(ids)[2]
    return matcher.pages_per_node(nodes, np.zeros(len(nodes), dtype=np.int64), 1)


def build_index(site, config: AnalysisConfig) -> LinkIndex:
    """Prepare TF-IDF neighbours, the phrase index and existing links for `site` (a site_import.SiteData).

    The cyclic garbage collector is paused meanwhile (inlink.collector): what the build allocates stays alive,
    and each full collection it triggered walked the whole process for nothing."""
    with collector.paused():
        return _build_index(site, config)


def _build_index(site, config: AnalysisConfig) -> LinkIndex:
    pages = site.pages
    urls = _column(pages, "url")
    titles, h1s, texts = _column(pages, "title"), _column(pages, "h1"), _column(pages, "content")
    h1s = _opening_headings(pages, texts, h1s)
    blocks = PageBlocks(pages, texts, h1s)   # the plain pages' blocks on the second core while the rest builds
    try:
        return _built(site, config, pages, urls, titles, h1s, texts, blocks)
    finally:
        blocks.close()


def _built(site, config: AnalysisConfig, pages, urls: list[str], titles: list[str], h1s: list[str],
           texts: list[str], blocks: PageBlocks) -> LinkIndex:
    cleaned = _clean_titles(titles)
    words = word_counts(texts)
    is_source, is_target = _page_roles(pages, urls, texts, cleaned, words, config)
    changelog = changelog_pages(cleaned)
    kept = KeptMatches.for_site(texts)   # token offsets and phrase occurrences for the pages step (not saved)
    page_tokens, keywords_at = SiteTokens.build_watching(texts, frozenset(KEYWORDS),
                                                         keep_offsets=kept.keep_offsets if kept else None)
    model = build_tfidf(page_tokens, [f"{t} {h}" for t, h in zip(cleaned, h1s)])
    k = max(NEIGHBOURS, config.candidates_per_page)
    terms_per_page = max(NEIGHBOUR_TERMS, NEIGHBOUR_NONZEROS // max(1, len(urls)))
    blocks.settle()   # a finished blocks child leaves its core to the neighbours' search
    neighbours, sims = top_k_similar(prune_rows(model.matrix, terms_per_page), k, is_target)
    url_pos = {u: i for i, u in enumerate(urls)}
    link_rows = _known_links(site.links, url_pos)
    page_blocks, declarations = blocks.take(keywords_at, is_target)   # a target's declared names name it
    phrases = PhraseIndex()
    term_keys = _register_phrases(phrases, cleaned, h1s, texts, is_target, owned_terms(model, KEY_PHRASES_PER_PAGE),
                                  inbound_anchor_texts(link_rows), declarations, changelog)
    member_keys = _member_names(phrases, declarations, is_target)
    numbers = _register_numbers(phrases, urls, titles, cleaned, h1s, texts, is_target, page_blocks)
    quotes = quotes_titles(cleaned, texts)
    if quotes:
        register_sections(phrases, cleaned, texts, is_target, html_headings(pages))
    elif "blocks" in pages.columns:
        register_headings(phrases, cleaned, texts, is_target, html_headings(pages), page_tokens)
    existing, inbound_before = _existing_pairs(link_rows, len(urls))
    dictionary = AnchorDictionary.from_links(link_rows)
    matcher = PhraseMatcher(phrases, page_tokens.vocabulary)
    # the prose mentions are counted here, not at the first page, so a resumed job loads them with the index
    prose, phrase_df = _phrase_statistics(matcher, texts, page_tokens, page_blocks, is_source, existing,
                                          dictionary.known, _spelled_nodes(matcher, phrases, link_rows, texts), kept)
    if dictionary.known:
        dictionary.measure_site_rate(phrases, phrase_df)
    index = LinkIndex(config=config, urls=urls, texts=texts, is_target=is_target, is_source=is_source,
                     model=model, neighbours=neighbours, neighbour_sims=sims, phrases=phrases,
                     phrase_df=phrase_df, existing=existing,
                     inbound_before=inbound_before, url_pos=url_pos, titles=cleaned, h1s=h1s,
                     shareable_terms=(model.df < len(urls)) & (model.df <= max(2, SHARED_MAX_DF * len(urls))),
                     characteristic_bar=kth_weights(model.matrix, CHARACTERISTIC_TERMS),
                     new_inbound=np.zeros(len(urls), dtype=np.int32), dictionary=dictionary,
                     blocks=page_blocks, own_blocks=blocks.own, tokens=page_tokens, matcher=matcher,
                     thin=np.array(thin_pages(cleaned, texts, words), dtype=bool),
                     chapters=np.array([has_section_number(t) for t in titles], dtype=bool),
                     neighbourhood=LinkNeighbourhood.from_links(existing, len(urls), int(is_source.sum()))
                     if dictionary.known else None, prose=prose, changelog=changelog,
                     code_spans=_spans(pages, "code_spans"), placeholder_spans=_spans(pages, "placeholder_spans"),
                     term_keys=term_keys, member_keys=member_keys, numbers=numbers,
                     anchor_marks=anchor_marks(link_rows))
    if kept is not None:
        index.derived[KEPT_MATCHES] = kept
    index.derived["quotes_titles"] = quotes
    return index


def _opening_headings(pages, texts: list[str], h1s: list[str]) -> list[str]:
    """Each page's H1, or where the crawl found none, the heading its HTML opens with (a site whose pages open
    with an <h2>, "<h2>FileSet</h2>" on the page titled "FileSet Type": the page's own name, as an H1 is).
    Plain text marks no heading: its pages keep what the crawl found."""
    if "blocks" not in pages.columns:
        return h1s
    opened = list(h1s)
    for page, (h1, blocks) in enumerate(zip(h1s, pages["blocks"].tolist())):
        if h1.strip() or not isinstance(blocks, (list, tuple)) or not blocks:
            continue
        kind, start, end = blocks[0]
        if kind == "heading" and not texts[page][:start].strip():
            opened[page] = texts[page][start:end].strip()
    return opened


def _page_roles(pages, urls: list[str], texts: list[str], cleaned: list[str], words: list[int],
                config: AnalysisConfig) -> tuple[np.ndarray, np.ndarray]:
    """(is_source, is_target) per page. Both need the import's flag (an indexable HTML page) and no exclude pattern;
    a source needs text, a target must be no moved stub (a page saying it moved is a source only) nor a template
    stub that keeps another page's title (page_kinds.old_copies)."""
    excluded = np.array([matches_pattern(u, config.exclude_patterns) for u in urls], dtype=bool)
    flags = pages["is_target"].fillna(False).astype(bool).to_numpy() if "is_target" in pages.columns \
        else np.ones(len(pages), dtype=bool)
    is_source = flags & ~excluded & np.array([bool(t) and not t.isspace() for t in texts], dtype=bool)   # no strip()
    is_target = flags & ~excluded & ~np.array(moved_pages(texts), dtype=bool)
    is_target &= ~np.array(old_copies(cleaned, texts, words), dtype=bool)
    return is_source, is_target


def _existing_pairs(link_rows, pages: int) -> tuple[set, np.ndarray]:
    """The (source, destination) pages the site already links, and each page's inbound links counted once per
    linking page."""
    inbound_before = np.zeros(pages, dtype=np.int32)
    existing = set()
    for source, destination, _anchor in link_rows:
        if (source, destination) not in existing:
            existing.add((source, destination))
            inbound_before[destination] += 1
    return existing, inbound_before


def _register_numbers(index: PhraseIndex, urls: list[str], titles: list[str], cleaned_titles: list[str],
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
    _register_numbers kept it; a reference it did not keep reads as the target's title, one page, site-wide."""
    return (index.numbers or {}).get((" ".join(key), target), ("title", 1, None))


def numbered_origin(index: LinkIndex, key: tuple[str, ...], target: int) -> tuple[str, int]:
    """Where the target carries the numbered reference `key` (lowercased tokens: ("chapter", "13")) and how many
    pages the site's URLs file under that number (_register_numbers)."""
    return _number_entry(index, key, target)[:2]


def numbered_reaches(index: LinkIndex, key: tuple[str, ...], target: int, source: int) -> bool:
    """Whether the numbered reference `key` on the source names the target: everywhere, or only on the pages of the
    folder whose numbering gives the target that number (a site numbering several books alike)."""
    folder = _number_entry(index, key, target)[2]
    return folder is None or folder_of(index.urls[source]) == folder


def _spans(pages: pd.DataFrame, column: str) -> list | None:
    """Each page's inline code spans (or placeholder spans: `column`) as (starts, ends) arrays in text order, None
    for a page without any (plain text, or HTML that marks none); None for the whole site when no page has any."""
    if column not in pages.columns:
        return None
    found = []
    for spans in pages[column].tolist():
        spans = np.asarray(spans if isinstance(spans, (np.ndarray, list, tuple)) else (), dtype=np.int32)
        spans = spans.reshape(-1, 2)[np.argsort(spans.reshape(-1, 2)[:, 0], kind="stable")] if spans.size else None
        found.append(None if spans is None else (spans[:, 0].copy(), spans[:, 1].copy()))
    return found if any(spans is not None for spans in found) else None


def _known_links(links: pd.DataFrame | None, url_pos: dict) -> list[tuple[int, int, str]]:
    """Existing links between known pages as (source index, destination index, anchor); self links dropped."""
    if links is None or len(links) == 0:
        return []
    anchors = _column(links, "anchor")
    rows = []
    for source, destination, anchor in zip(_column(links, "source"), _column(links, "destination"), anchors):
        s, d = url_pos.get(source), url_pos.get(destination)
        if s is not None and d is not None and s != d:
            rows.append((s, d, anchor))
    return rows


def page_prose(index: LinkIndex, source: int):
    """The page's prose blocks (placement.prose_ranges), and the terms of its listings of pages
    (placement.listing_terms: each term a target's title, "Introduction to Pygame", then what it teaches), where
    the term is the link an editor writes."""
    blocks = index.blocks[source] if index.blocks else None
    return prose_ranges(index.texts[source], blocks, _title_keys(index) if blocks else None)


def _title_keys(index: LinkIndex) -> frozenset[str]:
    """The targets' cleaned titles as written (kept for the run): "DATABASES", a setting a checklist's terms
    name, is not the page "Databases"."""
    keys = index.derived.get("title_keys")
    if keys is None:
        keys = index.derived["title_keys"] = frozenset(
            title.strip() for title, target in zip(index.titles, index.is_target) if target and title)
    return keys


def under_inbound_cap(index: LinkIndex, target: int) -> bool:
    """The target may take another new link: no cap set, or fewer new links than the cap so far."""
    cap = index.config.max_inbound_per_target
    return cap is None or int(index.new_inbound[target]) < cap
