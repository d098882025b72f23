"""Fast tests for qa.present on hand-made answers built from real seed text and offsets."""

from __future__ import annotations

import hashlib
import html
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from index.types import Article, Source
from qa.present import cite, compare, export, markdown, messages, viewer
from qa.present import html as phtml
from qa.types import CANNOT_ANSWER, Answer, Citation, Claim, ContestedPoint, Disagreement, Evidence

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
STATIC = ROOT / "qa" / "present" / "static"
FERGANA, WSWS, DIPLOMAT, CABAR = (
    "001_152506a2ec9fb58b", "002_a7b43e8997e883e6", "003_1bd85da965e957ee",
    "000_7d64eb3df81b7cc3",
)  # fmt: skip


def _sources() -> dict[str, Source]:
    meta = tomllib.loads((SEEDS / "sources.toml").read_text(encoding="utf-8"))
    fields = set(Source.__dataclass_fields__)
    return {
        d: Source(doc_id=d, **{k: v for k, v in f.items() if k in fields}) for d, f in meta.items()
    }


SOURCES = _sources()


def _text(doc_id: str) -> str:
    return (SEEDS / f"{doc_id}.txt").read_text(encoding="utf-8")


def _article(doc_id: str) -> Article:
    raw = (SEEDS / f"{doc_id}.txt").read_bytes()
    return Article(doc_id, raw.decode("utf-8"), hashlib.sha256(raw).hexdigest(), SOURCES[doc_id])


def _find(doc_id: str, typed: str) -> tuple[int, str]:
    """Start and exact text of a passage (typed spaces may be no-break spaces in the file)."""
    m = re.search(r"\s".join(re.escape(w) for w in typed.split(" ")), _text(doc_id))
    assert m, typed
    return m.start(), m.group(0)


def _cite(n: int, doc_id: str, typed: str, answer: str | None = None) -> Citation:
    start, quote = _find(doc_id, typed)
    span = {}
    if answer:
        m = re.search(r"\s".join(re.escape(w) for w in answer.split(" ")), quote)
        span = {"answer_start": m.start(), "answer_end": m.end()}
    src = SOURCES[doc_id]
    return Citation(n, doc_id, start, start + len(quote), quote, src.name, src.when, **span)


def _claim(c: Citation, value: str) -> Claim:
    return Claim(c.doc_id, c.outlet, value, (c.n,), c.quote, c.start, c.end)


Q_FERGANA = "The latest official reports suggest that 8 people have been killed and 40 injured"
Q_WSWS = "ending in the deaths of 11 people and more than 170 injured."
Q_DIPLOMAT = "left 10 people dead and 178 injured on the night of February 7."


def deaths(spans: bool = True, **extra) -> Answer:
    cites = (
        _cite(1, FERGANA, Q_FERGANA, "8 people have been killed" if spans else None),
        _cite(2, WSWS, Q_WSWS, "the deaths of 11 people" if spans else None),
        _cite(3, DIPLOMAT, Q_DIPLOMAT, "10 people dead" if spans else None),
    )
    claims = (_claim(cites[0], "8"), _claim(cites[1], "11"), _claim(cites[2], "10"))
    d = Disagreement("deaths", "People killed", claims, "People killed: …")
    fields = {"confident": True, "confidence": 0.91, "basis": "ranked", **extra}
    return Answer("How many people were killed?", False, "", cites, (d,), **fields)


# --------------------------------------------------------------------------- cite


def test_markers_group_runs_of_three_or_more() -> None:
    assert cite.marker_text([1]) == "[1]"
    assert cite.marker_text([3, 1]) == "[1][3]"
    assert cite.marker_text([1, 2]) == "[1][2]"
    assert cite.marker_text([1, 2, 3, 5]) == "[1–3][5]"


