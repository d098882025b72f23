"""Unit tests of every metric on small hand-made items and answers (no models, no files)."""

from __future__ import annotations

import math

import pytest

from eval import scorer

SEEDS = {
    "a": "Ten people died.\u00a0The police came late. Markets closed.",
    "b": "Eight people were killed. Forty were hurt.",
}
A_DEATHS = "Ten people died."
B_DEATHS = "Eight people were killed."


def cite(doc: str, quote: str, n: int = 1, shift: int = 0) -> dict:
    start = SEEDS[doc].find(quote) + shift
    return {
        "n": n,
        "doc_id": doc,
        "start": start,
        "end": start + len(quote),
        "quote": quote,
        "outlet": doc,
    }


def answer(*citations: dict, refused: bool = False, latency: float | None = None) -> dict:
    out = {
        "question": "q",
        "refused": refused,
        "text": "",
        "citations": list(citations),
        "disagreements": [],
    }
    if latency is not None:
        out["latency_ms"] = latency
    return out


def item(kind: str = "single", answerable: bool = True, must=(), evidence=()) -> dict:
    return {
        "id": "x",
        "question": "q",
        "type": kind,
        "lang": "en",
        "answerable": answerable,
        "reference": "r",
        "must_include": list(must),
        "evidence": [{"doc": d, "quote": q} for d, q in evidence],
    }


DEATHS = item("disagreement", must=["ten", "eight"], evidence=[("a", A_DEATHS), ("b", B_DEATHS)])
UNANSWERABLE = item("unanswerable_on_topic", answerable=False)


def test_gold_spans_and_overlap() -> None:
    assert scorer.gold_spans(DEATHS, SEEDS) == [("a", 0, 16), ("b", 0, 25)]
    assert scorer.overlaps(("a", 0, 5), ("a", 4, 9))
    assert not scorer.overlaps(("a", 0, 5), ("a", 5, 9))  # touching is not overlapping
    assert not scorer.overlaps(("a", 0, 5), ("b", 0, 5))


def test_citation_recall_all_half_none() -> None:
    full = answer(cite("a", A_DEATHS), cite("b", B_DEATHS, 2))
    half = answer(cite("a", "people died"))
    wrong_doc = answer(cite("b", "Forty were hurt."))
    assert scorer.citation_recall([DEATHS], [full], SEEDS) == 1.0
    assert scorer.citation_recall([DEATHS], [half], SEEDS) == 0.5
    assert scorer.citation_recall([DEATHS], [wrong_doc], SEEDS) == 0.0
    assert scorer.citation_recall([DEATHS], [answer(refused=True)], SEEDS) == 0.0
    assert math.isnan(scorer.citation_recall([UNANSWERABLE], [answer()], SEEDS))


def test_citation_precision() -> None:
    one_good_one_bad = answer(cite("a", A_DEATHS), cite("a", "Markets closed.", 2))
    assert scorer.citation_precision([DEATHS], [one_good_one_bad], SEEDS) == 0.5
    # supported by a must_include string even without overlapping a gold span
    must_only = item(must=["forty"], evidence=[("a", A_DEATHS)])
    assert (
        scorer.citation_precision([must_only], [answer(cite("b", "Forty were hurt."))], SEEDS)
        == 1.0
    )
    assert scorer.citation_precision([DEATHS], [answer(cite("a", "Markets closed."))], SEEDS) == 0.0
    assert math.isnan(scorer.citation_precision([DEATHS], [answer(refused=True)], SEEDS))


def test_must_include_accuracy_case_and_whitespace() -> None:
    both = answer(cite("a", A_DEATHS), cite("b", B_DEATHS, 2))
    assert scorer.must_include_accuracy([DEATHS], [both]) == 1.0
    assert scorer.must_include_accuracy([DEATHS], [answer(cite("a", A_DEATHS))]) == 0.0
    nbsp = item(must=["died. the police"], evidence=[("a", "died.\u00a0The police")])
    assert scorer.must_include_accuracy([nbsp], [answer(cite("a", "died.\u00a0The police"))]) == 1.0
    refused = answer(refused=True)
    assert scorer.must_include_accuracy([DEATHS], [refused]) == 0.0


