"""The prepared state of one analysis run (LinkIndex) and how it is built from a SiteData.

Kept apart from the ranking so each module stays small: this one knows pages, TF-IDF, phrases and existing
links; ranking.py turns them into ranked targets for one page; analyzer.py is the public API.
"""
from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace
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
from inlink.links.naming import member_names, register_members, register_numbers, register_phrases
from inlink.links.neighbourhood import LinkNeighbourhood
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
from inlink.links.link_lists import page_see_also_items
from inlink.links.linked_text import page_anchors
from inlink.links.placement import anchor_marks, prose_ranges
from inlink.links.page_kinds import moved_pages, old_copies, thin_pages, word_counts
from inlink.links.text import clean_title, detect_site_affixes, has_section_number
from inlink.links.template_text import mark_template_text
from inlink.links.tokens import SiteTokens

if TYPE_CHECKING:
    import pandas as pd

NEIGHBOURS = 30            # TF-IDF neighbours kept per page (candidates without a title mention come from here)
# Finding TF-IDF neighbours: exact on small sites; on large ones each page keeps only its heaviest terms, so the
# search stays near-linear in pages (about NEIGHBOUR_NONZEROS terms in all, at least NEIGHBOUR_TERMS per page).
NEIGHBOUR_NONZEROS = 1_500_000
NEIGHBOUR_TERMS = 50
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
                                            # qualified ("get_fields" of "Options.get_fields"): member_names
    numbers: dict | None = None             # (numbered reference lowercased, page) -> (where the page carries it,
                                            # pages under its number, folder or None): naming.register_numbers
    anchor_marks: dict | None = None        # page -> the sentence or clause marks ("Stability: 2") the site's own
                                            # anchors for it hold (placement.breaks_between_words), when links given
    linked: dict | None = None              # page -> its existing links' anchors (linked_text.page_anchors)
    language: np.ndarray | None = None      # per page: its language's number, -1 unknown; None: one language
    languages: dict | None = None           # language number -> the index its pages are analysed with (page_index)

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
        language = _language_codes(site.pages)
        if language is None:
            return _build_index(site, config)
        index = _build_index(site, config, language) if (language < 0).any() else \
            _site_ledger(site, config, language)
        index.languages = {code: _build_index(view, config) for code, view in _language_sites(site, language)}
        return index


def _site_ledger(site, config: AnalysisConfig, language: np.ndarray) -> LinkIndex:
    """The site's own index on a site whose every page has a known language: only what is read site-wide (its
    pages and their roles, the existing links, the new inbound links, the pages analysed: summarize,
    record_suggestions, validate_suggestion before it hands the page to its language's index), no TF-IDF nor
    phrases. Why: each page is analysed with its language's index (page_index), and only a page of unknown language
    is analysed with the site's; built whole, the site's index was half of the index time of the Apache manual in
    four languages (1.0 s of 1.8 s), and as much memory again, for nothing."""
    pages = site.pages
    urls, titles, h1s, texts = _page_columns(pages)
    cleaned = _clean_titles(titles)
    is_source, is_target = _page_roles(pages, urls, texts, cleaned, word_counts(texts), config)
    url_pos = {u: i for i, u in enumerate(urls)}
    existing, inbound_before = _existing_pairs(_known_links(site.links, url_pos), len(urls))
    return LinkIndex(config=config, urls=urls, texts=texts, is_target=is_target, is_source=is_source, model=None,
                     neighbours=None, neighbour_sims=None, phrases=None, phrase_df=None, existing=existing,
                     inbound_before=inbound_before, shareable_terms=None, characteristic_bar=None, titles=cleaned,
                     h1s=h1s, url_pos=url_pos, new_inbound=np.zeros(len(urls), dtype=np.int32), language=language)


def page_index(index: LinkIndex, source_url: str) -> LinkIndex:
    """The index a page is analysed with: on a site in several languages, its language's own (the language's pages
    alone, and those of unknown language, as a site of their own: _language_sites), else the site's."""
    if not index.languages:
        return index
    at = index.url_pos.get(source_url)
    return index.languages.get(int(index.language[at]), index) if at is not None else index


def _language_sites(site, language: np.ndarray):
    """(language number, a site of that language's pages and those of unknown language, with the links they make)
    for each language of a site in several. Why a site each, not one index with links kept within a language: every
    figure the engine weighs a phrase by is the site's (how many pages use a word, mention a phrase, declare a
    name), and in one pool each language's were counted over them all. On the Apache manual in four languages
    (cold start), the high tier held 394 real links so, 448 with each language its own site."""
    for code in range(int(language.max()) + 1):
        keep = (language == code) | (language < 0)
        if not keep.any():
            continue
        pages = site.pages.loc[keep].reset_index(drop=True).assign(language="")
        urls = set(pages["url"])
        links = site.links.loc[site.links["source"].isin(urls)] if site.links is not None else None
        linked = getattr(site, "linked_text", None)
        linked = linked.loc[linked["source"].isin(urls)] if linked is not None else None
        yield code, SimpleNamespace(pages=pages, links=links, report=site.report, linked_text=linked)


def _build_index(site, config: AnalysisConfig, language: np.ndarray | None = None) -> LinkIndex:
    """The index of `site`; `language`: its pages' language codes (_language_codes; None: one language)."""
    pages = site.pages
    urls, titles, h1s, texts = _page_columns(pages)
    blocks = PageBlocks(pages, texts, h1s)   # the plain pages' blocks on the second core while the rest builds
    try:
        return _built(site, config, pages, urls, titles, h1s, texts, blocks, language)
    finally:
        blocks.close()


