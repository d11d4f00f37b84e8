"""Text helpers shared by the offline link engine: tokens with positions, stop words, title cleaning, contexts.

One tokeniser serves both TF-IDF and anchor matching, so a phrase found by the matcher is exactly a run of
TF-IDF terms, and an anchor always starts and ends on a word boundary of the source text.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from urllib.parse import urlsplit


from inlink.links.stop_words import ENGLISH_STOP_WORDS   # not sklearn's module: a resume must not import sklearn

# A token is a run of word characters, possibly joined by . - ' ’ (so "json.dumps", "built-in", "don't" are one
# token): "json" never matches inside "json.dumps" or "jsonify".
# Characters of the scripts written without spaces between words that this tokeniser splits one by one (Hiragana,
# Katakana, CJK ideographs): each is a token of its own, so a title of such words is found as the run of its
# characters inside a longer run of text (a Japanese sentence has no space to end a word at).
SOLO_CHARS = "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = rf"[^\W{SOLO_CHARS}]"
TOKEN_PATTERN = rf"[{SOLO_CHARS}]|{_WORD}+(?:[.\-'’]{_WORD}+)*"
TOKEN_RE = re.compile(TOKEN_PATTERN)
SOLO_RE = re.compile(f"[{SOLO_CHARS}]")
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS)
# Contractions ("I'll", "we've", "don't", "it's"; either apostrophe): function words as much as the words they
# contract, which scikit-learn's list (kept as it is: it is TF-IDF's too) leaves out. A prose tutorial's author
# writes "I'll" on a few pages only, which made it a key term of them. "Python's" or "O'Reilly" is no contraction.
_CONTRACTION_RE = re.compile(r"\w+['’](?:ll|ve|re|d|m)|\w+n['’]t|(?:it|that|there|here|what|who|he|she|let|where"
                             r"|how)['’]s", re.IGNORECASE)

# Separators between a page title and a site name, or between a title's head and its explanation.
SUFFIX_SEPARATORS = (" — ", " – ", " | ", " - ", " :: ", " · ", " » ")
HEAD_SEPARATORS = (" — ", " – ", " | ", " - ", ": ")
_SECTION_NUMBER_RE = re.compile(r"^\s*(?:(?:chapter|section|part)\s+)?\d+(?:\.\d+)*\.?\s+", re.IGNORECASE)
_CODE_LIKE_RE = re.compile(r"[_.\d]|[a-z][A-Z]|[A-Z]{2}(?!s\b)[a-z]")
# A sentence ends at . ! ? before white space and a capital (of any script: "Мы", "École"), digit or opening
# quote, unless the word before the full stop is an abbreviation ("e.g.", "etc.") or an initial. Hand-written
# rather than pysbd, which compiles its regular expressions on every call (14 ms a sentence: 20 times the cost
# of the whole engine per row). re has no class for capitals beyond ASCII: a non-ASCII letter is caught here
# and asked str.isupper in _sentence_ends.
# Chinese and Japanese end a sentence with a full-width mark and no space: "。", "！", "？" end one wherever they stand.
_SENTENCE_END_RE = re.compile(r"[.!?…](?=\s+[\"'“‘(\[]?([A-Z0-9]|[^\W\d_a-z]))|[。！？]")
# "No." abbreviates only before its number ("No. 5"): "No. A clerk cannot ..." is an answer and a sentence.
_NUMBER_ABBREVIATIONS = frozenset({"no"})
_ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "vs", "cf", "viz", "al", "approx", "mr", "mrs", "ms", "dr",
                            "fig", "st", "jr", "sr", "inc", "ltd", "co", "p", "pp", "vol", "ch", "sec", "ed",
                            "resp", "min", "max", "incl", "esp", "ca"})
_HAS_LETTER_RE = re.compile(r"[^\W\d_]")

CONTEXT_CHARS = 200


def tokens(text: str) -> list[str]:
    """The tokens of a text in order (original case)."""
    return TOKEN_RE.findall(text or "")


@lru_cache(maxsize=256)
def lowered_text(text: str) -> str:
    """A page's text in lower case, kept for the few pages in use at a time (widening checks many anchors
    against the same targets)."""
    return text.lower()


def lowered_tokens(text: str, words: list[str] | None = None) -> list[str]:
    """The lowercased tokens of a text, aligned with tokens(text) (one C-level pass over the lowered text;
    falls back to lowering token by token when lowering changes lengths, e.g. 'İ')."""
    text = text or ""
    lowered_text = text.lower()
    if len(lowered_text) == len(text):
        lowered = TOKEN_RE.findall(lowered_text)
        if words is None or len(lowered) == len(words):
            return lowered
    return [w.lower() for w in (words if words is not None else tokens(text))]


def is_code_like(token: str) -> bool:
    """Identifiers such as PyObject, json.dumps or sys_path are matched case-sensitively."""
    return bool(_CODE_LIKE_RE.search(token))


def glued(left: str, right: str) -> bool:
    """Whether two neighbouring characters are of one word: both word characters (or "_"), neither a character
    that is a token alone (SOLO_CHARS: in a Japanese sentence every character stands beside another)."""
    return (left.isalnum() or left == "_") and (right.isalnum() or right == "_") \
        and not (SOLO_RE.match(left) or SOLO_RE.match(right))


@lru_cache(maxsize=1 << 16)
def is_acceptable_anchor(text: str) -> bool:
    """An anchor must have 3+ characters, a letter, and at least one word that is not a stop word."""
    text = (text or "").strip()
    if len(text) < 3 or not _HAS_LETTER_RE.search(text):
        return False
    return any(not is_function_word(word.lower()) for word in tokens(text))


def is_function_word(word: str) -> bool:
    """A lowercased word that names nothing: a stop word or a contraction ("we've")."""
    return word in STOP_WORDS or (("'" in word or "’" in word) and _CONTRACTION_RE.fullmatch(word) is not None)


def acceptable_tokens(joined: str, lowered: Iterable[str]) -> bool:
    """is_acceptable_anchor(joined) for tokens already found: `joined` is tokens joined by single spaces (so
    nothing to strip, and tokenising it again gives them back) and `lowered` those tokens lowercased."""
    return len(joined) >= 3 and _HAS_LETTER_RE.search(joined) is not None and \
        any(not is_function_word(word) for word in lowered)


_POSSESSIVE_RE = re.compile(r"['’]s$")


def is_plain_word(anchor: str, starts_sentence: bool = False) -> bool:
    """One dictionary-style word ("summer", "week's", or "Weigh" opening a sentence): no inner capital,
    digit or code shape, so nothing marks it as a name."""
    word = _POSSESSIVE_RE.sub("", anchor.strip())
    if starts_sentence:
        word = word[:1].lower() + word[1:]
    return word.isalpha() and word.islower()


def names_target(anchor: str, title: str, h1: str, url: str, starts_sentence: bool = False) -> bool:
    """Whether a one-word anchor found only by shared vocabulary says where the link goes.

    A plain word ("summer", "trust") links well only when the target is about it: it stands in the target's
    title, H1 or URL path (not the host, which every page of the site shares). Names (Kenya, PyObject, json.dumps) and phrases of two or more words always say enough.
    """
    if not is_plain_word(anchor, starts_sentence):
        return True
    return _POSSESSIVE_RE.sub("", anchor.strip().lower()) in _about_words(title, h1, url)


@lru_cache(maxsize=4096)
def _about_words(title: str, h1: str, url: str) -> frozenset[str]:
    """The words of a target's title, H1 and URL path (cached: the same targets are asked about again and again)."""
    return title_words(title, h1) | frozenset(re.split(r"[^a-z0-9]+", urlsplit(url).path.lower()))


