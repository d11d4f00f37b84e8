"""Which text encoding a table file is in, and decoding that keeps each undecodable byte findable.

Kept apart from tables.py because guessing an encoding is its own problem: byte-order marks, UTF-16
without one, UTF-8 with a few damaged bytes, and legacy code pages (Windows-1250/1251/1252, ISO-8859-x,
Shift_JIS...) that only a statistical detector (charset-normalizer) can tell apart. The reader asks
`detect_encoding(data)` once and decodes with `DECODE_ERRORS`, so a byte the encoding cannot read becomes a
marker character in its cell; `bad_cells` then finds those cells (and cells holding NUL bytes) so the row is
dropped and reported with its column, instead of the whole file being refused or silently garbled.
"""
from __future__ import annotations

import codecs
import io
import re
from collections import Counter
from typing import NamedTuple

import numpy as np
import pandas as pd

#: The reader's `errors=` for decoding (also valid as pandas' encoding_errors): byte b becomes chr(MARK_BASE + b).
DECODE_ERRORS = "inlink-mark-bad-bytes"
MARK_BASE = 0xF0000                      # Supplementary Private Use Area-A: never in an export by accident
_MARK = re.compile("[\U000F0000-\U000F00FF]")
_MARK_RUN = re.compile("[\U000F0000-\U000F00FF]+")
# A non-ASCII character that is neither a letter, digit nor apostrophe, between two letters.
_ODD_IN_WORD = re.compile(r"(?<=[^\W\d_])(?![^\W\d_])[^\x00-\x7f’‘ʼ‐\u0300-\u036f](?=[^\W\d_])")
# A letter of a script other than Latin right before a lowercase ASCII letter ("낢ka", "Mьller").
_MIXED_SCRIPT = re.compile(r"[^\W\d_\x00-\u024f\u1e00-\u1eff](?=[a-z])")
_LATIN_ACCENTED = re.compile("[\u00c0-\u024f]")
# The accented letters of the languages written in the Latin script (lower case), one alphabet each.
_ALPHABETS = tuple(frozenset(letters) for letters in (
    "äöüß", "àâæçéèêëîïôœùûüÿ", "áéíñóúü", "áâãàçéêíóôõú", "àèéìíîòóùú", "àçèéíïòóúü", "áéíóúàèëïöü",
    "åäöéü", "æøåéóü", "áéíóúýðþæö",                      # German .. Dutch; Swedish/Finnish, Danish/Norwegian, Icelandic
    "ąćęłńóśźż", "áčďéěíňóřšťúůýž", "áäčďéíĺľňóôŕšťúýž", "áéíóöőúüű", "čćđšž", "ăâîșțşţ",   # Central Europe
    "çğıöşüâîû", "ąčęėįšųūž", "āčēģīķļņšūž", "äõöüšž", "çë",   # Turkish, Baltic, Albanian
    "àáâãèéêìíòóôõùúýăđĩũơư",                              # Vietnamese
))
_NON_ASCII = re.compile(rb"[\x80-\xff]+")
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")   # in text only by damage: not tab, CR, LF, FF
_BAD_CELL = re.compile("[\x00\U000F0000-\U000F00FF]")
_SAMPLE_BYTES = 256 * 1024               # what charset-normalizer reads: enough letters, fast on any file size
_WINDOW = 1024                           # bytes either side of a non-ASCII run found past the head sample
_CHUNK = 1 << 18                         # UTF-8 validation goes chunk by chunk: no full-size copy of the file
_NEAR_CHAOS = 0.06                       # candidates this close to the least "chaotic" one are compared further

# Encodings that table exports really come in, most common first: on a near tie the earlier one wins
# (a German file decodes the same in Windows-1250 and -1252; the user should read "Western European").
COMMON = ("utf_8", "cp1252", "cp1250", "cp1251", "iso8859_2", "iso8859_15", "latin_1", "cp1253", "cp1254",
          "cp1257", "cp1255", "cp1256", "cp1258", "iso8859_5", "iso8859_7", "iso8859_9", "iso8859_13",
          "koi8_r", "koi8_u", "cp932", "shift_jis", "euc_jp", "gb18030", "gbk", "gb2312", "big5", "cp949",
          "euc_kr", "cp874", "tis_620", "mac_roman")
