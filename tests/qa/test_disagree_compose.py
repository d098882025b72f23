import pytest

from index.types import Source
from qa.compose import compose_text, number_citations
from qa.disagree import contested, figure_disagreements
from qa.points import Figure
from qa.types import Answer, Citation, Evidence

SOURCES = {"a": Source("a", "Alpha News", short="Alpha", date="2020-02-11"),
           "b": Source("b", "Beta Times", short="Beta")}


def _ev(i, doc, start, text, score):
    return Evidence(i, doc, start, start + len(text), text, score)


def test_citations_are_grouped_by_source_and_numbered_in_order():
    sel = [_ev(1, "a", 50, "Second in A.", 0.9), _ev(2, "b", 5, "Only in B.", 0.8),
           _ev(3, "a", 10, "First in A.", 0.7)]
    cites = number_citations(sel, SOURCES)
    assert [(c.n, c.doc_id, c.quote) for c in cites] == [
        (1, "a", "First in A."), (2, "a", "Second in A."), (3, "b", "Only in B.")]
    assert cites[0].outlet == "Alpha" and cites[0].date == "2020-02-11"


def _cite(n, doc, quote):
    return Citation(n, doc, 0, len(quote), quote, SOURCES[doc].name)


def test_differing_figures_from_two_sources_are_a_disagreement():
    cites = [_cite(1, "a", "8 killed"), _cite(2, "b", "11 killed")]
    figs = {1: (Figure("deaths", "8", 0, 1, "8"),), 2: (Figure("deaths", "11", 0, 2, "11"),)}
    [d] = figure_disagreements(cites, figs)
    assert [(c.outlet, c.value, c.citations) for c in d.claims] == [
        ("Alpha", "8", (1,)), ("Beta", "11", (2,))]
    assert "Alpha: 8 [1]" in d.summary and "Beta: 11 [2]" in d.summary
    text = compose_text(cites, [d], SOURCES)
    assert "Sources disagree" in text and "> [1] 8 killed" in text


def test_same_figure_or_one_source_is_not_a_disagreement():
    cites = [_cite(1, "a", "ten"), _cite(2, "b", "10")]
    same = {1: (Figure("deaths", "ten", 0, 3, "10"),), 2: (Figure("deaths", "10", 0, 2, "10"),)}
    assert figure_disagreements(cites, same) == []
    one = {1: (Figure("deaths", "8", 0, 1, "8"), Figure("deaths", "9", 0, 1, "9"))}
    assert figure_disagreements(cites, one) == []


def test_vague_values_alone_do_not_make_a_disagreement():
    assert not contested({"thousands", "4000"})
    assert contested({"thousands", "4000", "24000"})


def test_answer_invariants():
    c = _cite(1, "a", "x")
    with pytest.raises(ValueError):
        Answer("q", refused=False, text="t", citations=(c, _cite(3, "b", "y")))
    with pytest.raises(ValueError):
        Answer("q", refused=True, text="t", citations=(c,), status="refused")
    with pytest.raises(ValueError):
        Citation(1, "a", 0, 5, "abc", "Alpha")
