"""Chinese and Japanese articles: written without spaces between words, their sentences ending at
。！？. The pages and the feed in tests/data/cjk are those a prober found refused or stored
empty ("no article text found in the page, only its title or boilerplate")."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from corpus.cleaning import clean_text, explain
from corpus.ingest import Ingestor
from corpus.models import Article
from corpus.raw import RawArticle
from corpus.web import read_url
from corpus.words import word_count
from digests.digest import DigestOptions, StoryInput, _headline_lines, build_story
from digests.filters import reject_reason
from digests.model import Document
from digests.sentences import segment
from digests.units import Unit, content_terms, tokens
from tests.http_server import Reply

DATA = Path(__file__).parent / "data" / "cjk"
JA_FIRST = "東京都は1日、首都直下地震に備えた新たな防災計画を発表した。"
JA_LAST = "専門家は、計画の実現には住民の協力が欠かせないと指摘している。"
ZH_FIRST = "国家统计局16日发布数据，初步核算，一季度国内生产总值为296299亿元，按不变价格计算，同比增长5.3%，比上年四季度环比增长1.6%。"
ZH_LAST = "专家认为，外部环境的复杂性、严峻性、不确定性上升，国内有效需求仍显不足，经济持续回升向好的基础还需要进一步巩固。"


def stored_texts(store) -> list[str]:
    with store.session() as s:
        return list(s.scalars(select(Article.text).order_by(Article.id)))


def test_word_count_counts_cjk_letters_by_characters_and_other_text_by_spaces():
    for text in ["", "The pier reopened on Monday.", "Café à la plage — 5.3% “up”", "서울 시장이 오늘 발표했다.", "a  b\tc\nd"]:
        assert word_count(text) == len(text.split()), text
    assert word_count("発表した。") == 2  # four letters, two to a word; 。 is none
    assert word_count("増加した") == 2 and word_count("增长") == 1 and word_count("增") == 1
    assert word_count("約6000人が死亡し") == 1 + 3  # "6000" and six letters
    assert word_count("NASA发布了 new data") == 1 + 2 + 2
    assert word_count(JA_LAST) == 15  # 29 letters


def test_chinese_and_japanese_pages_are_stored_with_their_text(http_server, net_settings, store):
    """Each paragraph was one "word" and does not end in a period: all of them went as a list of
    related headlines, and the pages were refused."""
    zh = http_server.route("/zh", Reply(body=(DATA / "chinese_gb.html").read_bytes(), headers={"Content-Type": "text/html"}))
    ja = http_server.route("/ja", Reply(body=(DATA / "japanese.html").read_bytes(), headers={"Content-Type": "text/html; charset=utf-8"}))
    (a,) = read_url(zh, net_settings)
    (b,) = read_url(ja, net_settings)
    assert isinstance(a, RawArticle) and isinstance(b, RawArticle), (a, b)
    assert a.title == "国家统计局：一季度国内生产总值同比增长5.3%" and b.title == "東京都、新たな防災計画を発表"
    assert [r.rule for r in explain(b.text, b.title)] == ["title_repeat"]
    report = Ingestor(store).ingest([a, b])
    assert report.new == 2, report.summary()
    zh_text, ja_text = stored_texts(store)
    assert zh_text.startswith(ZH_FIRST) and ZH_LAST in zh_text
    assert ja_text.startswith(JA_FIRST) and ja_text.endswith(JA_LAST) and len(ja_text.splitlines()) == 5


def test_a_cjk_feed_entry_with_the_whole_article_is_stored_and_its_page_not_fetched(http_server, net_settings, store):
    """The entry carries the article in content:encoded: ~120 words, ~270 characters. Counted by
    spaces it was 5 words, a teaser, and its page was fetched (and refused); then its text was
    cleaned away and the story shown without a summary."""
    page = http_server.route("/japanese.html", Reply(body=(DATA / "japanese.html").read_bytes(), headers={"Content-Type": "text/html; charset=utf-8"}))
    body = (DATA / "jafeed.xml").read_bytes().replace(b"http://127.0.0.1:8765/japanese.html", page.encode())
    url = http_server.route("/feed", Reply(body=body, headers={"Content-Type": "application/rss+xml"}))
    (a,) = read_url(url, net_settings)
    assert http_server.hits("/japanese.html") == 0
    assert a.text.startswith(JA_FIRST) and "full_text" not in a.extra and "note" not in a.extra
    assert word_count(a.text) >= net_settings.feeds.teaser_words
    report = Ingestor(store).ingest([a])
    assert report.new == 1 and report.notes == []
    (text,) = stored_texts(store)
    assert text.startswith(JA_FIRST) and text.endswith(JA_LAST)

    doc = Document("1", a.title, text, a.outlet, a.url, a.published)
    story = build_story(StoryInput("1", [doc]), DigestOptions(words_per_story=60))
    said = [s.text for s in story.sentences]
    # Whole sentences, each one of the article's, within the budget (60 words: ~120 characters)
    assert len(said) >= 2 and said[0] == JA_FIRST, said
    assert all(s.endswith("。") and s in text and s.count("。") == 1 for s in said), said
    assert sum(map(word_count, said)) <= 60


def test_cjk_sentences_end_at_their_full_stops_and_quotations_stay_whole():
    text = (
        "知事は記者会見で「都民の命を守るため。あらゆる対策を進める。」と述べた！本当に間に合うのか？計画は来年始まる．\n"
        "他说：“我们会继续努力。我们不会放弃。”然后离开了。市场反应积极！投资者满意吗？"
    )
    assert [s.text for s in segment(text)] == [
        "知事は記者会見で「都民の命を守るため。あらゆる対策を進める。」と述べた！",
        "本当に間に合うのか？",
        "計画は来年始まる．",
        "他说：“我们会继续努力。我们不会放弃。”",
        "然后离开了。",
        "市场反应积极！",
        "投资者满意吗？",
    ]
    assert not any(s.is_heading for s in segment(text))
    # A sentence closed inside its quotation is prose; so is a long line cut off without its stop.
    long_line = "国家统计局新闻发言人表示一季度国民经济开局良好为实现全年目标任务打下了较好基础外部环境的复杂性上升国内有效需求仍显不足"
    assert [s.is_heading for s in segment(f"知事は「対策を急ぐ。」\n{long_line}\n一季度数据")] == [False, False, True]
    assert [s.text for s in segment("他说。 The U.S. economy grew. “Fine,” he said.")] == [
        "他说。", "The U.S. economy grew.", "“Fine,” he said.",
    ]


def test_a_cjk_sentence_printed_twice_keeps_one_copy_and_closing_headlines_still_go():
    """Two copies of a sentence of eight words or more are an extraction echo; a run of five
    headlines closing the text is a list of related links, in Chinese as in English."""
    echo = f"{JA_FIRST}\n\n{JA_FIRST}\n\n{JA_LAST}"
    assert clean_text(echo) == f"{JA_FIRST}\n\n{JA_LAST}"
    # A short sentence said twice is speech, not an echo: both stay (a fragment twice would go).
    speech = f"{JA_FIRST}\n\n行きます。\n\n行きます。\n\n{JA_LAST}"
    assert clean_text(speech) == speech
    # A paragraph of two sentences beside a photo credit is no caption.
    credited = f"{ZH_FIRST}\n\n市场反应积极。投资者表示满意。\n(Photo: Reuters)\n\n{ZH_LAST}"
    assert clean_text(credited) == f"{ZH_FIRST}\n\n市场反应积极。投资者表示满意。\n\n{ZH_LAST}"
    heads = ["3月份国民经济持续回升向好", "一季度居民人均可支配收入增长6.2%", "央行发布最新数据", "外贸进出口稳中有升", "国务院召开常务会议"]
    text = ZH_FIRST + "\n" + ZH_LAST + "\n\n" + "\n".join(heads)
    assert clean_text(text) == ZH_FIRST + "\n" + ZH_LAST
    # Short sentences closing the text, each ending in its stop, are no headlines.
    short = ZH_FIRST + "\n\n" + "\n".join(["市场反应积极。", "投资者表示满意。", "股市小幅上涨。", "债市保持稳定。", "汇率基本持平。"])
    assert clean_text(short) == short


def test_summary_filters_read_cjk_sentence_ends():
    def unit(text: str) -> Unit:
        return Unit(text, 0, 0, 0, False, word_count(text), content_terms(text), tokens(text))

    assert reject_reason(unit(JA_FIRST)) is None  # no lower case is no shouting
    assert reject_reason(unit("知事は記者会見で、対策を前倒しで進めると述べた「都民の命を守る。」")) is None
    assert reject_reason(unit("知事は記者会見で、対策を前倒しで進めると述べた「都民の命を守るため")) == "cut off"
    assert reject_reason(unit("首都直下地震に、東京は本当に、備えられているのか？")) == "question (headline style)"
    assert reject_reason(unit("知事は記者会見で、対策を前倒しで進めると述べた「本当に間に合うのか？」")) is None


def test_a_stored_cjk_teaser_gets_the_pages_text(store):
    """A teaser stored while its page waited: the page's text replaces it when it has more words,
    which spaces do not tell (one paragraph against two short ones)."""
    teaser = RawArticle("東京都、新たな防災計画を発表", "防災計画を発表した。\n\n詳しくは後で。", url="http://news.example/ja", guid="ja1", extra={"page_pending": True})
    assert Ingestor(store).ingest([teaser]).new == 1
    page = JA_FIRST + "計画では、2030年までに木造住宅が密集する地域の建て替えを進める。" + JA_LAST
    full = RawArticle(teaser.title, page, url="http://news.example/ja", guid="ja1", extra={"full_text": True})
    assert Ingestor(store).ingest([full]).completed == 1
    assert stored_texts(store) == [page]


def test_cjk_headlines_count_their_words_against_the_budget():
    docs = [Document(str(i), t, "") for i, t in enumerate(["東京都、新たな防災計画を発表", "都が防災計画、首都直下地震に備え建て替え推進", "首都直下地震の被害想定を見直し、都が新計画"])]
    lines, _ = _headline_lines(docs, "東京都、新たな防災計画を発表", 12)
    # each 10-11 words: one fits in 12, not two; a headline among sentences ends as a sentence
    assert len(lines) == 1 and lines[0].endswith(("計画。", "推進。")), lines
    assert word_count(lines[0]) <= 12
