import pytest

from index.types import Source
from qa.present.markdown import number_citations
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


def test_answer_invariants():
    c = _cite(1, "a", "x")
    with pytest.raises(ValueError):
        Answer("q", refused=False, text="t", citations=(c, _cite(3, "b", "y")))
    with pytest.raises(ValueError):
        Answer("q", refused=True, text="t", citations=(c,), status="refused")
    with pytest.raises(ValueError):
        Citation(1, "a", 0, 5, "abc", "Alpha")
    with pytest.raises(ValueError):  # an answer span must lie inside the quote
        Citation(1, "a", 0, 3, "abc", "Alpha", answer_start=2, answer_end=5)
    assert Citation(1, "a", 0, 6, "8 dead", "Alpha", answer_start=0, answer_end=1).answer == "8"
    with pytest.raises(ValueError):
        Answer("q", refused=False, text="t", citations=(c,), confidence=1.5)
