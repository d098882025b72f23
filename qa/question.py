"""Question analysis: one type, :class:`Question`, made by :func:`analyse` from the question text.

English questions go through spaCy's small English pipeline (lemmas, parse, entities); Russian
questions through pymorphy3 (lemmas) with the same fields. What comes out is what the ranker,
the bank and the refusal checks reason with:

- ``answer_type``: what kind of value answers it (a count, a date, a person, a place, a cause …);
- ``focus``: the content lemmas the answer must be about;
- ``figure``: for "how many X" the thing counted (X, or the verb when X is just "people");
- ``constraints``: names, places, sources, dates and numbers the answer must respect;
- ``parts``: the sub-questions of a multi-part question.

Pure functions of the text and the analysers passed in; nothing here is keyed to an article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from index.names import name_key, ru_stem_key, transliterate
from index.text import STOPWORDS, is_russian

AnswerType = Literal["count", "quantity", "money", "date", "time", "duration", "place", "person",
                     "organisation", "cause", "yesno", "description"]
ConstraintKind = Literal["source", "name", "date", "number"]

#: Words that ask about the sources rather than the event; never part of the focus.
FILLER = frozenset(
    "article articles source sources outlet outlets report reports reported say says said tell "
    "told mention mentioned accord according describe described give given know known claim "
    "write wrote state stated name happen happened exactly actually please question mean "
    "number figure total toll amount many much kind sort type way thing anything something"
    .split()
)
#: A counted noun this generic is not the thing counted; the verb is ("people killed").
GENERIC_COUNTED = frozenset("people person persons individual individuals citizen citizens "
                            "resident residents human humans one ones".split())
#: Nouns after "what/which" that fix the answer type.
TYPE_NOUNS: dict[str, AnswerType] = {
    **dict.fromkeys("time hour".split(), "time"),
    **dict.fromkeys("date day month year".split(), "date"),
    **dict.fromkeys("village town city country region district place area province border "
                    "location street settlement".split(), "place"),
    **dict.fromkeys("person man woman official minister name politician journalist leader "
                    "expert chairman head president governor".split(), "person"),
    **dict.fromkeys("organisation organization agency group outlet newspaper company party "
                    "body committee ministry".split(), "organisation"),
    **dict.fromkeys("sum fine price cost compensation money fee bribe".split(), "money"),
    **dict.fromkeys("number figure toll total count percentage share".split(), "count"),
    **dict.fromkeys("reason cause trigger motive explanation".split(), "cause"),
    **dict.fromkeys("distance".split(), "quantity"),
    **dict.fromkeys("period duration".split(), "duration"),
}
_MONEY_WORDS = frozenset("money cost costs fine fines pay paid price compensation sum bribe "
                         "dollar dollars tenge euro".split())
_CAUSE_VERBS = frozenset("cause trigger spark start provoke lead set prompt".split())
_AUX_FIRST = frozenset("is are was were do does did has have had can could will would should "
                       "may might must".split())
_IMPERATIVE = frozenset("tell describe explain list give show summarise summarize outline "
                        "compare".split())
#: Russian question words -> answer type.
RU_WH: dict[str, AnswerType] = {
    "сколько": "count", "насколько": "quantity", "когда": "date", "где": "place",
    "куда": "place", "откуда": "place",
    "кто": "person", "кого": "person", "кем": "person", "кому": "person", "чей": "person",
    "почему": "cause", "зачем": "cause", "отчего": "cause", "причина": "cause",
    "повод": "cause", "ли": "yesno",
}
#: Russian words that ask about the sources rather than the event.
RU_FILLER = frozenset("данные данный сообщать сообщение статья источник говорить писать согласно "
                      "мнение версия утверждать рассказать сказать издание случиться "
                      "произойти вопрос слово информация сведение".split())  # "по словам X"
_RU_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*(?:\.[a-z]{2,}(?![\w.]))?|\d+(?:[.,]\d+)?")
_PART_SPLIT = re.compile(
    r"\?\s+(?=\S)|;\s*|,?\s+\band\s+(?=(?:how|what|when|where|who|whom|whose|which|why|"
    r"did|does|do|is|are|was|were)\b)|,?\s+\bи\s+(?=(?:сколько|когда|где|кто|почему|что|какой|"
    r"какая|какие|каком)\b)",
    re.IGNORECASE,
)
#: Words asking for a name ("what's his name", "how is it called", "как его зовут", "фамилия").
_ASKS_NAME = re.compile(r"(?i)(?<![\w-])(?:names?|named|called)\b(?!\s+(?:after|for)\b)|"
                        r"(?<![\w-])(?:зовут|звали|имя|имени|фамили[яюией])(?![\w-])")
#: Words asking how the sources' accounts compare (English and Russian).
_COMPARES = re.compile(
    r"\b(?:agree|agrees|disagree|disagrees|differ|differs|different|differently|compare|"
    r"compared|comparison|contradict\w*|consistent|inconsistent|same|each|vary|varies|versus|"
    r"vs)\b|\b(?:расход\w*|отлича\w*|разн\w+|сравн\w*|кажд\w*|одинаков\w*|совпада\w*|"
    r"согласн[ыа]|противореч\w*)", re.IGNORECASE)
_MONTHS = ("january february march april may june july august september october november "
           "december").split()


@dataclass(frozen=True)
class Constraint:
    """Something the question names that an answer must respect."""

    kind: ConstraintKind
    text: str  #: as written in the question
    key: str  #: comparable form: a name key (index.names), a doc id, "february 10", "47"

    def __post_init__(self) -> None:
        if not self.key:
            raise ValueError(f"constraint {self.text!r} has no key")


@dataclass(frozen=True)
class Question:
    """A question, analysed. Every field is derived from ``text``; see the module docstring."""

    text: str  #: the question as it will be answered (normalised by qa.inputs)
    language: Literal["en", "ru"]
    answer_type: AnswerType
    focus: tuple[str, ...]  #: content lemmas (English lemmas; Russian lemmas for Russian)
    figure: str = ""  #: the lemma of what is counted, for count questions ("kill", "house")
    constraints: tuple[Constraint, ...] = ()
    wh: str = ""  #: the question word as asked ("how many", "when", "сколько"), "" if none
    parts: tuple[Question, ...] = ()  #: sub-questions when it asks several things
    focus_phrase: str = ""  #: the focus as words of the question (refusal reasons; Russian
    #: translation, which reads the words as written)
    names: tuple[str, ...] = field(default=())  #: proper nouns of the question, as written
    #: name constraints (as written) that together spell one named entity of several words
    #: ("European", "Union"): each may occur in the articles, the entity must occur as one
    name_groups: tuple[tuple[str, ...], ...] = field(default=())
    #: the lemma of the noun a "what X" / "which X" question asks for ("What car …?" -> "car")
    asked: str = ""

    def __post_init__(self) -> None:
        if self.language not in ("en", "ru"):
            raise ValueError(f"unknown language {self.language!r}")
        if any(p.parts for p in self.parts):
            raise ValueError("parts of a question do not have parts")

    @property
    def sources(self) -> tuple[str, ...]:
        """doc ids of the outlets the question names ("according to Fergana")."""
        return tuple(c.key for c in self.constraints if c.kind == "source")

    @property
    def compares(self) -> bool:
        """True when it asks how the sources' accounts compare: it names two or more outlets,
        or asks whether they agree, differ or what each says."""
        return len(set(self.sources)) > 1 or bool(_COMPARES.search(self.text))

    @property
    def asks_name(self) -> bool:
        """True when it asks for a name in so many words ("What was the driver's name?", "как
        его зовут?"): a description of the person ("one Kazakh") does not answer it."""
        return bool(_ASKS_NAME.search(self.text))

    @property
    def asks_value(self) -> bool:
        """True when a specific value answers it (a number, a date, a name, a place …)."""
        return self.answer_type not in ("cause", "yesno", "description")


# ----------------------------------------------------------------------------- helpers


def date_key(text: str) -> str:
    """"10 February", "February 10", "Feb. 10th" -> "february 10"; "" when no day and month."""
    low = text.lower()
    month = next((m for m in _MONTHS if re.search(rf"\b{m[:3]}\w*\b", low)), "")
    day = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", low)
    return f"{month} {int(day.group(1))}" if month and day else ""


def source_aliases(sources: dict[str, object]) -> dict[str, str]:
    """name key -> doc id for every outlet word ("Fergana", "Vlast", "WSWS", "Diplomat", "IWPR").

    The words come from each source's metadata (``seeds/sources.toml``): every word of its
    short name (a domain such as "Vlast.kz" counts by its name, "Vlast") and every acronym of
    its full name ("World Socialist Web Site (WSWS)", "CABAR.asia (IWPR)"). Plain words of a
    full name ("News", "Web", "translated") are not outlet names; a source without a short name
    contributes every word of its full name."""
    out: dict[str, str] = {}
    for doc_id, src in sources.items():
        short = str(getattr(src, "short", "") or "")
        outlet = str(getattr(src, "outlet", "") or "")
        words = _name_words(short) if short else _name_words(outlet.split("(")[0])
        words += [w for w in _name_words(outlet) if _is_acronym(w)]
        for w in words:
            if (len(w) >= 4 or _is_acronym(w)) and w.lower() not in STOPWORDS:
                out.setdefault(name_key(w), doc_id)
    return out


def _name_words(name: str) -> list[str]:
    """The words of an outlet name, a domain by its name: "CABAR.asia (IWPR)" -> CABAR, IWPR."""
    return [w.strip(".").split(".")[0] for w in re.findall(r"[^\W\d_][\w.-]*", name)
            if w.strip(".")]


def _is_acronym(word: str) -> bool:
    return len(word) >= 3 and word.isupper() and word.isalpha()


def outlet_key(token: str) -> str:
    """The alias key of a token that may be an outlet: "Vlast.kz" -> key of "Vlast"."""
    return name_key(token.strip(".").split(".")[0]) if token.strip(".") else ""


def _may_be_outlet(tok) -> bool:
    """A token written as a name can name an outlet: capitalised, an acronym, a domain or a
    proper noun ("Vlast.kz" and "CABAR.asia" are one token to spaCy and not alphabetic)."""
    text = tok.text
    domain = re.fullmatch(r"[^\W\d_]+\.[a-z]{2,}", text) is not None
    return bool(text[:1].isalpha()) and (tok.pos_ == "PROPN" or text[:1].isupper() or domain)


def split_parts(text: str) -> list[str]:
    """The sub-questions of a multi-part question (a list of one when it asks one thing)."""
    pieces = [p.strip(" ,?") for p in _PART_SPLIT.split(text) if p and p.strip(" ,?")]
    pieces = [p for p in pieces if len(p.split()) >= 2]
    return pieces if len(pieces) > 1 else [text]


def _english_type(doc) -> tuple[AnswerType, str]:
    toks = [t for t in doc if not t.is_punct]
    if not toks:
        return "description", ""
    low = [t.lower_ for t in toks]
    for i, w in enumerate(low):
        nxt = low[i + 1] if i + 1 < len(low) else ""
        if w == "how":
            if nxt in ("many", "much"):
                rest = set(low[i + 2:i + 5])
                if nxt == "much" and rest & _MONEY_WORDS:
                    return "money", "how much"
                return ("count" if nxt == "many" else "quantity"), f"how {nxt}"
            if nxt in ("far", "big", "large", "old", "high", "close", "wide"):
                return "quantity", f"how {nxt}"
            if nxt == "long":
                return "duration", "how long"
            if nxt == "often":
                return "count", "how often"
            return "description", "how"
        if w in ("when",):
            return "date", w
        if w in ("where",):
            return "place", w
        if w in ("who", "whom", "whose"):
            return "person", w
        if w == "why":
            return "cause", w
        if w in ("what", "which"):
            nouns = [t for t in toks[i + 1:i + 6] if t.pos_ in ("NOUN", "PROPN")]
            head = next((t for t in nouns if t.lemma_.lower() in TYPE_NOUNS), None)
            if head is not None:
                kind = TYPE_NOUNS[head.lemma_.lower()]
                if kind == "person" and head.lemma_.lower() == "name":
                    kind = _named_kind(low)
                return kind, f"{w} {head.lower_}"
            verb = next((t for t in toks[i + 1:i + 4] if t.pos_ == "VERB"), None)
            if verb is not None and verb.lemma_.lower() in _CAUSE_VERBS:
                return "cause", w
            return "description", w
    if low[0] in _AUX_FIRST:
        return "yesno", low[0]
    if low[0] in _IMPERATIVE:
        if "name" in low[:3] or "names" in low[:4]:
            return "person", low[0]
        return "description", low[0]
    if low[0] == "name":
        return "person", "name"
    if any(t in low for t in ("number", "toll")):
        return "count", ""
    return "description", ""


def _named_kind(low: list[str]) -> AnswerType:
    """"What was the name of the village/outlet/man" -> the type of what is named."""
    for w in low[low.index("name") + 1:] if "name" in low else []:
        if w in TYPE_NOUNS and TYPE_NOUNS[w] in ("place", "organisation", "person"):
            return TYPE_NOUNS[w]
    return "person"


def _of_object(token):
    """The object of the first preposition after ``token`` ("number *of dead*"), or None."""
    return next((c for p in token.children if p.dep_ == "prep" for c in p.children
                 if c.dep_ == "pobj"), None)


def _number_of(doc) -> str:
    """The figure any question names as "the number of X" / "the death toll" ("do the
    sources agree on the number of dead?"), or ""."""
    for t in doc:
        if t.lower_ in ("number", "toll", "count", "total", "figures", "figure"):
            if t.lower_ == "toll":
                return "death"
            obj = _of_object(t)
            if obj is not None and obj.lemma_.lower() not in GENERIC_COUNTED:
                return obj.lemma_.lower()
    return ""


def _english_figure(doc) -> str:
    """What a count question counts: the noun "many" modifies, or "number of X", or the verb."""
    noun = None
    for t in doc:
        if t.lower_ in ("many", "much") and t.head.pos_ in ("NOUN", "PROPN"):
            noun = t.head
        elif t.lower_ in ("number", "toll", "count", "total") and not noun:
            obj = _of_object(t)
            noun = obj if obj is not None else (t if t.lower_ == "toll" else None)
    if noun is not None and noun.lemma_.lower() not in GENERIC_COUNTED:
        lemma = noun.lemma_.lower()
        if lemma in ("number", "count", "total"):
            return ""
        return "death" if lemma == "toll" else lemma
    # "how many (people) were killed", "how many died": the verb or participle
    for t in doc:
        if t.pos_ in ("VERB", "ADJ") and t.lemma_.lower() not in ("many", "much", "be", "have",
                                                               "do", "accord", "say", "report"):
            return t.lemma_.lower()
    return noun.lemma_.lower() if noun is not None else ""


def _english_constraints(doc, aliases: dict[str, str]) -> tuple[list[Constraint], list[str]]:
    out: list[Constraint] = []
    names: list[str] = []
    seen: set[str] = set()

    def add(kind: ConstraintKind, text: str, key: str) -> None:
        if key and (kind, key) not in seen:
            seen.add((kind, key))
            out.append(Constraint(kind, text, key))

    for ent in doc.ents:
        if ent.label_ == "DATE" and (k := date_key(ent.text)):
            add("date", ent.text, k)
        elif ent.label_ == "DATE" and (y := re.search(r"\b(?:19|20)\d\d\b", ent.text)):
            add("number", y.group(0), y.group(0))  # a year: "the 1999 census"
        elif ent.label_ in ("CARDINAL", "QUANTITY", "MONEY", "PERCENT"):
            digits = re.sub(r"[^\d]", "", ent.text)
            if digits:
                add("number", ent.text, digits)
    in_date = {i for e in doc.ents if e.label_ in ("DATE", "TIME") for i in range(e.start, e.end)}
    for t in doc:
        if _may_be_outlet(t) and t.i not in in_date and outlet_key(t.text) in aliases:
            add("source", t.text, aliases[outlet_key(t.text)])
            continue
        if (t.pos_ == "PROPN" and t.is_alpha and t.i > 0) or (t.i == 0 and t.pos_ == "PROPN"
                                                            and t.is_title):
            if t.lower_ in STOPWORDS or t.lower_ in FILLER or t.i in in_date:
                continue
            key = name_key(t.text)
            if key in aliases:
                add("source", t.text, aliases[key])
            else:
                names.append(t.text)
                add("name", t.text, key)
        elif t.like_num and t.i > 0 and t.i not in in_date and re.fullmatch(r"\d[\d,]*", t.text):
            add("number", t.text, t.text.replace(",", ""))  # years too: "the 1999 census"
    return out, names


def _english_focus(doc, figure: str, sources: set[str]) -> tuple[tuple[str, ...], str]:
    lemmas, words = [], []
    for t in doc:
        lemma = t.lemma_.lower()
        if t.text in sources:
            continue
        if not (t.is_alpha or t.like_num) or t.is_stop or lemma in STOPWORDS:
            continue
        if lemma in FILLER or t.lower_ in FILLER or t.tag_ in ("WDT", "WP", "WP$", "WRB"):
            continue
        lemmas.append(lemma)
        words.append(t.text)
    if figure and figure not in lemmas:
        lemmas.append(figure)
    return tuple(dict.fromkeys(lemmas)), " ".join(words)


def _analyse_english(text: str, nlp, aliases: dict[str, str]) -> Question:
    doc = nlp(text)
    answer_type, wh = _english_type(doc)
    figure = (_english_figure(doc) if answer_type in ("count", "quantity")
              else _number_of(doc))
    constraints, names = _english_constraints(doc, aliases)
    focus, phrase = _english_focus(doc, figure,
                                   {c.text for c in constraints if c.kind == "source"})
    return Question(text, "en", answer_type, focus, figure, tuple(constraints), wh,
                    focus_phrase=phrase, names=tuple(names),
                    name_groups=_name_groups(doc, constraints), asked=_asked_noun(doc, focus))


def _asked_noun(doc, focus: tuple[str, ...]) -> str:
    """The focus lemma a question opening "what X" / "which X" asks for ("What car did the
    police stop?" -> "car"; "What did the police do?" -> ""). The word after the question word,
    when it is the first focus lemma; the parse's head noun ("death toll" -> "toll") would be
    finer but was not measured."""
    words = [t for t in doc if not t.is_space]
    if len(words) < 2 or words[0].lower_ not in ("what", "which") or not focus:
        return ""
    nxt = words[1]
    return focus[0] if nxt.is_alpha and focus[0][:4] == nxt.lower_[:4] else ""


#: spaCy entity labels of named things (not dates, numbers or quantities)
NAMED_ENTITIES = frozenset("PERSON ORG GPE LOC NORP FAC EVENT PRODUCT WORK_OF_ART LAW".split())


def _name_groups(doc, constraints: list[Constraint]) -> tuple[tuple[str, ...], ...]:
    """The name constraints inside one spaCy entity of several title-case words ("European
    Union", "Amnesty International"); an entity holding an outlet's name is left out."""
    names = {c.text for c in constraints if c.kind == "name"}
    sources = {c.text for c in constraints if c.kind == "source"}
    out = []
    for ent in doc.ents:
        if ent.label_ not in NAMED_ENTITIES or any(t.text in sources for t in ent):
            continue
        group = tuple(dict.fromkeys(t.text for t in ent if t.text in names and t.is_title))
        if len(group) >= 2:
            out.append(group)
    return tuple(out)


def _analyse_russian(text: str, lemma, aliases: dict[str, str], pos=None,
                     proper=None) -> Question:
    """``proper(word)``: whether a capitalised first word may be a name (not "Правда, что …",
    "Зачинщиков ищут?"); without it every capitalised first word that looks like one is."""
    tokens = _RU_WORD.findall(text)
    low = [t.lower() for t in tokens]
    answer_type: AnswerType = "description"
    wh = ""
    for w in low:
        if w in RU_WH:
            answer_type, wh = RU_WH[w], w
            break
        if w.startswith(("какой", "какая", "какое", "какие", "каком", "какую", "каких")):
            wh = w
    if wh.startswith("как") and answer_type == "description":
        nxt = low[low.index(wh) + 1] if low.index(wh) + 1 < len(low) else ""
        lem = lemma(nxt) if nxt else ""
        if lem in ("день", "дата", "число", "месяц", "год"):
            answer_type = "date"
        elif lem in ("село", "деревня", "город", "страна", "место", "район", "область"):
            answer_type = "place"
    constraints: list[Constraint] = []
    names: list[str] = []
    focus: list[str] = []
    words: list[str] = []
    at: list[int] = []
    for i, (tok, w) in enumerate(zip(tokens, low, strict=True)):
        if w.isdigit():
            constraints.append(Constraint("number", tok, w))
            continue
        lem = lemma(w)
        if w in RU_WH or lem in STOPWORDS or w in STOPWORDS or len(w) < 2 or lem in RU_FILLER:
            continue
        if (i > 0 and tok[:1].isupper()) or (i == 0 and tok[:1].isupper() and lem not in
                                           STOPWORDS and w not in RU_WH and len(tokens) > 1
                                           and _looks_like_name(tok)):
            key = ru_stem_key(tok) if is_russian(tok) else outlet_key(tok)
            src = next((d for k, d in aliases.items() if k and key and (k.startswith(key)
                                                                        or key.startswith(k))),
                       None)
            if src:
                constraints.append(Constraint("source", tok, src))
                continue
            if i > 0 or proper is None or proper(tok):
                names.append(transliterate(tok))
                constraints.append(Constraint("name", tok, key))
        focus.append(lem)
        words.append(tok)
        at.append(i)
    figure = _russian_figure(focus, words, at, pos) if answer_type == "count" else ""
    return Question(text, "ru", answer_type, tuple(dict.fromkeys(focus)), figure,
                    tuple(dict.fromkeys(constraints)), wh, focus_phrase=" ".join(words),
                    names=tuple(names))


#: Russian counted nouns this generic are not the thing counted; the verb or participle is.
RU_GENERIC_COUNTED = frozenset("человек люди житель гражданин".split())


def _russian_figure(focus: list[str], words: list[str], at: list[int], pos=None) -> str:
    """What a Russian count question counts: its first focus word that is not a generic
    "человек" ("погибло", "раненых", "домов"); an adjective right before a noun only qualifies
    it, so the noun is counted ("частных домов" -> "дом"). ``at`` gives each focus word's token
    position; ``pos`` maps a word to its part of speech (pymorphy3's "NOUN", "ADJF" …), without
    it the first non-generic word is taken."""
    rows = [(f, w, i) for f, w, i in zip(focus, words, at, strict=False)
            if f not in RU_GENERIC_COUNTED]
    if not rows:
        return focus[0] if focus else ""
    f, w, i = rows[0]
    if pos is not None and len(rows) > 1 and pos(w) in ("ADJF", "PRTF"):
        f2, w2, i2 = rows[1]
        if i2 == i + 1 and pos(w2) == "NOUN":
            return f2
    return f


def _default_ru_pos(word: str) -> str:
    """The part of speech pymorphy3 gives a Russian word first ("NOUN", "ADJF", "VERB" …)."""
    from index.nlp import russian

    return str(russian().parse(word.lower())[0].tag.POS or "")


#: pymorphy3 grammemes of proper nouns: first name, surname, patronymic, place, organisation
_RU_PROPER = frozenset("Name Surn Patr Geox Orgn Trad".split())


def _default_ru_proper(word: str) -> bool:
    """True when pymorphy3 does not know the word (a foreign name: Масанчи, Сортобе) or tags
    one of its readings as a proper noun (Дауров, Ергали); a common word is not a name just
    because it opens the question."""
    from index.nlp import russian

    morph = russian()
    w = word.lower()
    return not morph.word_is_known(w) or any(
        _RU_PROPER & set(map(str, p.tag.grammemes)) for p in morph.parse(w))


def _looks_like_name(token: str) -> bool:
    return len(token) > 3 and token[:1].isupper() and not token.isupper()


def analyse(text: str, nlp=None, ru_lemma=None, aliases: dict[str, str] | None = None,
            split: bool = True, ru_pos=None, ru_proper=None) -> Question:
    """Analyse a (normalised) question. ``nlp`` is a spaCy pipeline, ``ru_lemma`` a function
    from a Russian word to its lemma, ``aliases`` maps name keys of outlets to doc ids
    (:func:`source_aliases`), ``ru_pos`` from a Russian word to its part of speech,
    ``ru_proper`` whether a capitalised first word may be a name; the defaults load the
    packaged analysers."""
    aliases = aliases or {}
    if is_russian(text):
        if ru_lemma is None:
            from index.nlp import ru_lemma as default_ru_lemma

            ru_lemma = default_ru_lemma
            if ru_pos is None:
                ru_pos = _default_ru_pos
            if ru_proper is None:
                ru_proper = _default_ru_proper
        q = _analyse_russian(text, ru_lemma, aliases, ru_pos, ru_proper)
    else:
        if nlp is None:
            from index.nlp import english

            nlp = english()
        q = _analyse_english(text, nlp, aliases)
    if split:
        pieces = split_parts(text)
        if len(pieces) > 1:
            parts = tuple(analyse(p, nlp, ru_lemma, aliases, split=False, ru_pos=ru_pos,
                                  ru_proper=ru_proper)
                          for p in pieces)
            # a part without its own constraints inherits the whole question's (sources etc.)
            parts = tuple(p if p.constraints else _with(p, q.constraints) for p in parts)
            return Question(q.text, q.language, q.answer_type, q.focus, q.figure,
                            q.constraints, q.wh, parts, q.focus_phrase, q.names, q.name_groups,
                            q.asked)
    return q


def _with(q: Question, constraints: tuple[Constraint, ...]) -> Question:
    return Question(q.text, q.language, q.answer_type, q.focus, q.figure, constraints, q.wh,
                    (), q.focus_phrase, q.names, q.name_groups, q.asked)