def test_every_marker_and_range_is_one_link_with_a_preview() -> None:
    a = deaths()
    cites = {c.n: c for c in a.citations}
    out = cite.marker_html([1, 2, 3, 9], cites)
    assert out.count("<a ") == 1 and "&#91;1–3&#93;" in out  # 9 points at nothing: dropped
    assert out.count('class="ms-tip-line"') == 3 and "Fergana" in out and "WSWS" in out


def test_dates_are_human_and_notes_lose_their_aside() -> None:
    assert cite.human_date("2020-02-20") == "20 February 2020"
    assert cite.human_date("2020-02-20", "ru") == "20 февраля 2020"
    assert cite.human_date(SOURCES[CABAR].when) == "after 9 February 2020"


# --------------------------------------------------------------------------- lead / markdown


def test_lead_quotes_each_sources_answer_span_with_its_marker() -> None:
    text = markdown.answer_text(deaths(), SOURCES)
    first = " ".join(text.splitlines()[0].split())
    assert first.startswith("The sources give different answers.")
    assert "Fergana: “8 people have been killed” [1]" in first
    assert "WSWS: “the deaths of 11 people” [2]" in first


def test_without_spans_the_lead_uses_the_disagreement_claims() -> None:
    first = markdown.answer_text(deaths(spans=False), SOURCES).splitlines()[0]
    assert "Fergana: “8” [1]" in first and "The Diplomat: “10” [3]" in first


def test_not_confident_presents_closest_passages_and_no_figure() -> None:
    a = deaths(confident=False)
    first = markdown.answer_text(a, SOURCES).splitlines()[0]
    assert first.startswith("No passage clearly answers this.") and "“8" not in first
    assert "Closest passages" in phtml.answer_html(a, SOURCES)


def test_likely_but_not_confident_states_the_figures_hedged() -> None:
    a = deaths(confident=False, likely=True, confidence=0.55)
    first = " ".join(markdown.answer_text(a, SOURCES).splitlines()[0].split())
    assert first.startswith("The sources give different answers (check the quotes).")
    assert "Fergana: “8 people have been killed” [1]" in first
    html = phtml.answer_html(a, SOURCES)
    assert "Closest passages" not in html and "check the quotes" in html
    ru = markdown.answer_text(replace(a, language="ru"), SOURCES)
    assert "проверьте цитаты" in ru.splitlines()[0]
    lone = deaths(confident=False, likely=True, confidence=0.55)
    lone = replace(lone, citations=lone.citations[:1], disagreements=())
    assert " ".join(markdown.answer_text(lone, SOURCES).split()).startswith(
        "Most likely (check the quotes): Fergana: “8 people have been killed” [1].")


def test_markdown_carries_every_quote_verbatim_and_no_scores() -> None:
    a = deaths()
    text = markdown.answer_text(a, SOURCES)
    for c in a.citations:
        assert f"> [{c.n}] {c.quote}" in text  # verbatim, no-break spaces included
        assert _text(c.doc_id)[c.start : c.end] == c.quote
    assert "0.91" not in text and "score" not in text.lower()
    assert "**Sources disagree: People killed**: Fergana: 8 [1]; WSWS: 11 [2]" in text


def test_resolved_follow_up_and_russian_answer() -> None:
    a = deaths(resolved_question="How many people were killed in Masanchi?", language="ru")
    text = markdown.answer_text(a, SOURCES)
    assert text.startswith("_Отвечаю на вопрос: How many people were killed in Masanchi?_")
    assert "Источники отвечают по-разному." in text
    assert messages.RU["quotes_language_note"] in text
    assert "Источники расходятся: Погибшие" in text


def test_refusal_text_says_what_is_missing_in_plain_words() -> None:
    a = Answer("Who won?", True, "", status="refused", message="The articles never mention it.")
    text = markdown.answer_text(a, SOURCES)
    assert text.startswith(CANNOT_ANSWER) and "The articles never mention it." in text
    ru = Answer("Кто?", True, "", status="refused", language="ru")
    assert markdown.answer_text(ru, SOURCES).startswith(messages.RU["refused_text"])


