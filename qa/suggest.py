"""Suggested next questions: two to four, derived from data (the last answer, the contested
points of the index, the named entities of the corpus), never hand-listed per article.

- after an answer with a disagreement: "What does each source say?", "Why do the figures
  differ?" (both resolved by :mod:`qa.followup` against the question just answered);
- after an answer quoting several outlets: "What does <outlet> say?" for one of them;
- people and places the answer's quotes name, that the question did not: "Who is Husei Daurov?";
- on a first visit, after a refusal, or to fill up: the contested points ("What do the sources
  say about people killed?") and the corpus's most prominent people and places.

Templates exist in English and Russian; the asker's language picks them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

MIN_SUGGESTIONS = 2
MAX_SUGGESTIONS = 4

TEMPLATES: dict[str, dict[str, str]] = {
    "en": {
        "each": "What does each source say?",
        "why": "Why do the figures differ?",
        "why_account": "Why do the sources tell it differently?",
        "outlet": "What does {outlet} say?",
        "person": "Who is {name}?",
        "place": "What happened in {name}?",
        "org": "What did {name} do?",
        "point": "How many {label} do the sources report?",
    },
    "ru": {
        "each": "Что пишет каждый источник?",
        "why": "Почему цифры расходятся?",
        "why_account": "Почему источники рассказывают по-разному?",
        "outlet": "Что пишет {outlet}?",
        "person": "Кто такой {name}?",
        "place": "Что произошло в {name}?",
        "org": "Что сделала организация {name}?",
        "point": "Что пишут источники: {label}?",
    },
}
PERSON_KINDS = frozenset({"PERSON", "PER"})
PLACE_KINDS = frozenset({"GPE", "LOC", "FAC"})
ORG_KINDS = frozenset({"ORG"})


def _lang(language: str | None) -> str:
    return "ru" if (language or "").lower().startswith("ru") else "en"


def _label(label: str, lang: str) -> str:
    label = label.strip().rstrip(".?")
    if lang == "en" and len(label) > 1 and label[0].isupper() and not label[1].isupper():
        label = label[0].lower() + label[1:]
    return f"«{label}»" if lang == "ru" else label


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def _entity_question(name: str, kind: str, t: Mapping[str, str]) -> str:
    kind = (kind or "").upper()
    if kind in PERSON_KINDS:
        return t["person"].format(name=name)
    if kind in PLACE_KINDS:
        return t["place"].format(name=name)
    if kind in ORG_KINDS:
        return t["org"].format(name=name)
    return ""


def suggest(answer_dict: Mapping | None, language: str | None, points: Sequence[str],
            entities: Sequence[tuple[str, str]]) -> list[str]:
    """Two to four next questions (fewer only when the data holds fewer).

    ``answer_dict`` is ``Answer.to_dict()`` of the last answer (None on a first visit);
    ``points`` the labels of the contested points; ``entities`` (name, kind) from the corpus,
    most prominent first (kind: spaCy labels PERSON, GPE, LOC, FAC, ORG …)."""
    lang = _lang(language or (answer_dict or {}).get("language"))
    t = TEMPLATES[lang]
    out: list[str] = []
    asked = {_key(str((answer_dict or {}).get(k, ""))) for k in ("question", "resolved_question")}

    def add(q: str) -> None:
        if q and _key(q) not in asked and _key(q) not in {_key(x) for x in out} \
                and len(out) < MAX_SUGGESTIONS:
            out.append(q)

    answered = bool(answer_dict) and not answer_dict.get("refused")
    if answered:
        cites = [c for c in answer_dict.get("citations") or [] if isinstance(c, Mapping)]
        disagreements = [d for d in answer_dict.get("disagreements") or []
                         if isinstance(d, Mapping)]
        question = " ".join(str(answer_dict.get(k, "")) for k in ("question",
                                                                  "resolved_question"))
        if disagreements:
            add(t["each"])
            figure = any(any(ch.isdigit() for c in d.get("claims", []) for ch in
                             str(c.get("value", ""))) for d in disagreements)
            add(t["why"] if figure else t["why_account"])
        outlets = list(dict.fromkeys(c.get("outlet", "") for c in cites if c.get("outlet")))
        if len(outlets) >= 2 and not disagreements:
            # the outlet quoted least prominently: what else does it say on this question
            add(t["outlet"].format(outlet=outlets[-1]))
        # people first, then places, then organisations named by the quotes, not the question
        quotes = " ".join(str(c.get("quote", "")) for c in cites)
        ranked = sorted(
            ((quotes.find(n), 0 if k.upper() in PERSON_KINDS else 1 if k.upper() in PLACE_KINDS
              else 2, n, k) for n, k in entities
             if n and n in quotes and n.lower() not in question.lower()),
            key=lambda x: (x[1], x[0]))
        for _, _, name, kind in ranked:
            if len(out) >= MAX_SUGGESTIONS:
                break
            add(_entity_question(name, kind, t))
            if sum(1 for q in out if q not in (t["each"], t["why"], t["why_account"])) >= 2:
                break
    # a first visit, a refusal, or too few: the contested points and the prominent entities
    if len(out) < MIN_SUGGESTIONS or not answered:
        for label in points:
            if len(out) >= (2 if not answered else MIN_SUGGESTIONS):
                break
            if label and label.strip():
                add(t["point"].format(label=_label(label, lang)))
        kinds_wanted = [PERSON_KINDS, PLACE_KINDS, ORG_KINDS]
        for kinds in kinds_wanted:
            if len(out) >= (MAX_SUGGESTIONS if not answered else MIN_SUGGESTIONS):
                break
            for name, kind in entities:
                if (kind or "").upper() in kinds and name:
                    before = len(out)
                    add(_entity_question(name, kind, t))
                    if len(out) > before:
                        break
        for label in points:  # still short: more points
            if len(out) >= MIN_SUGGESTIONS:
                break
            if label and label.strip():
                add(t["point"].format(label=_label(label, lang)))
    return out[:MAX_SUGGESTIONS]