@lru_cache(maxsize=4096)
def title_words(title: str, h1: str) -> frozenset[str]:
    """The lowercased words of a page's title and H1 (cached: each page's are asked for again and again)."""
    return frozenset(lowered_tokens(f"{title} {h1}"))


def starts_sentence(text: str, start: int) -> bool:
    """True when the word at `start` opens the text or a sentence (its capital then says nothing). Looks back
    over the white space only (no copy of the text before it: this is asked for every candidate anchor)."""
    while start > 0 and text[start - 1].isspace():
        start -= 1
    return start == 0 or text[start - 1] in ".!?:;\"'“”(["


def strip_section_number(title: str) -> str:
    """'2.6. Control flow' -> 'Control flow'; 'Chapter 3 Setup' -> 'Setup'."""
    return _SECTION_NUMBER_RE.sub("", title or "", count=1).strip()


def has_section_number(title: str) -> bool:
    """'7. Input and Output', 'Chapter 3 Setup': a numbered chapter of a book-like site."""
    return bool(_SECTION_NUMBER_RE.match(title or ""))


def spelled_as(occurrence: str, original: tuple[str, ...]) -> bool:
    """Whether an occurrence spells a phrase's tokens as `original` does, but for its first letter ("the Python
    tutorial" spells "The Python tutorial"; "input and output" does not spell "Input and Output")."""
    found = TOKEN_RE.findall(occurrence)
    return len(found) == len(original) and bool(found) and found[1:] == list(original[1:]) \
        and found[0][1:] == original[0][1:] and found[0][:1].lower() == original[0][:1].lower()


