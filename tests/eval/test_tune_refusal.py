"""The end-to-end refusal probe's pure parts: what a threshold refuses, and which one is chosen."""

from eval.tune_refusal import Decided, choose, fold_of, rates, twin_refusals


def _row(answerable: bool, *traces, kind: str = "") -> Decided:
    return Decided("", "", "en", kind or ("single" if answerable else "unanswerable_on_topic"),
                   answerable, tuple(traces))


def test_a_bank_match_is_never_refused_by_the_threshold():
    matched = _row(True, (False, True, 0.01))
    assert not matched.refused(0.99)
    assert _row(True, (False, False, 0.01)).refused(0.5)


def test_a_rule_refuses_whatever_the_threshold():
    assert _row(False, (True, False, 0.99)).refused(0.0)


def test_a_multi_part_question_is_refused_only_when_every_part_is():
    row = _row(True, (False, False, 0.2), (False, False, 0.1), (False, False, 0.8))
    assert not row.refused(0.5)  # the third part answers
    assert row.refused(0.9)


def test_choose_refuses_more_unanswerable_questions_within_the_cap():
    rows = ([_row(True, (False, False, p)) for p in (0.3, 0.6, 0.7, 0.8, 0.9)]
            + [_row(False, (False, False, p)) for p in (0.1, 0.2, 0.35, 0.5)])
    threshold, r = choose(rows, cap=0.2)
    # 0.3 < threshold: one answerable refused (0.2 ≤ cap) and all four unanswerable ones
    assert 0.3 < threshold <= 0.6
    assert r["false_refusal"] == 0.2 and r["on_topic_refused"] == 1.0
    tight, r0 = choose(rows, cap=0.0)
    assert tight <= 0.3 and r0["false_refusal"] == 0.0 and r0["on_topic_refused"] == 0.5
    assert rates(rows, tight) == r0


def test_twins_share_a_fold():
    a = {"id": "x-001", "twin": "x-002"}
    b = {"id": "x-002", "twin": "x-001"}
    assert fold_of(a) == fold_of(b)
    assert len({fold_of({"id": f"q-{n}"}) for n in range(200)}) > 1


def test_twin_refusals_counts_russian_refused_where_the_english_twin_answers():
    en = Decided("e1", "r1", "en", "single", True, ((False, False, 0.7),))
    ru = Decided("r1", "e1", "ru", "single", True, ((False, False, 0.5),))
    assert twin_refusals([en, ru], {"en": 0.6, "ru": 0.6}) == (1, 1)
    assert twin_refusals([en, ru], {"en": 0.6, "ru": 0.4}) == (0, 1)
    assert twin_refusals([en, ru], {"en": 0.8, "ru": 0.6}) == (0, 1)  # both refused
