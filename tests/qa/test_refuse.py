"""Refusal reasons: named constants, decided in a fixed order, in plain words."""

from qa.question import Constraint, Question
from qa.refuse import REASONS, refusal_reason
from qa.retrieve import Checks


def _q(answer_type="count", constraints=(), focus=("population",), lang="en") -> Question:
    return Question("q", lang, answer_type, focus, "", tuple(constraints),
                    focus_phrase="population")


def _c(focus=1.0, cons=1.0, value=1.0, unmet=()) -> Checks:
    return Checks(focus, focus, cons, cons, 1.0, value, 0.0, tuple(unmet))


def test_unknown_name_comes_first():
    reason = refusal_reason(_q(), ["Nazarbayev"], (_c(),), 0.99, 0.5)
    assert reason == REASONS["en"]["unknown"].format(names="“Nazarbayev”")


def test_a_known_name_never_met_with_the_focus_is_named():
    q = _q(constraints=[Constraint("name", "Almaty", "almati")])
    chk = (_c(cons=0.0, unmet=("Almaty",)), _c(cons=0.0, unmet=("Almaty",)))
    assert "“Almaty”" in refusal_reason(q, [], chk, 0.9, 0.5)
    assert refusal_reason(q, [], (_c(cons=1.0),), 0.9, 0.5) == ""


def test_a_value_no_passage_gives_is_said_plainly():
    q = _q(answer_type="person", focus=("driver",))
    reason = refusal_reason(q, [], (_c(value=0.0),) * 3, 0.3, 0.2)
    assert "never give a name" in reason
    assert refusal_reason(q, [], (_c(value=1.0),), 0.3, 0.2) == ""


def test_low_answerability_refuses_and_high_does_not():
    assert refusal_reason(_q(answer_type="cause"), [], (_c(),), 0.1, 0.4) == (
        REASONS["en"]["unlikely"])
    assert refusal_reason(_q(answer_type="cause"), [], (_c(),), 0.9, 0.4) == ""


def test_russian_questions_get_russian_reasons():
    reason = refusal_reason(_q(lang="ru"), ["Назарбаев"], (_c(),), 0.9, 0.5)
    assert reason.startswith("В статьях")
