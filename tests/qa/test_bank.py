"""Strict bank matching: close questions that ask different things never match."""

import numpy as np
import pytest

from qa.bank import Bank, agree, near_miss_asked, top_indices
from qa.question import analyse


@pytest.fixture(scope="module")
def nlp():
    from index.nlp import english

    return english()


def a(text, nlp):
    return analyse(text, nlp, aliases={"fergana": "001", "vlast": "004"})


def test_killed_and_injured_never_agree(nlp):
    assert not agree(a("How many people were killed?", nlp), a("How many were injured?", nlp))


def test_paraphrases_agree(nlp):
    assert agree(a("How many people were killed?", nlp), a("How many people got killed?", nlp))


def test_asking_a_name_is_not_answered_by_who_did_it(nlp):
    # "one shopkeeper" answers who rescued him, never what that person is called
    assert agree(a("Who rescued the driver?", nlp), a("Who rescued the driver then?", nlp))
    assert not agree(a("What was the name of the person who rescued the driver?", nlp),
                     a("Who rescued the driver?", nlp))
    assert agree(a("What was the name of the person who rescued the driver?", nlp),
                 a("What is the name of the person who rescued the driver?", nlp))
    assert a("Как зовут водителя?", nlp).asks_name and not a("Who is the so-called leader?",
                                                              nlp).asks_name


def test_a_different_source_or_place_does_not_agree(nlp):
    assert not agree(a("What does Fergana say about the arrests?", nlp),
                     a("What does Vlast say about the arrests?", nlp))
    assert not agree(a("What is the population of Almaty?", nlp),
                     a("What is the population of Masanchi?", nlp))


def test_the_detail_of_an_unanswerable_near_miss_must_be_asked(nlp):
    walked = a("How many of the people who fled to Kyrgyzstan walked?", nlp)
    fled = a("How many people fled to Kyrgyzstan?", nlp)
    assert not agree(fled, walked, answerable=False, common=frozenset({"people"}))
    assert agree(a("How many of those who fled to Kyrgyzstan walked there?", nlp), walked,
                 answerable=False, common=frozenset({"people"}))


def test_a_near_miss_about_one_place_does_not_speak_for_a_question_without_it(nlp):
    in_village = a("How many houses were burned in Sortobe?", nlp)
    assert not near_miss_asked(a("How many houses were burned?", nlp), in_village, frozenset())
    assert near_miss_asked(a("How many houses were burnt in Sortobe?", nlp), in_village,
                           frozenset())


def test_a_new_word_must_be_in_the_verified_evidence(nlp):
    injured = a("How many people were injured?", nlp)
    police = a("How many police were injured?", nlp)
    evidence = frozenset({"8", "people", "have", "be", "kill", "and", "40", "injure"})
    assert agree(a("How many people got injured?", nlp), injured, True, evidence)
    assert not agree(police, injured, True, evidence)


def test_questions_in_different_languages_are_not_compared(nlp):
    assert not agree(a("Сколько человек погибло?", nlp), a("How many people died?", nlp))


def test_answer_types_must_agree(nlp):
    assert not agree(a("When did the police arrive?", nlp), a("Where did the police arrive?", nlp))


def test_match_needs_the_threshold_and_agreement(nlp):
    items = [{"id": "k", "question": "How many people were killed?", "evidence": [],
              "answerable": True, "split": "dev"},
             {"id": "i", "question": "How many people were injured?", "evidence": [],
              "answerable": True, "split": "dev"},
             {"id": "t", "question": "How many people were killed?", "split": "test"}]
    vecs = np.eye(3, 4, dtype=np.float32)
    bank = Bank(items, vecs, None, ("dev",), lambda t: a(t, nlp))
    assert len(bank) == 2  # the test item is never in a dev bank
    q = a("How many people got killed?", nlp)
    m = bank.match(q, np.asarray([0.96, 0.28, 0, 0], dtype=np.float32), None, 0.9, 0.9)
    assert m is not None and m.entry.id == "k"
    assert bank.match(q, np.asarray([0.5, 0.86, 0, 0], dtype=np.float32), None, 0.9, 0.9) is None
    injured = a("How many were hurt?", nlp)
    assert bank.match(injured, np.asarray([0.97, 0.2, 0, 0], dtype=np.float32), None, 0.9,
                      0.9) is None


def test_what_x_must_be_asked_by_the_matched_question_too(nlp):
    new = a("What car did the police stop in Sortobe?", nlp)
    assert new.asked == "car"
    assert a("What did the police do?", nlp).asked == ""
    other = a("How did the stop in Sortobe turn into violence against the police?", nlp)
    same = a("Which car was stopped by the police in Sortobe?", nlp)
    assert not agree(new, other, evidence_lemmas=frozenset({"car"}))
    assert agree(new, same)


