"""A site in several languages: each page's language (declared, or its language folder), and links only between
pages of one language (site/languages.py, links/languages.py)."""
from __future__ import annotations

import pandas as pd
import pytest

from test_analyzer import FILLER
from test_analyzer_rules import NO_FLOOR

from inlink.fetch.extract import parse_page
from inlink.links.suggest import analyze_page, build_index, validate_suggestion
from inlink.site.languages import NO_MARK, language_counts, page_languages
from inlink.site.load import load_pages, load_site

pytest_plugins = ("fetch_fixtures",)   # the served site: fixture `site`

SITE = "https://kiln.example/"


def _languages(urls: list[str], declared: list[str] | None = None) -> list[str]:
    return page_languages(pd.Series(urls), pd.Series(declared or [""] * len(urls))).tolist()


def test_language_folders_of_a_translated_site_give_each_page_its_language():
    # a page under two languages (/about, /de/about): the folders are languages, the rest is the main language
    assert _languages([SITE, SITE + "about", SITE + "de/", SITE + "de/about", SITE + "de/kontakt"]) \
        == [NO_MARK, NO_MARK, "de", "de", "de"]
    # the home pages of two language folders, slugs translated
    assert _languages([SITE + "pt-br/", SITE + "fr/", SITE + "pt-br/sobre", SITE + "fr/a-propos"]) \
        == ["pt", "fr", "pt", "fr"]   # Brazil's the site's one Portuguese: Portuguese
    # a language folder deeper in the path, as a versioned manual has it
    manual = SITE + "docs/2.4/"
    assert _languages([manual + "de/bind.html", manual + "fr/bind.html", manual + "fr/mod/core.html", manual + "de",
                       manual + "images/x.html"]) == ["de", "fr", "fr", "de", NO_MARK]
    # the main language is the one its pages declare, when they do
    assert _languages([SITE + "about", SITE + "de/about", SITE + "shop"], ["en", "", ""]) == ["en", "de", "en"]


def test_a_language_marked_in_the_file_name_or_the_query_is_read_so_too():
    debian = "https://www.debian.org/"
    assert _languages([debian + "index.en.html", debian + "index.de.html", debian + "intro/about.de.html"]) \
        == ["en", "de", "de"]
    apache = "https://httpd.apache.org/docs/2.4/"
    assert _languages([apache + "bind.html.en", apache + "bind.html.fr", apache + "mod/core.html"]) \
        == ["en", "fr", NO_MARK]
    assert _languages([SITE + "shop?lang=de", SITE + "shop", SITE + "cart?hl=pt-BR&step=2"]) == ["de", NO_MARK, "pt"]
    # a source file's page is no language: "setup.py" and "parser.ts" stand alone
    assert _languages([SITE + "setup.py.html", SITE + "parser.ts.html", SITE + "index.html"]) == ["", "", ""]


def test_folders_named_like_languages_are_no_languages_unless_the_site_is_translated():
    assert _languages([SITE + "en/install", SITE + "en/usage"]) == ["", ""]            # one language's folder
    assert _languages([SITE, SITE + "de", SITE + "de/kontakt"]) == ["", "", ""]   # a home beside the site's: no proof
    assert _languages([SITE + "it/jobs", SITE + "id/123", SITE + "faq"]) == ["", "", ""]   # IT, ids: no translation
    assert _languages([SITE + "js/app", SITE + "ui/app"]) == ["", ""]                   # no language codes
    assert _languages([SITE + "in/app", SITE + "de/app", SITE + "fr/app"]) == [NO_MARK, "de", "fr"]   # India
    assert _languages([SITE + "3.11/library/json.html", SITE + "3.12/library/json.html"]) == ["", ""]


def test_declared_languages_are_read_as_tags_and_a_lone_regional_variant_is_its_language():
    assert _languages([SITE + "a", SITE + "b", SITE + "c"], ["en-US", "EN", "de_DE"]) == ["en", "en", "de"]
    # two regions of one language are two editions
    assert _languages([SITE + "a", SITE + "b", SITE + "c"], ["en-US", "en-GB", "fr"]) == ["en-us", "en-gb", "fr"]
    assert _languages([SITE + "a", SITE + "b"], ["English", "x-default"]) == ["", ""]   # no tags: unknown
    assert language_counts(pd.Series(["en", "en", ""])) == {}                           # one language
    assert language_counts(pd.Series(["de", "en", "en"])) == {"en": 2, "de": 1}


def _translated_kiln(tmp_path, with_column: bool):
    """An English and a German manual in language folders (or flat URLs with a Language column): the glaze
    reference only in German; both manuals' firing pages name "glaze_mix"."""
    pages = [("en/firing", "Firing", "en", f"Before firing, stir the glaze_mix well. {FILLER}"),
             ("de/firing", "Brennen", "de", f"Vor dem Brennen glaze_mix gut umrühren. {FILLER}"),
             ("de/glaze_mix", "glaze_mix", "de", f"glaze_mix mischt die Glasur. {FILLER}"),
             ("en/cones", "Cones", "en", f"Cones show the heat work done. {FILLER}")]
    frame = pd.DataFrame([{"Address": SITE + (path.replace("/", "-") if with_column else path), "Title 1": title,
                           "H1-1": title, "Content": text, **({"Language": language} if with_column else {})}
                          for path, title, language, text in pages])
    frame.to_csv(tmp_path / "pages.csv", index=False)
    return tmp_path / "pages.csv"


