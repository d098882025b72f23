"""Question analysis on paraphrases (real spaCy and pymorphy3; no eval wording)."""

import pytest

from index.names import name_key
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


@pytest.mark.parametrize("text", ["What was the death toll?", "What was the total number of "
                                  "deaths?", "the toll of dead in the riots"])
def test_words_that_ask_for_a_figure_are_not_its_focus(nlp, text):
    q = analyse(text, nlp)
    assert q.answer_type == "count" and not {"toll", "number", "total"} & set(q.focus)
    assert q.focus and q.figure in ("death", "dead")


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


def test_a_common_russian_word_opening_the_question_is_not_a_name():
    def names(text):
        return [c.text for c in analyse(text).constraints if c.kind == "name"]

    assert names("Правда, что старика избили молотком?") == []
    assert names("Зачинщиков драки в Масанчи ищут?") == ["Масанчи"]
    assert names("Дауров что рассказал о драке?") == ["Дауров"]  # a surname in the dictionary
    assert names("Масанчи далеко от границы?") == ["Масанчи"]  # a word pymorphy3 does not know


def test_helpers():
    assert date_key("10 February") == date_key("Feb. 10th") == "february 10"
    assert date_key("last week") == ""
    assert split_parts("Who is he? Where does he live?") == ["Who is he", "Where does he live"]


def test_outlet_aliases_come_from_the_sources_metadata():
    from types import SimpleNamespace as S

    from qa.question import source_aliases

    aliases = source_aliases({
        "a": S(short="Kloop.kg", outlet="Kloop Media (KLM)"),
        "b": S(short="The Herald", outlet="The Steppe Herald"),
        "c": S(short="", outlet="Radio Azattyk"),
    })
    assert aliases == {name_key(w): d for w, d in [("Kloop", "a"), ("KLM", "a"), ("Herald", "b"),
                                                   ("Radio", "c"), ("Azattyk", "c")]}


@pytest.mark.parametrize("text", ["How many fled, according to Kloop.kg?",
                                  "What does kloop.kg report about the border?",
                                  "Did KLM say anything about the border?"])
def test_a_dotted_outlet_name_is_a_source_constraint(nlp, text):
    q = analyse(text, nlp, aliases={name_key("Kloop"): "a", name_key("KLM"): "a"})
    assert q.sources == ("a",)
    assert not any("kloop" in f or "klm" in f for f in q.focus)


def test_a_common_noun_that_spells_an_outlet_is_not_a_source(nlp):
    q = analyse("What did the herald announce in the square?", nlp,
                aliases={name_key("Herald"): "b"})
    assert not q.sources


def test_russian_question_with_a_dotted_outlet_name():
    q = analyse("Сколько человек бежало, по данным Kloop.kg?", aliases={name_key("Kloop"): "a"})
    assert q.sources == ("a",) and "kg" not in q.focus


@pytest.mark.parametrize("text,figure", [
    ("Сколько частных домов сгорело?", "дом"),
    ("Сколько жилых домов сгорело?", "дом"),
    ("Сколько раненых было в больницах?", "раненый"),
    ("Сколько человек бежало через границу?", "бежать"),
])
def test_russian_figure_is_the_counted_noun_not_its_adjective(text, figure):
    assert analyse(text).figure == figure


@pytest.mark.parametrize("text,compares", [
    ("Do the outlets agree on how many people fled?", True),
    ("How do Fergana and Vlast describe the police?", True),  # two outlets named
    ("What does each source say about the arson?", True),
    ("Why do the figures differ between the reports?", True),
    ("Is the number of wounded the same everywhere?", True),
    ("Сколько погибших называют разные издания?", True),
    ("Данные о раненых расходятся?", True),
    ("How many people fled?", False),
    ("According to Vlast, who was driving?", False),  # one outlet named
    ("Согласно Фергане, сколько погибло?", False),  # "согласно" is "according to"
    ("Who started the fight at the roadside?", False),
])
def test_a_question_comparing_the_sources(nlp, text, compares):
    aliases = {**ALIASES, "фергана": "001"}
    assert analyse(text, nlp, aliases=aliases).compares is compares