_SINGLE_BYTE = tuple(name for name in COMMON if name.startswith(("cp12", "iso8859", "latin", "koi8", "mac_"))
                     or name in ("cp874", "tis_620"))
LABELS = {
    "utf_8": "UTF-8", "utf_8_sig": "UTF-8", "utf_16": "UTF-16", "utf_16_le": "UTF-16 LE", "utf_16_be": "UTF-16 BE",
    "utf_32": "UTF-32", "cp1252": "Windows-1252 (Western European)", "cp1250": "Windows-1250 (Central European)",
    "cp1251": "Windows-1251 (Cyrillic)", "cp1253": "Windows-1253 (Greek)", "cp1254": "Windows-1254 (Turkish)",
    "cp1255": "Windows-1255 (Hebrew)", "cp1256": "Windows-1256 (Arabic)", "cp1257": "Windows-1257 (Baltic)",
    "cp1258": "Windows-1258 (Vietnamese)", "iso8859_2": "ISO-8859-2 (Latin-2, Central European)",
    "iso8859_15": "ISO-8859-15 (Latin-9)", "latin_1": "ISO-8859-1 (Latin-1)", "iso8859_5": "ISO-8859-5 (Cyrillic)",
    "iso8859_7": "ISO-8859-7 (Greek)", "iso8859_9": "ISO-8859-9 (Turkish)", "koi8_r": "KOI8-R (Russian)",
    "koi8_u": "KOI8-U (Ukrainian)", "cp932": "Shift_JIS (Japanese)", "shift_jis": "Shift_JIS (Japanese)",
    "euc_jp": "EUC-JP (Japanese)", "gb18030": "GB18030 (Chinese)", "gbk": "GBK (Chinese)", "big5": "Big5 (Chinese)",
    "cp949": "CP949 (Korean)", "euc_kr": "EUC-KR (Korean)", "mac_roman": "Mac Roman",
}


class Detected(NamedTuple):
    """A Python codec name and how it was found (shown in the import report, so a wrong guess is visible);
    `fallback`: for a file of two encodings, the code page its lines that are not UTF-8 are read in (decode)."""
    encoding: str
    source: str
    fallback: str | None = None
    skip: int = 0   # bytes before the text: a UTF-16 byte-order mark with no UTF-16 after it (a converter's leftover)

    @property
    def label(self) -> str:
        return label(self.encoding) + (f" and {label(self.fallback)}" if self.fallback else "")

    @property
    def is_utf8(self) -> bool:
        return codecs.lookup(self.encoding).name in ("utf-8", "utf-8-sig")


def label(encoding: str) -> str:
    """A name a user recognises ("Windows-1251 (Cyrillic)") for a codec name ("cp1251", "windows-1251")."""
    name = codecs.lookup(encoding).name.replace("-", "_")
    name = {"iso8859_1": "latin_1", "iso_8859_1": "latin_1"}.get(name, name)
    return LABELS.get(name, encoding.upper())


def _mark_bad_bytes(error: UnicodeDecodeError) -> tuple[str, int]:
    bad = error.object[error.start:error.end]
    return "".join(chr(MARK_BASE + byte) for byte in bad), error.end


codecs.register_error(DECODE_ERRORS, _mark_bad_bytes)


# --- detection ------------------------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF32_LE, "utf_32"), (codecs.BOM_UTF32_BE, "utf_32"), (codecs.BOM_UTF8, "utf_8_sig"),
         (codecs.BOM_UTF16_LE, "utf_16"), (codecs.BOM_UTF16_BE, "utf_16"))