@pytest.mark.parametrize("with_column", [False, True], ids=["language folders", "language column"])
def test_links_are_suggested_only_between_pages_of_one_language(tmp_path, with_column):
    path = _translated_kiln(tmp_path, with_column)
    pages, report = load_pages(path)
    assert sorted(pages["language"]) == ["de", "de", "en", "en"]
    assert report.languages == {"de": 2, "en": 2}
    assert any(line.startswith("Pages in 2 languages (de: 2, en: 2): links are suggested only between pages of "
                               "the same language") for line in report.summary_lines())
    index = build_index(load_site(path), NO_FLOOR)
    name = (lambda p: SITE + p.replace("/", "-")) if with_column else (lambda p: SITE + p)
    german = analyze_page(index, name("de/firing"))
    assert [(r["Destination"], r["Anchor"]) for r in german] == [(name("de/glaze_mix"), "glaze_mix")]
    english = analyze_page(index, name("en/firing"))
    assert name("de/glaze_mix") not in {r["Destination"] for r in english}
    assert validate_suggestion(index, name("en/firing"), name("de/glaze_mix"), "glaze_mix") \
        == "the target page is in another language than the source page"


def test_a_site_in_one_language_keeps_every_link(tmp_path):
    """The same pages with no language known: the English firing page links the German reference (one pool)."""
    path = _translated_kiln(tmp_path, with_column=True)
    frame = pd.read_csv(path).drop(columns=["Language"])
    frame.to_csv(path, index=False)
    index = build_index(load_site(path), NO_FLOOR)
    assert index.language is None
    english = analyze_page(index, SITE + "en-firing")
    assert SITE + "de-glaze_mix" in {r["Destination"] for r in english}


def test_a_fetched_page_declares_its_language():
    def language(html: str) -> str:
        return parse_page(html, SITE).language
    assert language('<html lang="de-DE"><body><p>Hallo</p></body></html>') == "de-DE"
    assert language('<html xml:lang="fr"><body><p>Salut</p></body></html>') == "fr"
    assert language('<html><head><meta http-equiv="Content-Language" content="es, en"></head>'
                    '<body><p>Hola</p></body></html>') == "es"
    assert language("<html><body><p>Hello</p></body></html>") == ""


