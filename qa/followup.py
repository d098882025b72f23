"""Follow-up resolution: a question asked in a conversation becomes the standalone question the
engine answers, deterministically (rules over the analysed question, no text generator).

What the published conversational-search work taught, and what is adopted here:

- **TREC CAsT** (Dalton et al., 2019–2022): most follow-ups need only the *previous* turn (and the
  first turn of the topic), and a manually rewritten standalone question is the target. Adopted:
  the resolved previous turn is the context (earlier turns are resolved in order first, so a chain
  "how many died? → and injured? → what does Fergana say?" carries through), and the output is a
  rewritten question the reader sees ("Answering: …") rather than a hidden bag of terms.
- **HQE** (Lin et al., 2021, history query expansion): keep a topic only while the question has no
  topic of its own; a question with its own focus starts a new topic. Adopted as the
  standalone test: own focus and no anaphora ⇒ nothing carried over (topic switches resolve to
  themselves). Plain concatenation of the previous turn (HQE without the selection) is measured as
  a baseline in ``eval/followup_eval.py`` and loses on topic switches.
- **QuReTeC** (Voskarides et al., 2020, term classification): add only the *relevant terms* of
  the history, not the whole history. Adopted as term selection by role: the referent of a pronoun
  (a name, the asked-about noun phrase or the subject), the counted thing or the changed slot
  for an ellipsis, the source for a constraint, and the place/date phrases of the previous turn
  when a substituted referent is only a description.

Kinds: ``standalone`` (nothing carried over), ``ellipsis`` ("and injured?", "а раненых?"),
``pronoun`` ("who was driving it?", "when did that happen?"), ``constraint`` ("what does
Fergana say?", "only Vlast.kz", "а что пишет Власт?"), ``why`` ("why do they differ?", "why?").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from index.names import name_key, ru_stem_key
from index.text import is_russian
from qa.settings import Settings

Kind = Literal["standalone", "ellipsis", "pronoun", "constraint", "why"]
KINDS: tuple[str, ...] = ("standalone", "ellipsis", "pronoun", "constraint", "why")

_EN_CONNECTOR = re.compile(r"^\s*(?:and|but|also|so|ok(?:ay)?|then)?\s*(?:what|how)\s+about\s+"
                           r"|^\s*(?:(?:ok(?:ay)?|so|well|right),?\s+)?(?:and|but|also|plus)\s+",
                           re.IGNORECASE)
_RU_CONNECTOR = re.compile(r"^\s*(?:(?:ну\s+)?а|и|а\s+как\s+же|(?:а\s+)?что\s+насч[её]т|"
                           r"(?:а\s+)?как\s+насч[её]т)\s+", re.IGNORECASE)
_EN_WH = re.compile(r"^(?:how|what|when|where|who|whom|whose|which|why|is|are|was|were|do|does|"
                    r"did|has|have|had|can|could|will|would|should|tell|describe|explain|list|"
                    r"give|show|name)\b", re.IGNORECASE)
_RU_WH = re.compile(r"^(?:сколько|когда|где|куда|откуда|кто|кого|кем|кому|чей|чья|чьи|почему|"
                    r"зачем|отчего|что|чем|чего|как|какой|какая|какое|какие|каком|какую|каких|"
                    r"ли|расскажи|опиши|назови)\b", re.IGNORECASE)
#: A follow-up that is only a question word, to be asked about the previous question's event.
_BARE_WH_EN = re.compile(r"(?i)(?:(?:until|till|since|from|by|for|and|so)\s+)?"
                         r"(?:when|where|why|how|"
                         r"how\s+long|what\s+time|what\s+day|(?:on\s+)?what\s+date)")
_BARE_WH_RU = re.compile(r"(?i)(?:(?:до|с|со|от|к|на|в|во)\s+)?(?:когда|где|куда|откуда|почему|"
                         r"зачем|каких\s+пор|какого\s+(?:числа|времени|дня)|какой\s+даты|"
                         r"как\s+долго|сколько\s+времени|скольких|сколько)")
#: A follow-up that is a question phrase, perhaps after a preposition: "and in which village?",
#: "at what time?", "а в каком селе?", "в котором часу?" (asked about the previous event).
_WH_PHRASE_EN = re.compile(r"(?i)(?:(?:in|on|at|from|to|for|by|with|during|until|since|near|"
                           r"after|before)\s+(?:which|what|whose)|which|whose)"
                           r"\s+[a-z-]+(?:\s+[a-z-]+)?")
_WH_PHRASE_RU = re.compile(r"(?i)(?:в|во|на|с|со|из|у|к|по|до|от|при|за|после|около)\s+"
                           r"(?:как(?:ой|ая|ое|ие|ого|ом|ую|их|им|ими|ому)|котор(?:ый|ая|ое|ые|"
                           r"ого|ом|ую|ых|ым|ыми|ому)|чей|чья|чьё|чьи|чьей|чьём|чьих)"
                           r"\s+[а-яё-]+(?:\s+[а-яё-]+)?")
#: Stems of words for a source, which a question phrase asks as a constraint ("which outlet")
_MEDIA_STEMS = ("source", "outlet", "site", "website", "paper", "newspaper", "article", "media",
                "agenc", "report", "источник", "издани", "сайт", "газет", "стать", "сми",
                "агентств")
#: A Russian question word or adverbial question phrase (not "сколько человек"): it can be
#: swapped for the follow-up's ("во сколько", "в каком селе", "какого числа", "где").
_RU_ADVERB_WH = re.compile(r"(?i)(?<![\w-])(?:во\s+сколько|"
                           r"(?:(?:в|во|на|с|со|из|у|к|по|до|от|при|за|после|около)\s+)?"
                           r"(?:как(?:ой|ом|ого|ую|ое|их)|котор(?:ом|ого|ый|ую|ое))\s+[а-яё]+|"
                           r"какого\s+числа|когда|где|куда|откуда|почему|зачем)(?![\w-])")
_EN_PRONOUN = re.compile(r"\b(he|she|him|his|her|hers|they|them|their|theirs|it|its|that|this|"
                         r"those|these|there|then)\b", re.IGNORECASE)
_RU_PRONOUN = re.compile(r"(?<![\w-])(он|она|оно|они|его|её|ее|их|ему|ей|им|него|неё|нее|них|нему|"
                         r"ней|ним|нём|нем|этот|эта|это|эти|этого|этой|этих|этом|тот|та|те|того|"
                         r"там|тогда|туда)(?![\w-])", re.IGNORECASE)
_WHY_DIFFER_EN = re.compile(r"\b(?:why|how\s+come)\b.*\b(differ\w*|different|disagree\w*|"
                            r"discrepanc\w*|var(?:y|ies)|inconsisten\w*|contradict\w*|"
                            r"do(?:n't|\s+not)\s+(?:agree|match))\b"
                            r"|\bwhy\s+the\s+(?:difference|discrepancy|gap)\b",
                            re.IGNORECASE)
_WHY_DIFFER_RU = re.compile(r"\bпочему\b.*(разн|расход|отлича|не\s+совпада|противореч|"
                            r"расхожд)", re.IGNORECASE)
#: Words a "why do they differ?" question may hold besides the why (anything else is a topic).
_DIFFER_WORDS = frozenset("differ different difference disagree discrepancy vary inconsistent "
                          "contradict agree match number figure source article report account "
                          "toll outlet count give so much such come цифра данные разный "
                          "расходиться отличаться совпадать источник статья число издание "
                          "так".split())
#: Answer types of a question about a figure (a "why do they differ?" then asks each source's).
_FIGURE_TYPES = frozenset("count quantity money".split())
_EACH_EN, _EACH_RU = "according to each source", "по данным каждого источника"
_WHY_FIGURES_EN, _WHY_FIGURES_RU = "and why do the figures differ", "и почему цифры расходятся"
#: "What does each source say?", "what do the other articles say?", "Что пишет каждый источник?"
_EACH_SOURCE = re.compile(
    r"^\s*(?:and\s+|but\s+)?(?:what\s+(?:does|do|did)\s+(?:each|every|all|the\s+other|other|"
    r"the\s+rest\s+of\s+the)\s+(?:of\s+the\s+)?(?:sources?|articles?|outlets?|reports?|papers?)"
    r"\s+(?:say|report|write)|(?:and\s+)?(?:in\s+|according\s+to\s+)?(?:each|every|all|the\s+other)"
    r"\s+(?:sources?|articles?|outlets?))\s*\??\s*$"
    r"|^\s*(?:а\s+|и\s+)?что\s+(?:пишет|пишут|говорит|говорят|сообщает|сообщают)\s+(?:каждый|"
    r"каждое|все|другие|остальные)\s+(?:источник\w*|издани\w*|стать\w*|СМИ)\s*\??\s*$",
    re.IGNORECASE)
_WHY_BARE_EN = re.compile(r"^\s*(?:and\s+|but\s+|so\s+)?(?:why|how\s+come|for\s+what\s+reason)"
                          r"(?:\s+(not|so|is\s+that|was\s+that|did\s+that\s+happen))?"
                          r"(?P<how>\s+(?:so|that)\s+(?:soon|early|late|quickly|fast|slowly|long|"
                          r"many|much|few|little|badly|often))?\s*\??\s*$", re.IGNORECASE)
_WHY_BARE_RU = re.compile(r"^\s*(?:а\s+|и\s+|но\s+)?(почему|зачем|отчего|из-за\s+чего|с\s+чего|"
                          r"по\s+какой\s+причине)(?:\s+(же|нет|так|это|бы))?"
                          r"(?P<how>\s+так\s+(?:рано|быстро|поздно|долго|много|мало|скоро|часто))?"
                          r"\s*\??\s*$", re.IGNORECASE)
#: A turn that announces a new topic ("different question: …", "by the way, …", "кстати, …",
#: "другой вопрос: …"): the marker is dropped and nothing is carried over (CAsT topic shifts).
_TOPIC_SWITCH = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|so|right|well|now|and|oh|also)[\s,]+)?(?:"
    r"(?:(?:a|one|another|an\s*other|my)\s+)?(?:(?:totally|completely|entirely|quite)\s+)?"
    r"(?:different|separate|new|unrelated|other|next)\s+(?:q|qn|question|thing|topic|subject|"
    r"matter|point|one)"
    r"|(?:(?:totally|completely|entirely)\s+)?(?:unrelated|off[\s-]topic)(?:\s+(?:q|question))?"
    r"|chang(?:e|ing)\s+(?:of\s+)?(?:the\s+)?(?:subject|topic)|on\s+(?:a(?:nother)?|an?\s+"
    r"(?:unrelated|different))\s+(?:note|topic)|by\s+the\s+way|btw|anyway|anyhow|moving\s+on"
    r"|switching\s+(?:gears|topics?)"
    r"|(?:(?:совсем|вообще)\s+)?(?:другой|отдельный|новый|следующий)\s+вопрос|кстати(?:\s+говоря)?"
    r"|между\s+прочим|сменим\s+тему|смена\s+темы|(?:вопрос\s+)?не\s+по\s+теме|"
    r"на\s+другую\s+тему|(?:совсем\s+)?о\s+другом|другая\s+тема)"
    r"(?:\s*[:,;—–.!-]+\s*|\s+)(?:(?:а|и|но|and|but|so)\s+)?(?=\S)", re.IGNORECASE)
#: Words that only call for attention before a follow-up ("Слушай, а …", "Listen, …"): dropped.
_ATTENTION = re.compile(r"^\s*(?:слушай(?:те)?|скажи(?:те)?|подскажи(?:те)?|listen|say|tell\s+me|"
                        r"hey|hi)\s*[,:!—–-]+\s*(?=\S)", re.IGNORECASE)
#: Whose view a follow-up asks for, at its end: "…, according to Dubnov?", "…, по словам Даурова?"
_ATTRIBUTION_EN = re.compile(r"(?i)[,\s]+((?:according\s+to|in\s+the\s+(?:view|opinion)\s+of)"
                             r"\s+[^?,]+?)\s*\??\s*$")
_ATTRIBUTION_RU = re.compile(r"(?i)[,\s]+((?:по\s+(?:словам|мнению|данным|версии))\s+[^?,]+?)"
                             r"\s*\??\s*$")
#: A follow-up that only names a source: "only X", "just X", "according to X", "what does X say".
_SOURCE_ONLY_EN = re.compile(
    r"^\s*(?:and\s+|but\s+)?(?:(?:what|how)\s+about\s+|only\s+|just\s+|according\s+to\s+|per\s+|"
    r"(?:and\s+)?(?:what|how)\s+(?:does|do|did|is|was)\s+|in\s+|from\s+|by\s+)?(?:the\s+)?"
    r"(?P<x>.+?)(?:\s+(?:says?|said|write|writes|wrote|report|reports|reported|claims?|think|"
    r"thinks|put\s+it|have\s+to\s+say|has\s+to\s+say|only))?(?:\s*,?\s*please)?\s*(?:\s+only)?"
    r"\s*\??\s*$", re.IGNORECASE)
_SOURCE_ONLY_RU = re.compile(
    r"^\s*(?:(?:а|и|ну\s+а)\s+)?(?:что\s+(?:пишет|пишут|говорит|говорят|сообщает|сообщают)\s+|"
    r"только\s+(?:по\s+(?:данным\s+)?)?|по\s+данным\s+|по\s+версии\s+|согласно\s+|а\s+у\s+|у\s+|"
    r"по\s+)?(?P<x>.+?)(?:\s+(?:пишет|пишут|говорит|сообщает))?\s*\??\s*$", re.IGNORECASE)
#: Words a follow-up may hold besides an outlet's name and still ask only for that outlet's
#: account of the previous topic ("What's the WSWS version?", "Per the WSWS", "And Fergana's
#: figure?"); any other word is a topic of its own.
_SOURCE_WORDS_EN = frozenset(
    "only just according to per what how does do did say says said write writes wrote report "
    "reports reported claim claims think thinks the and but about please in from by is was put "
    "it have has s version versions account accounts take view side story figure figures number "
    "numbers data count estimate estimates answer give gives gave tell tells show shows state "
    "states stated mention mentions mentioned on this that same then now regarding of a an its "
    "their there instead outlet source article paper so ok okay many much".split())
_SOURCE_WORDS_RU = frozenset(
    "а и ну что пишет пишут говорит говорят сообщает сообщают только по данным данные данных "
    "версии версия версию согласно у в во об о этом этому поводу так же как насчёт насчет "
    "говорится "
    "сказано сообщается написано пишется приводит приводят даёт дает считает какие какая какой "
    "цифры цифра цифру число ли есть там издание издания источник статья статье если "
    "верить словам мнению сведениям слов изложении".split())
#: A follow-up that is only an explicit attribution, to anyone (an outlet, a person, a body):
#: "according to the interior ministry", "only in the words of Daurov", "а по словам Даурова?"
_ATTRIBUTION_ONLY = re.compile(
    r"^\s*(?:(?:and|but|so|а|и|ну\s+а)\s+)?(?:(?:only|just|только|лишь)\s+)?"
    r"(?P<phrase>(?:according\s+to|in\s+the\s+(?:view|words|opinion|account)\s+of|"
    r"по\s+(?:данным|словам|мнению|версии|сведениям)|со\s+слов|если\s+верить|согласно)"
    r"\s+[^?]+?)\s*\??\s*$", re.IGNORECASE)
_AUX_NEG = {"is": "isn't", "are": "aren't", "was": "wasn't", "were": "weren't", "do": "don't",
            "does": "doesn't", "did": "didn't", "has": "hasn't", "have": "haven't",
            "had": "hadn't", "can": "can't", "could": "couldn't", "will": "won't",
            "would": "wouldn't", "should": "shouldn't"}
_DEMONSTRATIVES = frozenset("that this those these".split())
#: What "which X" may ask for as a thing an answer names (not a person: person_referent)
_THING_LABELS = frozenset("PRODUCT ORG FAC GPE LOC NORP EVENT WORK_OF_ART LAW".split())
_PLACE_LABELS = frozenset("GPE LOC FAC".split())
#: Prepositions of a place phrase a new place may replace ("on the bridge" -> "in Sortobe").
_PLACE_PREP = frozenset("in on at near from around outside inside across".split())
_ASKED_DEPS = frozenset("dobj nsubj nsubjpass pobj attr".split())
_MANNER_ANAPHOR = re.compile(r"(?i)\b(?:(?:that|this)\s+way|(?:think|feel|believe|say|said|"
                             r"thought|felt|do|did)\s+so)\b")
#: Nouns a demonstrative keeps ("that way", "that much"): the phrase means "so", not a referent.
_KEEP_AFTER_DEMONSTRATIVE = frozenset("way much many time".split())
_PERSON_NOUNS = frozenset("man woman person guy official boy girl officer leader chairman "
                          "activist journalist expert driver mp deputy minister governor mayor "
                          "president chief head commander policeman soldier witness brother son "
                          "father mother daughter relative neighbour neighbor elder reporter "
                          "spokesman spokesperson lawyer doctor".split())
_PERSON_NOUN_ALT = "|".join(sorted(_PERSON_NOUNS))  #: the person nouns as a regex alternation
#: Nouns for people counted ("how many refugees …"), besides the person nouns and _GENERIC.
_PEOPLE = frozenset("refugee villager child adult resident citizen protester rioter victim "
                    "family migrant local inhabitant".split())
_GENERIC = frozenset("people person persons individuals residents citizens ones".split())
_EN_PREP = frozenset("in on at for from among during after before by with within near of "
                     "to".split())
#: pymorphy3 parts of speech of function words (never the noun a fragment stands for).
_RU_FUNCTION_POS = frozenset("PREP CONJ PRCL INTJ".split())
_RU_PREP = frozenset("в во на по у о об от из с со за при для".split())


@dataclass(frozen=True)
class Resolution:
    """The standalone question a conversational turn is answered as."""

    text: str  #: the standalone question to answer (for "standalone": the question itself, less
    #: a marker announcing a new topic)
    kind: Kind  #: how it was resolved (see the module docstring)
    from_turn: int | None = None  #: index in the history of the turn used, None if none

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown resolution kind {self.kind!r}")
        if (self.kind == "standalone") != (self.from_turn is None):
            raise ValueError("a standalone question uses no turn; a resolved one names its turn")
        if not self.text.strip():
            raise ValueError("a resolution has text")

    @property
    def resolved(self) -> bool:
        """True when something was carried over from the history."""
        return self.kind != "standalone"


@dataclass(frozen=True)
class Turn:
    """One earlier turn as the resolver sees it."""

    question: str
    resolved: str  #: the standalone form ("" until resolved)
    answer: Mapping | None = None  #: Answer.to_dict() of that turn, when the caller kept it


def turns(history: Sequence | None) -> list[Turn]:
    """Normalise a history (strings, or dicts with "question", optional "resolved_question" and
    "answer") into turns, oldest first; unusable items become empty turns (indices are kept)."""
    out: list[Turn] = []
    for item in history or []:
        if isinstance(item, str):
            out.append(Turn(item.strip(), ""))
        elif isinstance(item, Mapping):
            q = item.get("question")
            q = q.strip() if isinstance(q, str) else ""
            rq = item.get("resolved_question")
            rq = rq.strip() if isinstance(rq, str) and rq.strip() != q else ""
            ans = item.get("answer")
            if not isinstance(ans, Mapping) and isinstance(item.get("citations"), list):
                ans = item
            out.append(Turn(q, rq, ans if isinstance(ans, Mapping) else None))
        else:
            out.append(Turn("", ""))
    return out


def resolve(question: str, history: Sequence | None, analyse: Callable, *,
            aliases: Mapping[str, str] | None = None, outlets: Mapping[str, str] | None = None,
            entities: Sequence[tuple[str, str]] | None = None, nlp=None,
            answer_of: Callable[[str], Mapping | None] | None = None,
            max_turns: int | None = None, answer_near_chars: int | None = None,
            person_names: Sequence[str] = ()) -> Resolution:
    """The standalone question for ``question`` asked after ``history`` (oldest first).

    ``analyse`` maps text to a :class:`qa.question.Question`. Optional helpers make it better
    but are not needed: ``aliases`` (outlet name key -> doc id, :func:`qa.question.source_aliases`)
    finds sources the analyser misses ("Vlast.kz"); ``outlets`` (doc id -> short name) writes the
    source as the reader knows it; ``entities`` ((name, kind) from the corpus) names the person an
    earlier *answer* was about, when a history item carries that answer; ``nlp`` is the spaCy
    pipeline for English rewrites (loaded on first need when not given); ``answer_of`` maps a
    resolved earlier question to its answer (``Answer.to_dict()``) and is called only when a
    pronoun refers to the person an earlier "who …?" was answered with and the history item
    does not carry that answer. ``max_turns``: only the last so many turns are looked at
    (``Settings.max_history``; CAsT: the useful context is short); all when None.
    ``answer_near_chars``: how far from the asked noun or its verb a name in an earlier answer
    may stand to be what the follow-up refers to (``Settings.answer_near_chars``).
    ``person_names`` (:func:`person_names`) tells a name an earlier answer gave from a people or a
    title ("one Kazakh pushed that person away": "Kazakh" is no name to put for "that man").
    """
    question = question if isinstance(question, str) else ""
    every = turns(history)
    hist = every[-max_turns:] if max_turns else every
    offset = len(every) - len(hist)
    if not question.strip() or not any(t.question for t in hist):
        return Resolution(question, "standalone", None)
    r = _Resolver(analyse, aliases or {}, outlets or {}, entities or (), nlp, answer_of,
                  answer_near_chars, person_names)
    # resolve the history in order (chained follow-ups), unless the caller kept the resolution
    resolved: list[str] = []
    for i, t in enumerate(hist):
        if t.resolved:
            resolved.append(t.resolved)
        elif not t.question:
            resolved.append("")
        else:
            resolved.append(r.one(t.question, hist[:i], resolved, offset).text)
    res = r.one(question, hist, resolved, offset)
    return res


def person_names(sentences: Sequence, annotations: Sequence) -> tuple[str, ...]:
    """The entity texts the parser labels PERSON more often than anything else across the
    articles ("Daurov" is a person; "Kazakh", tagged PERSON in one sentence, is mostly NORP),
    longest first: what ``entities`` of :func:`resolve` takes."""
    labels: dict[str, Counter] = defaultdict(Counter)
    for sent, ann in zip(sentences, annotations, strict=True):
        for label, s, e in ann.entities:
            labels[sent.text[s:e].strip()][label] += 1
    names = [t for t, c in labels.items() if t and c.most_common(1)[0][0] == "PERSON"]
    return tuple(sorted(names, key=lambda t: (-len(t), t)))


def named_sources(text: str, analyse: Callable,
                  aliases: Mapping[str, str] | None = None) -> set[str]:
    """doc ids of the outlets a text names: the analyser's source constraints plus outlet words
    it misses ("Vlast.kz", "CABAR.asia" are one token to spaCy)."""
    return {d for d, _ in _Resolver(analyse, aliases or {}, {}, (), None).sources(text)}


class _Resolver:
    def __init__(self, analyse: Callable, aliases: Mapping[str, str], outlets: Mapping[str, str],
                 entities: Sequence[tuple[str, str]], nlp,
                 answer_of: Callable[[str], Mapping | None] | None = None,
                 answer_near_chars: int | None = None, person_names: Sequence[str] = ()):
        self.analyse = analyse
        self.person_names = tuple(person_names)
        self.answer_near_chars = (Settings.value(None, "answer_near_chars")
                                  if answer_near_chars is None else answer_near_chars)
        self.answer_of = answer_of
        self.aliases = aliases
        self.outlets = outlets
        self.persons = [n for n, k in entities if k.upper() in ("PERSON", "PER")]
        self._nlp = nlp
        self._cache: dict[str, object] = {}

    # -- helpers ----------------------------------------------------------------------------
    def q(self, text: str):
        if text not in self._cache:
            self._cache[text] = self.analyse(text)
        return self._cache[text]

    @property
    def nlp(self):
        if self._nlp is None:
            from index.nlp import english

            self._nlp = english()
        return self._nlp

    def sources(self, text: str) -> list[tuple[str, str]]:
        """(doc id, as written) of every outlet the text names."""
        q = self.q(text)
        found = [(c.key, c.text) for c in q.constraints if c.kind == "source"]
        seen = {d for d, _ in found}
        for m in re.finditer(r"[^\W\d_][\w.-]*", text):
            tok = m.group(0).strip(".-")
            head = tok.split(".")[0]
            if len(head) < 3:
                continue
            key = ru_stem_key(head) if is_russian(head) else name_key(head)
            doc = self.aliases.get(key)
            if doc is None and is_russian(head) and key:
                doc = next((d for k, d in self.aliases.items()
                            if k and (k.startswith(key) or key.startswith(k))), None)
            if doc and doc not in seen:
                seen.add(doc)
                found.append((doc, tok))
        return found

    # -- one turn ---------------------------------------------------------------------------
    def one(self, question: str, hist: Sequence[Turn], resolved: Sequence[str],
            offset: int) -> Resolution:
        idx = next((i for i in range(len(hist) - 1, -1, -1) if resolved[i]), None)
        if idx is None:
            return Resolution(question, "standalone", None)
        prev = resolved[idx]
        answer = hist[idx].answer
        turn = idx + offset
        text = _ATTENTION.sub("", question.strip(), count=1)
        if (switch := _TOPIC_SWITCH.match(text)) is not None:  # a new topic, announced
            rest = text[switch.end():].strip()
            return Resolution(rest[:1].upper() + rest[1:], "standalone", None)
        ru = is_russian(text)
        cur = self.q(text)

        # 1. "why do they differ?": a question about the disagreement on the previous topic
        if (_WHY_DIFFER_RU if ru else _WHY_DIFFER_EN).search(text) and _only_words(
                cur.focus, _DIFFER_WORDS):
            return Resolution(self.why_differ(self.without_sources(prev), is_russian(prev)),
                              "why", turn)
        # 2. every source: "what does each source say?"
        if _EACH_SOURCE.match(text):
            rp = is_russian(prev)  # the previous question is rewritten, in its own language
            phrase = _EACH_RU if rp else _EACH_EN
            return Resolution(_append(self.without_sources(prev), phrase, rp), "constraint", turn)
        # 3. only a source: "what does Fergana say?", "only Vlast.kz", "а что пишет Власт?"
        if (c := self.constraint(text, cur, prev, ru)) is not None:
            return Resolution(c, "constraint", turn)
        # 4. bare "why?" / "why not?", perhaps asking someone: "why not, according to Dubnov?"
        bare, whose = text, ""
        if (t := (_ATTRIBUTION_RU if ru else _ATTRIBUTION_EN).search(text)) is not None:
            bare, whose = text[:t.start()], t.group(1).strip()
        if (m := (_WHY_BARE_RU if ru else _WHY_BARE_EN).match(bare)) is not None:
            particle = m.group(2) if ru else m.group(1)  # "not" / "нет" ("почему нет?")
            negated = (particle or "").lower() in ("not", "нет")
            out = self.why_bare(prev, negated, ru, answer)
            if m.group("how"):  # "why so soon?": the manner asked about stays in the question
                out = f"{_strip_q(out)} {m.group('how').strip()}?"
            return Resolution(_append(out, whose, ru) if whose else out, "why", turn)
        # 5. a fragment: "and injured?", "what about those who fled?", "а раненых?"
        body = (_RU_CONNECTOR if ru else _EN_CONNECTOR).sub("", text, count=1).strip()
        has_connector = body != text
        frag = body.rstrip(" ?.!")
        # 5a. only a question word: "until when?", "since when?", "and where?", "а до каких пор?"
        if (_BARE_WH_RU if ru else _BARE_WH_EN).fullmatch(frag) or self.wh_phrase(frag, ru):
            out = self.new_wh(frag, prev, ru)
            if out:
                return Resolution(out, "ellipsis", turn)
        if frag and not (_RU_WH if ru else _EN_WH).match(frag) and (
                has_connector or len(frag.split()) <= 4) and not (
                ru and _RU_PRONOUN.search(body) and _has_verb_ru(frag)):
            # ("они вернулись?" has its own verb: a pronoun's referent, not a fragment)
            out = self.ellipsis(frag, prev, ru)
            if out:
                return Resolution(out, "ellipsis", turn)
        # 6. a pronoun or demonstrative: "who was driving it?", "when did that happen?"
        if (_RU_PRONOUN if ru else _EN_PRONOUN).search(body):
            out = self.pronoun(body, prev, answer, ru)
            if out and out != body:
                return Resolution(out, "pronoun", turn)
        # 7. a wh-question with a connector and nothing of its own: "and when?"
        if has_connector and not cur.focus and not cur.constraints:
            out = self.new_wh(frag, prev, ru)
            if out:
                return Resolution(out, "ellipsis", turn)
        # 8. a bridging reference: "and who heads the police of the region?" after a question
        #    about "Zhambyl region" (the previous name goes back before its noun)
        out = self.bridge(body, prev, ru, has_connector)
        if out:
            return Resolution(out, "ellipsis" if has_connector else "pronoun", turn)
        # 9. "and how many went back?" after "how many Kazakhstanis crossed …?": a count with
        #    no counted noun of its own counts the same people
        if has_connector and (out := self.counted_people(body, prev, ru)):
            return Resolution(out, "ellipsis", turn)
        if has_connector and body:
            # "And how many were injured?": a full question; the connector is not asked
            return Resolution(question, "standalone", None)
        return Resolution(question, "standalone", None)

    def counted_people(self, body: str, prev: str, ru: bool) -> str:
        """A count question without a counted noun ("how many went back …", "сколько
        укрылись …") given the people the previous count question counted (an animate noun in
        Russian; a person noun or a nationality in English); "" when either is missing."""
        if ru:
            from index.nlp import russian

            morph = russian()
            m = re.match(r"(?i)^(сколько)\s+([^\W\d_]+)", body)
            pm = re.match(r"(?i)^сколько\s+([^\W\d_]+)", _strip_q(prev))
            if not (m and pm) or morph.parse(m.group(2))[0].tag.POS == "NOUN":
                return ""
            noun = morph.parse(pm.group(1))[0]
            if noun.tag.POS != "NOUN" or "anim" not in noun.tag:
                return ""
            return _tidy(f"{body[:m.end(1)]} {pm.group(1)}{body[m.end(1):]}")
        doc, pdoc = self.nlp(body), self.nlp(_strip_q(prev))

        def counted(d):  # the noun "how many" qualifies, or None when it stands alone
            many = next((t for t in d if t.lower_ == "many" and t.i > 0
                         and d[t.i - 1].lower_ == "how"), None)
            if many is None:
                return many, None
            return many, (many.head if many.head.pos_ in ("NOUN", "PROPN") and many.dep_ in (
                "amod", "nummod", "det") else None)

        many, own = counted(doc)
        _, theirs = counted(pdoc)
        if many is None or own is not None or theirs is None:
            return ""
        # a nationality counted ("how many Kazakhstanis") is often tagged as a person's name;
        # "how many" makes it a group either way
        person = (theirs.lemma_.lower() in _GENERIC | _PERSON_NOUNS | _PEOPLE
                  or theirs.ent_type_ in ("NORP", "PERSON"))
        if not person or many.i + 1 >= len([t for t in doc if not t.is_punct]):
            return ""
        phrase = " ".join(t.text for t in theirs.subtree if theirs.i - 3 < t.i <= theirs.i and (
            t.i == theirs.i or (t.dep_ in ("amod", "compound") and t.lower_ != "how"
                                and t.lower_ != "many")))
        cut = many.idx + len(many.text)
        return _tidy(f"{body[:cut]} {phrase}{body[cut:]}")

    def bridge(self, body: str, prev: str, ru: bool, has_connector: bool) -> str:
        """Put a previous name back before the noun it named: "of the region" -> "of the
        Zhambyl region" (English: after "the"; Russian: only after a connector)."""
        if ru and not has_connector:
            return ""
        p = _strip_q(prev)
        pq = self.q(prev)
        out = _strip_q(body)
        changed = False
        for c in pq.constraints:
            if c.kind != "name" or c.text in out:
                continue
            m = re.search(rf"(?<!\w){re.escape(c.text)}\s+([^\W\d_]{{3,}})", p)
            if not m or m.group(1)[:1].isupper():
                continue
            noun = m.group(1)
            pat = (rf"(?<![\w-])({re.escape(noun)})(?![\w-])" if ru else
                   rf"(?i)\b(the|this|that)\s+({re.escape(noun)})\b")
            if re.search(pat, out):
                name = c.text
                out = re.sub(pat, (lambda mm, n=name: f"{n} {mm.group(1)}") if ru else
                             (lambda mm, n=name: f"{mm.group(1)} {n} {mm.group(2)}"), out, count=1)
                changed = True
        return _tidy(out + "?") if changed else ""

    # -- the kinds --------------------------------------------------------------------------
    def why_differ(self, prev: str, ru: bool) -> str:
        """"Why do they differ?" after a question about a figure asks for every source's figure
        and why they differ (the articles never explain a difference; each source's statement,
        side by side, is what answers it, and the engine quotes every source's statement only
        for a figure asked); after any other topic, why the sources' accounts differ."""
        base = _strip_why_differ(prev)
        if self.q(base).answer_type in _FIGURE_TYPES:
            if ru:
                return f"{_strip_q(base)}, {_EACH_RU}, {_WHY_FIGURES_RU}?"
            return f"{_strip_q(base)} {_EACH_EN}, {_WHY_FIGURES_EN}?"
        topic = _indirect(base)
        if ru:
            return f"Почему источники расходятся в том, {topic}?"
        return f"Why do the sources differ on {topic}?"

    def constraint(self, text: str, cur, prev: str, ru: bool) -> str | None:
        """The previous question asked of one source, when the follow-up holds nothing but the
        source and words about sources ("only Vlast.kz", "What's the WSWS version?")."""
        srcs = self.sources(text)
        stop = _SOURCE_WORDS_RU | _SOURCE_WORDS_EN  # "а по The Diplomat?" mixes both
        if srcs:
            if _words_besides(text, [t for _, t in srcs]) - stop:
                return None
            doc, as_written = srcs[0]
            return self.with_source(prev, doc, as_written, is_russian(prev))
        if (a := _ATTRIBUTION_ONLY.match(text)) is not None:
            return _tidy(_append(self.without_sources(prev), a.group("phrase"),
                                 is_russian(prev)))
        m = (_SOURCE_ONLY_RU if ru else _SOURCE_ONLY_EN).match(text)
        if not m:
            return None
        x = m.group("x").strip(" ,?")
        # an attribution that is not an outlet ("what does the Bureau for Human Rights say?"):
        # every content word of it is a name of the question
        if ru or not x or not cur.names:
            return None
        content = [w for w in re.findall(r"[^\W\d_][\w.-]*", x) if w.lower() not in stop
                   and w.lower() not in ("for", "of", "on", "and")]
        names = {n.lower() for n in cur.names}
        if not content or any(w.lower() not in names for w in content):
            return None
        if not re.search(r"\b(say|says|said|according|only|just|think|thinks|write|writes|"
                         r"report|reports|claim|claims)\b", text, re.IGNORECASE):
            return None
        who = x
        if re.match(r"(?i)^(what|how)\b", text) and not re.match(r"(?i)^the\b", who) and \
                re.search(rf"\bthe\s+{re.escape(who)}", text, re.IGNORECASE):
            who = "the " + who
        return _append(self.without_sources(prev), f"according to {who}", ru)

    def with_source(self, prev: str, doc: str, as_written: str, ru: bool) -> str:
        base = self.without_sources(prev)
        short = self.outlets.get(doc, "")
        names = [short, short.split(".")[0], as_written, as_written.split(".")[0]]
        if not ru:  # an English question names the outlet in Latin letters when it can
            names = [n for n in names if n and not is_russian(n)] or names
        tried = ""
        for name in dict.fromkeys(n for n in names if n):
            phrase = f"по данным {name}" if ru else f"according to {name}"
            tried = tried or _append(base, phrase, ru)
            cand = _append(base, phrase, ru)
            if doc in self.q(cand).sources:  # the analyser will see the source: done
                return cand
        return tried

    def without_sources(self, prev: str) -> str:
        out = _strip_why_differ(prev)
        for _, t in self.sources(prev):
            out = re.sub(rf",?\s*(?:according\s+to|as\s+reported\s+by|reported\s+by|in|by|from|"
                         rf"по\s+данным|по\s+версии|согласно|у|по)\s+(?:the\s+)?"
                         rf"{re.escape(t)}[\w.]*", "", out, flags=re.IGNORECASE)
            out = re.sub(rf"\b(?:does|do|did)\s+(?:the\s+)?{re.escape(t)}\S*\s+(?:say|report|write)"
                         rf"\s*(?:about\s+)?", "", out, flags=re.IGNORECASE)
        return out.strip() or prev

    def why_bare(self, prev: str, negated: bool, ru: bool, answer: Mapping | None = None) -> str:
        p = _strip_q(prev)
        if ru:
            body = re.sub(r"(?i)^(?:сколько|когда|где|кто|что|какой|какая|какие|каком|как)\s+",
                          "", p)
            return f"Почему {'не ' if negated else ''}{_lower_first(body)}?"
        doc = self.nlp(p)
        toks = [t for t in doc if not t.is_punct]
        if not toks:
            return f"Why {p}?"
        first = toks[0].lower_
        if first in _AUX_NEG:  # yes/no: "Was the market open?" -> "Why wasn't the market open?"
            aux = _AUX_NEG[first] if negated else first
            return f"Why {aux} {_rest_after(doc, toks[0])}?"
        wh = [t for t in toks[:3] if t.tag_ in ("WP", "WP$", "WDT", "WRB")]
        if wh:
            aux = next((t for t in toks if t.dep_ in ("aux", "auxpass") and t.i > wh[0].i), None)
            neg = "n't" if negated else ""
            after = [t for t in toks if aux is not None and t.i > aux.i]
            verb = next((t for t in after if t.pos_ == "VERB"), None)
            if aux is not None and wh[0].dep_ == "det" and wh[0].head.i < aux.i and \
                    verb is not None and any(
                    t.dep_ in ("nsubj", "nsubjpass") for t in after):
                # "What car did the police stop?": the thing asked is the object, named as the
                # answer named it ("Why did the police stop the Honda Odyssey?")
                obj = self.asked_thing(p, doc, answer) or f"the {wh[0].head.text}"
                words = [t.text for t in after]
                at = max([verb.i, *(c.i for c in verb.children if c.dep_ == "prt")])
                words.insert(at - after[0].i + 1, obj)
                return _tidy(f"Why {_neg(aux.text.lower(), negated)} {' '.join(words)}?")
            if aux is not None and (wh[0].dep_ in ("nsubj", "nsubjpass", "poss")
                                    or wh[0].head.dep_ in ("nsubj", "nsubjpass")):
                # "Whose shops were targeted?" -> "Why were shops targeted?"
                subj = " ".join(t.text for t in toks if wh[0].i < t.i < aux.i)
                rest = " ".join(t.text for t in toks if t.i > aux.i)
                return _tidy(f"Why {_neg(aux.text.lower(), negated)} {subj} {rest}?")
            if aux is not None:  # "What did the police do in Sortobe?" -> "Why did the police …"
                rest = " ".join(t.text for t in toks if t.i > aux.i)
                return _tidy(f"Why {_neg(aux.text.lower(), negated)} {rest}?")
            root = next((t for t in toks if t.dep_ == "ROOT"), None)
            if aux is None and root is not None and wh[0].dep_ == "det" and \
                    wh[0].head.dep_ in ("nsubj", "nsubjpass") and wh[0].head.head.i == root.i:
                # "Which market stayed closed?" -> "Why did the market (as the answer named it)
                # stay closed?"; "Which road was shut?" -> "Why was the road shut?"
                subj = self.asked_thing(p, doc, answer) or "the " + " ".join(
                    t.text for t in wh[0].head.subtree if t.i != wh[0].i)
                rest = " ".join(t.text for t in toks if t.i > root.i)
                if root.lemma_ == "be":
                    return _tidy(f"Why {_neg(root.text.lower(), negated)} {subj} {rest}?")
                return _tidy(f"Why did{neg} {subj} {root.lemma_} {rest}?")
            if root is not None and root.pos_ == "VERB" and wh[0].dep_ == "nsubj":
                rest = " ".join(t.text for t in toks if t.i > root.i)
                return _tidy(f"Why did{neg} someone {root.lemma_} {rest}?")
            if root is not None and root.lemma_ == "be":
                rest = " ".join(t.text for t in toks if t.i > root.i)
                return _tidy(f"Why {_neg(root.text.lower(), negated)} {rest}?")
        return f"Why {'not ' if negated else ''}— {_lower_first(p)}?"

    def ellipsis(self, frag: str, prev: str, ru: bool) -> str:
        if ru:
            return self.ellipsis_ru(frag, prev)
        p = _strip_q(prev)
        pq = self.q(prev)
        doc = self.nlp(p)
        fdoc = self.nlp(frag)
        ftoks = [t for t in fdoc if not t.is_punct]
        if not ftoks:
            return ""
        # (a) a prepositional fragment replaces the previous phrase with that preposition
        if ftoks[0].lower_ in _EN_PREP:
            prep = next((t for t in doc if t.lower_ == ftoks[0].lower_ and t.dep_ in
                         ("prep", "agent", "dative")), None)
            if prep is not None:
                span = doc[prep.i:prep.right_edge.i + 1]
                head = next((t for t in reversed(span) if t.pos_ in ("NOUN", "PROPN")), None)
                new = frag
                if head is not None:
                    new = re.sub(r"\bones?\b", head.text, frag)
                return _tidy(f"{doc[:prep.i].text} {new} {doc[prep.right_edge.i + 1:].text}?")
            # "and in Sortobe?" after "… on the bridge near Masanchi?": a place phrase replaces
            # the previous place phrase, whatever its preposition; else it is added
            obj = next((c for c in ftoks[0].children if c.dep_ == "pobj"), None)
            if obj is not None and (obj.pos_ == "PROPN" or obj.ent_type_ in _PLACE_LABELS):
                place = next((t for t in doc if t.dep_ == "prep" and t.lower_ in _PLACE_PREP
                              and any(c.pos_ == "PROPN" or c.ent_type_ in _PLACE_LABELS
                                      for c in t.subtree)), None)
                if place is not None:
                    return _tidy(f"{doc[:place.i].text} {frag} "
                                 f"{doc[place.right_edge.i + 1:].text}?")
                return _tidy(f"{p} {frag}?")
            return ""
        # (b) "those who fled", "the injured", "injured": a new predicate for a count question
        pred = _predicate(fdoc)
        many = next((t for t in doc if t.lower_ in ("many", "much") and t.i > 0
                     and doc[t.i - 1].lower_ == "how"), None)
        if pred and many is not None:
            counted = many.head if many.head.pos_ in ("NOUN", "PROPN") else None
            root = next((t for t in doc if t.dep_ == "ROOT"), None)
            subject = counted.text if counted is not None else "people"
            tail = _pp_tail(doc, root) if root is not None else ""
            return _tidy(f"How {many.text} {subject} {pred} {tail}?")
        # (c) a noun phrase: replaces what the previous question counted / asked about
        if many is not None and many.head.pos_ in ("NOUN", "PROPN"):
            counted = many.head
            start = many.i + 1
            return _tidy(f"{doc[:start].text} {frag} {doc[counted.i + 1:].text}?")
        # (d) a name replaces the last name of the same kind in the previous question
        if all(t.text[:1].isupper() for t in ftoks) and pq.names:
            runs = _name_runs(p, pq.names)
            if runs:
                s, e = runs[-1]
                return _tidy(f"{p[:s]}{frag}{p[e:]}?")
        # (e) one verb: "and end?" after "when did the clashes start?" swaps the main verb,
        #     when the word reads as that verb in its place
        root = next((t for t in doc if t.dep_ == "ROOT"), None)
        if len(ftoks) == 1 and many is None and root is not None and root.pos_ == "VERB" and \
                root.lemma_ not in ("be", "have", "do") and ftoks[0].text.islower():
            # (the small parser reads "the strike end" as a compound noun, so the word is also
            # read alone in a verb's slot: "They did not end it")
            swapped = f"{doc[:root.i].text} {ftoks[0].text} {doc[root.i + 1:].text}"
            sdoc = self.nlp(swapped)
            new_root = sdoc[root.i] if root.i < len(sdoc) else None
            probe = self.nlp(f"They did not {ftoks[0].text} it")[3]
            if (new_root is not None and new_root.pos_ == "VERB" and new_root.dep_ == "ROOT"
                    and new_root.tag_ == root.tag_) or (probe.pos_ == "VERB"
                                                        and probe.tag_ == root.tag_):
                return _tidy(swapped + "?")
        # (f) otherwise the head noun of the previous question's object
        obj = next((t for t in doc if t.dep_ in ("dobj", "pobj", "attr", "nsubj", "nsubjpass")
                    and t.pos_ in ("NOUN", "PROPN") and t.tag_ not in ("WP", "WDT")), None)
        if obj is not None and ftoks[-1].pos_ in ("NOUN", "PROPN"):
            return _tidy(f"{doc[:obj.left_edge.i].text} {frag} {doc[obj.i + 1:].text}?")
        return ""

    def ellipsis_ru(self, frag: str, prev: str) -> str:
        from index.nlp import russian

        morph = russian()
        p = _strip_q(prev)
        words = list(re.finditer(r"[^\W\d_]+(?:-[^\W\d_]+)*", p))
        fwords = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", frag)
        if not fwords:
            return ""
        # a prepositional fragment: replace the previous phrase with the same preposition
        if fwords[0].lower() in _RU_PREP:
            w = next((w for w in words if w.group(0).lower() == fwords[0].lower()), None)
            if w is not None:
                end = w.end()
                for nxt in words[words.index(w) + 1:]:
                    pos = morph.parse(nxt.group(0))[0].tag.POS
                    if pos not in ("NOUN", "ADJF", "PRTF", "NUMR", "NPRO"):
                        break
                    end = nxt.end()
                return _tidy(f"{p[:w.start()]}{frag}{p[end:]}?")
        i = next((k for k, w in enumerate(words) if w.group(0).lower() == "сколько"), None)
        if i is not None:
            np_end = i
            for w in words[i + 1:]:
                pos = morph.parse(w.group(0))[0].tag.POS
                if pos not in ("NOUN", "ADJF", "PRTF"):
                    break
                np_end += 1
            if np_end > i:
                start, end = words[i + 1].start(), words[np_end].end()
                head = morph.parse(fwords[-1])[0]
                generic = words[np_end].group(0).lower() in ("человек", "людей", "жителей")
                if generic and head.normal_form.endswith(("ый", "ий", "ой")):
                    # "а раненых?" after "сколько человек погибло …": the counted changes whole
                    vend = end
                    if np_end + 1 < len(words) and morph.parse(
                            words[np_end + 1].group(0))[0].tag.POS in ("VERB", "PRTS", "ADJS"):
                        vend = words[np_end + 1].end()
                    return _tidy(f"{p[:start]}{frag}{p[vend:]}?")
                if len(fwords) == 1 and _has_verb_ru(frag) and np_end + 1 < len(words) and \
                        _has_verb_ru(words[np_end + 1].group(0)):
                    # "а ранено?" after "сколько человек погибло?": the predicate changes
                    w = words[np_end + 1]
                    return _tidy(f"{p[:w.start()]}{frag}{p[w.end():]}?")
                return _tidy(f"{p[:start]}{frag}{p[end:]}?")
        pq = self.q(prev)
        if pq.constraints and fwords[0][:1].isupper():
            runs = _name_runs(p, [c.text for c in pq.constraints if c.kind == "name"])
            if runs:
                s, e = runs[-1]
                return _tidy(f"{p[:s]}{frag}{p[e:]}?")
        if len(fwords) == 1 and (same := _same_form_noun(words, fwords[0], morph)) is not None:
            # "а казахи?" after "… составляли дунгане …": the noun in the same case and number
            return _tidy(f"{p[:same.start()]}{frag}{p[same.end():]}?")
        return ""

    def pronoun(self, body: str, prev: str, answer: Mapping | None, ru: bool) -> str:
        p = _strip_q(prev)
        pq = self.q(prev)
        text = body.strip()
        if ru:
            return self.pronoun_ru(text, p, pq)
        doc = self.nlp(p)
        person = self.person_referent(p, pq, doc, answer)
        plural = _plural_referent(doc)
        place = _place_referent(doc, p, pq)
        if re.search(r"(?i)\bthere\b", text):  # "there" after "where did it spread?": the answer
            place = self.answered_place(p, pq, answer) or place
        date = next((e.text for e in doc.ents if e.label_ in ("DATE", "TIME")), "")
        out = text
        event = re.match(r"(?i)^(when|where|why|how|what\s+time|what\s+day|on\s+what\s+date)\s+"
                         r"(?:did|does|do|was|is|will|would|could)\s+(?:that|this|it|all\s+this|"
                         r"all\s+that)\s+(happen|occur|take\s+place|start|begin|end|stop)\b", text)
        if event:
            return self.new_wh(event.group(1), prev, False, verb=event.group(2)) or text

        def sub(pattern: str, repl: str, s: str) -> str:
            return re.sub(pattern, lambda m: _case(m.group(0), repl), s, flags=re.IGNORECASE)

        used_description = unnamed_object = False
        if person:
            short = len(person.split()) <= 3
            if short:
                out = sub(r"\b(his|her)\b(?=\s+\w)", f"{person}'s", out)
            else:
                out = re.sub(r"(?i)\b(?:his|her)\s+(\w+)",
                             lambda m: f"the {m.group(1)} of {person}", out)
                out = re.sub(rf"(?i)\b(?:that|this)\s+(?:{_PERSON_NOUN_ALT})'s\s+(\w+)",
                             lambda m: f"the {m.group(1)} of {person}", out)
            out = re.sub(rf"(?i)\b(?:that|this|the\s+same)\s+(?:{_PERSON_NOUN_ALT})\b", person,
                         out)
            out = sub(r"\b(he|she|him|hers)\b", person, out)
            used_description = not short
        if plural:
            if len(plural.split()) <= 4:
                out = sub(r"\b(their)\b", f"{plural}'", out) if plural.endswith("s") else sub(
                    r"\b(their)\b", f"{plural}'s", out)
            else:
                out = re.sub(r"(?i)\btheir\s+(\w+)", lambda m: f"the {m.group(1)} of {plural}", out)
            others = r"\b(they|them|those|these)\b(?!\s+(?:who|which|that)\b)"
            if re.search(r"(?i)\bthey\b", out) and re.search(r"(?i)\bthem\b", out):
                # "why did they attack them?": "them" is someone else (the previous object, or
                # whoever the previous answer named: then the previous turn is carried)
                obj = _object_referent(doc)
                if obj and obj.lower() != plural.lower():
                    out = sub(r"\bthem\b", obj, out)
                else:
                    others = r"\b(they|those|these)\b(?!\s+(?:who|which|that)\b)"
                    unnamed_object = True
            out = sub(others, plural, out)
            used_description = used_description or plural.lower().startswith(("the people who",
                                                                                "the "))
        # (the previous answer is only needed for "it", "its" or "there": it costs an answer)
        named = self.asked_thing(p, doc, answer) if re.search(r"(?i)\b(it|its|there)\b",
                                                              out) else ""
        if named and not named.startswith("the ") and not place:
            place, named = named, ""  # "Which village did they flee?" → "there": that village
        thing = named or _thing_referent(doc, pq)
        if thing.lower() == plural.lower() or (person and (
                person.lower() in thing.lower() or thing.lower() in person.lower())):
            thing = ""  # "they" / "he" took it already: "why did they stop it?", "… say it?"
        if thing and re.search(r"(?i)\b(it|its)\b", out):
            out = sub(r"\bits\b", f"{thing}'s", out)
            # "do it" stands for the previous turn's action, not for a thing in it
            out = sub(r"(?<!\bdo )(?<!\bdid )(?<!\bdoes )(?<!\bdoing )(?<!\bdone )\bit\b",
                      thing, out)
        out, dangling = _demonstratives(self.nlp(out))
        # "why do they feel that way?", "why do they think so?": the manner is the previous
        # turn's predicate, which no phrase of this question holds
        dangling = dangling or unnamed_object or bool(_MANNER_ANAPHOR.search(out))
        placed = bool(place) and bool(re.search(r"(?i)\bthere\b", out))
        if place:
            out = re.sub(r"(?i)\b(go|went|gone|going|come|came|coming|return\w*|flee|fled|"
                         r"move\w*|travel\w*|head\w*)\s+there\b", rf"\1 to {place}", out)
            out = re.sub(r"(?i)\bthere\b", f"in {place}", out)
        if date:
            out = re.sub(r"(?i)\bthen\b", f"on {date}", out)
        if dangling:  # "why did that lead to …": no phrase to put in; carry the previous turn
            return _tidy(f"{_strip_q(out)} — {_lower_first(p)}?")
        if out == text:
            return ""
        # QuReTeC-style: a description as referent loses the previous turn's place and date
        # (never a date when the question asks when: that date would constrain the answer)
        if not person or used_description:
            out = _strip_q(out)
            cq = self.q(out + "?")
            have = {c.key for c in cq.constraints}
            # nor when it asks why: a reason is rarely dated where it is given
            kinds = ("name",) if cq.answer_type in ("date", "time", "cause") else ("name", "date")
            if placed:  # "there" named the place: the previous question's other places are not
                kinds = tuple(k for k in kinds if k != "name")  # asked about
            for c in pq.constraints:
                if c.kind in kinds and c.key not in have and c.text not in out:
                    m = re.search(rf"\b(?:in|on|at|near|from)\s+(?:the\s+)?{re.escape(c.text)}"
                                  rf"(?:\s+\d{{1,2}})?", p)
                    if m and m.group(0) not in out:
                        out = f"{out} {m.group(0)}"
                        have |= {k.key for k in self.q(out + "?").constraints}
        return _tidy(_strip_q(out) + "?")

    def pronoun_ru(self, text: str, p: str, pq) -> str:
        from index.nlp import russian

        morph = russian()
        names = [c.text for c in pq.constraints if c.kind == "name"]
        runs = _name_runs(p, names)
        m = re.match(r"(?i)^кто\s+(?:так(?:ой|ая|ие)|есть|это)\s+(.+)$", p)
        person = m.group(1) if m else ""
        where = re.match(r"(?i)^где\s+(?:находится|находятся|расположен\w*)\s+(.+)$", p)
        if not person and not where:  # what "где находится …" asks about is a place
            for s, e in runs:
                words = p[s:e].split()
                if re.search(r"(?i)(?<![\w-])(?:в|во|на|из|под|около|возле|близ)\s+$", p[:s]):
                    continue  # "… в Кордае": a place, whatever the dictionary says of the word
                if any({"Name", "Surn", "Patr"} & set(str(morph.parse(w)[0].tag).replace(
                        " ", ",").split(",")) for w in words):
                    person = p[s:e]
                    break
        out = text
        singular = (r"(?i)(?<![\w-])(он|она|его|её|ее|ему|ей|него|неё|нее|нему|ней|ним|нём|нем)"
                    r"(?![\w-])")
        if person and re.search(singular, out):
            out = re.sub(r"(?i)(?<![\w-])(он|она)(?![\w-])\s*", "", out)
            others = bool(re.search(singular, out))  # a pronoun besides "он"/"она" takes it
            out = _strip_q(_ru_put(out, singular, person, "", morph))
            if not others:
                out = f"{out} {_ru_inflect(person, 'nomn', morph, *_ru_gender(text, morph))}"
            return _tidy(out + "?")
        outlets = frozenset(t.lower() for _, t in self.sources(p))
        if not person and (thing := _ru_agreeing_referent(text, p, morph, outlets))[0]:
            # "За что остановили Хонду?" → "какой у неё был номер?": the noun of the same gender
            # and number as the pronoun, put in the pronoun's case ("у Хонды")
            out = _ru_put(out, singular, *thing, morph)
            if thing[0][:1].islower() and not re.search(r"(?i)(?<![\w-])(они|их|них|им|ними|это|"
                                                        r"этом|тот|тогда)(?![\w-])", out):
                # a common noun ("полиция") says less than the previous turn did: carry it too,
                # as the English side carries its places and dates (QuReTeC-style)
                return _tidy(f"{_strip_q(out)} — {_lower_first(p)}?")
        # "из них" after "сколько X <verb> …": "из <verb as participle> X …"
        counted = _ru_counted_referent(p, morph)
        if counted and re.search(r"(?i)(?<![\w-])из\s+(?:них|их)(?![\w-])", out):
            out = re.sub(r"(?i)(?<![\w-])из\s+(?:них|их)(?![\w-])", f"из {counted}", out)
        # "там": the place the previous question named, with its preposition
        place = next((p[s:e] for s, e in runs if "Geox" in str(morph.parse(
            p[s:e].split()[0])[0].tag)), "")
        if not place and where:  # "Где находится Масанчи?": what it asked about is a place
            place = next((p[s:e] for s, e in runs if s >= where.start(1)), "")
        if place and counted and place in counted:
            place = ""  # the referent already says where ("остались там" stays as asked)
        if place and re.search(r"(?i)(?<![\w-])там(?![\w-])", out):
            pp = re.search(rf"(?i)(?<![\w-])(в|во|на|из|у)\s+{re.escape(place)}", p)
            out = re.sub(r"(?i)(?<![\w-])там(?![\w-])",
                         pp.group(0) if pp else f"в {place}" if where else place, out)
        if out != text and not re.search(r"(?i)(?<![\w-])(они|их|них|им|ними|это|этом|тот|"
                                         r"тогда)(?![\w-])", out):
            return _tidy(_strip_q(out) + "?")
        # no referent to put in: keep the question, carry the previous turn (QuReTeC-style)
        return _tidy(f"{_strip_q(out)} — {_lower_first(p)}?")

    def person_referent(self, p: str, pq, doc, answer: Mapping | None) -> str:
        m = re.match(r"(?i)^(?:who|what)\s+(?:is|was|are|were)\s+(.+)$", p)
        if m and pq.names:
            return m.group(1).strip()  # "Who is Husey Daurov?"
        if (re.match(r"(?i)^(?:who|whom)\b", p) and pq.answer_type == "person") or re.match(
                rf"(?i)^(?:which|what)\s+(?:{_PERSON_NOUN_ALT})\b", p):
            # "Who replaced the governor?", "Which MP did Daurov call?": the answer names him
            name = self.answer_person(self.cites_of(p, answer), p)
            if name:
                return name
            if m:  # "Who was the elderly man hurt in the first fight?"
                return m.group(1).strip()
            if re.match(r"(?i)^(?:who|whom)\b", p):
                return "the person " + _lower_first(p)  # "the person who replaced the governor"
        ents = [e.text for e in doc.ents if e.label_ == "PERSON"]
        if ents:
            return ents[0]
        return ""

    def answer_person(self, cites: Sequence[Mapping], p: str) -> str:
        """The person an earlier answer named, given its citations (:meth:`cites_of`): its first
        quote's answer span, a corpus PERSON entity in its quotes, or a PERSON the parser finds
        there, not already in ``p``."""
        for c in cites[:1]:
            span = _answer_span(c)
            if span and span[:1].isupper() and len(span.split()) <= 4 and span not in p and \
                    self.is_person_name(span, _plain_quote(c)):
                return span
        for c in cites:
            quote = _plain_quote(c)
            for name in sorted(self.persons, key=len, reverse=True):
                if name in quote and name not in p:
                    return name
            if self.persons or is_russian(quote) or not quote:
                continue
            for e in self.nlp(quote).ents:
                if e.label_ == "PERSON" and e.text not in p and len(e.text.split()) >= 2:
                    return e.text
        return ""

    def is_person_name(self, span: str, quote: str) -> bool:
        """Whether an answer span names a person: a corpus PERSON, or a PERSON the parser finds
        in its quote ("one Kazakh pushed that person away": "Kazakh" is a people, not a name)."""
        if any(span == n or span == n.split()[-1] or n in span for n in self.person_names):
            return True
        if self.person_names or is_russian(quote) or not quote:
            return False  # (the corpus-wide labels, when given, outvote one sentence's)
        return any(e.label_ == "PERSON" and (span in e.text or e.text in span)
                   for e in self.nlp(quote).ents)

    def cites_of(self, p: str, answer: Mapping | None) -> list[Mapping]:
        """The citations of the answer to the earlier question ``p`` (the history's, else the
        engine's hook's); [] when it was refused or there is none."""
        if answer is None and self.answer_of is not None:
            try:
                answer = self.answer_of(p + "?")
            except Exception:  # an answer is a hint; resolution must not fail on it
                return []
        if not answer or answer.get("refused"):
            return []
        return [c for c in answer.get("citations") or [] if isinstance(c, Mapping)]

    def answered_place(self, p: str, pq, answer: Mapping | None) -> str:
        """The place an earlier "where did …?" was answered with (its first quote's place
        entity the question does not name), for "there" in the follow-up; "" when the question
        asked where something *is* (then "there" is that thing) or no answer names a place."""
        if pq.answer_type != "place" or re.match(r"(?i)^where\s+(?:is|was|are|were)\s", p):
            return ""
        cites = self.cites_of(p, answer)
        if not cites:
            return ""
        span = _answer_span(cites[0])
        if span and span[:1].isupper() and len(span.split()) <= 4 and span.lower() not in p.lower():
            return span  # the answer's own span: the parser may call a village an ORG
        quote = _plain_quote(cites[0])
        if not quote or is_russian(quote):
            return ""
        ents = [e for e in self.nlp(quote).ents if e.text.lower() not in p.lower()]
        # a place entity, else a name after a preposition of place ("the neighbouring village
        # of Bular Batyr", which the small parser calls an ORG)
        return next((e.text for e in ents if e.label_ in _PLACE_LABELS), "") or next(
            (e.text for e in ents if e.label_ in ("ORG", "PERSON") and e.start > 0 and
             e.doc[e.start - 1].lower_ in ("in", "to", "at", "near", "of")), "")

    def asked_thing(self, p: str, doc, answer: Mapping | None) -> str:
        """What an earlier "what/which <noun> …?" was answered with, as the name its first quote
        gives beside that noun or the verb ("What car did the police stop?" → "the Honda
        Odyssey"); "" when the question asked no such thing or no answer names one."""
        asked = next((t for t in doc if t.lower_ in ("what", "which") and t.dep_ == "det"
                      and t.head.pos_ == "NOUN" and t.head.dep_ in _ASKED_DEPS), None)
        if asked is None or not (cites := self.cites_of(p, answer)):
            return ""
        quote = _plain_quote(cites[0])
        if not quote or is_russian(quote):
            return ""
        root = next((t for t in doc if t.dep_ == "ROOT"), asked.head)
        lemmas = {w for w in (asked.head.lemma_, asked.head.head.lemma_, root.lemma_)
                  if len(w) > 2 and w not in ("be", "have", "do")}
        qdoc = self.nlp(quote)
        anchors = [t.idx for t in qdoc if t.lemma_.lower() in lemmas]
        names = [e for e in qdoc.ents if e.label_ in _THING_LABELS
                 and e.text.lower() not in p.lower()]
        near = [(min(min(abs(e.start_char - a), abs(e.end_char - a)) for a in anchors), e)
                for e in names if anchors]
        near = [(d, e) for d, e in near if d <= self.answer_near_chars]
        if not near:
            return ""
        ent = min(near, key=lambda de: de[0])[1]
        if ent.label_ in _PLACE_LABELS:
            return ent.text  # a place is named bare: "in Masanchi", not "in the Masanchi"
        name = _name_phrase(ent)
        return name if name.lower().startswith("the ") else f"the {name}"

    @staticmethod
    def wh_phrase(frag: str, ru: bool) -> bool:
        """A question phrase of its own ("in which village", "в каком селе"), not one asking
        for a source ("which outlet": a constraint)."""
        return bool((_WH_PHRASE_RU if ru else _WH_PHRASE_EN).fullmatch(frag)) and not any(
            w.lower().startswith(_MEDIA_STEMS) for w in frag.split()[1:])

    def new_wh_ru(self, wh: str, p: str) -> str:
        """Russian: the new question word takes the place of the previous one ("Когда закрыли
        рынок?" + "до каких пор?" -> "До каких пор закрыли рынок?"); after a question whose
        word is part of a phrase ("сколько человек …") the previous turn is carried whole."""
        if not (_BARE_WH_RU.fullmatch(wh) or self.wh_phrase(wh, True)):
            return ""
        m = _RU_ADVERB_WH.search(p)
        if m:
            return _tidy(f"{p[:m.start()]}{wh.lower()}{p[m.end():]}?")
        return _tidy(f"{wh} — {_lower_first(p)}?")

    def new_wh(self, wh: str, prev: str, ru: bool, verb: str = "") -> str:
        """Ask ``wh`` ("when", "where") about what the previous question asked about."""
        p = _strip_q(prev)
        wh = wh.strip().rstrip("?")
        if ru:
            return self.new_wh_ru(wh, p)
        if not (_BARE_WH_EN.fullmatch(wh) or self.wh_phrase(wh, False)):
            return ""
        doc = self.nlp(p)
        toks = [t for t in doc if not t.is_punct]
        if not toks:
            return ""
        Wh = wh[0].upper() + wh[1:].lower()
        if toks[0].lower_ in _AUX_NEG:
            return _tidy(f"{Wh} {toks[0].lower_} {_rest_after(doc, toks[0])}?")
        w = next((t for t in toks[:3] if t.tag_ in ("WP", "WP$", "WDT", "WRB")), None)
        if w is None:
            return ""
        if w.i == toks[0].i and w.tag_ == "WRB" and len(toks) > 1 and toks[1].lower_ in _AUX_NEG:
            # "When was the market closed?" -> "Until when was the market closed?": the
            # question word is swapped, whatever the parse made of the auxiliary
            return _tidy(f"{Wh} {_rest_after(doc, w)}?")
        aux = next((t for t in toks if t.dep_ in ("aux", "auxpass") and t.i > w.i), None)
        root = next((t for t in toks if t.dep_ == "ROOT"), None)
        many = w.lower_ == "how" and w.i + 1 < len(doc) and doc[w.i + 1].lower_ in ("many",
                                                                                  "much")
        if w.dep_ in ("nsubj", "nsubjpass") or many or (w.head.dep_ in ("nsubj", "nsubjpass")):
            # the wh-word was the subject: "Who fired the governor?" -> "When was the governor
            # fired?" needs a passive; "When did someone fire the governor?" keeps it simple
            if root is not None and root.pos_ == "VERB" and aux is None:
                rest = " ".join(t.text for t in toks if t.i > root.i)
                subj = "someone" if w.lower_ in ("who", "whom") else "it"
                if many:
                    subj = " ".join(t.text for t in toks if w.i + 1 < t.i < root.i)
                elif w.dep_ == "det":  # "Which markets closed?" -> "… did the markets close"
                    subj = "the " + " ".join(t.text for t in toks if w.i < t.i < root.i)
                return _tidy(f"{Wh} did {subj} {root.lemma_} {rest}?")
            if aux is not None:
                subj = " ".join(t.text for t in toks if w.i < t.i < aux.i
                                and t.lower_ not in ("many", "much"))
                subj = f"the {subj}" if w.dep_ == "det" and subj else subj
                rest = " ".join(t.text for t in toks if t.i > aux.i)
                return _tidy(f"{Wh} {aux.text.lower()} {subj} {rest}?")
        if aux is not None:
            rest = " ".join(t.text for t in toks if t.i > aux.i)
            return _tidy(f"{Wh} {aux.text.lower()} {rest}?")
        return ""


