"""Candidates with high recall, and the checkable facts about each one.

:func:`prepare` derives lexical tables from a loaded :class:`~index.store.Store` once;
:func:`candidates` unions the top sentences of every list (MiniLM, multilingual USE, BM25 over
sentences, and the sentences of the top chunks); :func:`checks` computes, per candidate, the
constraint checks the ranker and the refusal reasons share: is each name, date, number and
source of the question in the sentence or its paragraph, does the sentence cover the focus,
does it hold a value of the expected answer type that the question does not already give.
Pure functions over a :class:`Corpus` and a :class:`Query`.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from index.names import name_key, same_name
from index.store import Store
from index.text import is_russian, terms
from qa.question import Constraint, Question, date_key, source_aliases
from qa.settings import Settings

#: Lemmas that state a cause or reason (generic English, for "why" / "what caused" questions).
CAUSAL = frozenset("cause because due trigger spark start begin lead reason root provoke "
                   "result blame basis origin motive behind since fuel stem incite".split())
_DIGITS = re.compile(r"\d[\d,.]*")


@dataclass(frozen=True)
class Corpus:
    """A loaded store plus tables derived from it once."""

    store: Store
    sentence_terms: tuple[frozenset[str], ...]  #: stemmed terms (BM25 vocabulary)
    lemmas: tuple[frozenset[str], ...]  #: content lemmas of each sentence
    paragraph_lemmas: dict[int, frozenset[str]]  #: paragraph id -> lemmas of its sentences
    keys: tuple[frozenset[str], ...]  #: name keys of every word of each sentence
    paragraph_keys: dict[int, frozenset[str]]
    dates: tuple[frozenset[str], ...]  #: date keys ("february 10") stated in each sentence
    numbers: tuple[frozenset[str], ...]  #: digit strings in each sentence
    idf: dict[str, float]  #: over sentence lemma sets
    max_idf: float
    vocabulary_keys: frozenset[str]  #: name keys of every word of the corpus
    keys_by_initial: dict[str, tuple[str, ...]]
    aliases: dict[str, str]  #: outlet name key -> doc id
    vocabulary: frozenset[str] = field(default=frozenset())  #: lower-cased words
    by_doc: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = field(default_factory=dict)
    #: doc id -> (sentence starts, sentence ids), in text order
    #: (key, ratio) -> matching_keys of names asked about (at most ``Settings.name_cache``)
    near_keys: dict[tuple[str, float | None], frozenset[str]] = field(
        default_factory=dict, compare=False, repr=False)

    @cached_property
    def lemma_set(self) -> frozenset[str]:
        """Every lemma of the corpus (the idf's keys), built once: the vocabulary the Russian
        translations are filtered by. ``frozenset()`` of a frozenset is the same object, so
        qa.translate and its per-word caches share this one set instead of building a copy
        from ``idf.keys()`` on every call."""
        return frozenset(self.idf)

    @cached_property
    def sentences_by_key(self) -> dict[str, frozenset[int]]:
        """Name key -> ids of the sentences holding a word with that key, built once."""
        out: dict[str, set[int]] = defaultdict(set)
        for i, keys in enumerate(self.keys):
            for k in keys:
                out[k].add(i)
        return {k: frozenset(v) for k, v in out.items()}

    def sentences_overlapping(self, doc_id: str, start: int, end: int) -> list[int]:
        """Ids of the sentences of ``doc_id`` that share a character with [start, end)."""
        starts, ids = self.by_doc.get(doc_id, ((), ()))
        sents = self.store.sentences
        j = max(bisect.bisect_right(starts, start) - 1, 0)
        out = []
        while j < len(ids) and starts[j] < end:
            if start < sents[ids[j]].end:
                out.append(ids[j])
            j += 1
        return out


    def quote_sentences(self, doc_id: str, quote: str) -> tuple[int, list[int]]:
        """Where a verbatim quote starts in ``doc_id`` and the ids of the sentences it covers;
        (-1, []) when the article does not hold it."""
        article = self.store.articles.get(doc_id)
        start = article.text.find(quote) if article is not None and quote else -1
        if start < 0:
            return -1, []
        return start, self.sentences_overlapping(doc_id, start, start + len(quote))


def word_stem(word: str) -> str:
    """A lemma cut to its stem for matching inside text ("injure" ~ "injured", "kill" ~
    "killed"): all but the last two letters, at least four."""
    return word[:max(4, len(word) - 2)]


def _keys(text: str) -> frozenset[str]:
    return frozenset(name_key(w) for w in re.findall(r"[^\W\d_]{2,}", text))


def prepare(store: Store) -> Corpus:
    """Derive lemma sets, name keys, idf, dates and numbers per sentence."""
    sents = store.sentences
    lemmas = tuple(frozenset(a.lemmas) for a in store.annotations)
    by_para: dict[int, set[str]] = defaultdict(set)
    keys_by_para: dict[int, set[str]] = defaultdict(set)
    keys = tuple(_keys(s.text) for s in sents)
    for a, lem, k in zip(store.annotations, lemmas, keys, strict=True):
        by_para[a.paragraph] |= lem
        keys_by_para[a.paragraph] |= k
    dates = []
    for s, a in zip(sents, store.annotations, strict=True):
        found = {date_key(s.text[b:e]) for label, b, e in a.entities if label == "DATE"}
        dates.append(frozenset(d for d in found if d))
    numbers = tuple(frozenset(m.group(0).rstrip(".,").replace(",", "")
                              for m in _DIGITS.finditer(s.text)) for s in sents)
    df = Counter(t for ls in lemmas for t in ls)
    n = max(len(lemmas), 1)
    idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
    vocab_keys = frozenset(k for ks in keys for k in ks) | frozenset(
        name_key(w) for a in store.articles.values() for w in re.findall(r"[^\W\d_]{2,}", a.text))
    by_initial: dict[str, list[str]] = defaultdict(list)
    for k in vocab_keys:
        if k:
            by_initial[k[0]].append(k)
    vocab = frozenset(w.lower() for a in store.articles.values()
                      for w in re.findall(r"[^\W\d_]+", a.text))
    per_doc: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for sent in sents:
        per_doc[sent.doc_id].append((sent.start, sent.id))
    by_doc = {d: (tuple(x for x, _ in sorted(v)), tuple(i for _, i in sorted(v)))
              for d, v in per_doc.items()}
    return Corpus(
        store=store,
        sentence_terms=tuple(frozenset(terms(s.text)) for s in sents),
        lemmas=lemmas,
        paragraph_lemmas={p: frozenset(v) for p, v in by_para.items()},
        keys=keys,
        paragraph_keys={p: frozenset(v) for p, v in keys_by_para.items()},
        dates=tuple(dates),
        numbers=numbers,
        idf=idf,
        max_idf=math.log(1 + (n + 0.5) / 0.5),
        vocabulary_keys=vocab_keys,
        keys_by_initial={k: tuple(v) for k, v in by_initial.items()},
        aliases=source_aliases({d: a.source for d, a in store.articles.items()}),
        vocabulary=vocab,
        by_doc=by_doc,
    )


@dataclass(frozen=True)
class Query:
    """A question ready for retrieval: its analysis, stemmed terms and vectors."""

    question: Question
    terms: tuple[str, ...]  #: stemmed content terms for BM25 (English, translated for Russian)
    focus: tuple[str, ...]  #: English lemmas compared with the sentences' (translated for ru)
    figure: str  #: what a count question counts, as an English lemma ("" for none)
    vector: np.ndarray | None  #: MiniLM (None for Russian questions)
    use_vector: np.ndarray | None  #: multilingual USE (None when the index has none)

    @property
    def language(self) -> str:
        return self.question.language


def _name_ratio(settings: Settings | None) -> float | None:
    return settings.index.same_name_ratio if settings is not None else None


def matching_keys(corpus: Corpus, key: str, *, settings: Settings | None = None
                  ) -> frozenset[str]:
    """Corpus name keys that spell the same name as ``key`` (exact, or nearly: the index's
    ``same_name_ratio``)."""
    ratio = _name_ratio(settings)
    if (known := corpus.near_keys.get((key, ratio))) is not None:
        return known
    near = {key} if key in corpus.vocabulary_keys else set()
    for k in corpus.keys_by_initial.get(key[:1], ()):
        if abs(len(k) - len(key)) <= 2 and same_name(key, k, ratio):
            near.add(k)
    if limit := (settings.name_cache if settings is not None else 0):
        if len(corpus.near_keys) >= limit:
            corpus.near_keys.clear()  # rarely: a bound, not an LRU
        corpus.near_keys[key, ratio] = frozenset(near)
    return frozenset(near)


def unknown_names(corpus: Corpus, question: Question,
                  english: Callable[[str], list[str]] | None = None, *,
                  settings: Settings | None = None) -> list[str]:
    """Names of the question that appear nowhere in the articles, in any spelling. For a
    Russian name, ``english`` gives its English renderings (dictionary and transliterations:
    "Токаев" → Tokayev, "Бюро" → bureau); it is known when one of them is in the articles."""

    def known_in_english(text: str) -> bool:  # the renderings are lemmas, as the idf's keys
        return english is not None and is_russian(text) and any(
            w in corpus.idf for word in english(text) for w in word.lower().split())

    def acronym(text: str) -> bool:  # "МВД", "КНБ": spelled out in English, not transliterated
        return is_russian(text) and text.isupper() and len(text) <= 5

    unknown = [c.text for c in question.constraints
               if c.kind == "name" and not matching_keys(corpus, c.key, settings=settings)
               and not known_in_english(c.text) and not acronym(c.text)]
    for run in name_runs(question):  # "European Union": each word is known, never together
        if any(c.text in unknown for c in run):
            continue
        shared = None
        for c in run:
            holding = frozenset().union(*(corpus.sentences_by_key.get(k, frozenset())
                                          for k in matching_keys(corpus, c.key,
                                                                 settings=settings)))
            shared = holding if shared is None else shared & holding
        if not shared:
            unknown.append(" ".join(c.text for c in run))
    return unknown


def name_runs(question: Question) -> list[tuple[Constraint, ...]]:
    """The question's names of several words (``Question.name_groups``) as its constraints."""
    by_text = {c.text: c for c in question.constraints if c.kind == "name"}
    return [tuple(by_text[w] for w in group if w in by_text)
            for group in question.name_groups if sum(w in by_text for w in group) >= 2]


def candidates(corpus: Corpus, query: Query, settings: Settings,
               statements: frozenset[int] = frozenset()) -> dict[int, dict[str, float]]:
    """Sentence id -> raw retrieval scores, for the union of every list's top sentences and
    ``statements`` (every sentence stating the figure a question asks for)."""
    store, k = corpus.store, settings.candidates_per_list
    out: dict[int, dict[str, float]] = defaultdict(dict)

    def add_chunks(hits: list[tuple[int, float]]) -> None:  # a chunk's sentences, by its rank
        for rank, (c, _) in enumerate(hits, 1):
            for i in store.chunks[c].sentence_ids:
                out[i]["chunk"] = max(out[i].get("chunk", 0.0), 1.0 / rank)

    if query.vector is not None:
        for rank, (i, s) in enumerate(store.search("sentences", vector=query.vector, k=k), 1):
            out[i].update(dense=s, dense_rank=rank)
        add_chunks(store.search("chunks", vector=query.vector, k=settings.candidate_chunks))
    if query.use_vector is not None:
        for rank, (i, s) in enumerate(store.search("sentences", vector=query.use_vector, k=k,
                                                   model="use"), 1):
            out[i].update(use=s, use_rank=rank)
    if query.terms:
        for rank, (i, s) in enumerate(store.search("sentences", terms=query.terms, k=k), 1):
            out[i].update(bm25=s, bm25_rank=rank)
        add_chunks(store.search("chunks", terms=query.terms, k=settings.candidate_chunks))
    for i in statements:
        out[i].setdefault("statement", 1.0)
    return dict(out)


@dataclass(frozen=True)
class Checks:
    """The checkable facts about one candidate sentence for one question."""

    focus: float  #: idf-weighted share of the focus lemmas in the sentence
    focus_para: float  #: the same in the sentence's paragraph
    constraints: float  #: share of name/date/number constraints met by the sentence
    constraints_para: float  #: … by its paragraph
    source: float  #: 1 when the question names no source or this is one of them
    value: float  #: 1 when it holds a value of the asked type the question does not give
    figure: float  #: 1 when it names what a count question counts
    unmet: tuple[str, ...] = ()  #: constraints its paragraph does not meet (as written)
    value_near: float = 0.0  #: 1 when such a value stands within a few words of a focus word


def _weighted_share(corpus: Corpus, focus: tuple[str, ...], have: frozenset[str]) -> float:
    if not focus:
        return 0.0
    total = sum(corpus.idf.get(t, corpus.max_idf) for t in focus)
    got = sum(corpus.idf.get(t, corpus.max_idf) for t in focus if t in have)
    return got / total if total else 0.0


def constraint_keys(corpus: Corpus, question: Question, *, settings: Settings | None = None
                    ) -> list[tuple[str, str, frozenset[str]]]:
    """(kind, text, matching corpus keys) for the question's name/date/number constraints."""
    out = []
    for c in question.constraints:
        if c.kind == "name":
            out.append((c.kind, c.text, matching_keys(corpus, c.key, settings=settings)))
        elif c.kind in ("date", "number"):
            out.append((c.kind, c.text, frozenset({c.key})))
    return out


def checks(corpus: Corpus, question: Question, sentence_id: int,
           cons: list[tuple[str, str, frozenset[str]]] | None = None,
           focus_lemmas: tuple[str, ...] | None = None, *,
           settings: Settings | None = None) -> Checks:
    """The constraint, focus, value and figure checks of one candidate; ``focus_lemmas`` are
    the English lemmas of the focus (the question's own, or their translations);
    ``settings``: ``near_chars`` and name matching (defaults without)."""
    ann = corpus.store.annotations[sentence_id]
    sent = corpus.store.sentences[sentence_id]
    para = ann.paragraph
    lem, plem = corpus.lemmas[sentence_id], corpus.paragraph_lemmas.get(para, frozenset())
    english = question.language == "en"
    fl = question.focus if focus_lemmas is None else focus_lemmas
    focus = _weighted_share(corpus, fl, lem)
    focus_para = _weighted_share(corpus, fl, lem | plem)
    cons = constraint_keys(corpus, question, settings=settings) if cons is None else cons
    met_s = met_p = 0
    unmet = []
    for kind, text, keys in cons:
        if kind == "name":
            in_s = bool(keys & corpus.keys[sentence_id])
            in_p = in_s or bool(keys & corpus.paragraph_keys.get(para, frozenset()))
        elif kind == "date":
            in_s = bool(keys & corpus.dates[sentence_id])
            in_p = in_s
        else:
            in_s = bool(keys & corpus.numbers[sentence_id])
            in_p = in_s
        met_s += in_s
        met_p += in_p
        if not in_p:
            unmet.append(text)
    n = len(cons)
    sources = question.sources
    value = near = 0.0
    if question.answer_type == "cause":
        value = near = float(bool(lem & CAUSAL))
    elif question.asks_value:
        qlow = question.text.lower()
        spans = [(s, e) for s, e in ann.values(question.answer_type)
                 if sent.text[s:e].lower() not in qlow]
        value = float(bool(spans))
        if spans:
            low = sent.text.lower()
            anchors = [m.start() for w in ((question.figure,) if english else ()) + tuple(fl)
                       if len(w) > 2
                       for m in re.finditer(re.escape(word_stem(w)), low)]
            near_chars = Settings.value(settings, "near_chars")
            near = float(any(abs(a - s) <= near_chars or abs(a - e) <= near_chars
                             for a in anchors for s, e in spans))
    return Checks(
        focus=focus,
        focus_para=focus_para,
        constraints=met_s / n if n else 1.0,
        constraints_para=met_p / n if n else 1.0,
        source=1.0 if not sources or sent.doc_id in sources else 0.0,
        value=value,
        figure=float(bool(question.figure) and question.figure in lem),
        unmet=tuple(unmet),
        value_near=near,
    )
