"""Names across spellings and scripts: transliteration and a spelling-tolerant key.

The articles spell one name several ways (Daurov's first name as Husei, Khusei and Husey;
Kordai / Korday; Zhambyl / Jambyl) and a Russian question writes it in Cyrillic. A name is
compared through :func:`name_key` (Latin, lower case, common transliteration variants folded)
and :func:`same_name` (equal keys, or keys this close by difflib's ratio). Pure functions; the
alias table of a corpus is derived from its own text at index time, never hand-listed.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

from index.settings import IndexSettings

#: Russian (and Kazakh) Cyrillic letters to Latin, close to the BGN/PCGN usage in English news.
_CYR = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "ә": "a", "ғ": "g",
    "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
}
#: Spelling variants folded before comparing (order matters: longer first).
_FOLD = (("shch", "sh"), ("kh", "h"), ("zh", "j"), ("dzh", "j"), ("dj", "j"), ("ts", "c"),
         ("q", "k"), ("y", "i"), ("w", "v"), ("x", "ks"), ("ph", "f"), ("ou", "u"))
_RU_ENDINGS = re.compile(
    r"(ого|ему|ом|ой|ую|ая|ые|ых|ым|ыми|ами|ях|ах|ам|ов|ев|ей|ию|ия|а|у|е|ы|и|ю)$")


#: "е" is written "ye" at the start of a word and after a vowel, "ъ" or "ь" (BGN/PCGN:
#: Ергали -> Yergali, Ерлан -> Yerlan), "e" elsewhere
_RU_YE = re.compile(r"(?<![^\W\d_])[еЕ]|(?<=[аеёиоуыэюяъьАЕЁИОУЫЭЮЯЪЬ])[еЕ]")


def transliterate(text: str) -> str:
    """Cyrillic letters to Latin; other characters unchanged."""
    text = _RU_YE.sub(lambda m: "ye" if m.group(0) == "е" else "Ye", text)
    return "".join(_CYR.get(c, _CYR.get(c.lower(), c).capitalize() if c.isupper()
                            and c.lower() in _CYR else c) for c in text)


def name_key(word: str) -> str:
    """A comparable key for a name in any spelling or script ("Kordai" == "Korday" == "Кордай")."""
    w = unicodedata.normalize("NFKD", transliterate(word)).encode("ascii", "ignore").decode()
    w = re.sub(r"[’'`]s$", "", w.lower())
    w = re.sub(r"[^a-z]", "", w)
    w = re.sub(r"^ye", "e", w)  # Yergali ~ Ergali, Yerlan ~ Erlan
    for a, b in _FOLD:
        w = w.replace(a, b)
    w = re.sub(r"(?<=[aeiou])i(?=[aeiou])", "", w).replace("ie", "i")  # Tokayev ~ Tokaev
    return re.sub(r"(.)\1+", r"\1", w)  # doubled letters


def ru_stem_key(word: str) -> str:
    """The key of a Cyrillic name without its case ending ("Масанчи", "Дауровым" -> stem)."""
    return name_key(_RU_ENDINGS.sub("", word.lower())) if len(word) > 4 else name_key(word)


def same_name(a: str, b: str, ratio: float | None = None) -> bool:
    """True when two keys (from :func:`name_key`) are equal or, for keys of 5+ letters, at least
    ``ratio`` similar by difflib (default: ``IndexSettings.same_name_ratio``)."""
    if a == b:
        return True
    if min(len(a), len(b)) < 5 or a[0] != b[0]:
        return False
    if ratio is None:
        ratio = IndexSettings.value(None, "same_name_ratio")
    m = SequenceMatcher(None, a, b)  # the two cheap upper bounds first: the same answer, faster
    return m.real_quick_ratio() >= ratio and m.quick_ratio() >= ratio and m.ratio() >= ratio