# ----------------------------------------------------------------------------- text helpers


def _strip_q(text: str) -> str:
    return text.strip().rstrip("?.! ").strip()


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([?,.!;:])", r"\1", text)
    text = re.sub(r"\s+'s\b", "'s", text)
    text = re.sub(r"\s+n't\b", "n't", text)
    text = re.sub(r"\?+$", "?", text)
    return text[:1].upper() + text[1:]


def _append(base: str, phrase: str, ru: bool) -> str:
    b = _strip_q(base)
    return f"{b}, {phrase}?" if ru else f"{b} {phrase}?"


def _indirect(question: str) -> str:
    """"How many people died?" -> "how many people died" (an embedded question)."""
    return _lower_first(_strip_q(question))


def _strip_why_differ(prev: str) -> str:
    """The topic question inside a resolved "why do they differ?" or "… according to each
    source?" (so a chain "how many died? → why do they differ? → and Fergana?" keeps the topic)."""
    p = _strip_q(prev)
    for pat in (r"(?i)^why do the sources differ on (.+)$",
                r"(?i)^почему источники расходятся в том, (.+)$"):
        if m := re.match(pat, p):
            return _tidy(m.group(1) + "?")
    for tail in (f" {_EACH_EN}, {_WHY_FIGURES_EN}", f", {_EACH_RU}, {_WHY_FIGURES_RU}",
                 f" {_EACH_EN}", f", {_EACH_RU}"):
        if p.endswith(tail):
            return _tidy(p[:-len(tail)] + "?")
    return prev