def _split_once(title: str, separators: Sequence[str], from_right: bool) -> tuple[str, str] | None:
    """Split at the right-most (or left-most) separator found; None when there is none."""
    best = None
    for sep in separators:
        pos = title.rfind(sep) if from_right else title.find(sep)
        if pos > 0 and (best is None or (pos > best[0] if from_right else pos < best[0])):
            best = (pos, sep)
    if best is None:
        return None
    pos, sep = best
    return title[:pos].strip(), title[pos + len(sep):].strip()


def detect_site_affixes(titles: Iterable[str], min_share: float = 0.2, min_count: int = 3) -> tuple[set, set]:
    """Title suffixes / prefixes shared by many pages (the site name), found from the data, never hard-coded."""
    titles = [t for t in titles if t]
    suffixes, prefixes = Counter(), Counter()
    for title in titles:
        right = _split_once(title, SUFFIX_SEPARATORS, from_right=True)
        left = _split_once(title, SUFFIX_SEPARATORS, from_right=False)
        if right:
            suffixes[right[1]] += 1
        for ending in (_trailing_parenthetical(title), _colon_suffix(title)):
            if ending:
                suffixes[ending[1]] += 1
        if left:
            prefixes[left[0]] += 1
    threshold = max(min_count, min_share * len(titles))
    return ({s for s, n in suffixes.items() if n >= threshold},
            {p for p, n in prefixes.items() if n >= threshold})


