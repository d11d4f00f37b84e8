"""Chinese and Japanese, written without spaces between words: each of their characters is a token (text.SOLO_CHARS),
so a page's title is found as the run of its characters in another page's prose, and a sentence ends at "。"
(tests/test_analyzer_properties.py: test_a_sentence_ends_where_its_words_say)."""
from __future__ import annotations

from inlink.links.suggest import AnalysisConfig
from inlink.links.text import shorten_around, tokens
from inlink.links.tokens import SiteTokens, token_offsets
from tests.test_analyzer import BASE, from_page, make_site, suggestions

JA_FILLER = "このページでは、サーバの運用について説明します。管理者は毎日の作業の中で多くの項目を確認する必要があります。"
ZH_FILLER = "本页介绍服务器的日常运行。管理员每天都需要检查许多项目，并记录所做的更改。"


def test_each_character_of_chinese_and_japanese_is_a_token_and_latin_words_beside_them_are_their_own():
    text = "設定ファイルはmod_rewriteの8章I18N、网络设置。"
    assert tokens(text) == ["設", "定", "フ", "ァ", "イ", "ル", "は", "mod_rewrite", "の", "8", "章", "I18N",
                            "网", "络", "设", "置"]
    starts, ends = token_offsets(text)
    assert [text[s:e] for s, e in zip(starts.tolist(), ends.tolist())] == tokens(text)
    site = SiteTokens.build([text, "ログ.x x.ログ ロ-グ"])
    words = list(site.vocabulary)
    assert [words[i] for i in site.page(1)] == ["ロ", "グ", "x", "x", "ロ", "グ", "ロ", "グ"]


def _japanese_site():
    return make_site([
        {"path": "guide", "title": "はじめに", "h1": "はじめに",
         "content": "サーバの動作はすべてログファイルに記録されます。詳しい項目は「設定ファイル」で変更できます。" + JA_FILLER * 3},
        {"path": "logs", "title": "ログファイル", "h1": "ログファイル",
         "content": "ログファイルには、エラーログとアクセスログがあります。" + JA_FILLER * 3},
        {"path": "config", "title": "設定ファイル", "h1": "設定ファイル",
         "content": "設定ファイルは平文で書かれています。" + JA_FILLER * 3},
        {"path": "vhosts", "title": "バーチャルホスト", "h1": "バーチャルホスト",
         "content": "一台のサーバで複数のサイトを運用できます。" + JA_FILLER * 3},
    ])


def test_a_japanese_page_gets_the_titles_its_prose_writes_as_anchors_with_their_sentence_as_context():
    rows = {row["Destination"]: row for row in from_page(suggestions(_japanese_site()), "guide")}
    assert set(rows) == {BASE + "logs", BASE + "config"}   # the default floor: no vhosts page, never mentioned
    assert rows[BASE + "logs"]["Anchor"] == "ログファイル"
    assert rows[BASE + "logs"]["Context"] == "サーバの動作はすべてログファイルに記録されます。"
    assert rows[BASE + "config"]["Anchor"] == "設定ファイル"   # inside its Japanese quotation marks
    assert rows[BASE + "config"]["Context"] == "詳しい項目は「設定ファイル」で変更できます。"
    assert all(row["Tier"] == "high" for row in rows.values())


def test_a_chinese_page_gets_the_titles_its_prose_writes_as_anchors():
    site = make_site([
        {"path": "intro", "title": "简介", "content": "所有请求都会写入访问日志。修改配置文件后需要重新启动。" + ZH_FILLER * 3},
        {"path": "log", "title": "访问日志", "content": "访问日志记录每一个请求。" + ZH_FILLER * 3},
        {"path": "conf", "title": "配置文件", "content": "配置文件使用纯文本编写。" + ZH_FILLER * 3},
    ])
    rows = {row["Destination"]: row["Anchor"] for row in from_page(suggestions(site, AnalysisConfig()), "intro")}
    assert rows == {BASE + "log": "访问日志", BASE + "conf": "配置文件"}


def test_a_long_japanese_context_is_cut_between_characters_around_the_anchor():
    text = "あ" * 200 + "ログファイル" + "い" * 200 + "。"
    start = text.index("ログ")
    context = shorten_around(text, 0, len(text), start, start + 6, width=40)
    assert "ログファイル" in context and context.startswith("…") and context.endswith("…")
    assert 30 <= len(context) <= 44


def test_a_word_never_grows_by_a_lone_japanese_character_beside_it():
    """A one-word anchor grows by its neighbour word when the target writes both (spans.widen_single_word); a
    character of Japanese alone beside a Latin word is a particle or a piece of a word ("hostname と": "and")."""
    site = make_site([
        {"path": "dns", "title": "DNS の注意", "content": "サーバは gethostname を呼び出して hostname と ドメインを決めます。" + JA_FILLER * 3},
        {"path": "proxy", "title": "mod_proxy",
         "content": "プロキシは hostname と ポートを使って接続します。 hostname と ポートは必須です。 hostname は大切です。" + JA_FILLER * 3},
        {"path": "intro", "title": "はじめに", "content": "インストールの手順を説明します。" + JA_FILLER * 3},
        {"path": "terms", "title": "用語集", "content": "用語の一覧です。" + JA_FILLER * 3},
    ])
    anchors = [row["Anchor"] for row in suggestions(site, AnalysisConfig(min_confidence=0.0))]
    assert not [anchor for anchor in anchors if anchor.endswith(" と") or anchor.startswith("と ")]