def _words_besides(text: str, written: Sequence[str]) -> set[str]:
    """The lower-cased words of ``text`` that are not part of the names ``written`` (a name's
    inflected or possessive form counts as the name: "Фергане", "WSWS's")."""
    names = {w.lower() for t in written for w in re.findall(r"[^\W_][\w.-]*", t)}
    heads = {n.split(".")[0] for n in names if len(n.split(".")[0]) >= 4}
    words = {w.lower() for w in re.findall(r"[^\W\d_]+", text.replace("’", "'"))}
    words -= {p for n in names for p in re.findall(r"[^\W\d_]+", n)}
    return {w for w in words if not any(w.startswith(h) or (h.startswith(w) and len(w) >= 4)
                                        for h in heads)}


def _only_words(focus: Sequence[str], allowed: frozenset[str]) -> bool:
    return all(any(f.startswith(a[:5]) or a.startswith(f[:5]) for a in allowed)
               for f in focus)


def _neg(aux: str, negated: bool) -> str:
    return _AUX_NEG.get(aux, aux) if negated else aux


def _case(found: str, repl: str) -> str:
    return repl[:1].upper() + repl[1:] if found[:1].isupper() and repl[:1].islower() else repl


def _rest_after(doc, tok) -> str:
    return " ".join(t.text for t in doc if t.i > tok.i and not t.is_punct)


