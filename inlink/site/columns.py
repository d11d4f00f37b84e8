"""Which column of an uploaded table holds which field: header synonyms, detection and the user's map.

Headers are compared by header_key(): case, spaces, underscores, hyphens and dots ignored, so "H1-1",
"h1_1" and "H1 1" are the same header; column order never matters.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Mapping

from inlink.site.errors import SiteDataError
from inlink.wording import clipped

PAGE_FIELDS = ("url", "title", "h1", "description", "content", "word_count",
               "status_code", "content_type", "indexability", "language")
TEXT_FIELDS = ("title", "h1", "description", "content")

# The same headers as a crawler set to German, French, Spanish, Italian, Dutch or Portuguese writes them (header_key()
# form: accents folded, "Indexabilité" -> "indexabilite"), after the English ones. An export in another language
# was refused: 'no URL column found; headers are: Adresse, Inhaltstyp, Statuscode, Indexierbarkeit, Titel 1, ...'.
LOCAL: dict[str, tuple[str, ...]] = {
    "url": ("adresse", "direccion", "indirizzo", "adres", "endereco"),
    "title": ("titel1", "titel", "titre1", "titre", "titulo1", "titulo", "titolo1", "titolo"),
    "description": ("metabeschreibung1", "metabeschreibung", "metadescripcion1", "metadescripcion",
                    "metadescrizione1", "metadescrizione", "metabeschrijving1", "metabeschrijving",
                    "metadescricao1", "metadescricao"),
    "content": ("inhalt", "contenu", "contenido", "contenuto", "inhoud", "conteudo", "texte", "texto", "testo"),
    "word_count": ("wortanzahl", "anzahlworter", "nombredemots", "recuentodepalabras", "numerodiparole",
                   "aantalwoorden", "contagemdepalavras"),
    "status_code": ("statuscode", "codedestatut", "codehttp", "codigodeestado", "codigodeestadohttp",
                    "codigoderespuesta", "codicedistato", "codicedirisposta", "codigodestatus"),
    "content_type": ("inhaltstyp", "typedecontenu", "tipodecontenido", "tipodicontenuto", "inhoudstype",
                     "tipodeconteudo"),
    "indexability": ("indexierbarkeit", "indexabilite", "indexabilidad", "indicizzabilita", "indexeerbaarheid",
                     "indexabilidade"),
    "source": ("quelle", "quellurl", "origen", "origine", "bron", "origem"),
    "destination": ("ziel", "zielurl", "destino", "destinazione", "bestemming"),
    "anchor": ("ankertext", "texteancre", "textedancrage", "textodeanclaje", "textodelancla", "testodiancoraggio",
               "ankertekst", "textoancora", "textodaancora"),
    "language": ("sprache", "langue", "idioma", "lingua", "taal"),
    "type": ("typ", "tipo"),
    "position": ("linkposition", "positiondulien", "posicion", "posiciondelenlace", "posizione", "posicao"),
}

# Header synonyms, already in header_key() form, best first. "indexability_status" is read on top of
# PAGE_FIELDS only to explain why a page is non-indexable (canonicalised, noindex...; without Screaming Frog's
# "Indexability Status", a crawler's "Meta Robots" column says "noindex"), and "redirect_url" (a 3xx
# row's target, Screaming Frog's "Redirect URL") only so that a link to a redirecting URL counts as a link to
# the page it redirects to.
PAGE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "url": ("address", "url", "pageurl", "page", "link", "loc", "uri", "permalink", "fullurl",
            "landingpage", "urls", "pages", *LOCAL["url"]),
    "title": ("title1", "title", "pagetitle", "metatitle", "titletag", "seotitle", *LOCAL["title"]),
    "h1": ("h11", "h1", "heading", "heading1", "h1heading", "mainheading", "headline", "header"),
    "description": ("metadescription1", "metadescription", "description", "metadesc", "summary", "excerpt",
                    *LOCAL["description"]),
    "content": ("content", "text", "body", "bodytext", "maincontent", "pagetext", "pagecontent",
                "contenttext", "copy", "fulltext", "article", "bodyhtml", "contenthtml", "innerhtml", "html",
                *LOCAL["content"]),
    "word_count": ("wordcount", "words", "wordcount1", *LOCAL["word_count"]),
    "status_code": ("statuscode", "httpstatuscode", "httpstatus", "responsecode", "status", *LOCAL["status_code"]),
    "content_type": ("contenttype", "mimetype", "mime", "type", *LOCAL["content_type"]),
    "indexability": ("indexability", "indexable", "isindexable", "isindexablepage", *LOCAL["indexability"]),
    "indexability_status": ("indexabilitystatus", "metarobots1", "metarobots", "robotsmeta", "metarobotstag",
                            "xrobotstag1", "xrobotstag"),
    # the page's declared language (Screaming Frog's "Language": its <html lang>); languages.py
    "language": ("language", "lang", "htmllang", "language1", "pagelanguage", "contentlanguage", "locale",
                 "inlanguage", *LOCAL["language"]),
    "redirect_url": ("redirecturl", "redirecturi", "redirecttarget", "redirectsto"),
    "canonical": ("canonicallinkelement1", "canonicalurl", "canonical", "canonicallink", "canonical1",
                  "canonicaltag"),
}
LINK_SYNONYMS: dict[str, tuple[str, ...]] = {
    "source": ("source", "sourceurl", "from", "fromurl", "sourcepage", "referrer", "referringpage",
               "linkingpage", "referringpageurl", "referringurl", "sourcepageurl", "urlfrom", *LOCAL["source"]),
    "destination": ("destination", "destinationurl", "dest", "to", "tourl", "targeturl", "linkurl", "href",
                    "link", "target", "targetpageurl", "destinationpageurl", "linkedurl", "urlto",
                    *LOCAL["destination"]),
    "anchor": ("anchor", "anchortext", "linktext", "text", *LOCAL["anchor"]),
    "type": ("type", "linktype", *LOCAL["type"]),
    "position": ("linkposition", "position", *LOCAL["position"]),
}
# Screaming Frog custom extraction columns: "<extractor name> <n>", e.g. "Body 1", "Content 2", "Extractor 1 1".
EXTRACTION_HEADER = re.compile(r"^(content|body|text|bodytext|maincontent|pagetext|copy|article|"
                               r"inhalt|contenu|contenido|contenuto|inhoud|conteudo|texte|texto|testo|"
                               r"extractor\d*|extraction\d*|customextraction\d*)(?:html|innerhtml)?\d+$")


HEADERS_SHOWN = 12     # a refusal lists this many of a file's headers
HEADER_CHARS = 40      # and this much of each: a file that is no table gives one "header" of its whole first line


def header_list(headers) -> str:
    """A file's headers as a refusal lists them: the first HEADERS_SHOWN, each cut to HEADER_CHARS, and how
    many more there are (a 5,000-character first line of a file that is no table came back whole)."""
    headers = [str(header) for header in headers]
    shown = [clipped(header, HEADER_CHARS) for header in headers[:HEADERS_SHOWN]]
    more = len(headers) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def header_key(header) -> str:
    """Header as compared: lower case without spaces, underscores, hyphens, dots, apostrophes or accents ("H1-1" ->
    "h11", "Código de estado" -> "codigodeestado", "Texte d'ancrage" -> "textedancrage")."""
    folded = unicodedata.normalize("NFKD", str(header))
    return re.sub(r"[\s_\-.'’]+", "", "".join(char for char in folded if not unicodedata.combining(char))).lower()


def detect(headers, synonyms: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """field -> first header whose key is the field's best-ranked synonym; a header serves one field only."""
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(header_key(header), str(header))
    found: dict[str, str] = {}
    for name, keys in synonyms.items():
        header = next((by_key[key] for key in keys if key in by_key and by_key[key] not in found.values()), None)
        if header is not None:
            found[name] = header
    return found