def test_refusal_recall_and_false_refusal_rate() -> None:
    items = [UNANSWERABLE, UNANSWERABLE, DEATHS, DEATHS]
    answers = [answer(refused=True), answer(cite("a", A_DEATHS)), answer(refused=True), answer()]
    assert scorer.refusal_recall(items, answers) == 0.5
    assert scorer.false_refusal_rate(items, answers) == 0.5
    assert scorer.refusal_recall([UNANSWERABLE], [answer(refused=True)]) == 1.0
    assert scorer.false_refusal_rate([DEATHS], [answer()]) == 0.0
    assert math.isnan(scorer.refusal_recall([DEATHS], [answer()]))


def test_disagreement_coverage() -> None:
    assert scorer.disagreement_coverage([DEATHS], [answer(cite("a", "Markets closed."))]) == 0.5
    both = answer(cite("a", "Markets closed."), cite("b", "Forty were hurt.", 2))
    assert scorer.disagreement_coverage([DEATHS], [both]) == 1.0
    assert scorer.disagreement_coverage([DEATHS], [answer()]) == 0.0
    assert math.isnan(scorer.disagreement_coverage([UNANSWERABLE], [answer()]))


def test_verbatim_rate_and_quote_length() -> None:
    good = cite("a", A_DEATHS)
    shifted = cite("a", A_DEATHS, 2, shift=1)
    unknown = {**cite("b", B_DEATHS, 3), "doc_id": "zzz"}
    answers = [answer(good, shifted), answer(unknown)]
    assert scorer.verbatim_rate(answers, SEEDS) == pytest.approx(1 / 3)
    assert scorer.verbatim_rate([answer(good)], SEEDS) == 1.0
    assert scorer.mean_quote_chars([answer(good), answer(cite("b", B_DEATHS))]) == 20.5
    assert math.isnan(scorer.verbatim_rate([answer(refused=True)], SEEDS))


def test_latency_percentiles() -> None:
    answers = [answer(latency=float(ms)) for ms in (10, 20, 30, 40, 50)] + [answer()]
    assert scorer.latency_ms(answers, 50) == 30.0
    assert scorer.latency_ms(answers, 95) == pytest.approx(48.0)
    assert math.isnan(scorer.latency_ms([answer()], 50))


def test_crag_score_each_case() -> None:
    right = answer(cite("a", A_DEATHS), cite("b", B_DEATHS, 2))
    assert scorer.crag_item(DEATHS, right) == 1.0
    assert scorer.crag_item(DEATHS, answer(refused=True)) == 0.0
    assert scorer.crag_item(DEATHS, answer(cite("a", A_DEATHS))) == -1.0
    assert scorer.crag_item(UNANSWERABLE, answer(refused=True)) == 1.0
    assert scorer.crag_item(UNANSWERABLE, answer(cite("a", A_DEATHS))) == -1.0
    items = [DEATHS, UNANSWERABLE]
    assert scorer.crag_score(items, [right, answer(refused=True)]) == 1.0
    assert scorer.crag_score(items, [answer(cite("a", A_DEATHS)), answer()]) == -1.0


def test_score_and_breakdown_never_crash_on_subsets() -> None:
    items = [DEATHS, UNANSWERABLE, {**UNANSWERABLE, "lang": "ru"}]
    answers = [answer(cite("a", A_DEATHS), latency=5.0), answer(refused=True), answer()]
    flat = scorer.score(items, answers, SEEDS)
    assert list(flat) == list(scorer.METRICS)
    assert all(isinstance(v, float) for v in flat.values())
    by_type = scorer.breakdown(items, answers, SEEDS, "type")
    assert set(by_type) == {"disagreement", "unanswerable_on_topic"}
    assert math.isnan(by_type["unanswerable_on_topic"]["citation_recall"])
    assert by_type["unanswerable_on_topic"]["refusal_recall"] == 0.5
    by_lang = scorer.breakdown(items, answers, SEEDS, "lang")
    assert by_lang["ru"]["crag_score"] == -1.0 and by_lang["en"]["n_items"] == 2.0


def test_misaligned_answers_raise() -> None:
    with pytest.raises(ValueError):
        scorer.score([DEATHS], [], SEEDS)