def _same_form_noun(words: list, fragment: str, morph):
    """The first word match of the previous question that is a noun in the case, number and
    animacy of the one-noun fragment (pymorphy3), or None."""
    tag = morph.parse(fragment)[0].tag
    if tag.POS != "NOUN" or not tag.case:
        return None
    want = (tag.case, tag.number, tag.animacy)
    for w in words:
        if w.group(0).lower() == fragment.lower():
            return None  # the fragment is already in the previous question
    for w in words:
        parses = morph.parse(w.group(0))
        if parses[0].tag.POS in _RU_FUNCTION_POS:
            continue  # "по" is first a preposition, though "ПО" (software) is a noun
        if any(p.tag.POS == "NOUN" and (p.tag.case, p.tag.number, p.tag.animacy) == want
               for p in parses[:2]):
            return w
    return None


def _ru_counted_referent(p: str, morph) -> str:
    """Who "они" are after a Russian count question: "сколько человек бежало в Кыргызстан" ->
    "бежавших в Кыргызстан"; "сколько домов сожгли" -> "сожжённых домов" (genitive plural, the
    form "из …" takes; an impersonal transitive verb becomes a passive participle)."""
    m = re.match(r"(?i)^сколько\s+([^\W\d_]+)\s+([^\W\d_]+)(.*)$", p)
    if not m:
        return ""
    noun, verb, rest = m.group(1), m.group(2), m.group(3).split(",")[0].rstrip()
    parse = next((x for x in morph.parse(verb) if x.tag.POS in ("VERB", "PRTS")), None)
    if parse is None:
        return ""
    passive = parse.tag.POS == "PRTS" or ("tran" in parse.tag and "plur" in parse.tag)
    grams = {"PRTF", "plur", "gent", "pssv" if passive else "actv"}
    form = parse.inflect(grams) or parse.inflect({"PRTF", "plur", "gent"})
    if form is None:
        return ""
    generic = morph.parse(noun)[0].normal_form in ("человек", "люди", "житель")
    return f"{form.word}{rest}" if generic else f"{form.word} {noun}{rest}"