def _trailing_parenthetical(title: str) -> tuple[str, str] | None:
    """(the title before it, the parenthetical) when the title ends with one after a space: "Bit Manipulations (GNU
    Octave (version 7.3.0))", as a manual made with Texinfo titles every page ("Node (Manual)"), brackets nested
    inside it included; None otherwise. detect_site_affixes counts it as a suffix like one after a separator, so a
    parenthetical most pages share is the site's name, not the page's."""
    if not title.endswith(")"):
        return None
    depth = 0
    for at in range(len(title) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(title[at], 0)
        if depth == 0:
            head = title[:at].rstrip()
            return (head, title[at:]) if at > 0 and title[at - 1] == " " and head else None
    return None


def _colon_suffix(title: str) -> tuple[str, str] | None:
    """(the title before it, what follows the title's last ": "): "Base64 Encoding: GLib Reference Manual", as a
    reference made with gtk-doc titles every page. A suffix only when most pages share it (detect_site_affixes);
    else the colon is the title's own ("Tutorial: Writing your first app")."""
    head, colon, tail = title.rpartition(": ")
    return (head.strip(), tail.strip()) if colon and head.strip() and tail.strip() else None


def clean_title(title: str, suffixes: set, prefixes: set) -> str:
    """The title without the site-wide suffix/prefix and without a leading section number."""
    title = (title or "").strip()
    right = _split_once(title, SUFFIX_SEPARATORS, from_right=True) or _trailing_parenthetical(title)
    if not (right and right[1] in suffixes):
        right = _colon_suffix(title)
    if right and right[1] in suffixes:
        title = right[0]
    left = _split_once(title, SUFFIX_SEPARATORS, from_right=False)
    if left and left[0] in prefixes:
        title = left[1]
    return strip_section_number(title)


_COMMAND_TITLE_RE = re.compile(r"([^\W\d_][^\W_]*)-([^\W_]+(?:-[^\W_]+)*)")
COMMAND_FAMILY = 3   # titles "tool-sub" sharing their "tool-" that make them one tool's command pages


def command_names(cleaned_titles: Sequence[str]) -> dict[int, str]:
    """The command each man-page style title names, by page: "npm-install" -> "npm install", "git-commit" ->
    "git commit" ("npm-help-search" -> "npm help-search": the subcommand keeps its own hyphens), for titles that
    are one hyphen-joined word of letters and digits (never "npm-shrinkwrap.json", a file) whose first part at
    least COMMAND_FAMILY titles share.

    Why: a tool's reference titles each subcommand's page as its man page is named, while its prose writes the
    command as typed, with a space ("run npm install first"); one token "npm-install" never matched the words.
    Asking for a family of such titles keeps out a lone hyphenated compound ("Copy-on-write")."""
    parts = {i: m.groups() for i, title in enumerate(cleaned_titles)
             if (m := _COMMAND_TITLE_RE.fullmatch(title.strip()))}
    families = Counter(tool.lower() for tool, _sub in parts.values())
    return {i: f"{tool} {sub}" for i, (tool, sub) in parts.items() if families[tool.lower()] >= COMMAND_FAMILY}


_TYPED_COMMAND_RE = re.compile(r"([a-z][a-z0-9]*)((?: [a-z0-9][a-z0-9-]*)+)")


def man_page_names(cleaned_titles: Sequence[str]) -> dict[int, str]:
    """The man page each command title is, by page: "cargo fetch" -> "cargo-fetch", "git commit" -> "git-commit",
    for titles that are a command as typed (lowercase words of letters, digits and hyphens) whose first word at
    least COMMAND_FAMILY such titles share: command_names' other direction.

    Why: a tool's pages cite each other as man pages ("See the cargo-fetch(1) command"), the tool's name and the
    subcommand joined by a hyphen and the manual's section after them, while the pages are titled as the command is
    typed. One token "cargo-fetch" never matched the words "cargo fetch": on a held-out build tool's book, 178 of
    its 700 links were such citations, and 119 of them were never suggested."""
    parts = {i: m.groups() for i, title in enumerate(cleaned_titles)
             if (m := _TYPED_COMMAND_RE.fullmatch(title.strip()))}
    families = Counter(tool for tool, _words in parts.values())
    return {i: "-".join((tool, *words.split())) for i, (tool, words) in parts.items()
            if families[tool] >= COMMAND_FAMILY}


def title_head(clean: str) -> str:
    """The part of a cleaned title before its first separator ('json — JSON encoder' -> 'json'), or ''."""
    parts = _split_once(clean, HEAD_SEPARATORS, from_right=False)
    return strip_section_number(parts[0]) if parts else ""


def _opens_sentence(text: str, mark: re.Match) -> bool:
    """Whether the word after a full stop that follows a single letter is a stop word ("... go to Appendix B.
    If a word ..."): then the letter was a label, not an initial (an initial is followed by a name: "J. Smith")."""
    after = text[mark.end():mark.end() + 24].split(maxsplit=1)
    word = after[0].strip("\"'“‘([").lower() if after else ""
    return len(word) > 1 and word in STOP_WORDS      # "J. A. Smith": a letter after it is one more initial


_INITIAL_RE = re.compile(r"(?<![^\W\d_])[A-Z]\.\s+(?=[A-Z])")


def ends_on_initial(text: str, end: int) -> bool:
    """Whether text[:end] ends on a name's initial, its full stop and the name going on after `end` ("Richard M"
    of "Richard M. Stallman"); not a label before a new sentence ("Appendix B. The ...": _opens_sentence)."""
    mark = _INITIAL_RE.match(text, end - 1) if end > 0 else None
    return mark is not None and not _opens_sentence(text, mark)


def _sentence_ends(text: str, lo: int, hi: int, first: int | None = None, stop: int | None = None):
    """Offsets just after each sentence-ending mark in text[lo:hi] (abbreviations and initials skipped); only
    the marks in [first, stop) when given (the word before a mark is still read from lo on)."""
    for match in _SENTENCE_END_RE.finditer(text, lo if first is None else first, hi):
        if stop is not None and match.start() >= stop:
            return
        after = match.group(1)
        if after is None:   # a full-width mark (_SENTENCE_END_RE)
            yield match.end()
            continue
        if after > "\x7f" and not (after.isupper() or after.istitle()):
            continue
        if text[match.start()] == ".":
            word = text[max(lo, text.rfind(" ", lo, match.start()) + 1):match.start()].lstrip("(\"'“‘[").lower()
            if word in _ABBREVIATIONS or (word in _NUMBER_ABBREVIATIONS and after.isdigit()) \
                    or (len(word) == 1 and word.isalpha() and not _opens_sentence(text, match)):
                continue
        yield match.end()


def sentence_bounds(text: str, start: int, end: int, lo: int = 0, hi: int | None = None) -> tuple[int, int]:
    """Character bounds of the sentence holding text[start:end], within [lo, hi) (a block) when given."""
    hi = len(text) if hi is None else hi
    lo = max(lo, start - 600)
    # the marks after the occurrence, each judged by the word before it read whole ("Richard M. Stallman": "M" is
    # an initial, also when the occurrence ends at it)
    right = next(_sentence_ends(text, lo, min(hi, end + 600), first=end), min(hi, end + 600))
    return _last_sentence_end(text, lo, start, end), right


def _last_sentence_end(text: str, lo: int, start: int, end: int, step: int = 120) -> int:
    """The last sentence end before `start` (or lo), reading the marks nearest to `start` first, `step`
    characters at a time: a sentence is rarely longer, so the marks further back are seldom read. A mark is
    judged by what follows it up to `end`, so an anchor that opens its sentence ("... here. Then ...") is not
    read as the end of the sentence before."""
    stop = start
    while stop > lo:
        first = max(lo, stop - step)
        found = max(_sentence_ends(text, lo, end, first, stop), default=None)
        if found is not None:
            return found
        stop = first
    return lo


def shorten_around(text: str, left: int, right: int, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    """text[left:right] (a sentence) cut to about `width` characters around text[start:end] on word boundaries,
    with an ellipsis where it was cut (and where the text runs on without a sentence's mark)."""
    sentence_left = left
    if right - left > width:
        spare = max(0, width - (end - start))
        left = max(left, start - spare // 2)
        right = min(right, max(end + spare // 2, left + width))
        while left > 0 and left < start and not (text[left - 1].isspace() or _beside_solo(text, left)):
            left += 1
        while right < len(text) and right > end and not (text[right].isspace() or _beside_solo(text, right)):
            right -= 1
    snippet = text[left:right].strip()
    prefix = "…" if left > sentence_left or left > 0 and text[left - 1] not in ".!?:; 。！？、" else ""
    suffix = "…" if right < len(text) and text[right - 1] not in ".!?。！？" else ""
    return f"{prefix}{snippet}{suffix}"


def _beside_solo(text: str, at: int) -> bool:
    """Whether text[at - 1] or text[at] is a character that is a word alone (SOLO_CHARS): a context may be cut
    there, as at a space (a Japanese sentence has no space to cut at)."""
    return SOLO_RE.match(text[at - 1]) is not None or SOLO_RE.match(text[at]) is not None


@lru_cache(maxsize=1 << 14)   # the same occurrence is weighed for each target it may name (str hashes are cached)
def prose_score(text: str, start: int, end: int) -> float:
    """How much an occurrence sits in running text (a sentence with stop words), not a heading or code line."""
    left, right = sentence_bounds(text, start, end)
    words = [w.lower() for w in tokens(text[left:right])]
    if not words:
        return 0.0
    stop_share = sum(w in STOP_WORDS for w in words) / len(words)
    long_enough = min(1.0, len(words) / 8)
    return round(min(1.0, stop_share * 3) * long_enough, 3)


#: The label of a list of references ("See also: fseek, fopen.", a manual page's "SEE ALSO"), also in the languages
#: manuals are most often translated into (numbering.TRANSLATED_KIND_WORDS')
SEE_ALSO_LABELS = ("See also", "See Also", "SEE ALSO", "Voir aussi", "Siehe auch", "Véase también", "Vedi anche",
                   "Veja também", "Zie ook")
OPENING_QUOTES = "“\"‘'«„"
CLOSING_QUOTES = "”\"’'»“"   # (“ closes a German „quotation“)


def occurrences(text: str, needle: str):
    """Every place `needle` starts in `text`, overlapping ones too, in order: a str.find loop, the cheapest way to
    read a few fixed strings in a page (a pattern or an automaton pays for every character)."""
    at = text.find(needle)
    while at >= 0:
        yield at
        at = text.find(needle, at + 1)


def after_opening_quote(text: str, span: tuple[int, int]) -> bool:
    """The anchor opens right after a quotation mark."""
    return span[0] > 0 and text[span[0] - 1] in OPENING_QUOTES


def in_string_literal(text: str, start: int) -> bool:
    """The quotation the anchor opens stands where code puts a string: right after "(", "[", "{", "=", "," or ":"
    ('f("a b")', 'x = "a b"', '("a b", "c d")'), where prose leaves a space or a word before its quotes."""
    return start >= 2 and text[start - 2] in "([{=,:"


def is_lowercase_name(word: str) -> bool:
    """A lowercase word of letters, or of letters then digits ("base64", "utf8"): what a name spelled like an
    everyday word looks like."""
    return word.isalnum() and word.islower() and word[0].isalpha()


# A quoted phrase per kind of quotation marks (one literal opening mark each: a scan for one character is what
# makes this cheap on a large site; a class of openers costs half as much again).
_QUOTED_RES = tuple((mark, re.compile(pattern)) for mark, pattern in (
    ("“", r"“([^”“\n]{3,160})”"), ('"', r'"([^"\n]{3,160})"'), ("‘", r"‘([^’‘\n]{3,160})’"),
    ("«", r"«([^»\n]{3,160})»"), ("„", r"„([^“”\n]{3,160})[“”]")))


def quoted_phrases(text: str):
    """The phrases the text holds in quotation marks, stripped of a closing comma, stop or colon."""
    for mark, quoted_re in _QUOTED_RES:
        if text and mark in text:
            for match in quoted_re.finditer(text):
                yield match.group(1).strip().rstrip(".,;:")