def detect_encoding(data: bytes) -> Detected:
    """The encoding of a table file: a byte-order mark, else UTF-16 by its zero bytes, else UTF-8 when it
    decodes (a few damaged bytes among many good UTF-8 letters still count), else charset-normalizer's guess.

    UTF-16 takes evidence, a byte-order mark or not: the zero bytes of its ASCII on one side of the byte pairs
    (_utf16_evidence). Two bytes that read as a UTF-16 mark ("ÿþ" in Windows-1252) before UTF-8 or code-page text
    were taken for one: the whole file decoded as UTF-16, every row garbled. Such a mark is left out (skip)."""
    for bom, encoding in _BOMS:   # UTF-32 LE first: its mark starts like UTF-16 LE's
        if data.startswith(bom) and encoding == "utf_8_sig":
            return _utf8_marked(data)
        if data.startswith(bom):
            if encoding != "utf_16" or _utf16_evidence(data[len(bom):len(bom) + _HEAD], _BOM_ORDER[bom], True):
                return Detected(encoding, "byte-order mark")
            found = _detect_unmarked(data[len(bom):])
            return found._replace(skip=len(bom), source=f"{found.source}; two bytes that read as a UTF-16 byte-order "
                                                         "mark, with no UTF-16 text after them, were left out")
    return _detect_unmarked(data)


def _utf8_marked(data: bytes) -> Detected:
    """A file that opens with a UTF-8 byte-order mark: UTF-8 when its text is (a few damaged bytes among many good
    UTF-8 letters still count), else the encoding its text is in, the mark left out (skip) and said.

    Why: the mark is evidence, not proof (a converter or an editor may put one before Windows-1252 text); trusted,
    every row with an accented letter was dropped as "byte 0xe9 cannot be read as UTF-8 text" and the report said
    nothing of the encoding."""
    body = memoryview(data)[len(codecs.BOM_UTF8):]
    bad, multibyte = _utf8_errors(body)
    if not bad:
        return Detected("utf_8_sig", "byte-order mark")
    if multibyte >= 4 * bad:
        return Detected("utf_8_sig", f"byte-order mark; {_damaged(bad)}")
    sample = _sample(data)[len(codecs.BOM_UTF8):]   # the sample starts at the file's head, with the mark
    found = _mixed(sample) or _guess_legacy(sample)
    return found._replace(skip=len(codecs.BOM_UTF8), source=f"{found.source}; it opens with a UTF-8 byte-order "
                                                            "mark, but its text is not UTF-8: the mark was left out")


def _damaged(bad: int) -> str:
    """How many bytes of a UTF-8 file are damaged, in words (counting stops at _MAX_UTF8_ERRORS)."""
    return f"UTF-8 with {bad}{'+' if bad >= _MAX_UTF8_ERRORS else ''} damaged byte{'' if bad == 1 else 's'}"


def _detect_unmarked(data: bytes) -> Detected:
    """detect_encoding of a file without a byte-order mark."""
    utf16 = _utf16_without_bom(data)
    if utf16:
        return Detected(utf16, "no byte-order mark; told by the zero byte in every other byte")
    bad, multibyte = _utf8_errors(data)
    if not bad:
        return Detected("utf_8", "valid UTF-8")
    if multibyte >= 4 * bad:
        return Detected("utf_8", _damaged(bad))
    sample = _sample(data)   # read once: a file of two encodings is told from it, and a legacy one guessed
    return _mixed(sample) or _guess_legacy(sample)


_MIXED_MIN_SHARE = 0.1   # the least share of UTF-8 lines among the sample's non-ASCII lines for a file of two encodings
_MIXED_MIN_LINES = 2


def _mixed(sample: bytes) -> Detected | None:
    """A file of UTF-8 lines and lines in one legacy code page (two exports pasted together): UTF-8 for the lines
    that are, the code page the others are guessed in for them (decode). Read whole in the code page, its UTF-8
    lines turned to "cafÃ©"; read as UTF-8, half its rows were dropped. Told line by line on the sample: in a file
    of one code page, a line of non-ASCII letters that happens to be valid UTF-8 is rare (a capital and a "³"), so
    UTF-8 lines must be at least _MIXED_MIN_SHARE of the non-ASCII ones; the other lines' code page must be a
    single-byte one (a multi-byte one would cut across the UTF-8 lines' letters)."""
    utf8 = other = 0
    legacy = []
    for line in sample.splitlines():
        if line.isascii():
            continue
        try:
            line.decode("utf_8")
            utf8 += 1
        except UnicodeDecodeError:
            other += 1
            legacy.append(line)
    if utf8 < _MIXED_MIN_LINES or utf8 < _MIXED_MIN_SHARE * (utf8 + other) or not legacy:
        return None
    guessed = _guess_legacy(_sample(b"\n".join(legacy)))
    if guessed.encoding not in _SINGLE_BYTE:
        return None
    return Detected("utf_8", f"lines of both together, each read in its own; the {guessed.label} ones "
                             f"{guessed.source}", fallback=guessed.encoding)


