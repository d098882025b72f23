"""Refusal: decided before anything is composed, always with a reason in plain words.

In order: a name the articles never mention; a name they mention, but never with what is asked;
a value of the asked type (a name, a sum, a date, a number) that no passage about the focus
gives; and last, a question the models judge the articles do not answer (P(answerable) below the
threshold chosen on the dev split). Pure functions.
"""

from __future__ import annotations

from qa.question import Question
from qa.retrieve import Checks
from qa.settings import Settings

#: What a value of each answer type is called in a refusal reason.
TYPE_PHRASE = {
    "en": {"count": "a number", "quantity": "a figure", "money": "a sum of money",
           "date": "a date", "time": "a time", "duration": "how long it lasted",
           "place": "a place", "person": "a name", "organisation": "the organisation",
           "cause": "a cause"},
    "ru": {"count": "числа", "quantity": "числа", "money": "суммы денег", "date": "даты",
           "time": "времени", "duration": "продолжительности", "place": "места",
           "person": "имени", "organisation": "названия организации", "cause": "причины"},
}
REASONS = {
    "en": {
        "unknown": "The articles never mention {names}.",
        "unmet": "The articles mention {names}, but not in connection with {focus}.",
        "no_value": "The articles speak of {focus} but never give {what}.",
        "unlikely": "None of the passages in the articles answers this question.",
    },
    "ru": {
        "unknown": "В статьях нигде не упоминается {names}.",
        "unmet": "В статьях упоминается {names}, но не в связи с тем, о чём вопрос.",
        "no_value": "В статьях говорится об этом, но нет {what}.",
        "unlikely": "Ни один фрагмент статей не отвечает на этот вопрос.",
    },
}


def _names(items: list[str]) -> str:
    quoted = [f"“{m}”" for m in dict.fromkeys(items)]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def refusal_reason(question: Question, unknown: list[str], chk: tuple[Checks, ...],
                   p_answerable: float, refuse_below: float, *,
                   settings: Settings | None = None) -> str:
    """Why the articles cannot answer, or "" when they can. ``settings``: ``refuse_look_at``,
    ``refuse_about_focus``, ``refuse_no_value_below`` (defaults without)."""
    lang = question.language if question.language in REASONS else "en"
    r = REASONS[lang]
    if unknown:
        return r["unknown"].format(names=_names(unknown))
    top = chk[:Settings.value(settings, "refuse_look_at")]
    focus = question.focus_phrase or "this"
    about_focus = Settings.value(settings, "refuse_about_focus")
    about = [c for c in top if c.focus_para >= about_focus]
    if question.constraints and about and all(c.unmet for c in about) and all(
            c.constraints_para == 0 for c in top):
        return r["unmet"].format(names=_names(list(about[0].unmet)), focus=focus)
    if (question.asks_value and lang == "en" and about and not any(c.value for c in about)
            and p_answerable < Settings.value(settings, "refuse_no_value_below")):
        return r["no_value"].format(focus=focus, what=TYPE_PHRASE[lang][question.answer_type])
    if p_answerable < refuse_below:
        return r["unlikely"]
    return ""
