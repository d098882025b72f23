"""Fast tests for qa.render on hand-made answers built from real seed text and offsets."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
import tomllib
from pathlib import Path

import pytest

from index.types import Article, Source
from qa import render
from qa.types import CANNOT_ANSWER, Answer, Citation, Claim, ContestedPoint, Disagreement

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

FERGANA = "001_152506a2ec9fb58b"
WSWS = "002_a7b43e8997e883e6"
DIPLOMAT = "003_1bd85da965e957ee"
CABAR = "000_7d64eb3df81b7cc3"


def _sources() -> dict[str, Source]:
    meta = tomllib.loads((SEEDS / "sources.toml").read_text(encoding="utf-8"))
    return {doc_id: Source(doc_id=doc_id, **fields) for doc_id, fields in meta.items()}


SOURCES = _sources()


def _text(doc_id: str) -> str:
    return (SEEDS / f"{doc_id}.txt").read_text(encoding="utf-8")


def _article(doc_id: str) -> Article:
    raw = (SEEDS / f"{doc_id}.txt").read_bytes()
    return Article(doc_id, raw.decode("utf-8"), hashlib.sha256(raw).hexdigest(), SOURCES[doc_id])


def _exact(doc_id: str, typed: str) -> str:
    """The passage as it stands in the file (typed spaces may be no-break spaces there)."""
    pattern = r"\s".join(re.escape(word) for word in typed.split(" "))
    match = re.search(pattern, _text(doc_id))
    assert match, typed
    return match.group(0)


def _span(doc_id: str, quote: str) -> tuple[int, int]:
    start = _text(doc_id).find(quote)
    assert start >= 0, quote
    return start, start + len(quote)


def _cite(n: int, doc_id: str, quote: str) -> Citation:
    start, end = _span(doc_id, quote)
    src = SOURCES[doc_id]
    return Citation(n, doc_id, start, end, quote, src.name, src.date)


def _claim(doc_id: str, value: str, quote: str, cites: tuple[int, ...] = ()) -> Claim:
    start, end = _span(doc_id, quote)
    return Claim(doc_id, SOURCES[doc_id].name, value, cites, quote, start, end)


Q_FERGANA = _exact(
    FERGANA,
    "The latest official reports suggest that 8 people have been killed and 40 injured in the "
    "fighting, and dozens of buildings burnt down.",
)
Q_WSWS = (
    "On February 7–8, the rural Korday District in southern Kazakhstan became a scene of violent "
    "rioting, ending in the deaths of 11 people and more than 170 injured."
)
Q_DIPLOMAT = (
    "Widespread clashes in several villages in Kazakhstan near the border with Kyrgyzstan left "
    "10 people dead and 178 injured on the night of February 7."
)
Q_CABAR = "disorders in Masanchi village that took lives of 10 people"


def deaths_answer() -> Answer:
    """An answer where the sources disagree on the number of deaths."""
    cites = (
        _cite(1, FERGANA, Q_FERGANA),
        _cite(2, WSWS, Q_WSWS),
        _cite(3, DIPLOMAT, Q_DIPLOMAT),
    )
    claims = (
        _claim(FERGANA, "8", Q_FERGANA, (1,)),
        _claim(WSWS, "11", Q_WSWS, (2,)),
        _claim(DIPLOMAT, "10", Q_DIPLOMAT, (3,)),
    )
    summary = "Number of people killed: Fergana: 8 [1]; WSWS: 11 [2]; The Diplomat: 10 [3]."
    d = Disagreement("deaths", "Number of people killed", claims, summary)
    text = (  # the engine's layout: lead, quotes grouped by outlet, disagreement summary
        "**The sources disagree** on the number of dead: 8 [1], 11 [2] or 10 [3].\n\n"
        f"**Fergana** · Fergana News\n> [1] {Q_FERGANA}\n\n"
        f"**WSWS** · 2020-02-20\n> [2] {Q_WSWS}\n\n"
        f"**The Diplomat**\n> [3] {Q_DIPLOMAT}\n\n"
        f"**Sources disagree** on {summary}\n"
    )
    return Answer("How many people were killed?", False, text, cites, (d,))


def catalogue() -> list[ContestedPoint]:
    """Two rows of a fake catalogue."""
    deaths = ContestedPoint(
        "deaths",
        "Number of people killed",
        "figure",
        (
            _claim(CABAR, "10", Q_CABAR),
            _claim(FERGANA, "8", Q_FERGANA),
            _claim(WSWS, "11", Q_WSWS),
            _claim(DIPLOMAT, "10", Q_DIPLOMAT),
        ),
        True,
    )
    injured = ContestedPoint(
        "injured",
        "Number of people injured",
        "figure",
        (
            _claim(FERGANA, "40", Q_FERGANA),
            _claim(WSWS, "more than 170", Q_WSWS),
            _claim(DIPLOMAT, "178", Q_DIPLOMAT),
        ),
        True,
    )
    return [deaths, injured]


def _visible(fragment: str) -> str:
    """Text a browser would show for an HTML fragment (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<br>", "\n", re.sub(r"<(?!br>)[^>]+>", "", fragment)))


# --------------------------------------------------------------------------- escaping

HOSTILE = [
    "<script>alert('x')</script>",
    "[click me](http://evil.example/) and ![img](x.png)",
    "**bold** _it_ `code` $$x^2$$ | a | b |",
    "# heading\n\n- list\n> quote <img src=x onerror=alert(1)>",
    "a & b \"c\" 'd'",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_escape_text_leaves_no_markup(text: str) -> None:
    out = render.escape_text(text)
    for ch in "<>[]()*_`$|#":
        assert ch not in re.sub(r"&#?\w+;", "", out.replace("<br>", ""))
    assert "\n" not in out
    assert html.unescape(out.replace("<br>", "\n")) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_user_message_is_shown_as_typed(text: str) -> None:
    out = render.user_message(text)
    assert "<script" not in out and "<img" not in out and "](" not in out
    assert "\n\n" not in out
    assert _visible(out) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_question_in_answer_text_and_refusal(text: str) -> None:
    ans = Answer(text, False, f"You asked: {text} [1]", (_cite(1, FERGANA, Q_FERGANA),))
    out = render.answer_html(ans, SOURCES)
    assert "<script" not in out and "<img" not in out and "](" not in out
    assert "\n\n" not in out
    refusal = Answer(text, True, CANNOT_ANSWER, status="refused", message=f"off topic: {text}")
    out = render.answer_html(refusal)
    assert "<script" not in out and "<img" not in out and "](" not in out


def test_escape_html_attribute_safe() -> None:
    assert render.escape_html('"><script>') == "&quot;&gt;&lt;script&gt;"


# --------------------------------------------------------------------------- answers


def test_answer_has_markers_and_verbatim_quotes() -> None:
    ans = deaths_answer()
    out = render.answer_html(ans, SOURCES)
    for c in ans.citations:
        assert f"&#91;{c.n}&#93;</a>" in out
        assert render.escape_text(c.quote) in out
        assert render.escape_html(render.citation_href(c.doc_id, c.start, c.end)) in out
    visible = _visible(out)
    for c in ans.citations:
        assert c.quote in visible
        assert c.outlet in visible
    assert "20 February 2020" not in visible  # dates come from the data, not invented
    assert "2020-02-20" in visible  # WSWS states its date
    assert "written during the night of 7–8 February 2020" in visible  # Fergana: implied date
    assert "ms-refusal" not in out


def test_each_quote_shown_once_and_summary_as_table() -> None:
    ans = deaths_answer()
    out = render.answer_html(ans, SOURCES)
    for c in ans.citations:
        assert out.count(render.escape_text(c.quote)) == 1
    assert render.lead_text(ans) == ans.text.split("\n\n")[0]
    assert "Sources disagree** on" not in out and "on Number of people killed" not in out
    assert out.count('class="ms-cite"') == 3 + 3 + 3  # lead, table, quote list


def test_account_disagreement_is_one_row_per_source() -> None:
    q1 = _exact(CABAR, "the clashes started with a domestic conflict, as locals told him.")
    cites = (_cite(1, CABAR, q1), _cite(2, FERGANA, Q_FERGANA), _cite(3, WSWS, Q_WSWS))
    claims = (
        _claim(CABAR, q1, q1, (1,)),
        _claim(WSWS, Q_WSWS, Q_WSWS, (3,)),
        _claim(WSWS, "eleven", Q_WSWS, (3,)),
    )
    d = Disagreement("trigger", "What set it off", claims, "each source gives its own account")
    ans = Answer("What started it?", False, "Accounts differ [1] [3].", cites, (d,))
    table = re.search(r'<table class="ms-table[^"]*">.*?</table>', render.answer_html(ans)).group(0)
    assert "<thead>" not in table
    rows = re.findall(r"<tr><th>(.*?)</th><td>(.*?)</td></tr>", table)
    assert [html.unescape(r[0]) for r in rows] == ["CABAR.asia", "WSWS"]
    assert _visible(rows[1][1]).endswith(" · eleven [3]")


def test_lead_keeps_bold_and_links_only_existing_citations() -> None:
    ans = deaths_answer()
    lead = render.lead_html(
        "**Bold** claim [1] and a dangling [7] and [1, 3].", {c.n: c for c in ans.citations}
    )
    assert "<strong>Bold</strong>" in lead
    assert lead.count('class="ms-cite"') == 3
    assert "&#91;7&#93;" in lead and "&#91;7&#93;</a>" not in lead


def test_lead_bullets_and_paragraphs() -> None:
    out = render.lead_html("First para.\n\n- one [1]\n- two", {})
    assert out.startswith("<p>First para.</p><ul><li>one")
    assert out.count("<li>") == 2


def test_refusal_looks_like_a_refusal() -> None:
    ans = Answer("Who won the 2020 Champions League?", True, CANNOT_ANSWER, status="refused")
    out = render.answer_html(ans)
    assert 'class="ms-answer ms-refusal"' in out
    assert "Not in the five articles" in out
    assert _visible(out).count(CANNOT_ANSWER) == 1
    assert "ms-cite" not in out and "ms-quotes" not in out


def test_refusal_reason_shown_once_without_markdown() -> None:
    why = "The articles never mention “Champions”, “League”."
    text = f"{CANNOT_ANSWER}\n\n_{why}_"
    ans = Answer("Who won the 2020 Champions League?", True, text, status="refused", message=why)
    visible = _visible(render.answer_html(ans))
    assert visible.count(why) == 1 and "_" not in visible
    assert visible.count(CANNOT_ANSWER) == 1


def test_invalid_input_refusal_shows_reason() -> None:
    ans = Answer("", True, CANNOT_ANSWER, status="invalid", message="The question is empty.")
    out = render.answer_html(ans)
    assert "ms-refusal" in out and "use this question" in out
    assert "The question is empty." in _visible(out)


def test_disagreement_table_side_by_side() -> None:
    ans = deaths_answer()
    out = render.answer_html(ans, SOURCES)
    assert "Sources disagree" in out
    table = re.search(r'<table class="ms-table[^"]*">.*?</table>', out).group(0)
    heads = re.findall(r"<th>(.*?)</th>", table)
    assert [html.unescape(h) for h in heads] == ["Fergana", "WSWS", "The Diplomat"]
    cells = [_visible(c) for c in re.findall(r"<td>(.*?)</td>", table)]
    assert [c.split()[0] for c in cells] == ["8", "11", "10"]
    assert [c.split()[1] for c in cells] == ["[1]", "[2]", "[3]"]


def test_citation_choices() -> None:
    choices = render.citation_choices(deaths_answer())
    assert len(choices) == 3
    label, value = choices[1]
    assert label.startswith("[2] WSWS: ")
    doc, start, end = value.split(":")
    assert _text(doc)[int(start) : int(end)] == Q_WSWS


# --------------------------------------------------------------------------- source viewer


def _marked(out: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r"<mark[^>]*>(.*?)</mark>", out, re.DOTALL)]


def test_highlight_marks_exactly_the_span() -> None:
    art = _article(WSWS)
    start, end = _span(WSWS, Q_WSWS)
    out = render.article_html(art, [(start, end)])
    assert _marked(out) == [Q_WSWS]
    assert 'id="ms-hl-0"' in out
    body = re.search(r'<div class="ms-article" id="ms-article">(.*)</div></div>$', out, re.DOTALL)
    assert html.unescape(re.sub(r"</?mark[^>]*>", "", body.group(1))) == art.text


def test_highlight_escapes_article_markup_and_merges_overlaps() -> None:
    art = _article(CABAR)
    start = art.text.find("**Follow us on [Facebook](#)**")
    spans = [(start, start + 10), (start + 5, start + 20), (start + 30, start + 31)]
    out = render.highlighted_text(art.text, spans)
    assert _marked(out) == [art.text[start : start + 20], art.text[start + 30 : start + 31]]
    assert html.unescape(re.sub(r"</?mark[^>]*>", "", out)) == art.text
    assert render.merge_spans([(5, 2), (-3, 1), (8, 99)], 10) == [(0, 1), (8, 10)]


def test_viewer_header_shows_outlet_author_date() -> None:
    out = render.article_html(_article(WSWS))
    assert "World Socialist Web Site (WSWS)" in out
    assert "David Levine" in out and "2020-02-20" in out
    out = render.article_html(_article(DIPLOMAT))
    assert "Author" not in out  # not in the text, so not shown
    assert "after 10 February 2020" in out


# --------------------------------------------------------------------------- catalogue


def test_catalogue_table_rows_and_cells() -> None:
    points = catalogue()
    cols = render.columns(points, list(SOURCES.values()))
    assert [c.doc_id for c in cols] == sorted(SOURCES)
    headers = render.catalogue_headers(cols)
    assert headers == ["Point", "CABAR.asia", "Fergana", "WSWS", "The Diplomat", "Vlast.kz"]
    rows = render.catalogue_rows(points, cols)
    assert len(rows) == 2 and all(len(r) == len(headers) for r in rows)
    assert _visible(rows[0][3]).startswith("11 ")
    assert Q_WSWS in html.unescape(rows[0][3])
    assert "—" in rows[1][1]  # CABAR says nothing about the injured
    table = render.catalogue_table_html(points, cols)
    assert table.count("<tr>") == 3
    links = re.findall(r'<a class="ms-open ms-cell-quote" href="([^"]+)"', table)
    assert len(links) == sum(len(p.claims) for p in points)
    for href in links:
        q = dict(re.findall(r"(\w+)=([\w]+)", html.unescape(href)))
        quoted = _text(q["doc"])[int(q["start"]) : int(q["end"])]
        assert render.escape_html(quoted) in table


def test_catalogue_account_cell_shows_quote_once() -> None:
    q = _exact(CABAR, "the clashes started with a domestic conflict, as locals told him.")
    point = ContestedPoint("trigger", "What set it off", "account", (_claim(CABAR, q, q),), False)
    cell = render.catalogue_rows([point], render.columns([point]))[0][1]
    assert cell.count(render.escape_html(q)) == 1 and "ms-value" not in cell


def test_catalogue_csv_has_every_outlet_and_quote() -> None:
    points = catalogue()
    rows = list(csv.DictReader(io.StringIO(render.catalogue_csv(points))))
    assert len(rows) == sum(len(p.claims) for p in points)
    assert {r["outlet"] for r in rows} == {"CABAR.asia", "Fergana", "WSWS", "The Diplomat"}
    for r in rows:
        assert _text(r["doc_id"])[int(r["start"]) : int(r["end"])] == r["quote"]


def test_catalogue_markdown_has_every_outlet_and_quote() -> None:
    points = catalogue()
    sources = list(SOURCES.values())
    md = render.catalogue_markdown(points, render.columns(points, sources), sources)
    for s in sources:
        assert s.name in md and s.outlet in md
    for p in points:
        assert f"## {p.label}" in md
        for c in p.claims:
            assert f"> {c.quote}" in md
    overview = md.split("## Overview")[1].split("\n## ")[0]
    assert "| Number of people killed | 10 | 8 | 11 | 10 | — |" in overview