_RU_POSSESSIVE = frozenset("его её ее их".split())


def _ru_pronoun(word: str, morph):
    """The personal pronoun parse of a word ("неё" → она, feminine genitive; "ним" read as the
    singular "с ним" before the plural "им"; "ее" as "её"), or None."""
    parses = [x for x in morph.parse(word.lower().replace("ее", "её")) if x.tag.POS == "NPRO"]
    return min(parses, key=lambda x: x.tag.number != "sing", default=None)


def _ru_first_pronoun(text: str, morph):
    """(match, parse) of the first third-person pronoun in a Russian text, or (None, None)."""
    for m in re.finditer(r"[а-яёА-ЯЁ]+", text):
        if _RU_PRONOUN.fullmatch(m.group(0).lower()) and (
                pron := _ru_pronoun(m.group(0), morph)) is not None:
            return m, pron
    return None, None


_RU_ASKING = frozenset("какой какая какое какие какого какую каком каких которой который "
                       "которая которое которую чей чья чьё чьи".split())
_RU_PLACE_PREP = re.compile(r"(?i)(?<![\w-])(?:в|во|на|из|под|около|возле|близ)\s+$")


def _ru_agreeing_referent(text: str, p: str, morph,
                          exclude: frozenset[str] = frozenset()) -> tuple[str, str]:
    """What a Russian third-person singular pronoun of ``text`` stands for in the previous
    question ``p``: (the noun with the agreeing adjectives or names before it, the genitive words
    after it that stay as written: "Ассамблея", " народа Казахстана"). The noun agrees with the
    pronoun in gender and number; the noun a "какой …" asks about comes first, then the subject
    (nominative), then the first mention. ("", "") when none agrees, when the follow-up holds its
    own referent before the pronoun, after "кто …?" (the person is the answer), or for "они"
    (counted people: :func:`_ru_counted_referent`). ``exclude``: words that are no referent
    (the outlets' names)."""
    none = ("", "")
    hit, pron = _ru_first_pronoun(text, morph)
    if pron is None or pron.tag.number == "plur":
        return none
    if re.match(r"(?i)^\s*(?:а\s+|и\s+)?(?:кто|кого|кому|кем)\b", p):
        return none
    word, gender = hit.group(0).lower(), pron.tag.gender

    def agrees(x) -> bool:
        return x.tag.number == "sing" and (x.tag.gender == gender or (
            word == "его" and x.tag.gender == "neut"))

    def candidates(q: str, own: set[str]):
        words = list(re.finditer(r"[^\W\d_][\w-]*", q))
        for i, m in enumerate(words):
            w = m.group(0)
            parses = morph.parse(w)
            nouns = [x for x in parses if x.tag.POS == "NOUN"]
            if not nouns or len(w) < 3 or w.lower() in exclude or nouns[0].normal_form in own \
                    or (parses[0].tag.POS != "NOUN" and not w[:1].isupper()) \
                    or any("Geox" in x.tag for x in nouns) or re.search(r"\d\s*$", q[:m.start()]):
                continue  # "5 февраля", "47 человек", "Кордай": a date, a count, a place
            # a name the dictionary does not know ("Токаев") agrees with any singular pronoun
            noun = next((x for x in nouns if agrees(x)), None)
            if noun is None and not (w[:1].isupper() and not morph.word_is_known(w.lower())):
                continue
            noun = noun or nouns[0]
            start = i  # the names or agreeing adjectives before it belong to the phrase
            while start > 0 and ((words[start - 1].group(0)[:1].isupper() and w[:1].isupper()
                                  and words[start - 1].group(0).lower() not in exclude)
                                 or any(x.tag.POS == "ADJF" and x.tag.case == noun.tag.case
                                        and x.tag.number == "sing" and x.tag.gender in (
                                            noun.tag.gender, None) and x.normal_form not in
                                        _RU_ASKING and "Apro" not in x.tag
                                        for x in morph.parse(words[start - 1].group(0)))):
                start -= 1
            if _RU_PLACE_PREP.search(q[:words[start].start()]):
                continue  # "в Кордайском районе": a place
            end = i  # genitive nouns after it qualify it ("Ассамблея народа Казахстана")
            while end + 1 < len(words) and re.fullmatch(r"\s+", q[words[end].end():words[
                    end + 1].start()]) and any(x.tag.POS == "NOUN" and x.tag.case == "gent"
                                               for x in morph.parse(words[end + 1].group(0))):
                end += 1
            before = words[start - 1].group(0).lower() if start > 0 else ""
            rank = 0 if before in _RU_ASKING else 1 if noun.tag.case == "nomn" else 2
            phrase = q[words[start].start():m.end()]
            if not q[:words[start].start()].strip() and morph.word_is_known(phrase.split()[0]
                                                                             .lower()) and not (
                    {"Name", "Surn", "Patr", "Abbr", "Orgn"} & morph.parse(phrase.split()[0])[0]
                    .tag.grammemes):
                phrase = phrase[:1].lower() + phrase[1:]  # capitalised only as the first word
            yield rank, i, phrase, q[m.end():words[end].end()]

    if any(True for _ in candidates(text[:hit.start()], set())):
        return none  # "по словам Нурлана, избивали его …": the pronoun's referent is its own
    own = {morph.parse(w)[0].normal_form for w in re.findall(r"[а-яёА-ЯЁ-]+", text)}
    found = sorted(candidates(p, own))
    return (found[0][2], found[0][3]) if found else none


