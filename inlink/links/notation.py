"""Text that is notation, not a mention: a file path or URL, a host name, a template tag, a one-word string
literal, an item of a menu path, a key of a key combination, a code-like span.

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


def in_path(text: str, start: int, end: int) -> bool:
    """Part of a file path or URL ("tkinter" in "Lib/tkinter/dnd.py", "tty" in "/dev/tty", a host in
    "//www.python.org/downloads/", "project_name" in "<project_name>/asgi.py"): never an anchor, whatever it
    names. A slash between two words ("RSS/Atom", "I/O") is no path."""
    left, right = _glued(text, start, end, _PATH_CHARS)
    glued = text[left:right].rstrip(".").strip("<>{}")
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


# A menu path's separators: "Image → Scale Image", "Settings > Billing > Invoices", "File ▸ Export". The ASCII ">" and
# the guillemets only with a space on either side: "»" and "›" also quote ("»Text«"), and "a>b" is code.
_MENU_ARROWS = "→⇒⟶▸▶►➔➜"
MENU_REACH = 3   # spaces between a menu item and its arrow
_MENU_BEFORE_RE = re.compile(rf"(?:[{_MENU_ARROWS}] {{0,{MENU_REACH}}}| (?:>|->|»|›|=>) )$")
_MENU_AFTER_RE = re.compile(rf"(?: {{0,{MENU_REACH}}}[{_MENU_ARROWS}]| (?:>|->|»|›|=>) )")
# A key combination: "Shift+F10", "Ctrl+C", "Ctrl + Shift + Z" (spaced, beside a modifier key).
_MODIFIERS = frozenset("ctrl control shift alt option opt cmd command meta super win windows fn altgr".split())
_KEY_BEFORE_RE = re.compile(r"(\w+) ?\+ ?$")
_KEY_AFTER_RE = re.compile(r" ?\+ ?(\w+)")


def in_menu_path(text: str, start: int, end: int) -> bool:
    """text[start:end] is an item of a menu path ("Color Management" in "Image → Color Management → Enable Color
    Management", "Billing" in "Settings > Billing"): a place in the application's interface, spelled as the
    reader clicks it, not a mention in running text (a GUI manual's held-out read: 182 of 1,252 high and medium
    rows stood in menu paths, where its editors linked 3 of 1,085 links)."""
    return bool(_MENU_BEFORE_RE.search(text, max(0, start - MENU_REACH - 3), start)
                or _MENU_AFTER_RE.match(text, end, end + MENU_REACH + 3))


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