def test_number_citations_groups_by_source_in_text_order() -> None:
    ev = lambda i, doc, start, text, s: Evidence(i, doc, start, start + len(text), text, s)  # noqa: E731
    sel = [
        ev(1, WSWS, 50, "Second.", 0.9),
        ev(2, FERGANA, 5, "Only.", 0.8),
        ev(3, WSWS, 10, "First.", 0.7),
    ]
    cites = markdown.number_citations(sel, SOURCES)
    assert [(c.n, c.doc_id, c.quote) for c in cites] == [
        (1, WSWS, "First."),
        (2, WSWS, "Second."),
        (3, FERGANA, "Only."),
    ]
    assert cites[0].outlet == "WSWS" and cites[0].date == "2020-02-20"


@dataclass(frozen=True)
class _Part:
    text: str
    citations: tuple[int, ...] = ()
    missing: str = ""


def test_parts_and_extra_claim_fields_are_rendered_when_present() -> None:
    @dataclass(frozen=True)
    class RichClaim:
        doc_id: str
        outlet: str
        value: str
        citations: tuple[int, ...]
        quote: str = ""
        start: int = 0
        end: int = 0
        qualifier: str = "more than"
        attribution: str = "the health ministry"

    @dataclass(frozen=True)
    class D:
        point: str
        label: str
        claims: tuple
        summary: str = ""

    base = deaths()
    rich = D(
        "injured",
        "People injured",
        (RichClaim(WSWS, "WSWS", "170", (2,)), RichClaim(DIPLOMAT, "The Diplomat", "178", (3,))),
    )
    stand_in = type(
        "A",
        (),
        {
            **{f: getattr(base, f) for f in base.__dataclass_fields__},
            "disagreements": (rich,),
            "parts": (_Part("killed", (1,)), _Part("arrested", missing="arrests")),
        },
    )
    out = html.unescape(phtml.answer_html(stand_in, SOURCES))
    assert "more than" in out and "according to the health ministry" in out
    assert "Not found in the articles: arrests" in out
    assert "- killed [1]" in markdown.answer_text(stand_in, SOURCES)


# --------------------------------------------------------------------------- chat HTML


def test_chat_html_escapes_markup_and_shows_scores_only_in_details() -> None:
    assert "<script>" not in phtml.user_message("<script>x</script> [a](http://e.x)")
    assert "](" not in phtml.user_message("[a](http://e.x)")
    out = phtml.answer_html(deaths(), SOURCES)
    main, _, details = out.partition('<details class="ms-details">')
    assert "0.91" not in main and "confidence 0.91" in details
    assert out.count('<li class="ms-quote">') == 3
    lead_p = " ".join(re.search(r'<p class="ms-lead">(.*?)</p>', out).group(1).split())
    assert "Fergana" in lead_p and "8 people have been killed" in lead_p


def test_refusal_html_has_its_own_badge_and_no_markers() -> None:
    a = Answer("Who?", True, "", status="refused", message="The articles never mention “X”.")
    out = phtml.answer_html(a, SOURCES)
    assert "ms-refusal" in out and "Not in the five articles" in out and "ms-cite" not in out
    bad = Answer("", True, "", status="invalid", message="The question is empty.")
    assert "The question is empty." in phtml.answer_html(bad, SOURCES)


# --------------------------------------------------------------------------- viewer


@pytest.mark.parametrize("doc_id", sorted(SOURCES))
def test_viewer_keeps_every_character_in_order(doc_id: str) -> None:
    art = _article(doc_id)
    body = viewer.article_body(art, [(40, 95), (300, 420)])
    assert html.unescape(re.sub(r"<[^>]+>", "", body)) == art.text