def _page_columns(pages) -> tuple[list[str], list[str], list[str], list[str]]:
    """(URLs, titles, H1s, texts) of the pages, the H1 of a page without one its opening heading."""
    urls = _column(pages, "url")
    titles, h1s, texts = _column(pages, "title"), _column(pages, "h1"), _column(pages, "content")
    return urls, titles, _opening_headings(pages, texts, h1s), texts


def _built(site, config: AnalysisConfig, pages, urls: list[str], titles: list[str], h1s: list[str],
           texts: list[str], blocks: PageBlocks, language: np.ndarray | None) -> LinkIndex:
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
    page_blocks = mark_template_text(texts, page_blocks, blocks.own)
    phrases = PhraseIndex()
    term_keys = register_phrases(phrases, cleaned, h1s, texts, is_target, owned_terms(model, KEY_PHRASES_PER_PAGE),
                                  inbound_anchor_texts(link_rows), declarations, changelog, urls)
    register_members(phrases, cleaned, is_target, page_tokens.vocabulary)
    member_keys = member_names(phrases, declarations, is_target)
    numbers = register_numbers(phrases, urls, titles, cleaned, h1s, texts, is_target, page_blocks)
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
                     anchor_marks=anchor_marks(link_rows),
                     linked=page_anchors(_page_anchors(site.links, getattr(site, "linked_text", None), url_pos)),
                     language=language)
    if kept is not None:
        index.derived[KEPT_MATCHES] = kept
    index.derived["quotes_titles"] = quotes
    return index


def _language_codes(pages) -> np.ndarray | None:
    """Each page's language as a number (-1 unknown), from the import's "language" column (site/languages.py);
    None when the pages are in one language or none is known: every page may link to every other."""
    if "language" not in pages.columns:
        return None
    values = np.array([value if isinstance(value, str) else "" for value in pages["language"].tolist()], dtype=object)
    names, codes = np.unique(values, return_inverse=True)
    if sum(1 for name in names if name) < 2:
        return None
    return np.where(values == "", -1, codes).astype(np.int32)


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


def _page_anchors(links: pd.DataFrame | None, linked_text: pd.DataFrame | None,
                  url_pos: dict) -> list[tuple[int, str]]:
    """(source page, anchor) of every existing link of a page that stands in its content: those between pages, and
    the importer's linked text (self links, links to URLs outside the crawl). A link whose Link Position puts it out
    of the content (navigation, header, footer, sidebar) is left out: its anchor is no text of the content, and a
    menu's "Shop" kept every "Shop" of the prose from taking a link."""
    anchors = []
    for frame in (links, linked_text):
        if frame is None or not len(frame):
            continue
        for url, anchor in zip(_column(frame, "source"), _content_anchors(frame)):
            page = url_pos.get(url)
            if page is not None and anchor is not None:
                anchors.append((page, anchor))
    return anchors


def _content_anchors(links: pd.DataFrame) -> list[str | None]:
    """Each link's anchor, None for a link whose Link Position puts it out of the content (navigation, header,
    footer, sidebar: any position but "Content" or none given): a menu's words are no phrase an editor linked."""
    anchors = _column(links, "anchor")
    if "position" not in links.columns:
        return anchors
    return [anchor if position.strip().lower() in ("", "content") else None
            for anchor, position in zip(anchors, _column(links, "position"))]


def _known_links(links: pd.DataFrame | None, url_pos: dict) -> list[tuple[int, int, str]]:
    """Existing links between known pages as (source index, destination index, anchor); self links dropped. A link
    out of the content (_content_anchors) keeps its pair, which the site links already, with no anchor: the
    anchors are the evidence of what the site's editors link ("the site already links "Copyright" to this page on
    28 of the 29 pages" was a footer's link, and made "Copyright" in prose an anchor for it)."""
    if links is None or len(links) == 0:
        return []
    anchors = [anchor or "" for anchor in _content_anchors(links)]
    rows = []
    for source, destination, anchor in zip(_column(links, "source"), _column(links, "destination"), anchors):
        s, d = url_pos.get(source), url_pos.get(destination)
        if s is not None and d is not None and s != d:
            rows.append((s, d, anchor))
    return rows


def page_prose(index: LinkIndex, source: int):
    """The page's prose blocks (placement.prose_ranges), and the terms of its listings of pages
    (placement.listing_terms: each term a target's title, "Introduction to Pygame", then what it teaches), where
    the term is the link an editor writes. The last page's are kept: placing a page's anchors and writing its rows'
    contexts both read them (a page's pages-step work is one call after another; Gemini's threads may interleave
    pages, and then only recompute: the pair is replaced whole)."""
    last = index.derived.get("page_prose")
    if last is not None and last[0] == source:
        return last[1]
    blocks = index.blocks[source] if index.blocks else None
    prose = prose_ranges(index.texts[source], blocks, _title_keys(index) if blocks else None)
    index.derived["page_prose"] = (source, prose)
    return prose


def page_see_also(index: LinkIndex, source: int) -> frozenset[tuple[int, int]]:
    """Where the items of the page's "See also" lists stand (link_lists.page_see_also_items: its lines and, on a
    page whose blocks came with it, its boxes' terms): the one reading that listing, placement, validation and the
    reasons share."""
    own = index.own_blocks is not None and bool(index.own_blocks[source])
    return page_see_also_items(index.texts[source], page_prose(index, source), index.blocks[source] if own else None)


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