_HEAD = 65536
_BOM_ORDER = {codecs.BOM_UTF16_LE: "utf_16_le", codecs.BOM_UTF16_BE: "utf_16_be"}


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 LE or BE when the file's head shows it (_utf16_evidence), else None."""
    head = data[:_HEAD]
    return next((encoding for encoding in ("utf_16_le", "utf_16_be") if _utf16_evidence(head, encoding)), None)


def _utf16_evidence(head: bytes, encoding: str, marked: bool = False) -> bool:
    """Whether ``head`` reads as UTF-16 in this byte order: its zero bytes sit on the high side of the byte pairs
    (the high byte of the ASCII in any table: commas, digits, URLs, line breaks), at least 1 pair in 20, almost
    none on the other side, and it decodes to text with few control characters and, unless ``marked`` (a
    byte-order mark stands before it), a line break."""
    head = head[:len(head) - len(head) % 2]
    pairs = len(head) // 2
    even, odd = head[0::2].count(0), head[1::2].count(0)
    zeros, others = (odd, even) if encoding == "utf_16_le" else (even, odd)
    if pairs < 2 or zeros < 0.05 * pairs or others * 20 > zeros:
        return False
    text = head.decode(encoding, errors="replace")
    return (marked or "\n" in text or "\r" in text) and _CONTROL.subn("", text)[1] <= 2 + pairs // 200


_MAX_UTF8_ERRORS = 100


def _utf8_errors(data: bytes) -> tuple[int, int]:
    """(undecodable bytes, bytes spent on valid multi-byte letters) when read as UTF-8, chunk by chunk (no
    full-size copy; 256 KiB chunks stay in cache and beat one whole decode); a strict pass first, the slower
    counting pass only for a file that has bad bytes, stopping at _MAX_UTF8_ERRORS."""
    try:
        return 0, _utf8_pass(data, "strict")[1]
    except UnicodeDecodeError:
        return _utf8_pass(data, DECODE_ERRORS)


def _utf8_pass(data: bytes, errors: str) -> tuple[int, int]:
    """Chunks grow from 4 KiB, so a file that is not UTF-8 at all stops at the cap after a few KiB."""
    decoder = codecs.getincrementaldecoder("utf_8")(errors)
    view = memoryview(data)
    bad = multibyte = start = 0
    size = 4096
    while start < len(data):
        chunk = view[start:start + size]
        start, size = start + size, min(2 * size, _CHUNK)
        text = decoder.decode(chunk, final=start >= len(data))
        multibyte += len(chunk) - len(text)   # a marked byte is one character: only letters count here
        if errors != "strict" and _MARK.search(text):
            bad += len(_MARK.findall(text))
            if bad >= _MAX_UTF8_ERRORS:
                break
    return bad, multibyte


def _guess_legacy(sample: bytes) -> Detected:
    """charset-normalizer's best guess among the encodings exports really use, tie-broken by plausibility, from
    the file's `sample` (_sample)."""
    # imported on demand: most files are UTF-8
    from charset_normalizer import from_bytes

    matches = list(from_bytes(sample))
    if matches and matches[0].encoding not in _SINGLE_BYTE and _oddities(sample, _preferred_name(matches[0])):
        # charset-normalizer skips the single-byte code pages once a CJK one decodes the sample (Latin-2 text
        # with a few accents was read as Korean): weigh them against it here
        matches += list(from_bytes(sample, cp_isolation=list(_SINGLE_BYTE)))
    # UTF-16 and UTF-32 only with evidence (_utf16_evidence, a byte-order mark), asked before: a few stray bytes
    # before a header ("K\xd5...url,title") were guessed as UTF-16 LE, no zero byte in them
    matches = [match for match in matches if not match.encoding.startswith(("utf_16", "utf_32"))]
    if not matches:
        return Detected("cp1252", "fallback (no encoding fits every byte; the rows that do not fit are dropped)")
    candidates = [(match, _preferred_name(match)) for match in matches]
    common = [(match, name) for match, name in candidates if name in COMMON] or candidates
    least = min(match.chaos for match, _ in common)
    near = [(match, name) for match, name in common if match.chaos <= least + _NEAR_CHAOS]
    match, name = min(near, key=lambda item: (_oddities(sample, item[1]), item[0].chaos > least + 0.01,
                                              -round(item[0].coherence, 2), _rank(item[1])))
    language = f", language {match.language}" if match.language and match.language != "Unknown" else ""
    return Detected(name, f"guessed by charset-normalizer{language}")


