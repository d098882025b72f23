"""Russian words to English lemmas, for matching Russian questions against the English articles.

The bilingual resource is V. K. Mueller's English-Russian dictionary (7th edition, ~44,000
English headwords; GPL), as Debian packages it in dictd format (``apt-get install mueller7-dict``:
``/usr/share/dictd/mueller7.{index,dict.dz}``). No package on PyPI ships a Russian-English
dictionary or Russian-English translation weights (what was tried: ``eval/translate_eval.py``'s
docstring), so this is the one system dependency of the Russian path. FreeDict's small
English-Russian dictionary (``dict-freedict-eng-rus``) is read too when present.

The dictionary runs English -> Russian; :func:`lexicon` inverts it once (every single-word Russian
gloss of a headword points back at the headword, scored by how early the gloss comes in the entry:
first sense, first gloss scores highest, with a small bonus for long entries, which are the common
words) and caches the result under ``$XDG_CACHE_HOME/masanchi-sources``. A Russian word is looked
up through its pymorphy3 lemmas and, for perfective verbs, their imperfective partners (the
dictionary glosses verbs in the imperfective: задержать -> задерживать -> detain).
Phrases the entries render ("the state of emergency чрезвычайное положение", a two-word gloss
"прекращение огня" of "ceasefire") are kept too, keyed by their Russian lemmas, so consecutive
lemmas of a question find what the single words miss (:func:`phrase_terms`).

Names are transliterated (index.names): a word the analyser does not know, or tags as a name or a
place, gives its Latin spelling first ("Масанчи" -> "masanchi", "Кордайский" -> "korday",
"дунгане" -> "dungan"); given the English ``vocabulary`` of the articles, a transliteration is
snapped to the spellings the articles use (same_name: "korday" -> "kordai"). A word with no
dictionary entry passes through transliterated.

Lazy and cached: nothing is read until the first call; one lock guards loading; the per-word
results are memoised. No model and no network are used, so :func:`english_question` is ``None``.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import math
import os
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from index.atomic import read_pickle, write_pickle
from index.names import name_key, ru_stem_key, same_name, transliterate
from index.text import STOPWORDS

#: Where dictd dictionaries are looked for (``MASANCHI_DICTD_DIR`` first, when set).
DICTD_DIRS: tuple[Path, ...] = tuple(
    Path(p) for p in (os.environ.get("MASANCHI_DICTD_DIR", ""), "/usr/share/dictd") if p
)
#: English-Russian dictd dictionaries, best first, with the weight their glosses get.
DICTIONARIES: tuple[tuple[str, float], ...] = (("mueller7", 1.0), ("freedict-eng-rus", 0.8))
#: The Debian package that provides the main dictionary (for messages).
PACKAGE = "mueller7-dict"
#: Bumped whenever the inversion changes, so stale caches are rebuilt.
_PARSER_VERSION = 6
#: Candidates kept per Russian word.
PER_WORD = 4
#: pymorphy3 grammemes that mark a proper noun.
_NAME_TAGS = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})

_B64 = {c: i for i, c in
        enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
_LATIN = re.compile(r"[A-Za-z]")
_RU_WORD = re.compile(r"[а-яе]+(?:-[а-яе]+)*")
_HEADWORD = re.compile(r"[a-z][a-z-]*[a-z]")
_SENSE_SPLIT = re.compile(r"(?<!\S)(?:\d+\)|\d+\.|[а-я]\)|_[IVX]+)")
_LABEL = re.compile(r"_[^\s.]+\.")
_PAREN = re.compile(r"\([^()]*\)")
_BRACKET = re.compile(r"\[[^\]]*\]|/[^/\n]*/")
_REFLEXIVE_OPT = re.compile(r"([а-яе-]+)\(ся\)")

_lock = threading.Lock()


@dataclass(frozen=True)
class Lexicon:
    """Russian word (lower case, ё as е) -> English headwords, best first, with scores; and
    Russian phrases (their lemmas) -> the English words of their translations."""

    name: str  #: the dictionaries it was built from ("" when none was found)
    entries: dict[str, tuple[tuple[str, float], ...]]
    #: ("чрезвычайный", "положение") -> ("state", "emergency"), from :func:`phrase_pairs`
    phrases: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, word: str) -> tuple[tuple[str, float], ...]:
        return self.entries.get(word, ())


# ----------------------------------------------------------------------------- building


def _b64(s: str) -> int:
    n = 0
    for c in s:
        n = n * 64 + _B64[c]
    return n


def dictd_entries(index: Path, data: Path) -> Iterable[tuple[str, str]]:
    """(headword, entry text) of a dictd dictionary (``.index`` + ``.dict.dz`` or ``.dict``)."""
    raw = gzip.decompress(data.read_bytes()) if data.suffix == ".dz" else data.read_bytes()
    for line in index.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3:
            head, off, length = parts[:3]
            start = _b64(off)
            yield head, raw[start:start + _b64(length)].decode("utf-8", "replace")


def glosses(entry: str) -> list[tuple[str, int, int]]:
    """The single-word Russian glosses of one entry as (word, sense index, position in sense).

    Transcriptions, labels (``_n.``, ``_разг.``) and parentheses are dropped; a segment with Latin
    letters is an example phrase ("to keep house вести хозяйство") and is skipped; "(ся)" gives
    both verbs."""
    out: list[tuple[str, int, int]] = []
    block, sense = 0, 0
    for marker, chunk in _senses(_body(entry)):
        if marker.endswith(".") or marker.startswith("_"):  # "2. _v." or a homonym "_II"
            block, sense = block + (sense > 0), 0
        found = False
        for pos, seg in enumerate(_segments(chunk)):
            if _LATIN.search(seg):
                continue
            words = seg.lower().split()
            if not (len(words) == 1 or (len(words) == 2 and words[1] == words[0] + "ся")):
                continue
            for w in words:
                if _RU_WORD.fullmatch(w):
                    out.append((w, block + sense, pos))
                    found = True
        sense += found
    return out


#: An example of an entry: English words, then their Russian rendering ("the state of emergency
#: чрезвычайное положение"); "~" stands for the headword.
_EXAMPLE = re.compile(r"^([A-Za-z][A-Za-z' ~-]*?)\s+([а-яе][а-яе -]*)$")
#: Placeholders of the English side of an example, never a translation.
_PLACEHOLDERS = frozenset({"smb", "smth", "one's", "oneself", "sb", "sth"})


def _body(entry: str) -> str:
    """An entry without its headword line, transcriptions, labels and parentheses."""
    body = entry.split("\n", 1)[1] if "\n" in entry else ""
    body = _BRACKET.sub(" ", body.replace("ё", "е").replace("Ё", "Е"))
    body = _LABEL.sub(" ", body)
    body = _REFLEXIVE_OPT.sub(r"\1 \1ся", body)  # keep both, split below
    return _PAREN.sub(" ", _PAREN.sub(" ", body)).replace("\n", " ")


def _segments(chunk: str) -> list[str]:
    return [s for s in (s.strip(" .!?:\"'") for part in chunk.split(";")
                        for s in part.split(",")) if s]


def phrase_pairs(head: str, entry: str) -> list[tuple[list[str], list[str]]]:
    """(Russian words, English content words) of the entry's multi-word renderings: a gloss of
    two or three Russian words for the headword ("ceasefire: прекращение огня") and an example
    phrase with its rendering ("the state of emergency чрезвычайное положение" -> (["state",
    "emergency"], ...)). English sides of more than three content words are skipped."""
    out = []
    for _, chunk in _senses(_body(entry).lower()):
        for seg in _segments(chunk):
            if m := _EXAMPLE.match(seg):
                english, russian = m.group(1).replace("~", head), m.group(2)
            elif _LATIN.search(seg):
                continue
            else:
                english, russian = head, seg
            ru = russian.split()
            if len(ru) == 2 and ru[1] == ru[0] + "ся":  # "мыть(ся)": two verbs, not a phrase
                continue
            en = [w for w in re.findall(r"[a-z]+(?:'[a-z]+)?", english)
                  if w not in STOPWORDS and w not in _PLACEHOLDERS]
            if 2 <= len(ru) <= 3 and all(_RU_WORD.fullmatch(w) for w in ru) and 1 <= len(en) <= 3:
                out.append((ru, en))
    return out


def _senses(body: str) -> Iterable[tuple[str, str]]:
    """(marker, text) of each numbered part of an entry body ("1)", "2.", "_II", "" first)."""
    last, marker = 0, ""
    for m in _SENSE_SPLIT.finditer(body):
        yield marker, body[last:m.start()]
        last, marker = m.end(), m.group(0)
    yield marker, body[last:]


def _headword_entries(dictionaries: list[tuple[Path, Path, float]]
                      ) -> Iterable[tuple[str, str, float]]:
    """(headword lower-cased, entry, the dictionary's weight) of every entry with a real English
    headword (not dictd's "00-database-…" records)."""
    for index, data, weight in dictionaries:
        for head, entry in dictd_entries(index, data):
            head = head.strip().lower()
            if not head.startswith("00") and _HEADWORD.fullmatch(head):
                yield head, entry, weight


def invert(
    dictionaries: list[tuple[Path, Path, float]],
) -> dict[str, tuple[tuple[str, float], ...]]:
    """Russian -> English from English -> Russian dictd dictionaries (see the module docstring)."""
    scores: dict[str, dict[str, float]] = {}
    for head, entry, weight in _headword_entries(dictionaries):
        if head in STOPWORDS:
            continue
        common = 1.0 + 0.15 * math.log(max(len(entry), 1))
        for ru, sense, pos in glosses(entry):
            s = weight * common / ((1 + sense) * (1 + 0.5 * pos))
            row = scores.setdefault(ru, {})
            if s > row.get(head, 0.0):
                row[head] = s
    return {ru: tuple(sorted(row.items(), key=lambda kv: (-kv[1], kv[0])))
            for ru, row in scores.items()}


def invert_phrases(dictionaries: list[tuple[Path, Path, float]],
                   lemma: Callable[[str], str]) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Russian phrase, as the lemmas of its content words (``lemma``: a word's dictionary
    form) -> the English content words of every rendering of it, most frequent first."""
    found: dict[tuple[str, ...], Counter[str]] = {}
    for head, entry, _ in _headword_entries(dictionaries):
        for ru, en in phrase_pairs(head, entry):
            key = tuple(lem for lem in map(lemma, ru) if lem not in STOPWORDS)
            if len(key) >= 2:
                found.setdefault(key, Counter()).update(en)
    return {k: tuple(w for w, _ in c.most_common()) for k, c in found.items()}


def _phrase_lemma(word: str) -> str:
    """A phrase word's lemma as the keys hold it: index.nlp.ru_lemma, ё as е."""
    from index.nlp import ru_lemma

    return ru_lemma(word).replace("ё", "е")


def _found_dictionaries() -> list[tuple[Path, Path, float]]:
    out = []
    for name, weight in DICTIONARIES:
        for d in DICTD_DIRS:
            index = d / f"{name}.index"
            data = next((p for p in (d / f"{name}.dict.dz", d / f"{name}.dict") if p.exists()),
                        None)
            if index.exists() and data is not None:
                out.append((index, data, weight))
                break
    return out


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "masanchi-sources"


def _cache_key(found: list[tuple[Path, Path, float]]) -> str:
    h = hashlib.sha1(str(_PARSER_VERSION).encode())
    for index, data, weight in found:
        for p in (index, data):
            st = p.stat()
            h.update(f"{p}|{st.st_size}|{int(st.st_mtime)}|{weight}".encode())
    return h.hexdigest()[:16]


def load_lexicon(cache: bool = True) -> Lexicon:
    """Build (or read from the cache) the inverted dictionary; empty when none is installed."""
    found = _found_dictionaries()
    if not found:
        return Lexicon("", {})
    name = "+".join(i.name.removesuffix(".index") for i, _, _ in found)
    path = _cache_dir() / f"ru-en-{_cache_key(found)}.pkl"
    if cache and isinstance(stored := read_pickle(path), tuple) and len(stored) == 2:
        entries, phrases = stored
        return Lexicon(name, entries, phrases)
    entries, phrases = invert(found), invert_phrases(found, _phrase_lemma)
    if cache:
        with contextlib.suppress(OSError):  # a read-only home: rebuild next time
            write_pickle(path, (entries, phrases))
    return Lexicon(name, entries, phrases)


_lexicon: Lexicon | None = None


def lexicon() -> Lexicon:
    """The process-wide lexicon, loaded on first use (thread-safe)."""
    global _lexicon
    if _lexicon is None:
        with _lock:
            if _lexicon is None:
                _lexicon = load_lexicon()
    return _lexicon


def available() -> bool:
    """True when a Russian-English dictionary is installed (else only transliteration works)."""
    return bool(len(lexicon()))


def resource() -> str:
    """What translates: the dictionaries found, or a note that none is."""
    lex = lexicon()
    return f"dictd {lex.name} ({len(lex)} Russian words)" if len(lex) else (
        f"no dictionary (install the Debian package {PACKAGE}); transliteration only")


# ----------------------------------------------------------------------------- morphology

_PREFIXES = sorted("по за на с со у вы про при раз рас из ис от ото о об обо под подо пере вз "
                   "вс в во до пре".split(), key=len, reverse=True)
#: Perfective endings whose imperfective changes the root (умереть/умирать, принять/принимать).
_IRREGULAR_ASPECT = (("ереть", "ирать"), ("брать", "бирать"), ("звать", "зывать"),
                     ("нять", "нимать"), ("жечь", "жигать"), ("ехать", "езжать"),
                     ("нести", "носить"), ("вести", "водить"), ("честь", "читать"),
                     ("дать", "давать"), ("знать", "знавать"), ("стать", "ставать"))
_ALTERNATION = (("ст", "щ"), ("т", "ч"), ("д", "ж"), ("с", "ш"), ("з", "ж"), ("б", "бл"),
                ("в", "вл"), ("п", "пл"), ("м", "мл"), ("ф", "фл"))


def _morph():
    from index.nlp import russian

    return russian()


def imperfectives(lemma: str) -> list[str]:
    """Candidate imperfective partners of a perfective infinitive, by the regular patterns
    (задержать -> задерживать, погибнуть -> погибать, получить -> получать, пострадать ->
    страдать). Unchecked: :func:`_lemmas` keeps those the dictionary has."""
    refl = lemma.endswith(("ся", "сь"))
    base = lemma[:-2] if refl else lemma
    out: list[str] = []
    if base.endswith("нуть"):
        s = base[:-4]
        out += [s + "ать", s + "ивать"]
    elif base.endswith(("ать", "ять")):
        s = base[:-3]
        out += [s + "ивать", s + "ывать", base[:-2] + "вать", s + "авать"]
    elif base.endswith("ить"):
        s = base[:-3]
        stems = [s] + [s[: -len(a)] + b for a, b in _ALTERNATION if s.endswith(a)]
        out += [st + e for st in stems for e in ("ать", "ять", "ивать", "ывать")]
    elif base.endswith("еть"):
        s = base[:-3]
        out += [s + "евать", s + "ать"]
    for pf, impf in _IRREGULAR_ASPECT:
        if base.endswith(pf):
            out.append(base[: -len(pf)] + impf)
    for p in _PREFIXES:
        if base.startswith(p) and len(base) - len(p) >= 4:
            out.append(base[len(p):])
    return [w + ("ся" if refl else "") for w in dict.fromkeys(out) if w != base]


def _name_stems(lemma: str) -> list[str]:
    """Stems of a Russian word that transliterate to an English name: the word itself, a
    relational adjective's base (кордайский -> кордай), an ethnonym's (дунганин -> дунган)."""
    out = [lemma]
    for end in ("ский", "ская", "ское", "ские", "цкий", "ской"):
        if lemma.endswith(end) and len(lemma) > len(end) + 2:
            out.append(lemma[: -len(end)])
    for end in ("анин", "янин"):
        if lemma.endswith(end) and len(lemma) > 5:
            out.append(lemma[:-2])  # -анин -> -ан
    for end in ("ане", "яне"):
        if lemma.endswith(end) and len(lemma) > 5:
            out.append(lemma[:-1])  # дунгане -> дунган
    return out


@dataclass(frozen=True)
class _Analysis:
    lemmas: tuple[tuple[str, float], ...]  #: dictionary forms to look up, with a weight
    name_like: bool  #: unknown to the analyser, or tagged as a proper noun
    stems: tuple[str, ...]  #: Cyrillic stems to transliterate after the word itself


@lru_cache(maxsize=65536)
def _analyse(word: str) -> _Analysis:
    low = word.lower().replace("ё", "е")
    morph = _morph()
    parses = morph.parse(low)[:3]
    lemmas: dict[str, float] = {}

    def add(w: str, weight: float) -> None:
        w = w.replace("ё", "е")
        if weight > lemmas.get(w, 0.0):
            lemmas[w] = weight

    known = any(p.is_known for p in parses)
    name_like = (not known) or (word[:1].isupper() and bool(parses)
                                and bool(_NAME_TAGS & set(parses[0].tag.grammemes)))
    for rank, p in enumerate(parses):
        w = 1.0 if rank == 0 else 0.6
        add(p.normal_form, w)
        tag = p.tag
        if tag.POS in ("PRTF", "PRTS", "ADJS"):  # раненых -> раненый as well as ранить
            full = {"PRTF": "PRTF", "PRTS": "PRTF", "ADJS": "ADJF"}[tag.POS]
            adj = p.inflect({full, "sing", "masc", "nomn"})
            if adj:
                add(adj.word, w)
    add(low, 0.9)
    for rank, p in enumerate(parses):  # a perfective verb, its participles and gerunds
        if "perf" in p.tag and p.tag.POS in ("INFN", "VERB", "PRTF", "PRTS", "GRND"):
            w = 1.0 if rank == 0 else 0.6
            for i, v in enumerate(imperfectives(p.normal_form.replace("ё", "е"))):
                add(v, w * (0.8 if i < 8 else 0.5))
    top = parses[0].normal_form.replace("ё", "е") if parses else low
    derived = [s for lem in (low, top) for s in _name_stems(lem)[1:]]
    stems = tuple(dict.fromkeys(s for s in (*derived, top) if s != low))
    return _Analysis(tuple(sorted(lemmas.items(), key=lambda kv: -kv[1])), name_like, stems)


# ----------------------------------------------------------------------------- names


@dataclass(frozen=True)
class _VocabIndex:
    exact: dict[str, tuple[str, ...]]  #: name key -> the vocabulary words with it
    by_letter: dict[str, tuple[tuple[str, str], ...]]  #: first letter -> (key, word)


@lru_cache(maxsize=8)
def _vocab_index(vocabulary: frozenset[str]) -> _VocabIndex:
    exact: dict[str, list[str]] = {}
    by_letter: dict[str, list[tuple[str, str]]] = {}
    for v in sorted(vocabulary):
        if v.isascii() and v.isalpha() and len(v) > 2:
            k = name_key(v)
            exact.setdefault(k, []).append(v)
            by_letter.setdefault(k[:1], []).append((k, v))
    return _VocabIndex({k: tuple(v) for k, v in exact.items()},
                       {k: tuple(v) for k, v in by_letter.items()})


@lru_cache(maxsize=65536)
def _transliterations(word: str, vocabulary: frozenset[str] | None) -> tuple[str, ...]:
    a = _analyse(word)
    out = [transliterate(s).lower() for s in (word.lower(), *a.stems)]
    if vocabulary:
        idx = _vocab_index(vocabulary)
        # the word as written and the stems derived from it; the analyser's lemma of an unknown
        # word is a guess ("Масанчи" -> "масанча"), so it only counts when equal
        primary = [k for k in dict.fromkeys([name_key(word), ru_stem_key(word)]
                                            + [name_key(s) for s in a.stems[:-1]]) if len(k) >= 3]
        guess = name_key(a.stems[-1]) if a.stems else ""
        keys = [*primary, *([guess] if len(guess) >= 3 else [])]
        hits = [v for k in keys for v in idx.exact.get(k, ())]
        if not hits:
            hits = [v for k in primary if len(k) >= 5
                    for vk, v in idx.by_letter.get(k[:1], ())
                    if abs(len(vk) - len(k)) <= 3 and same_name(k, vk)]
        out = hits + out
    return tuple(dict.fromkeys(w for w in out if w.isascii() and len(w) > 1))


def transliterations(word: str, vocabulary: Iterable[str] | None = None) -> list[str]:
    """Latin spellings of a Russian word (lower case): its transliteration and its stems', and,
    given the articles' ``vocabulary``, first the words there that are the same name (equal
    name keys; else, for the word as written, same_name)."""
    vocab = frozenset(vocabulary) if vocabulary is not None else None
    return list(_transliterations(word, vocab))


# ----------------------------------------------------------------------------- lookup


@lru_cache(maxsize=65536)
def _dictionary_candidates(word: str) -> tuple[str, ...]:
    lex = lexicon()
    if not len(lex):
        return ()
    best: dict[str, float] = {}
    for lemma, weight in _analyse(word).lemmas:
        for english, score in lex.get(lemma)[:12]:
            s = weight * score
            if s > best.get(english, 0.0):
                best[english] = s
    return tuple(sorted(best, key=lambda e: (-best[e], e)))


def english_candidates(word: str, vocabulary: Iterable[str] | None = None,
                       per_word: int = PER_WORD) -> tuple[str, ...]:
    """English lemmas for one Russian word (any inflection), most likely first.

    A name-like word gives its transliterations first; a word the dictionary lacks passes
    through transliterated. A Latin word is returned lower-cased. With ``vocabulary`` (the
    articles' English lemmas), translations the articles use are put first and
    transliterations are snapped to the articles' spellings."""
    vocab = frozenset(vocabulary) if vocabulary is not None else None
    return _candidates(word.strip(), vocab, per_word)


@lru_cache(maxsize=65536)
def _candidates(word: str, vocab: frozenset[str] | None, per_word: int) -> tuple[str, ...]:
    if not word:
        return ()
    if not re.search(r"[А-Яа-яЁё]", word):
        return (word.lower(),)
    a = _analyse(word)
    found = [e for e in _dictionary_candidates(word) if e not in STOPWORDS]
    if vocab:  # the senses the articles use come first
        found = [e for e in found if e in vocab] + [e for e in found if e not in vocab]
    found = found[:per_word]
    if a.name_like or not found:
        names = list(_transliterations(word, vocab))
        return tuple(dict.fromkeys([*names[:2], *found, *names[2:]]))[: per_word + 2]
    return tuple(found)


def english_terms(words: list[str], vocabulary: Iterable[str] | None = None,
                  per_word: int = PER_WORD) -> list[str]:
    """Russian words (any inflection) -> English lemmas, lower case, several per word, most
    likely first, word by word, without repeats (see :func:`english_candidates`)."""
    vocab = frozenset(vocabulary) if vocabulary is not None else None
    out: list[str] = []
    for w in words:
        out.extend(english_candidates(w, vocab, per_word))
    return list(dict.fromkeys(out))


def phrase_terms(lemmas: list[str], vocabulary: Iterable[str] | None = None) -> list[str]:
    """English words of the dictionary's phrases among consecutive Russian ``lemmas``
    ("чрезвычайный положение" -> state, emergency; "уголовный дело" -> criminal, action), of
    three words before two; with ``vocabulary``, only the words the articles use. The keys
    spell ё as е, as the lemmas are folded here ("приём" finds "прием")."""
    table = lexicon().phrases
    vocab = frozenset(vocabulary) if vocabulary is not None else None
    lemmas = [w.replace("ё", "е") for w in lemmas]
    out: list[str] = []
    for n in (3, 2):
        for i in range(len(lemmas) - n + 1):
            out.extend(w for w in table.get(tuple(lemmas[i:i + n]), ())
                       if vocab is None or w in vocab)
    return list(dict.fromkeys(out))


def english_question(text: str) -> str | None:
    """An English rendering of a Russian question, when a translation model is installed.

    None today: no Russian-English translation model installs offline from the registries
    (see the module docstring); callers use :func:`english_terms` instead."""
    return None


def clear_caches() -> None:
    """Forget the per-word results (the lexicon stays loaded); for measuring unseen words."""
    for f in (_analyse, _dictionary_candidates, _transliterations, _candidates):
        f.cache_clear()
