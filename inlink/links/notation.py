"""Text that is notation, not a mention: a file path or URL, a host name, a variable's expansion, a signature's
keyword opening an optional group, a template tag, a one-word string literal, an item of a menu path, a key of a key
combination, a code-like span.

Why its own module: each is a shape of the characters around a phrase, the same on any page and for any target,
and none of them is a place for a link whatever the phrase names; placement.open_to_anchors asks them all, for
both engines. Apart from the rules about prose and wording (placement.py), which read the page's blocks and
sentences.
"""
from __future__ import annotations

import re


# A code-like span: an identifier with _ or ::, a call "name()", a path, a command option, a <placeholder>.
_CODE_SPAN_RE = re.compile(r"^(?:\w*_\w*|.*::.*|.*\(\)?|.*[\\/].*|--?[A-Za-z][\w-]*|<[^<>]+>|\{[^{}]+\})$")
# What a path is made of besides letters and digits; a placeholder's brackets belong to it ("<project_name>/asgi.py",
# "{app_label}/templates/").
_PATH_CHARS = "._/\\~-<>{}"
_PATH_RE = re.compile(r"^[/\\.~]|//|[/\\].*[/\\]|[/\\][^/\\]*\.[A-Za-z]\w*$")


def _glued(text: str, start: int, end: int, chars: str) -> tuple[int, int]:
    """text[start:end] widened over the letters, digits and `chars` glued to it on either side."""
    left, right = start, end
    while left > 0 and (text[left - 1].isalnum() or text[left - 1] in chars):
        left -= 1
    while right < len(text) and (text[right].isalnum() or text[right] in chars):
        right += 1
    return left, right


#: A file extension written alone: a full stop and a few letters or digits, nothing glued before the stop.
_EXTENSION_RE = re.compile(r"\.[A-Za-z0-9]{1,5}")


def in_path(text: str, start: int, end: int) -> bool:
    """Part of a file path or URL ("tkinter" in "Lib/tkinter/dnd.py", "tty" in "/dev/tty", a host in
    "//www.python.org/downloads/", "project_name" in "<project_name>/asgi.py"), or a file extension written alone
    ("bz2" in "(.gz, .bz2, .xz)": it names a kind of file, not the module of that name): never an anchor, whatever
    it names. A slash between two words ("RSS/Atom", "I/O") is no path."""
    left, right = _glued(text, start, end, _PATH_CHARS)
    glued = text[left:right].rstrip(".").strip("<>{}")
    if _EXTENSION_RE.fullmatch(glued):
        return True
    if left > 0 and text[left - 1] == ")":   # "Py_NewInterpreter()/Py_EndInterpreter()": two names, no path
        glued = glued.lstrip("/")
    return ("/" in glued or "\\" in glued) and bool(_PATH_RE.search(glued))


# A host name or e-mail address: dotted labels in lower case ending in a top-level domain that no code name or file
# extension ends in ("irc.libera.chat", "docs.example.com", "help@example.co.uk"; not "os.path", "settings.py",
# "df.at", nor the product names "ASP.NET" and "Socket.IO").
_HOST_RE = re.compile(r"^(?:[\w.+-]+@)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|org|net|edu|gov|mil|int|io|dev|app|"
                      r"ai|co|info|biz|chat|me|tv|xyz|site|online|tech|cloud|blog|uk|de|fr|nl|es|ru|jp|cn|br|au|ca|"
                      r"us|eu|ch|se|dk|fi|cz|be|ie|nz|za|kr|tw|hk|sg|mx|ar)$")
_HOST_CHARS = ".-@+_"


def in_host(text: str, start: int, end: int) -> bool:
    """Part of a host name or e-mail address written without its scheme ("irc.libera.chat", "libera" in it,
    "example" in "help@example.com"): never an anchor, as no part of a URL is (an editor's read found
    "irc.libera.chat" linked to a release notes page that happened to mention it too)."""
    left, right = _glued(text, start, end, _HOST_CHARS)
    glued = text[left:right].strip(_HOST_CHARS)
    return "." in glued and bool(_HOST_RE.match(glued))   # [a-z]: lower case only


