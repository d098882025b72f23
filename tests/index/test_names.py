"""Names across spellings and scripts."""

import pytest

from index.names import name_key, same_name, transliterate


@pytest.mark.parametrize("a,b", [
    ("Kordai", "Korday"), ("Кордай", "Korday"), ("Масанчи", "Masanchi"), ("Khusei", "Husei"),
    ("Husey", "Husei"), ("Saparbaev", "Saparbayev"), ("Токаев", "Tokayev"),
    ("Zhambyl", "Jambyl"), ("Сортобе", "Sortobe"), ("Tokmak", "Tokmok"),
    ("Ергали", "Yergali"), ("Ergali", "Yergali"),
])
def test_spellings_of_one_name_match(a, b):
    assert same_name(name_key(a), name_key(b))


@pytest.mark.parametrize("a,b", [("Almaty", "Aukatty"), ("Karakemer", "Karasu"),
                                 ("Masanchi", "Sortobe"), ("Bular", "Batyr")])
def test_different_names_do_not(a, b):
    assert not same_name(name_key(a), name_key(b))


def test_transliteration_keeps_latin_and_case():
    assert transliterate("Дунгане") == "Dungane"
    # "е" opening a word or after a vowel is "ye" (BGN/PCGN), elsewhere "e"
    assert transliterate("Ергали Воинце") == "Yergali Vointse"
    assert transliterate("Енбекши") == "Yenbekshi" and transliterate("Куриен") == "Kuriyen"
    assert transliterate("WSWS") == "WSWS"