def _ru_gender(text: str, morph) -> tuple[str | None, str | None]:
    """(gender, number) of the first third-person pronoun in a Russian text."""
    _, pron = _ru_first_pronoun(text, morph)
    return (pron.tag.gender, pron.tag.number) if pron is not None else (None, None)


def _ru_inflect(phrase: str, case: str, morph, gender: str | None = None,
                number: str | None = None) -> str:
    """Each word of a noun phrase, up to a comma ("Фархад, которого цитирует …"), put in
    ``case``, read as the ``gender`` and ``number`` given (the pronoun's); a capitalised word by
    a name's parse when it has one, and any word the dictionary cannot read so kept as written."""
    head, sep, rest = phrase.partition(",")

    def one(m: re.Match) -> str:
        w = m.group(0)
        every = morph.parse(w)
        parses = [x for x in every if x.tag.POS in ("NOUN", "ADJF")
                  and (number is None or x.tag.number == number)
                  and (gender is None or number == "plur" or x.tag.gender in (gender, None))]
        if w[:1].isupper():
            named = [x for x in parses if {"Name", "Surn", "Patr"} & x.tag.grammemes]
            parses = named or (parses if morph.word_is_known(w.lower()) else [])
        # the case most of its readings agree on ("Толегену": dative, not a name "Толегена")
        cases = Counter(x.tag.case for x in every)
        parses = sorted(parses, key=lambda x: -cases[x.tag.case])
        form = parses[0].inflect({case}) if parses else None
        word = form.word if form is not None else w
        return word[:1].upper() + word[1:] if w[:1].isupper() else word

    return re.sub(r"[^\W\d_]+", one, head) + sep + rest