# A variable's expansion before a name: "$" ("$HOME"), "${" ("${PROJECT_DIR}"), "$NAME{" ("$ENV{PATH}"), "$(" ("$(CC)");
# and the mark that closes each after it (none after a bare "$").
_EXPANSION_BEFORE_RE = re.compile(r"\$(?:[A-Za-z]*\{|\()?$")
_EXPANSION_CLOSING = {"{": "}", "(": ")"}


def in_variable_expansion(text: str, start: int, end: int) -> bool:
    """text[start:end] is the name in a variable's expansion, as a shell, make or a build tool's language writes it
    ("HOME" in "$HOME", "PROJECT_DIR" in "${PROJECT_DIR}", "PATH" in "$ENV{PATH}", "CC" in "$(CC)"): the value it holds
    at that point of a command or a script, code quoted in a sentence, not a mention of the entry of that name (a
    held-out build tool's manual linked none of its 26 high and medium rows so; "$OSGDIR" went to a module that
    reads it). A generator expression's "$<NAME>" names an entry of its own and is left alone."""
    opening = _EXPANSION_BEFORE_RE.search(text, max(0, start - 8), start)
    if opening is None:
        return False
    closing = _EXPANSION_CLOSING.get(text[start - 1])
    return closing is None or text.startswith(closing, end)


_CAPITALS_KEYWORD_RE = re.compile(r"(?=[^a-z]*[A-Z])(?:[A-Z0-9_]+|<[^<>\s]+>)+")   # "COMPILE_FLAGS", "<LANG>_STD"


def keyword_opening_optional_group(text: str, start: int, end: int) -> bool:
    """text[start:end] is a keyword in capitals that opens an optional group of a command's signature, its value
    after it ("[COMPILE_FLAGS <flags>]", "[RESULT_VARIABLE <var>]", "[<LANG>_STANDARD <std>]"): an argument of the
    command the signature declares, not a mention of the page of that name. Plain text runs a synopsis into its
    prose (held-out build tool's manual, plain text: 13 high and medium rows, none a link its editors made); a
    keyword alone in its brackets ("[EXCLUDE_FROM_ALL]", a flag the signature names) is left alone, as is a
    bracket of code that is no such group ("[collections.deque() for i in range(n)]")."""
    return start > 0 and text[start - 1] == "[" and text.startswith(" ", end) \
        and bool(_CAPITALS_KEYWORD_RE.fullmatch(text, start, end))


# A template language's tag or expression: Django, Jinja, Liquid, Twig, Hugo and Handlebars write them so.
TEMPLATE_REACH = 200          # characters a template tag stretches over at most, on its line
_TEMPLATE_CLOSING = {"%": "%}", "{": "}}"}


def in_template_code(text: str, start: int, end: int) -> bool:
    """Part of a template tag or expression on its line ("i18n" in "{% load i18n %}", "pub_date" in
    "{{ article.pub_date|date }}"): code quoted in a sentence, never an anchor, whatever it names (an editor's
    read rejected "i18n" -> the internationalisation page there). An opening "{%" or "{{" before the span on its
    line, not closed before it, and its closing mark after it."""
    lo = max(0, start - TEMPLATE_REACH)
    lo = text.rfind("\n", lo, start) + 1 or lo
    opening = max(text.rfind("{%", lo, start), text.rfind("{{", lo, start))
    if opening < 0:
        return False
    closing = _TEMPLATE_CLOSING[text[opening + 1]]
    if text.find(closing, opening + 2, start) >= 0:
        return False
    line_end = text.find("\n", end, end + TEMPLATE_REACH)
    return text.find(closing, end, line_end if line_end >= 0 else end + TEMPLATE_REACH) >= 0


_QUOTES = {"'": "'", '"': '"', "‘": "’"}


