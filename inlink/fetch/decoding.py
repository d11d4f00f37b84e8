"""How a fetched page's bytes become text, as a browser reads them: a byte-order mark first, then the charset the
HTTP header or the page's <meta> declares, else UTF-8 when the bytes read as UTF-8, else the encoding
charset-normalizer detects, a tie broken by the page's <html lang> (Firefox's per-locale fallbacks) before the web's
default, windows-1252; and whether a body is a page at all (looks_binary: a file's magic number, NUL bytes without
a UTF-16 mark)."""
from __future__ import annotations


import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_BINARY_MAGIC = (b"\x89PNG", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"GIF8", b"\xff\xd8\xff", b"\x7fELF",
                 b"RIFF", b"OggS", b"ID3", b"\x00\x00\x01\x00")


def looks_binary(body: bytes) -> bool:
    """An image, archive or other binary file served as HTML: a known magic number, or a NUL byte near the start,
    unless a byte-order mark says the page is UTF-16 (whose ASCII characters hold NUL bytes: such a page was
    refused as binary before decode_html could read its mark)."""
    head = body[:1024]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return head.startswith(_BINARY_MAGIC) or b"\x00" in head


def decode_html(body: bytes, content_type: str = "") -> tuple[str, str]:
    """(text, encoding) in the order browsers choose (WHATWG encoding sniffing), so that we read what a visitor
    reads: a byte-order mark, then the Content-Type charset, then a <meta> charset (_meta_encoding), then
    detection. A UTF-8 BOM under a header naming Latin-1 came out as "ï»¿Cafã©", and a page whose meta says UTF-16
    as Chinese-looking garbage."""
    marked = _bom_encoding(body)
    if marked is not None:
        encoding, length = marked
        return body[length:].decode(encoding, errors="replace"), encoding
    for candidate in (_header_charset(content_type), _meta_encoding(body)):
        if candidate:
            try:
                return _declared(body, candidate)
            except (LookupError, UnicodeError):   # an unknown name, bytes it refuses, "charset=undefined"
                continue
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    mostly = body.decode("utf-8", errors="replace")
    if _reads_as_utf_8(mostly):
        return mostly, "utf-8"
    from charset_normalizer import from_bytes  # only for the rare page that declares nothing usable

    matches = from_bytes(body)
    best = matches.best()
    if best is not None:
        return _on_a_tie(body, best, list(matches), _page_language(body))
    return body.decode("utf-8", errors="replace"), "utf-8"


def _reads_as_utf_8(text: str) -> bool:
    """Whether a body decoded as UTF-8 with its faults replaced is UTF-8 with a stray byte or two (more well-formed
    multi-byte characters than faults), not text in another encoding (whose accented letters are nearly all faults).
    One stray byte (a "\xa9" pasted from a Latin-1 file) sent a UTF-8 page, declared so, to the detection, which read
    the whole page as hp_roman8: "cafûˋ est trû´s chaud"."""
    faults = text.count("\ufffd")
    return 0 < faults < sum(1 for char in text if char > "\x7f") - faults


#: What browsers decode an undeclared page as (WHATWG's default for most locales).
WEB_DEFAULT = "cp1252"
#: Python's names (codecs.lookup) for the labels WHATWG reads as windows-1252: "iso-8859-1", "latin1", "ascii"...
_READ_AS_WINDOWS_1252 = frozenset({"iso8859-1", "ascii"})


def _declared(body: bytes, label: str) -> tuple[str, str]:
    """The page decoded as its declared label reads in a browser: a Latin-1 or ASCII label means windows-1252
    (WHATWG), so the curly quotes and dashes a Windows editor saved under it (bytes 0x80-0x9F) came out as control
    characters ("\x93quoted\x94"). The five bytes windows-1252 leaves undefined are read as Latin-1 reads them,
    as browsers do. LookupError for an unknown label, UnicodeDecodeError for bytes the encoding refuses."""
    if codecs.lookup(label).name in _READ_AS_WINDOWS_1252:
        return body.decode(WEB_DEFAULT, _AS_LATIN_1), WEB_DEFAULT
    return body.decode(label), label.lower()


def _undefined_as_latin_1(error: UnicodeDecodeError) -> tuple[str, int]:
    """A byte windows-1252 leaves undefined read as Latin-1 reads it (a C1 control), the rest of the page as
    windows-1252: one such byte made the whole page Latin-1, its curly quotes control characters."""
    return error.object[error.start:error.end].decode("latin-1"), error.end


_AS_LATIN_1 = "inlink-undefined-as-latin-1"
codecs.register_error(_AS_LATIN_1, _undefined_as_latin_1)
_TIE = 0.01
#: How much more "chaos" (charset_normalizer's mess ratio) windows-1252 may show and still read a page as well as the
#: detection's guess: ordinary French, Portuguese and Italian pages scored 0.016-0.03 more in windows-1252 than in
#: windows-1257, cp775 or windows-1250 (as coherent), so they came out "qualitķ Ó nos clients", "trčs", "déją".
#: Pages of a language windows-1252 does not write (Czech, Polish, Slovak, Russian) are told apart by coherence.
_CHAOS_TIE = 0.05


