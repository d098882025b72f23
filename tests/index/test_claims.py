"""Claim extraction on the real seeds (spaCy, no embedding) and on small unit cases."""

from __future__ import annotations

import math

import pytest

from index.claims import apply_bound, corpus_claims, extract_claims, time_refs
from index.corpus import load_articles
from index.segment import segment_corpus
from index.settings import IndexSettings
from index.types import Article, FigureClaim, Sentence, Source
from tests.conftest import SEEDS

DIPLOMAT, FERGANA, WSWS, CABAR = ("003_1bd85da965e957ee", "001_152506a2ec9fb58b",
                                  "002_a7b43e8997e883e6", "000_7d64eb3df81b7cc3")


@pytest.fixture(scope="module")
def seeds():
    articles = load_articles(SEEDS)
    sentences, _ = segment_corpus(articles, IndexSettings())
    return {a.doc_id: a for a in articles}, sentences, corpus_claims(articles, sentences)


def _all(rows):
    return [c for row in rows for c in row]


def test_rows_align_and_offsets_round_trip(seeds):
    articles, sentences, rows = seeds
    assert len(rows) == len(sentences)
    for i, row in enumerate(rows):
        for c in row:
            text = articles[c.doc_id].text
            assert c.sentence_id == i and c.doc_id == sentences[i].doc_id
            assert text[c.start:c.end] == c.text
            assert c.context_start <= c.start < c.end <= c.context_end
            if not c.in_furniture:
                assert (c.context_start, c.context_end) == (sentences[i].start, sentences[i].end)
            assert FigureClaim.from_dict(c.to_dict()) == c


def _find(rows, doc, text):
    return [c for c in _all(rows) if c.doc_id == doc and c.text == text]


def test_values_qualifiers_and_counts(seeds):
    _, _, rows = seeds
    (c,) = _find(rows, WSWS, "more than 170")
    assert (c.low, c.high, c.bound, c.qualifier, c.counts) == (171, math.inf, "above",
                                                               "more than", "injured")
    (c,) = _find(rows, CABAR, "four thousand")
    assert c.value == 4000 and c.scope == "part" and "via" in c.scope_note
    assert c.attribution == "border post" and c.as_of_date == "2020-02-08"
    (c,) = _find(rows, FERGANA, "dozens")
    assert c.vague and c.value is None and "buildings" in c.counts
    (c,) = _find(rows, CABAR, "165")
    assert c.counts == "people sought medical help" and "Aktaeva" in c.attribution
    (c,) = [x for x in _find(rows, CABAR, "47") if x.counts]
    assert c.counts == "people detained" and c.attribution_inherited
    assert "interior ministry" in c.attribution
    (c,) = _find(rows, WSWS, "just 13,606")
    assert c.counts == "population" and c.as_of_date == "2009"
    (c,) = _find(rows, FERGANA, "3km")
    assert c.unit == "km" and set(c.places) == {"Sortobe", "Masanchi"}


def test_years_dates_and_times_are_not_figures(seeds):
    _, _, rows = seeds
    texts = {c.text for c in _all(rows)}
    for not_a_count in ("2009", "1995", "2007", "7", "14.10", "293", "5.25am", "2020"):
        assert not_a_count not in texts


def test_other_event_caption_and_headline_flags(seeds):
    _, _, rows = seeds
    (c,) = _find(rows, WSWS, "over 40")
    assert c.scope == "other_event" and "2006" in c.scope_note
    caption = [c for c in _all(rows) if c.doc_id == DIPLOMAT and c.in_furniture]
    assert {c.text for c in caption} == {"eight", "40", "about 30"}
    assert all("interior minister" in c.attribution for c in caption)
    heads = [c for c in _all(rows) if c.doc_id == WSWS and c.headline]
    assert {c.text for c in heads} == {"20,000", "11"}
    quoted = _find(rows, FERGANA, "more than 10")
    assert quoted and quoted[0].quoted and "Daurov" in quoted[0].attribution


def test_extract_claims_on_one_article():
    text = "By March 7, five people had died, the ministry said. About 40 homes burned."
    a = Article("x", text, "", Source("x", "X", date="2023-03-08"))
    sents = [Sentence(0, "x", 0, 52, text[:52]), Sentence(1, "x", 53, len(text), text[53:])]
    rows = extract_claims(a, sents)
    assert [c.text for c in rows[0]] == ["five"] and rows[0][0].as_of_date == "2023-03-07"
    assert rows[0][0].attribution == "ministry" and rows[0][0].counts == "people died"
    assert rows[1][0].bound == "approx" and rows[1][0].counts == "homes burned"


def test_bounds_and_invariants():
    assert apply_bound(10, "min") == (10, math.inf)
    assert apply_bound(170, "above") == (171, math.inf)
    assert apply_bound(20000, "exact") == (18000, 22000)  # a round figure
    assert apply_bound(47, "exact") == (47, 47)
    with pytest.raises(ValueError):
        FigureClaim("d", 0, 5, 3, "x", 1.0, 1.0, 1.0, "exact", context_end=9)
    with pytest.raises(ValueError):
        FigureClaim("d", 0, 0, 1, "x", None, 1.0, 1.0, "exact", vague=True, context_end=1)
    assert time_refs("as of February 12", "2020")[0][3] == "2020-02-12"