def test_a_fetched_site_in_two_languages_is_read_with_each_pages_language(site, tmp_path):
    """Fetched pages carry the language they declare into the pages file ("Language"), and the importer reads it:
    translated slugs, no language folder, only <html lang> tells the languages apart."""
    import subprocess
    import sys

    from jobtasks import REPO

    def page(lang: str, title: str, text: str) -> bytes:
        return (f'<!DOCTYPE html><html lang="{lang}"><head><title>{title}</title></head><body><main>'
                f"<h1>{title}</h1><p>{text} {FILLER}</p></main></body></html>").encode()

    site.behaviour.answers.update({
        "/kiln/firing.html": (200, page("en-US", "Firing", "Stir the glaze_mix before firing."), "text/html"),
        "/kiln/brennen.html": (200, page("de-DE", "Brennen", "Vor dem Brennen glaze_mix umrühren."), "text/html"),
        "/kiln/glasur.html": (200, page("de", "glaze_mix", "glaze_mix mischt die Glasur."), "text/html")})
    listing = tmp_path / "urls.txt"
    listing.write_text("\n".join(site.url(p) for p in ("kiln/firing.html", "kiln/brennen.html", "kiln/glasur.html")))
    pages = tmp_path / "pages.csv"
    done = subprocess.run([sys.executable, str(REPO / "cli.py"), "fetch", str(listing), "--out-pages", str(pages),
                           "--out-links", str(tmp_path / "links.csv"),
                           "--rate", "0"], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert sorted(pd.read_csv(pages, keep_default_na=False)["Language"]) == ["de", "de-DE", "en-US"]
    read, report = load_pages(pages)
    assert dict(zip(read["url"].str.rsplit("/", n=1).str[-1], read["language"])) \
        == {"firing.html": "en", "brennen.html": "de", "glasur.html": "de"}
    assert report.languages == {"de": 2, "en": 1}
    index = build_index(load_site(pages), NO_FLOOR)
    assert site.url("kiln/glasur.html") in {r["Destination"] for r in analyze_page(index, site.url("kiln/brennen.html"))}
    assert not analyze_page(index, site.url("kiln/firing.html"))


def test_each_language_is_analysed_as_a_site_of_its_own(tmp_path):
    """Four German pages among forty English ones: "die", "der" and "und" stand on every German page yet on a tenth
    of the site, so in one pool they looked distinctive ("Both pages are about die, der and und"). Each language is
    analysed as a site of its own: a German page's rows are the rows of the German pages crawled alone."""
    from inlink.links.suggest import page_index

    german = [("Glasur", "Die Glasur der Vase und die Farbe der Schale"), ("Brennen", "Die Hitze der Brennkammer und "
              "die Kegel"), ("Ton", "Die Masse der Tonerde und die Körnung"), ("Drehen", "Die Scheibe der Werkstatt "
              "und die Hände")]
    rows = [{"Address": f"{SITE}de/{title.lower()}", "Title 1": title, "H1-1": title, "Language": "de",
             "Content": f"{text}. {text.lower()}, die der und. Die Glasur und das Brennen, der Ton und das Drehen."}
            for title, text in german]
    rows += [{"Address": f"{SITE}en/page-{i}", "Title 1": f"Kiln note {i}", "H1-1": f"Kiln note {i}", "Language": "en",
              "Content": f"Kiln note {i} tells of cones, shelves and the firing log number {i}. {FILLER}"}
             for i in range(40)]
    path, alone = tmp_path / "pages.csv", tmp_path / "german.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    pd.DataFrame(rows[:4]).to_csv(alone, index=False)
    index, german_site = build_index(load_site(path), NO_FLOOR), build_index(load_site(alone), NO_FLOOR)
    pages = [f"{SITE}de/{title.lower()}" for title, _ in german]
    assert page_index(index, pages[0]) is not index and page_index(index, SITE + "en/page-1") is not index
    got = [analyze_page(index, page) for page in pages]
    assert got == [analyze_page(german_site, page) for page in pages] and any(got)
    reasons = [r["Reason"] for page_rows in got for r in page_rows]
    assert not any(word in reason.split("about ", 1)[-1].split(" (")[0].replace(",", " ").split()
                   for reason in reasons for word in ("die", "der", "und"))
    one_pool = tmp_path / "one_pool.csv"   # one language as far as anyone knows: one site, where they are rare words
    pd.DataFrame(rows).drop(columns=["Language"]).assign(Address=lambda f: f["Address"].str.replace("/de/", "/"))\
        .to_csv(one_pool, index=False)
    pooled = build_index(load_site(one_pool), NO_FLOOR)
    assert pooled.language is None and page_index(pooled, SITE + "glasur") is pooled
    column = {str(term): at for at, term in enumerate(pooled.model.terms)}
    assert all(pooled.shareable_terms[column[word]] for word in ("die", "der", "und"))


def test_the_inbound_cap_holds_on_a_site_in_several_languages(tmp_path):
    """Each language's pages are analysed with their own index; a target's cap counts every row it receives."""
    from collections import Counter

    from inlink.links.suggest import AnalysisConfig
    rows = [{"Address": f"{SITE}{language}/{page}", "Title 1": title, "H1-1": title, "Language": language,
             "Content": f"{text} {FILLER}"}
            for language, words in (("en", ("Glaze", "Firing", "Kiln")), ("de", ("Glasur", "Brennen", "Ofen")))
            for page, title, text in [(f"p{i}", f"{words[i]} notes", " ".join(f"See {w} notes." for w in words))
                                      for i in range(3)]]
    path = tmp_path / "pages.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    index = build_index(load_site(path), AnalysisConfig(min_confidence=0.0, max_inbound_per_target=1))
    got = [r for row in rows for r in analyze_page(index, row["Address"])]
    assert got and max(Counter(r["Destination"] for r in got).values()) == 1
    assert all(r["Source"].split("/")[3] == r["Destination"].split("/")[3] for r in got)


def test_rows_from_pages_of_unknown_language_count_towards_the_caps_of_each_language(tmp_path):
    """A page that declares no language is analysed with the site's index and may link into any language; its rows
    count towards a target's cap in the index the target's own language's pages are analysed with, too."""
    from collections import Counter

    from inlink.links.suggest import AnalysisConfig
    rows = [{"Address": f"{SITE}{word.lower()}", "Title 1": f"{word} notes", "H1-1": f"{word} notes",
             "Language": language, "Content": " ".join(f"See {w} notes." for w in words) + f" {FILLER}"}
            for language, words in (("en", ("Glaze", "Firing", "Kiln")), ("de", ("Glasur", "Brennen", "Ofen")))
            for word in words]
    unknown = [{"Address": f"{SITE}misc-{i}", "Title 1": f"Misc {i}", "H1-1": f"Misc {i}", "Language": "",
                "Content": f"See Glaze notes. See Firing notes. See Kiln notes. {FILLER}"} for i in range(3)]
    path = tmp_path / "pages.csv"
    pd.DataFrame(rows + unknown).to_csv(path, index=False)
    index = build_index(load_site(path), AnalysisConfig(min_confidence=0.0, max_inbound_per_target=1))
    got = [r for row in unknown + rows for r in analyze_page(index, row["Address"])]   # the unknown pages first
    assert {r["Destination"] for r in got if "misc" in r["Source"]} == {SITE + w for w in ("glaze", "firing", "kiln")}
    assert max(Counter(r["Destination"] for r in got).values()) == 1