def _preferred_name(match) -> str:
    """The most common of the encodings that decode the sample to the same text (e.g. cp1252 over cp1250)."""
    names = [match.encoding, *getattr(match, "could_be_from_charset", [])]
    return min(names, key=_rank)


def _rank(name: str) -> int:
    return COMMON.index(name) if name in COMMON else len(COMMON)


def _oddities(sample: bytes, encoding: str) -> int:
    """What a wrong code page leaves behind and a right one almost never does: symbols inside words
    ("ľlu»oučký", "gę±lą"; apostrophes and hyphens excepted), a letter of another script followed by Latin
    ones ("낢ka", "Mьller"), and accented letters no one language has together ("Èerstvì" for "Čerstvě":
    Windows-1252 read of Windows-1250 Czech, whose letters are all letters)."""
    text = sample.decode(encoding, errors="replace")
    return len(_ODD_IN_WORD.findall(text)) + len(_MIXED_SCRIPT.findall(text)) + _stray_letters(text)


def _stray_letters(text: str) -> int:
    """How many of the text's accented Latin letters the language that has most of them lacks."""
    counts = Counter(letter for letter in _LATIN_ACCENTED.findall(text.lower()) if letter.isalpha())
    if not counts:
        return 0
    return min(sum(count for letter, count in counts.items() if letter not in alphabet) for alphabet in _ALPHABETS)


def _sample(data: bytes) -> bytes:
    """The head of the file cut at a space or line break, plus windows around non-ASCII bytes found past
    it (a file whose only accented letters sit near its end still gets them detected)."""
    head = _cut(data, 0, _SAMPLE_BYTES)
    windows = [head]
    size = len(head)
    for found in _NON_ASCII.finditer(data, len(head)):
        if size >= 2 * _SAMPLE_BYTES:
            break
        start = found.start()
        window = _cut(data, max(start - _WINDOW, len(head)), start + _WINDOW + found.end() - found.start())
        windows.append(window)
        size += len(window)
    return b"\n".join(windows)


def _cut(data: bytes, start: int, end: int) -> bytes:
    """data[start:end] trimmed to whole words: spaces and line breaks never sit inside a multi-byte letter."""
    if end >= len(data) and start == 0:
        return data
    piece = data[start:end]
    first = 0 if start == 0 else max(piece.find(b" "), piece.find(b"\n")) + 1
    last = max(piece.rfind(b" "), piece.rfind(b"\n")) if end < len(data) else len(piece)
    return piece[first:last] if last > first else b""


# --- decoding and bad cells -----------------------------------------------------------------------------

def decode(data: bytes, encoding: str, fallback: str | None = None) -> tuple[str, bool]:
    """(text, whether some bytes could not be decoded and were marked for `bad_cells`); with a `fallback` code
    page (a file of two encodings: Detected.fallback), each line that is not `encoding` is read in it."""
    try:
        return data.decode(encoding), False
    except UnicodeDecodeError:
        if fallback:
            return _decode_lines(data, encoding, fallback)
        return data.decode(encoding, errors=DECODE_ERRORS), True


def _decode_lines(data: bytes, encoding: str, fallback: str) -> tuple[str, bool]:
    """Each line in `encoding` when it is, else in `fallback` (bytes it cannot read marked, as decode does)."""
    parts, marked = [], False
    for line in io.BytesIO(data):   # line by line: no list of every line beside the text
        try:
            parts.append(line.decode(encoding))
        except UnicodeDecodeError:
            text = line.decode(fallback, errors=DECODE_ERRORS)
            marked = marked or _MARK.search(text) is not None
            parts.append(text)
    return "".join(parts), marked


