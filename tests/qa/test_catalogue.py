"""The catalogue of contested points, over the real corpus (slow: real models)."""

import pytest

from index.furniture import furniture_spans
from tests.conftest import seed_text

pytestmark = pytest.mark.slow


def test_every_claim_is_a_verbatim_non_furniture_quote(real_engine):
    for row in real_engine.catalogue():
        for c in row.claims:
            text = seed_text(c.doc_id)
            assert text[c.start : c.end] == c.quote
            assert not any(c.start < e and s < c.end for s, e in furniture_spans(text))
            if row.kind == "figure":
                assert c.value in c.quote


def test_deaths_row_keeps_every_figure_apart(real_engine):
    rows = {r.point: r for r in real_engine.catalogue()}
    deaths = rows["deaths"]
    assert deaths.contested
    by_outlet: dict[str, set[str]] = {}
    for c in deaths.claims:
        by_outlet.setdefault(c.outlet, set()).add(c.value)
    assert by_outlet["Fergana"] == {"8"}
    assert "11" in by_outlet["WSWS"]
    assert len(by_outlet) == 5


def test_distance_and_accounts(real_engine):
    rows = {r.point: r for r in real_engine.catalogue()}
    assert {c.value for c in rows["distance"].claims} == {"3km", "about 12 kilometers"}
    for point in ("trigger", "ethnic"):
        assert rows[point].kind == "account"
        assert len({c.doc_id for c in rows[point].claims}) >= 3