def test_bank_analyses_are_kept_on_disk_for_the_next_process(nlp, tmp_path, monkeypatch):
    import importlib

    engine = importlib.import_module("qa.engine")  # the module (qa.engine is also a function)
    calls = []

    def counting(text, nlp, aliases=None):
        calls.append(text)
        return analyse(text, nlp, aliases=aliases)

    monkeypatch.setattr(engine, "analyse", counting)
    aliases = {"fergana": "001"}
    first = engine.AnalysisMemo().analyser(nlp, aliases, tmp_path)
    q = first("How many people were killed?")
    assert first("How many people were killed?") == q and len(calls) == 1
    engine.ANALYSES.save()  # another memo's save writes nothing of this one
    assert not list(tmp_path.iterdir())

    memo = engine.AnalysisMemo()
    memo.analyser(nlp, aliases, tmp_path)("How many people were killed?")
    memo.save()
    calls.clear()
    later = engine.AnalysisMemo().analyser(nlp, aliases, tmp_path)  # a new process
    assert later("How many people were killed?") == q and calls == []
    other = engine.AnalysisMemo().analyser(nlp, {"vlast": "004"}, tmp_path)  # other outlets
    other("How many people were killed?")
    assert calls == ["How many people were killed?"]


def test_analyses_made_in_another_process_are_learnt_not_made_again(nlp, tmp_path,
                                                                   monkeypatch):
    import importlib

    engine = importlib.import_module("qa.engine")
    calls = []

    def counting(text, nlp, aliases=None):
        calls.append(text)
        return analyse(text, nlp, aliases=aliases)

    monkeypatch.setattr(engine, "analyse", counting)
    texts = ["How many people were killed?", "Who replaced the governor?"]
    there = engine.AnalysisMemo().analyser(nlp, {}, None)  # the other process
    made = {t: there(t) for t in texts[1:]}
    here = engine.AnalysisMemo().analyser(nlp, {}, tmp_path)
    assert here.unknown(texts + texts) == texts
    here.learn(made)
    assert here.unknown(texts) == texts[:1]
    calls.clear()
    assert here(texts[1]) == made[texts[1]] and calls == []
    memo_file = engine.AnalysisMemo()
    memo_file.analyser(nlp, {}, tmp_path).learn(made)
    memo_file.save()  # learnt analyses are kept on disk like made ones
    assert engine.AnalysisMemo().analyser(nlp, {}, tmp_path).unknown(texts) == texts[:1]


def test_an_unreadable_analysis_file_means_parsing_again(nlp, tmp_path):
    from qa.engine import AnalysisMemo

    memo = AnalysisMemo()
    memo.analyser(nlp, {}, tmp_path)("Who was driving?")
    memo.save()
    (path,) = tmp_path.iterdir()
    path.write_bytes(b"not a pickle")
    assert AnalysisMemo().analyser(nlp, {}, tmp_path)("Who was driving?").text == \
        "Who was driving?"


class _CountingNlp:
    """The real pipeline, counting one-text calls (``pipe`` batches are not counted)."""

    def __init__(self, nlp):
        self.nlp, self.calls = nlp, 0

    def __call__(self, text):
        self.calls += 1
        return self.nlp(text)

    def pipe(self, texts, batch_size=64):
        return self.nlp.pipe(texts, batch_size=batch_size)


def test_a_bank_analysed_in_batches_matches_one_by_one():
    from index.nlp import english
    from qa.engine import AnalysisMemo

    texts = ["How many people died in Masanchi?",
             "Who stopped the minivan, and why did the fighting spread?",
             "Сколько человек погибло?", "What did Tokayev say about it?"]
    nlp = _CountingNlp(english())
    analyser = AnalysisMemo().analyser(nlp, {}, None)
    analyser.many(texts)
    assert nlp.calls == 0  # every English text and part was parsed in the batch
    assert [analyser(t) for t in texts] == [analyse(t, nlp.nlp) for t in texts]


@pytest.mark.parametrize("n", [0, 1, 3, 6, 9])
def test_top_indices_are_the_largest_first_as_a_full_sort_gives_them(n):
    values = np.array([0.2, 0.9, -1.0, 0.9, 0.5, 0.1])
    expected = sorted(range(len(values)), key=lambda i: (-values[i], i))[:n]
    assert top_indices(values, n).tolist() == expected


def _unit(rng, n, d):
    v = rng.normal(size=(n, d)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_cosines_of_several_questions_equal_one_at_a_time():
    rng = np.random.default_rng(0)
    items = [{"id": f"q{i}", "question": f"q{i}", "lang": "en" if i % 3 else "ru"}
             for i in range(12)]
    bank = Bank(items, _unit(rng, 12, 8), _unit(rng, 12, 5), ("dev",), analyse=None)
    vecs, uses = list(_unit(rng, 3, 8)), list(_unit(rng, 3, 5))
    for language, minilm in (("en", vecs), ("en", [vecs[0], None, vecs[2]]),
                             ("ru", [None] * 3)):
        many = bank.cosines_many(minilm, uses, language)
        for i in range(3):
            one = np.full(12, -1.0)
            if language == "en" and minilm[i] is not None:
                one[bank.english] = bank.vectors[bank.english] @ minilm[i]
                one[~bank.english] = bank.use_vectors[~bank.english] @ uses[i]
            else:
                one = bank.use_vectors @ uses[i]
            assert np.allclose(many[i], one, atol=1e-6)
            assert np.allclose(bank.cosines(minilm[i], uses[i], language), one, atol=1e-6)