def quoted_value(text: str, start: int, end: int) -> bool:
    """text[start:end] is a one-word string literal: a word without dots or spaces standing alone between a pair of
    straight quotes ("a code of 'min_value'", "one of the strings 'aifc', 'wav'", "the value "store_true"") or of
    the single typographic quotes Texinfo writes a literal in ("the methods ‘get’, ‘put’, ‘delete’"; its double
    ones, “wav”, quote prose).
    Such a word is a value the page passes or receives (an error code, a keyword's value, a format's name), not a
    mention of the option, module or page of the same name. A quoted dotted path ('shop.contrib.baskets' in an
    apps list) still names its module, and a quoted title ("Troubleshooting", "Backup Strategies") is capitalised
    as a title or has spaces."""
    if start == 0 or end >= len(text) or _QUOTES.get(text[start - 1]) != text[end]:
        return False
    word = text[start:end]
    titled = word[:1].isupper() and word[1:].islower()
    return not titled and not any(ch.isspace() or ch == "." for ch in word)


# A menu path's separators: "Image → Scale Image", "Settings > Billing > Invoices", "File ▸ Export", "Tools->Options".
# The arrows anywhere; the ASCII ">", "->", "=>" and the guillemets only between two capitalised items, with a space
# (or none, for "->") on either side: "»" and "›" also quote ("»Text«"), "a>b" and "x > 0" are code or maths, and
# "r->name" is C.
_MENU_ARROWS = "→⇒⟶▸▶►➔➜"
_SPACES = " \u00a0\u2009\u202f"
MENU_REACH = 3   # spaces between a menu item and its arrow
MENU_ITEM_REACH = 60   # characters a menu path's item stretches over at most
_MENU_SEPARATOR_RE = re.compile(rf"[{_SPACES}]{{0,{MENU_REACH}}}[{_MENU_ARROWS}][{_SPACES}]{{0,{MENU_REACH}}}"
                                rf"|(?<=\w)->(?=[A-Z])|(?<=[\w…)])[{_SPACES}](?:>|->|=>|»|›)[{_SPACES}](?=[A-Z])")
_WORD_BEFORE_RE = re.compile(rf"([^{_SPACES}]+)$")


