"""qa.translate: Russian words to English lemmas through an inverted English-Russian dictionary.

The parser and lookup tests run on a small dictd dictionary written here; the known-word tests
need the real one (Debian's mueller7-dict) and are skipped without it, unless
MASANCHI_REQUIRE_DICTIONARY=1 says it must be there (then they fail). Timing is not asserted.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import qa.translate as tr
from tests.conftest import needs_dictionary

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

SMALL = {
    "detain": "detain\n   [dɪ↗tɛɪn] _v.\n   1) задерживать; заставлять ждать\n"
              "   2) арестовывать; содержать под стражей\n",
    "house": "house\n   1. _n. [haʊs]\n      1) дом; жилище; здание\n"
             "      2) дом; семья; to keep house вести хозяйство\n",
    "home": "home\n   [hɜʊm]\n   1. _n.\n      1) дом, жилище; at home дома\n",
    "refugee": "refugee\n   [↘rɛfjʊ:↗dʒi:] _n.\n   1) беженец\n   2) эмигрант\n",
    "fugitive": "fugitive\n   1. _n. беглец; беженец\n",
    "perish": "perish\n   [↗pɛrɪʃ] _v.\n   1) погибать, умирать\n",
    "wash": "wash\n   _v. мыть(ся)\n",
    "emergency": "emergency\n   [ɪ↗mɜ:dʒɘnsɪ] _n.\n   1) непредвиденный случай\n"
                 "   2) крайность; the state of emergency чрезвычайное положение\n",
    "ceasefire": "ceasefire\n   _n. прекращение огня\n",
}


def b64(n: int) -> str:
    out = ""
    while True:
        out = _B64[n % 64] + out
        n //= 64
        if not n:
            return out


def write_dictd(folder: Path, name: str, entries: dict[str, str]) -> None:
    data, index, pos = b"", [], 0
    for head, text in entries.items():
        raw = text.encode()
        index.append(f"{head}\t{b64(pos)}\t{b64(len(raw))}")
        data += raw
        pos += len(raw)
    (folder / f"{name}.dict").write_bytes(data)
    (folder / f"{name}.index").write_text("\n".join(sorted(index)) + "\n", encoding="utf-8")


@pytest.fixture
def small_dictionary(tmp_path, monkeypatch):
    """qa.translate reading only a small mueller7 written to a temporary folder."""
    write_dictd(tmp_path, "mueller7", SMALL)
    monkeypatch.setattr(tr, "DICTD_DIRS", (tmp_path,))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(tr, "_lexicon", None)
    tr.clear_caches()
    yield tmp_path
    tr.clear_caches()
    monkeypatch.setattr(tr, "_lexicon", None)


@pytest.fixture
def no_dictionary(tmp_path, monkeypatch):
    monkeypatch.setattr(tr, "DICTD_DIRS", (tmp_path,))
    monkeypatch.setattr(tr, "_lexicon", None)
    tr.clear_caches()
    yield
    tr.clear_caches()
    monkeypatch.setattr(tr, "_lexicon", None)


# ----------------------------------------------------------------------------- parsing


def test_glosses_skip_labels_transcriptions_and_examples():
    got = tr.glosses(SMALL["house"])
    words = [w for w, _, _ in got]
    assert words[:3] == ["дом", "жилище", "здание"]
    assert "вести" not in words and "хозяйство" not in words  # "to keep house ..." is a phrase
    assert all(not any("a" <= c <= "z" for c in w) for w in words)


def test_glosses_number_senses_and_positions():
    got = tr.glosses(SMALL["detain"])
    assert got[0] == ("задерживать", 0, 0)
    assert ("арестовывать", 1, 0) in got


def test_reflexive_option_gives_both_verbs():
    words = [w for w, _, _ in tr.glosses(SMALL["wash"])]
    assert "мыть" in words and "мыться" in words


def test_inversion_ranks_first_gloss_first(small_dictionary):
    lex = tr.load_lexicon(cache=False)
    assert [e for e, _ in lex.get("беженец")] == ["refugee", "fugitive"]
    assert lex.get("задерживать")[0][0] == "detain"
    assert {e for e, _ in lex.get("дом")} == {"house", "home"}


def test_lexicon_cache_round_trip(small_dictionary):
    first = tr.load_lexicon(cache=True)
    assert list((small_dictionary / "cache" / "masanchi-sources").glob("ru-en-*.pkl"))
    again = tr.load_lexicon(cache=True)
    assert again.entries == first.entries and again.name == "mueller7"


def test_phrase_pairs_from_examples_and_multi_word_glosses():
    got = tr.phrase_pairs("emergency", SMALL["emergency"])
    assert (["чрезвычайное", "положение"], ["state", "emergency"]) in got
    assert (["непредвиденный", "случай"], ["emergency"]) in got
    assert tr.phrase_pairs("ceasefire", SMALL["ceasefire"]) == [(["прекращение", "огня"],
                                                                 ["ceasefire"])]
    assert tr.phrase_pairs("wash", SMALL["wash"]) == []  # one word is not a phrase


def test_phrase_terms_match_consecutive_lemmas(small_dictionary):
    got = tr.phrase_terms(["ввести", "чрезвычайный", "положение", "район"])
    assert got == ["state", "emergency"]
    assert tr.phrase_terms(["положение", "чрезвычайный"]) == []  # not in that order
    assert tr.phrase_terms(["чрезвычайный", "положение"], vocabulary={"emergency"}) == [
        "emergency"]
    assert tr.phrase_terms(["чрезвычайный", "положение"]) == tr.phrase_terms(
        ["чрезвычайный", "положение".replace("е", "ё", 1)])  # ё folded as in the keys


# ----------------------------------------------------------------------------- lookup


def test_inflected_words_find_their_lemma(small_dictionary):
    assert tr.english_candidates("беженцев")[0] == "refugee"
    assert "house" in tr.english_candidates("домов")


def test_perfective_verbs_reach_the_imperfective_entry(small_dictionary):
    assert "detain" in tr.english_candidates("задержали")
    assert "perish" in tr.english_candidates("погибли")


def test_imperfective_patterns():
    assert "задерживать" in tr.imperfectives("задержать")
    assert "погибать" in tr.imperfectives("погибнуть")
    assert "получать" in tr.imperfectives("получить")
    assert "умирать" in tr.imperfectives("умереть")
    assert "страдать" in tr.imperfectives("пострадать")


def test_unknown_words_pass_through_transliterated(small_dictionary):
    assert tr.english_candidates("Масанчи")[0] == "masanchi"
    assert tr.english_candidates("Сортобе")[0] == "sortobe"
    assert tr.english_candidates("кукурузник")[0] == "kukuruznik"


def test_latin_words_pass_through_lower_cased(small_dictionary):
    assert tr.english_candidates("Honda") == ("honda",)
    assert tr.english_candidates("") == ()


def test_names_are_snapped_to_the_articles_spelling(small_dictionary):
    vocab = {"kordai", "dungan", "masanchi", "tokayev", "sortobe", "house"}
    assert tr.english_candidates("Кордайском", vocab)[0] == "kordai"
    assert tr.english_candidates("Кордае", vocab)[0] == "kordai"
    assert tr.english_candidates("Токаева", vocab)[0] == "tokayev"
    assert "dungan" in tr.english_candidates("дунгане", vocab)
    assert "dungan" in tr.english_candidates("дунган", vocab)
    assert tr.english_candidates("Масанчи", vocab)[0] == "masanchi"


def test_common_noun_ethnonym_transliterates_without_vocabulary(no_dictionary):
    assert "dungan" in tr.english_candidates("дунгане")


def test_vocabulary_puts_the_articles_sense_first(small_dictionary):
    assert tr.english_candidates("дом", {"home"})[0] == "home"


def test_english_terms_is_flat_lower_case_without_repeats(small_dictionary):
    out = tr.english_terms(["беженцы", "беженцев", "Масанчи", "Honda"])
    assert out[0] == "refugee"
    assert len(out) == len(set(out))
    assert "masanchi" in out and "honda" in out
    assert all(w == w.lower() for w in out)


def test_without_a_dictionary_only_transliteration(no_dictionary):
    assert not tr.available()
    assert "no dictionary" in tr.resource()
    assert tr.english_candidates("беженец") == ("bezhenets",)


def test_english_question_needs_a_model():
    assert tr.english_question("Сколько человек погибло?") is None


def test_lookup_is_thread_safe(small_dictionary):
    words = ["беженцы", "дом", "задержали", "Масанчи"] * 10
    expected = [tr.english_candidates(w) for w in words]
    tr.clear_caches()
    import qa.translate as again

    again._lexicon = None
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(tr.english_candidates, words))
    assert got == expected


# ----------------------------------------------------------------------------- the real one

needs_real = needs_dictionary  # one marker for every test that needs it (tests/conftest.py)


@pytest.fixture
def real_dictionary(monkeypatch):
    monkeypatch.setattr(tr, "_lexicon", None)
    tr.clear_caches()
    yield
    tr.clear_caches()


@needs_real
@pytest.mark.parametrize(("russian", "english"), [
    ("погибнуть", {"perish", "die", "kill"}),
    ("погибли", {"perish", "die", "kill"}),
    ("убиты", {"kill"}),
    ("умер", {"die", "perish"}),
    ("раненый", {"injured", "wounded"}),
    ("ранены", {"injure", "wound", "injured", "wounded"}),
    ("беженец", {"refugee"}),
    ("беженцев", {"refugee"}),
    ("задержать", {"detain", "arrest"}),
    ("задержали", {"detain", "arrest"}),
    ("дом", {"house", "home"}),
    ("домов", {"house", "home"}),
    ("граница", {"border", "frontier"}),
    ("границе", {"border", "frontier"}),
    ("больница", {"hospital"}),
    ("село", {"village"}),
    ("сожгли", {"burn"}),
    ("полиция", {"police"}),
    ("конфликт", {"conflict"}),
])
def test_known_words_translate(real_dictionary, russian, english):
    assert tr.available(), tr.resource()
    got = set(tr.english_candidates(russian))
    assert got & english, (russian, got)