def detect_page_columns(headers) -> dict[str, str]:
    """Canonical page field -> header in the file, for the fields found (plus "indexability_status")."""
    found = detect(headers, PAGE_SYNONYMS)
    html_twin = next((str(h) for h in headers if "html" in header_key(h)
                      and re.sub(r"\d+$", "", header_key(h)) in PAGE_SYNONYMS["content"]), None)
    if "content" in found and html_twin and "html" not in header_key(found["content"]):
        found["content"] = html_twin    # plain text and its HTML (a fetched site): the HTML gives the same text + blocks
    if "content" not in found:
        extraction = extraction_headers(headers, found)
        if extraction:
            found["content"] = extraction[0]
    return found


def holds_pages(headers) -> bool:
    """Whether a table's headers name its pages' URLs: the worksheet a pages workbook is read from by default."""
    return "url" in detect_page_columns(headers)


def holds_links(headers) -> bool:
    """Whether a table's headers name a link's source and destination: a links workbook's default worksheet."""
    return {"source", "destination"} <= set(detect(headers, LINK_SYNONYMS))


def unrecognised_headers(headers, found: Mapping[str, str] | None = None) -> list[str]:
    """The headers the detection (`found`, when the caller has it) reads as no page field: where a text, title or
    H1 column under a name of its own may stand (the Upload page offers them to pick from)."""
    taken = set((detect_page_columns(headers) if found is None else found).values())
    return [str(h) for h in headers if str(h) not in taken]


def extraction_headers(headers, taken: Mapping[str, str]) -> list[str]:
    used = set(taken.values())
    return [str(h) for h in headers if EXTRACTION_HEADER.match(header_key(h)) and str(h) not in used]


def _header_named(header: str, headers: list[str], file: str | None) -> str:
    """The file's one header that `header` names but for case and spacing ("main text 1" for "Main Text 1", as
    the detection reads headers), or a refusal that lists the headers."""
    matches = [h for h in headers if header_key(h) == header_key(header)]
    if len(matches) == 1:
        return matches[0]
    listed = ", ".join(f'"{h}"' for h in headers[:12]) + (", ..." if len(headers) > 12 else "")
    raise SiteDataError(f"is not a column of this file (its columns: {listed})", file=file, column=header)


def resolve_page_columns(headers, column_map: Mapping[str, str] | None, file: str | None) -> dict[str, str]:
    """Detected columns with the user's choices on top; unknown fields or headers are refused by name."""
    headers = [str(h) for h in headers]
    chosen = {name: str(header) for name, header in (column_map or {}).items() if header}
    for name, header in chosen.items():
        if name not in PAGE_SYNONYMS:
            raise SiteDataError(f'"{name}" is not a page field (expected one of {", ".join(PAGE_FIELDS)})',
                                file=file)
        if header not in headers:
            chosen[name] = header = _header_named(header, headers, file)
    detected = detect_page_columns([h for h in headers if h not in chosen.values()])
    return {**{k: v for k, v in detected.items() if k not in chosen}, **chosen}


def missing_page_fields(headers, column_map=None) -> list[str]:
    """Required fields still without a column: "url", and "content" when no text column at all
    (title, h1, description or content) is found. Unknown names in column_map count as not mapped."""
    try:
        columns = resolve_page_columns(headers, column_map, None)
    except SiteDataError:
        columns = detect_page_columns(headers)
    missing = [] if "url" in columns else ["url"]
    if not any(name in columns for name in TEXT_FIELDS):
        missing.append("content")
    return missing