def _separators(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """The menu separators in text[lo:hi]: an arrow, or an ASCII one between two capitalised items."""
    found = []
    for match in _MENU_SEPARATOR_RE.finditer(text, lo, hi):
        if not any(ch in _MENU_ARROWS for ch in match.group(0)):
            before = _WORD_BEFORE_RE.search(text, max(0, match.start() - 40), match.start())
            if before is None or not before.group(1).lstrip("(“\"'")[:1].isupper():
                continue
        found.append(match.span())
    return found


# What ends a menu item written last (or, backwards, one written first): a clause's punctuation, a quotation mark,
# a bracket that does not open a short label of the item ("Cartoon (legacy)…"), a line's end.
_ITEM_STOPS = ".,;:!?\n\"“”‘’«»[]{}<>="
_ITEM_WORD_RE = re.compile(rf"[^{_SPACES}]+")
_LABEL_RE = re.compile(rf"[{_SPACES}]?\([^()\n]{{1,20}}\)")
_ELLIPSES = ("…", "...")


def _named_word(word: str) -> bool:
    """A word a menu item is named with: capitalised, or not a word of letters ("90°", "&", "2D")."""
    return word[:1].isupper() or not word[:1].isalpha()


def _last_item_end(text: str, start: int) -> int:
    """Where the item that starts at text[start] (after a path's last arrow) ends: over its capitalised words and
    the lowercase ones between two of them ("Text to Path", "Paste In Place", "Rotate 90 degrees CCW"), up to an
    ellipsis its lowercase words run to ("Open as layers…"), with a short label in brackets after it ("Emboss
    (legacy)"); never past a clause's punctuation ("Image → Image Properties to open the dialog": "Image
    Properties")."""
    limit = min(len(text), start + MENU_ITEM_REACH)
    words = []
    for match in _ITEM_WORD_RE.finditer(text, start, limit):
        word = match.group(0)
        cut = next((i for i, ch in enumerate(word) if ch in _ITEM_STOPS or ch in "()…"
                    or word.startswith("...", i)), len(word))
        if cut:
            words.append((match.start(), match.start() + cut, word[:cut]))
        if cut < len(word) or len(words) > 12:
            break
    if not words:
        return start
    end, lowercase = words[0][1], 0
    if not words[0][2][:1].isupper():
        return end                            # "⇒ 80 Creating ...": a value after an arrow, no item of a menu
    for _, word_end, word in words[1:]:
        if _named_word(word):
            end, lowercase = word_end, 0
        elif lowercase < 2:
            lowercase += 1
        else:
            break
    label = _LABEL_RE.match(text, words[-1][1])
    closing = label.end() if label else words[-1][1]
    if end < closing and text.startswith(_ELLIPSES, closing) and lowercase == len([w for w in words if w[1] > end]):
        return closing                        # "Open as layers…", "Fractal trace (legacy)…": the ellipsis closes it
    label = _LABEL_RE.match(text, end)
    return label.end() if label else end


def _first_item_start(text: str, end: int) -> int:
    """Where the item that ends at text[end] (before a path's first arrow) starts: its last word, and, when that
    word is capitalised, the capitalised words before it with at most two lowercase words between them ("Light and
    Shadow"), never back past a clause's punctuation or an opening bracket ("(Layer → Duplicate Layer)": "Layer")."""
    limit = max(0, end - MENU_ITEM_REACH)
    words = [m for m in _ITEM_WORD_RE.finditer(text, limit, end)][::-1]
    start, lowercase = end, 0
    for index, match in enumerate(words):
        word = match.group(0)
        cut = max((i + 1 for i, ch in enumerate(word) if ch in _ITEM_STOPS or ch in "()"), default=0)
        piece = word[cut:]
        if index == 0 and piece:
            start = match.start() + cut
            if not piece[:1].isupper():
                break                         # "cube && cube → boolean": an operand, no item of a menu
        elif piece and _named_word(piece):
            start, lowercase = match.start() + cut, 0
        elif piece and lowercase < 2:
            lowercase += 1
        else:
            break
        if cut:
            break
    return start


def menu_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The items of the menu paths written near text[start:end] (on its line, within MENU_ITEM_REACH), as spans, and
    the separators between them: "Image", "Transform", "Flip Horizontally" of "Image → Transform → Flip
    Horizontally."."""
    lo = max(0, start - 2 * MENU_ITEM_REACH)
    hi = min(len(text), end + 2 * MENU_ITEM_REACH)
    separators = _separators(text, lo, hi)
    items = []
    for i, (left, right) in enumerate(separators):
        items.append((left, right))
        before = separators[i - 1][1] if i and _one_item(text, separators[i - 1][1], left) else None
        items.append((before if before is not None else _first_item_start(text, left), left))
        after = separators[i + 1][0] if i + 1 < len(separators) and _one_item(text, right, separators[i + 1][0]) \
            else None
        items.append((right, after if after is not None else _last_item_end(text, right)))
    return items


def _one_item(text: str, left: int, right: int) -> bool:
    """text[left:right], between two separators, is one item of their path: short, opening with a letter, with no
    clause's punctuation, quotation mark or "=" ("x = 5 dec2bin (x)" between two of Octave's "⇒" is no item)."""
    between = text[left:right]
    return right - left <= MENU_ITEM_REACH and between[:1].isalpha() and not any(ch in _ITEM_STOPS for ch in between)


def in_menu_path(text: str, start: int, end: int) -> bool:
    """text[start:end] is an item of a menu path, or a part of one, or holds its separator ("Color Management" in
    "Image → Color Management → Enable Color Management", "Billing" in "Settings > Billing", "to Path" of "Layer →
    Text to Path", "Noise" of "Filters → Noise → HSV Noise…", "File → Open"): a place in the application's
    interface, spelled as the reader clicks it, not a mention in running text (a GUI manual's held-out read: 182 of
    1,252 high and medium rows stood in menu paths, where its editors linked 3 of 1,085 links; an item's last
    words, cut out of it, were a sixth of what remained)."""
    window = text[max(0, start - 2 * MENU_ITEM_REACH):end + 2 * MENU_ITEM_REACH]
    if ">" not in window and "»" not in window and "›" not in window and not any(a in window for a in _MENU_ARROWS):
        return False
    return any(left < end and start < right for left, right in menu_items(text, start, end))


# A key combination: "Shift+F10", "Ctrl+C", "Ctrl + Shift + Z" (spaced, beside a modifier key).
_MODIFIERS = frozenset("ctrl control shift alt option opt cmd command meta super win windows fn altgr".split())
_KEY_BEFORE_RE = re.compile(r"(\w+) ?\+ ?$")
_KEY_AFTER_RE = re.compile(r" ?\+ ?(\w+)")


# An ASCII arrow or comparison with a space on either side ("stats.size > 1024", a prompt's "> events.x = 1").
_OPERATOR_BEFORE_RE = re.compile(r" (?:>|->|=>) $|(?<![^\n])> $")   # a prompt opens a line (^ held at the text's start only)
_OPERATOR_AFTER_RE = re.compile(r" (?:>|->|=>) ")
_CODE_NAME_RE = re.compile(r"\w[._]\w|\(\)$")


def operand_of_operator(text: str, start: int, end: int) -> bool:
    """text[start:end], a code-shaped name (dotted, underscored, a call), stands right beside an ASCII ">", "->" or
    "=>" written with spaces: an operand of a comparison, an arrow of a signature, or a line after an interactive
    prompt ("return stats.size > 1024", "$ node > events.defaultMaxListeners = 1"), code, not a mention. Only a
    code-shaped name: "a border size > 0" is prose."""
    if not _CODE_NAME_RE.search(text, start, end):
        return False
    return bool(_OPERATOR_BEFORE_RE.search(text, max(0, start - 4), start) or _OPERATOR_AFTER_RE.match(text, end))


def in_key_combination(text: str, start: int, end: int) -> bool:
    """text[start:end] is a key of a key combination ("F10" in "Shift+F10", "C" in "Ctrl + C"): the keys are
    pressed together, and one of them alone names no page (a shortcut table's "F10")."""
    if text.find("+", max(0, start - 12), end + 12) < 0:
        return False
    if (start > 1 and text[start - 1] == "+" and text[start - 2].isalnum()) or \
            (end + 1 < len(text) and text[end] == "+" and text[end + 1].isalnum()):
        return True
    left = _KEY_BEFORE_RE.search(text, max(0, start - 12), start)
    right = _KEY_AFTER_RE.match(text, end, end + 12)
    return any(match and match.group(1).lower() in _MODIFIERS for match in (left, right)) \
        or text[start:end].lower() in _MODIFIERS and bool(left or right)


def is_code_span(text: str, start: int, end: int) -> bool:
    """An identifier, call, path, option or placeholder, judged with the characters glued to the span
    ("foo" in "foo()" or "--foo", "name" in "<name>")."""
    left = start
    while left > 0 and text[left - 1] in "-_<{/\\:.":
        left -= 1
    right = end
    while right < len(text) and text[right] in "()_>}/\\:":
        right += 1
    return bool(_CODE_SPAN_RE.match(text[left:right]))


# A manual page's section after its name: "(1)", "(8)", "(3p)", standing alone ("cargo-fetch(1) command").
_MAN_SECTION_RE = re.compile(r"\(\d[a-z]{0,3}\)(?![\w(])")


def man_section_closing(text: str, start: int, end: int) -> int | None:
    """Where the manual section that closes text[start:end] starts, after a name ("cargo(1)", "cargo-build(1)": a
    "See also" item, an anchor grown by man_section_after), or None."""
    match = _MAN_SECTION_END_RE.search(text, start, end)
    return match.start() if match is not None and match.start() > start else None


_MAN_SECTION_END_RE = re.compile(r"\(\d[a-z]{0,3}\)$")


def man_section_after(text: str, start: int, end: int) -> int | None:
    """Where the manual section written right after a hyphenated name ends ("cargo-fetch(1)", "git-commit(1)": a
    tool's pages cite each other as man pages), or None. Only a hyphenated name: no programming language calls
    "x-y(1)", so the brackets are a section, where "sleep(1)" may well be a call."""
    if "-" not in text[start:end] or not (text[end - 1:end].isalnum()):
        return None
    match = _MAN_SECTION_RE.match(text, end)
    return match.end() if match else None
