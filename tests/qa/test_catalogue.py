"""The catalogue of contested points, discovered from the claims (slow: real models)."""

import pytest

from index.furniture import furniture_spans
from tests.conftest import seed_text

pytestmark = pytest.mark.slow


def _point(engine, word):
    return [p for p in engine.catalogue() if p.kind == "figure" and any(
        word in c for c in (*p.counts, p.label.lower()))]


def test_every_claim_is_verbatim_and_furniture_only_when_labelled(real_engine):
    for row in real_engine.catalogue():
        for c in row.claims:
            text = seed_text(c.doc_id)
            assert text[c.start : c.end] == c.quote
            in_furniture = any(c.start < e and s < c.end for s, e in furniture_spans(text))
            assert not in_furniture or c.note, "a caption is shown only labelled as such"


def test_deaths_keep_every_source_apart(real_engine):
    [deaths] = [p for p in _point(real_engine, "kill") if p.contested]
    by_outlet: dict[str, set[str]] = {}
    for c in deaths.claims:
        if not c.note:
            by_outlet.setdefault(c.outlet, set()).add(c.value)
    assert by_outlet["Fergana"] == {"8"} and by_outlet["WSWS"] == {"11"}
    assert len(by_outlet) == 5


def test_no_account_is_called_a_disagreement_without_opposing_positions(real_engine):
    for p in real_engine.catalogue():
        if p.kind == "account":
            assert not p.contested