def test_viewer_renders_headings_hides_furniture_and_marks_the_exact_span() -> None:
    art = _article(WSWS)
    start, quote = _find(WSWS, Q_WSWS)
    out = viewer.article_html(art, [(start, start + len(quote))])
    assert re.search(r"<h3[^>]*><span class=\"ms-md\">#", out)  # the '#' hidden, a real heading
    marked = "".join(re.findall(r'<mark class="ms-hl">(.*?)</mark>', out))
    assert html.unescape(re.sub(r"<[^>]+>", "", marked)) == quote
    assert 'class="ms-furniture"' in out and "David Levine" in out
    fergana = viewer.article_html(_article(FERGANA))
    body = fergana.split('class="ms-article"')[1]
    assert "<h3" in body.split("Provocateurs")[0][-60:]  # the title line is a heading


# --------------------------------------------------------------------------- compare / export


def _points() -> list[ContestedPoint]:
    a = deaths()
    claims = tuple(
        Claim(c.doc_id, c.outlet, v, (), c.quote, c.start, c.end)
        for c, v in zip(a.citations, ("8", "11", "10"), strict=True)
    )
    acc_start, acc = _find(WSWS, "involved in a road-rage brawl that the Kazakh police claims")
    account = Claim(WSWS, "WSWS", acc, (), acc, acc_start, acc_start + len(acc))
    return [
        ContestedPoint("deaths", "People killed", "figure", claims, True),
        ContestedPoint("trigger", "What set it off", "account", (account,), False),
    ]


def test_compare_has_cards_and_a_table_naming_every_outlet() -> None:
    out = compare.compare_html(_points(), list(SOURCES.values()))
    assert out.count('<li class="ms-card"') == 2 and "<table" in out
    for s in SOURCES.values():
        assert s.name in out
    assert "does not say" in out and "sources differ" in out


def test_handout_names_each_article_quotes_verbatim_and_says_how_figures_differ() -> None:
    points = _points()
    out = export.handout_html(points, list(SOURCES.values()), chosen=["deaths"])
    assert out.startswith("<!DOCTYPE html>") and "@media print" in out
    for s in SOURCES.values():
        assert html.escape(s.outlet) in out
    assert "David Levine" in out and "20 February 2020" in out
    assert "Values given: 8 (Fergana); 11 (WSWS); 10 (The Diplomat)." in out
    for c in points[0].claims:
        assert f'<blockquote lang="en">{html.escape(c.quote)}</blockquote>' in out
    assert "What set it off" not in out  # not chosen
    assert "seeds/" not in out and "<script" not in out and "http" not in out.split("<body>")[1]
    assert "Address" not in out  # no address in sources.toml: left out, not guessed


# --------------------------------------------------------------------------- messages, CSS


def test_every_language_has_every_key() -> None:
    assert set(messages.RU) >= set(messages.EN) - {"quotes_language_note"}
    assert messages.t("xx", "ask") == "Ask"


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


#: (text variable, background variable) pairs the stylesheet puts together
PAIRS = [
    ("--ms-text", "--ms-bg"),
    ("--ms-muted", "--ms-bg"),
    ("--ms-link", "--ms-bg"),
    ("--ms-refusal-text", "--ms-refusal-bg"),
    ("--ms-text", "--ms-refusal-bg"),
    ("--ms-differ-text", "--ms-differ-bg"),
    ("--ms-text", "--ms-differ-bg"),
    ("--ms-mark-text", "--ms-mark-bg"),
    ("--ms-furniture", "--ms-bg"),
    ("--ms-tip-text", "--ms-tip-bg"),
    ("--ms-agree-text", "--ms-bg"),
]


@pytest.mark.parametrize("scheme", [":root", ".dark"])
def test_colour_pairs_meet_wcag_aa(scheme: str) -> None:
    css = (STATIC / "app.css").read_text(encoding="utf-8")
    block = re.search(re.escape(scheme) + r"\s*\{(.*?)\}", css, re.DOTALL).group(1)
    var = dict(re.findall(r"(--ms-[\w-]+):\s*(#[0-9a-fA-F]{6})", block))
    for fg, bg in PAIRS:
        assert contrast(var[fg], var[bg]) >= 4.5, (scheme, fg, bg)
