"""Suggested next questions (qa/suggest.py): from the data, 2-4, in the asker's language."""

from __future__ import annotations

from qa.suggest import MAX_SUGGESTIONS, suggest

POINTS = ["People killed", "People injured", "What set it off"]
ENTITIES = [("Husei Daurov", "PERSON"), ("Kassym-Jomart Tokayev", "PERSON"),
            ("Sortobe", "GPE"), ("Masanchi", "GPE"), ("Bir Duino", "ORG")]


def _answer(**kw) -> dict:
    base = {"question": "How many people died?", "resolved_question": "How many people died?",
            "refused": False, "language": "en", "disagreements": [],
            "citations": [{"n": 1, "quote": "Eight people died, Husei Daurov said.",
                           "outlet": "Fergana"},
                          {"n": 2, "quote": "Eleven lives were lost in Masanchi.",
                           "outlet": "WSWS"}]}
    return {**base, **kw}


def test_first_visit_comes_from_points_and_entities():
    out = suggest(None, "en", POINTS, ENTITIES)
    assert 2 <= len(out) <= MAX_SUGGESTIONS
    assert "How many people killed do the sources report?" in out
    assert "Who is Husei Daurov?" in out
    # derived from the data: other data, other suggestions
    other = suggest(None, "en", ["Vehicles damaged"], [("Arkady Dubnov", "PERSON")])
    assert other == ["How many vehicles damaged do the sources report?", "Who is Arkady Dubnov?"]


def test_a_contested_figure_suggests_each_source_and_why():
    ans = _answer(disagreements=[{"point": "deaths", "claims": [{"value": "8"},
                                                                {"value": "11"}]}])
    out = suggest(ans, "en", POINTS, ENTITIES)
    assert out[:2] == ["What does each source say?", "Why do the figures differ?"]
    assert "Who is Husei Daurov?" in out and len(out) <= MAX_SUGGESTIONS
    assert "Who is Kassym-Jomart Tokayev?" not in out  # not in this answer's quotes


def test_names_from_the_quotes_not_from_the_question():
    ans = _answer(question="What did Husei Daurov say?", resolved_question="")
    out = suggest(ans, "en", POINTS, ENTITIES)
    assert "Who is Husei Daurov?" not in out
    assert "What happened in Masanchi?" in out
    assert "What does WSWS say?" in out  # several outlets quoted: ask one of them
    assert 2 <= len(out) <= MAX_SUGGESTIONS and len(set(out)) == len(out)


def test_russian_templates():
    ans = _answer(question="Сколько человек погибло?", language="ru",
                  disagreements=[{"point": "deaths", "claims": [{"value": "8"}]}])
    out = suggest(ans, "ru", POINTS, ENTITIES)
    assert out[:2] == ["Что пишет каждый источник?", "Почему цифры расходятся?"]
    first = suggest(None, "ru", POINTS, ENTITIES)
    assert first[0] == "Что пишут источники: «People killed»?"
    assert "Кто такой Husei Daurov?" in first


def test_after_a_refusal_fall_back_to_what_the_articles_can_answer():
    out = suggest({"question": "Who won the match?", "refused": True, "citations": []}, "en",
                  POINTS, ENTITIES)
    assert 2 <= len(out) <= MAX_SUGGESTIONS
    assert out[0].startswith("How many ")


def test_never_repeats_the_question_just_asked():
    ans = _answer(question="What does each source say?",
                  disagreements=[{"point": "deaths", "claims": [{"value": "8"}]}])
    assert "What does each source say?" not in suggest(ans, "en", POINTS, ENTITIES)


def test_empty_data_gives_what_it_can():
    assert suggest(None, "en", [], []) == []
    assert len(suggest(_answer(), "en", [], [])) >= 1