def _ru_put(text: str, pattern: str, phrase: str, tail: str, morph) -> str:
    """Every pronoun ``pattern`` finds in ``text`` replaced by ``phrase`` in the pronoun's case;
    a possessive before its noun ("его сын") goes after it, in the genitive ("сын Толегена")."""
    gender, number = _ru_gender(text, morph)

    def inflect(case: str) -> str:
        return _ru_inflect(phrase, case, morph, gender, number) + tail

    def one(m: re.Match) -> str:
        word = m.group(0)
        pron = _ru_pronoun(word, morph)
        nxt = re.match(r"\s+([^\W\d_]+)", text[m.end():])
        # "его"/"её"/"их" before a noun is the possessive, after a preposition too ("по его
        # словам"; the pronoun there would be "него")
        if word.lower() in _RU_POSSESSIVE and nxt and any(
                x.tag.POS == "NOUN" for x in morph.parse(nxt.group(1))):
            return f"\x00{inflect('gent')}\x01"  # moved after its noun
        return inflect(pron.tag.case if pron is not None and pron.tag.case else "nomn")

    out = re.sub(pattern, one, text)
    # "\x00X\x01 noun" → "noun X": a possessive's referent follows the noun it qualifies
    return re.sub(r"\x00([^\x01]*)\x01\s+([^\W\d_]+)", r"\2 \1", out)