_RECODE_CHUNK = 1 << 20


def to_utf8(data: bytes, found: Detected) -> tuple[bytes, bool]:
    """The file's text as UTF-8 bytes, and whether some bytes could not be decoded and were marked (as `decode`
    says it), made a chunk (a line, for a file of two encodings) at a time.

    Why: the text path held the bytes, the decoded str (4 bytes a character once one marked byte or letter past
    U+FFFF is in it), a StringIO copy and the parser's buffers at once, about 12x the file (a 62 MB Windows-1252
    crawl: 750 MB). Recoded, the file's text is ordinary UTF-8 that the low-memory reader takes; the file's own
    bytes and this copy are the most held at once."""
    if found.skip:
        data = memoryview(data)[found.skip:]
    if found.fallback:
        return _lines_to_utf8(data, found.encoding, found.fallback)
    try:
        return _chunks_to_utf8(data, found.encoding, "strict"), False
    except UnicodeDecodeError:
        return _chunks_to_utf8(data, found.encoding, DECODE_ERRORS), True


def _chunks_to_utf8(data: bytes | memoryview, encoding: str, errors: str) -> bytes:
    decoder, out, view = codecs.getincrementaldecoder(encoding)(errors), io.BytesIO(), memoryview(data)
    for start in range(0, len(view), _RECODE_CHUNK):
        end = start + _RECODE_CHUNK
        out.write(decoder.decode(view[start:end], final=end >= len(view)).encode("utf_8"))
    out.write(decoder.decode(b"", final=True).encode("utf_8"))
    return out.getvalue()


def _lines_to_utf8(data: bytes | memoryview, encoding: str, fallback: str) -> tuple[bytes, bool]:
    """_decode_lines' reading, written out as UTF-8 a line at a time."""
    out, marked = io.BytesIO(), False
    for line in io.BytesIO(data):
        try:
            text = line.decode(encoding)
        except UnicodeDecodeError:
            text = line.decode(fallback, errors=DECODE_ERRORS)
            marked = marked or _MARK.search(text) is not None
        out.write(text.encode("utf_8"))
    return out.getvalue(), marked


def bad_cells(frame: pd.DataFrame, encoding_label: str) -> list[tuple[int, str, str]]:
    """(position, column, reason) of the first bad cell of each row that holds a NUL byte or a byte the
    encoding could not read; the caller drops those rows."""
    found: dict[int, tuple[str, str]] = {}
    for column in frame.columns:
        values = frame[column]
        hits = _bad_positions(values)
        for position in hits:
            if position not in found:
                found[int(position)] = (str(column), _why_bad(str(values.iloc[position]), encoding_label))
    return [(position, column, reason) for position, (column, reason) in sorted(found.items())]


def _bad_positions(values: pd.Series):
    """Positions of the cells holding a NUL byte or a marked byte: a Categorical column (the links importer's
    read) by its distinct values; columns of anything but text have none."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = values.cat.categories
        if not pd.api.types.is_string_dtype(categories.dtype):
            return []
        bad = np.asarray(categories.str.contains(_BAD_CELL, regex=True)).nonzero()[0]
        return np.isin(values.cat.codes.to_numpy(), bad).nonzero()[0] if len(bad) else []
    if not pd.api.types.is_string_dtype(values.dtype):
        return []
    return values.str.contains(_BAD_CELL, regex=True, na=False).to_numpy().nonzero()[0]


def _why_bad(cell: str, encoding_label: str) -> str:
    found = _BAD_CELL.search(cell)
    if found.group() == "\x00":
        return "holds a NUL byte, which text never has (binary data or a damaged export)"
    run = _MARK_RUN.match(cell, found.start()).group()
    shown = " ".join(f"0x{ord(char) - MARK_BASE:02x}" for char in run[:4]) + (" ..." if len(run) > 4 else "")
    return f"{'byte' if len(run) == 1 else 'bytes'} {shown} cannot be read as {encoding_label} text"
