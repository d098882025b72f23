"""Question analysis on paraphrases (real spaCy and pymorphy3; no eval wording)."""

import pytest

from qa.question import analyse, date_key, split_parts

ALIASES = {"fergana": "001", "vlast": "004", "diplomat": "003"}


@pytest.fixture(scope="module")
def nlp():
    from index.nlp import english

    return english()


@pytest.mark.parametrize("text,kind", [
    ("How many people lost their lives?", "count"),
    ("What was the death toll in the village?", "count"),
    ("When did the fighting stop?", "date"),
    ("At what time did the soldiers come?", "time"),
    ("Where did the refugees go?", "place"),
    ("Which town did they cross into?", "place"),
    ("Who led the government commission?", "person"),
    ("What is the name of the mayor?", "person"),
    ("How much money did the police demand?", "money"),
    ("How long did the riot last?", "duration"),
    ("Why did the violence start?", "cause"),
    ("What caused the clashes?", "cause"),
    ("Was anyone arrested?", "yesno"),
    ("Tell me about the markets.", "description"),
])
def test_answer_type(nlp, text, kind):
    assert analyse(text, nlp).answer_type == kind


@pytest.mark.parametrize("text,figure", [
    ("How many houses burned down?", "house"),
    ("How many people were wounded?", "wound"),
    ("How many died?", "die"),
    ("What number of cars were set alight?", "car"),
])
def test_what_is_counted(nlp, text, figure):
    assert analyse(text, nlp).figure == figure


def test_sources_names_dates_and_numbers_are_constraints(nlp):
    q = analyse("According to Vlast, what did Daurov say on February 8 about 15 cars?", nlp,
                aliases=ALIASES)
    kinds = {(c.kind, c.key) for c in q.constraints}
    assert ("source", "004") in kinds and ("date", "february 8") in kinds
    assert ("number", "15") in kinds and any(k == "name" for k, _ in kinds)
    assert "vlast" not in q.focus


def test_a_year_is_a_constraint(nlp):
    assert ("number", "1999") in {(c.kind, c.key) for c in analyse(
        "What was the population in the 1999 census?", nlp).constraints}


def test_multi_part_questions_have_parts(nlp):
    q = analyse("How many were killed and how many were hurt?", nlp)
    assert [p.figure for p in q.parts] == ["kill", "hurt"]
    assert not analyse("Who attacked whom?", nlp).parts


def test_russian_question():
    q = analyse("Сколько человек погибло в Масанчи по данным Ферганы?",
                aliases={"fergana": "001"})
    assert q.language == "ru" and q.answer_type == "count"
    assert "погибнуть" in q.focus
    assert ("source", "001") in {(c.kind, c.key) for c in q.constraints}
    assert analyse("Когда начались беспорядки?").answer_type == "date"
    assert analyse("Кто такой Дауров?").answer_type == "person"


def test_helpers():
    assert date_key("10 February") == date_key("Feb. 10th") == "february 10"
    assert date_key("last week") == ""
    assert split_parts("Who is he? Where does he live?") == ["Who is he", "Where does he live"]