def _name_runs(text: str, names: Sequence[str]) -> list[tuple[int, int]]:
    """Character spans of runs of adjacent names ("Husey Daurov") in the text, in order."""
    spans = sorted((m.start(), m.end()) for n in set(names) if n
                   for m in re.finditer(rf"(?<!\w){re.escape(n)}(?!\w)", text))
    runs: list[list[int]] = []
    for s, e in spans:
        if runs and re.fullmatch(r"[\s-]*", text[runs[-1][1]:s]):
            runs[-1][1] = max(runs[-1][1], e)
        else:
            runs.append([s, e])
    return [(s, e) for s, e in runs]


def _predicate(fdoc) -> str:
    """"those who fled" -> "fled"; "the injured", "injured", "wounded" -> "were injured"."""
    toks = [t for t in fdoc if not t.is_punct]
    low = [t.lower_ for t in toks]
    if "who" in low and low.index("who") < len(low) - 1:
        return " ".join(t.text for t in toks[low.index("who") + 1:])
    if low and low[0] in ("the", "those") and len(toks) >= 2:
        toks = toks[1:]
    if len(toks) == 1 and (toks[0].tag_ in ("VBN", "VBD", "JJ") or toks[0].lower_.endswith("ed"))\
            and toks[0].lower_ not in _GENERIC:
        w = toks[0].lower_
        if w in ("dead",):
            return "died"
        return f"were {w}"
    return ""


def _pp_tail(doc, root) -> str:
    """The prepositional and adverbial phrases that follow the verb ("in the riots")."""
    parts = []
    for t in doc:
        if t.i > root.i and t.head.i == root.i and t.dep_ in ("prep", "advmod", "npadvmod",
                                                            "agent", "advcl"):
            parts.append(doc[t.left_edge.i:t.right_edge.i + 1].text)
    return " ".join(parts)


def _has_verb_ru(text: str) -> bool:
    """Whether a Russian text holds a verb, a short participle or adjective (a predicate)."""
    from index.nlp import russian

    morph = russian()
    return any(morph.parse(w)[0].tag.POS in ("VERB", "PRTS", "ADJS", "INFN")
               for w in re.findall(r"[а-яёА-ЯЁ-]+", text))


def _place_referent(doc, p: str, pq) -> str:
    """The place "there" refers to: a named subject that is no person or body ("How far is
    Masanchi from the border?"), else the first place entity that is not only a modifier of a
    common noun ("the Kyrgyz border" is no place of its own), else :func:`_place_named`."""
    names = [c.text for c in pq.constraints if c.kind == "name"]
    for t in doc:
        if t.dep_ in ("nsubj", "nsubjpass") and t.pos_ == "PROPN" and \
                t.ent_type_ in ("", *_PLACE_LABELS) and (
                run := next((n for n in names if t.text in n.split()), "")):
            return run
    for e in doc.ents:
        if e.label_ in _PLACE_LABELS and not (e.root.dep_ in ("amod", "compound")
                                             and e.root.head.pos_ == "NOUN"):
            return e.text
    return _place_named(p, pq)


def _place_named(p: str, pq) -> str:
    """The place a previous question named that the parser did not tag as one: what "where
    is …" asked about, or a name after a preposition of place ("… in Masanchi")."""
    names = [c.text for c in pq.constraints if c.kind == "name"]
    m = re.match(r"(?i)^where\s+(?:is|was|are|were)\s+(.+)$", p)
    if m and any(n in m.group(1) for n in names):
        return m.group(1).strip()
    return next((n for n in names if re.search(rf"(?i)\b(?:in|at|near|from|to)\s+"
                                               rf"{re.escape(n)}\b", p)), "")


def _plural_referent(doc) -> str:
    """Who "they" are after the previous question: its counted people, its subject, or the
    people the previous "who" asked about."""
    toks = [t for t in doc if not t.is_punct]
    if not toks:
        return ""
    many = next((t for t in toks if t.lower_ == "many" and t.i > 0 and doc[t.i - 1].lower_ ==
                 "how" and t.head.pos_ in ("NOUN", "PROPN")), None)
    root = next((t for t in toks if t.dep_ == "ROOT"), None)
    if many is not None and root is not None and root.pos_ in ("VERB", "AUX"):
        counted = many.head
        tail = _pp_tail(doc, root)
        if root.tag_ == "VBN":
            return _tidy_np(f"the {counted.text} {root.text} {tail}")
        return _tidy_np(f"the {counted.text} who {root.text} {tail}")
    asks_subject = not any(t.dep_ in ("nsubj", "nsubjpass") for t in toks[1:])
    if many is None and root is not None and root.pos_ == "VERB" and [t.lower_ for t in
                                                                   toks[:2]] == ["how", "many"]:
        # "how many fled" -> "the people who fled"; "how many were detained" -> "… were detained"
        aux = " ".join(c.text for c in root.children if c.dep_ in ("aux", "auxpass"))
        return _tidy_np(f"the people who {aux} {root.text} {_pp_tail(doc, root)}")
    if toks[0].lower_ == "who" and asks_subject and root is not None and root.pos_ == "VERB":
        # "who fled?" (not "who did the rioters go after?": its subject is the referent)
        return _tidy_np("the people who " + " ".join(t.text for t in toks[1:]))
    for t in toks:
        if any(c.dep_ == "det" and c.lower_ in ("what", "which") for c in t.children):
            continue  # "which vehicle …" is what was asked, not who "they" are
        if t.dep_ in ("nsubj", "nsubjpass") and t.tag_ not in ("WP", "WP$", "WDT", "WRB") \
                and t.pos_ in ("NOUN", "PROPN") and t.tag_ in ("NNS", "NNPS", "NN"):
            return doc[t.left_edge.i:t.right_edge.i + 1].text
    return ""


def _answer_span(citation: Mapping) -> str:
    """The part of a cited quote that answers (its ``answer_start`` / ``answer_end``), or ""."""
    a, b = citation.get("answer_start"), citation.get("answer_end")
    return str(citation.get("quote", ""))[a:b] if isinstance(a, int) and isinstance(b, int) else ""


def _plain_quote(citation: Mapping) -> str:
    """A cited quote as a parser should see it: no-break spaces and markdown emphasis removed."""
    return re.sub(r"[*_]{2,}", "", str(citation.get("quote", ""))).replace("\xa0", " ")


def _name_phrase(ent) -> str:
    """The whole name an entity is part of: the parser's NER may cut "Toyota" (ORG) from
    "Camry" (PRODUCT); the compound they form is the name."""
    tok = ent.root
    while tok.dep_ == "compound" and tok.head.pos_ in ("PROPN", "NOUN") and tok.head.i > tok.i:
        tok = tok.head
    left = min([tok.i, *(c.left_edge.i for c in tok.children if c.dep_ == "compound")])
    return tok.doc[left:tok.i + 1].text


def _object_referent(doc) -> str:
    """The previous question's plural object ("the police" in "who attacked the police?")."""
    for t in doc:
        if t.dep_ in ("dobj", "pobj") and t.pos_ in ("NOUN", "PROPN") and t.tag_ in ("NNS",
                                                                                  "NNPS"):
            return doc[t.left_edge.i:t.i + 1].text
    return ""


def _thing_referent(doc, pq) -> str:
    """What "it" is: the previous question's object or subject noun phrase (not a person)."""
    for dep in ("dobj", "nsubjpass", "nsubj", "attr", "pobj"):
        for t in doc:
            if t.dep_ == dep and t.pos_ in ("NOUN", "PROPN") and t.tag_ not in ("WP", "WDT") \
                    and t.lower_ not in _GENERIC:
                left = t.left_edge.i
                while left < t.i and doc[left].tag_ in ("WDT", "WP", "WP$", "WRB", "JJ") and \
                        doc[left].lower_ in ("what", "which", "whose", "how", "many", "much"):
                    left += 1
                span = doc[left:t.i + 1].text
                return span if span.lower().startswith(("the ", "a ", "an ")) or t.pos_ == \
                    "PROPN" else f"the {span}"
    return ""


def _demonstratives(doc) -> tuple[str, bool]:
    """A demonstrative determiner becomes "the" ("that car" -> "the car"; not "that way", "that
    much"); a demonstrative standing for a whole event ("why did *that* lead to …", "who ordered
    *that*?") is left and reported (True), since no phrase of the question can replace it."""
    parts, dangling = [], False
    for t in doc:
        word = t.text
        if t.lower_ in _DEMONSTRATIVES and t.tag_ == "DT":
            keep = t.head.lower_ in _KEEP_AFTER_DEMONSTRATIVE
            if t.dep_ == "det" and t.head.i > t.i and not keep:
                word = _case(t.text, "the")
            elif t.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "attr"):
                dangling = True
        parts.append(word + t.whitespace_)
    return "".join(parts), dangling


def _tidy_np(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