def _on_a_tie(body: bytes, best, matches: list, language: str) -> tuple[str, str]:
    """(text, encoding): the detection's best guess, unless it ranks as well (hardly more chaos, as coherent) the
    encoding a browser would default to: the legacy one of the language the page's <html lang> names, else
    windows-1252, the web's default. A short French page came out as windows-1250, "Café crčme", since both decode it
    without a fault; Lithuanian, Hungarian and Turkish pages tied with windows-1252 the same way and came out as it,
    "Mûsø ámonë", "hétfõtõl", "Þirketimiz". A page in a language windows-1252 does not write is never given it."""
    tied = [match for match in matches
            if match.chaos <= best.chaos + _CHAOS_TIE and match.coherence >= best.coherence - _TIE]
    wanted = _LANGUAGE_ENCODINGS.get(language, WEB_DEFAULT)
    text = _decoded_as(body, wanted)
    if text is not None and any(match.encoding == wanted or str(match) == text for match in tied):
        return text, wanted
    return str(best), best.encoding


def _decoded_as(body: bytes, encoding: str) -> str | None:
    """The page decoded as `encoding`, None when it holds bytes that encoding refuses or reads as C1 control
    characters (no text holds them: a Slovenian windows-1250 page read as ISO-8859-2 has its "š" there). The
    detection keeps one match for the encodings that give the same text (ISO-8859-2 under windows-1250, for a
    Hungarian page), so an encoding is known to read as well as the best when its text is a tied match's."""
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError:
        return None
    return None if _C1_CONTROL.search(text) else text


_C1_CONTROL = re.compile("[\x80-\x9f]")


#: the legacy encoding of a page in a language (its primary subtag), as a browser of that locale defaults to it
#: (Firefox's fallback table): the tie-break of a page that declares no charset but says its language
_LANGUAGE_ENCODINGS = {
    **dict.fromkeys(("ar", "fa", "ur"), "cp1256"),
    **dict.fromkeys(("be", "bg", "kk", "ky", "mk", "ru", "sr", "tg", "tt", "uk"), "cp1251"),
    **dict.fromkeys(("cs", "hr", "sk"), "cp1250"), **dict.fromkeys(("hu", "pl", "sl"), "iso8859_2"),
    **dict.fromkeys(("et", "lt", "lv"), "cp1257"), **dict.fromkeys(("tr", "ku"), "cp1254"),
    "el": "iso8859_7", "he": "cp1255", "th": "cp874", "vi": "cp1258", "ja": "shift_jis", "ko": "euc_kr",
    "zh": "gb18030", "zh-hant": "big5",
}
_HTML_LANG = re.compile(rb"""<html\b[^>]*?[\s:]lang\s*=\s*["']?\s*([A-Za-z]{2,3})([-_][A-Za-z0-9-]+)?""",
                        re.IGNORECASE)


def _page_language(body: bytes) -> str:
    """The primary language subtag of the page's <html lang> (xml:lang too), lower-cased; "zh-hant" for traditional
    Chinese (zh-TW, zh-HK, zh-Hant); "" when it says none."""
    found = _HTML_LANG.search(body[:4096])
    if found is None:
        return ""
    language, rest = found.group(1).decode("ascii").lower(), (found.group(2) or b"").decode("ascii").lower()
    traditional = language == "zh" and any(tag in rest for tag in ("-tw", "-hk", "-mo", "-hant", "_tw", "_hk"))
    return "zh-hant" if traditional else language


def _header_charset(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type or "", re.IGNORECASE)
    return match.group(1) if match else None


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii", errors="ignore") if match else None


_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))


def _bom_encoding(body: bytes) -> tuple[str, int] | None:
    """(encoding, BOM length) of a page opening with a byte-order mark: it outranks any declaration (WHATWG)."""
    return next(((encoding, len(bom)) for bom, encoding in _BOMS if body.startswith(bom)), None)


def _meta_encoding(body: bytes) -> str | None:
    """The <meta> charset as browsers take it (WHATWG "prescan"): a tag that could be read as ASCII is in an
    ASCII-compatible encoding, so one naming UTF-16 or UTF-32 means UTF-8, and one naming an encoding in which
    ASCII is not itself (UTF-7, EBCDIC) or no known encoding is ignored."""
    name = _meta_charset(body)
    try:
        codec = codecs.lookup(name).name if name else ""
    except LookupError:
        return None
    if not codec:
        return None
    if codec.startswith(("utf-16", "utf-32")):
        return "utf-8"
    try:
        compatible = _PRINTABLE_ASCII.decode(codec) == _PRINTABLE_ASCII.decode("ascii")
    except (LookupError, UnicodeError):   # "hex", "zlib" (no text encodings), "punycode", "undefined"
        compatible = False
    return name if compatible else None
