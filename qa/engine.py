"""The answering engine: holds the loaded index, models and bank; answers questions; builds the
catalogue of contested points. I/O (index loading, seed checks) happens here and nowhere else
in qa/.

The path of one question (:meth:`Engine.trace`, shared by :meth:`answer` and
:meth:`diagnose`): analyse → encode → candidates → rank → bank match → confidence and
answerability → refusal reason. :meth:`answer` then selects quotes, finds answer spans,
numbers the citations, finds disagreements and composes the text.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path

import numpy as np

from index.atomic import read_pickle, write_pickle
from index.corpus import BANK_DIR
from index.embed import Embedder, minilm, minilm_for_questions, use
from index.store import load_or_build
from index.text import is_russian, terms
from qa.bank import Bank, BankEntry, Match
from qa.contested import asks, disagreements_for, discover_points, load_labels, point_sentences
from qa.followup import person_names, resolve
from qa.inputs import check_question
from qa.present.markdown import answer_text, number_citations
from qa.question import Question, analyse, split_parts
from qa.rank import Models, Ranked, rank
from qa.refuse import refusal_reason
from qa.retrieve import Corpus, Query, candidates, prepare, unknown_names
from qa.select import answer_span, select
from qa.settings import Settings
from qa.translate import english_terms, phrase_terms
from qa.types import CANNOT_ANSWER, Answer, Citation, ContestedPoint, Evidence, Part

Progress = Callable[[str], None]
#: Optional editor labels for discovered points, beside the articles.
POINT_LABELS = "points.toml"


def _silent(_: str) -> None:
    return None


def seeds_fingerprint(seeds_dir: Path) -> tuple:
    """Cheap identity of the seed files (names, sizes, mtimes) to notice edits at run time:
    checked on every answer, so it lists the two folders with ``os.scandir`` (one stat per file;
    ``Path.glob`` and two ``stat`` calls per file cost ~4 ms an answer with the bank's files)."""
    return (*_stats(seeds_dir, (".txt", ".toml", ".jsonl")),
            *_stats(seeds_dir / BANK_DIR, (".jsonl",)))


def _stats(folder: Path, suffixes: tuple[str, ...]) -> list[tuple[str, int, int]]:
    try:
        with os.scandir(folder) as entries:
            found = [(e.name, e.stat()) for e in entries
                     if e.name.endswith(suffixes) and e.is_file()]
    except OSError:
        return []
    return sorted((name, st.st_size, st.st_mtime_ns) for name, st in found)


@dataclass(frozen=True)
class Loaded:
    """Everything one index generation answers with; replaced whole on a reload."""

    corpus: Corpus
    bank: Bank
    fingerprint: tuple
    points: tuple[ContestedPoint, ...]  #: the catalogue, discovered from the claims
    point_vectors: np.ndarray | None = None  #: USE vectors of the figure points' counted things
    #: names the parser tags PERSON more often than anything else across the articles
    persons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Trace:
    """Everything decided about one question before quotes are chosen."""

    question: Question
    query: Query
    ranked: Ranked
    unknown: tuple[str, ...]
    match: Match | None
    p_answerable: float
    confidence: float
    reason: str  #: non-empty when the answer is a refusal
    #: the sentences stating the figure it asks for (:meth:`Engine.statements`)
    statements: frozenset[int] = frozenset()


class Engine:
    """Loads (or builds) the index on first use and reloads it when a seed file changes."""

    def __init__(self, settings: Settings | None = None, progress: Progress = _silent,
                 embedder: Embedder | None = None, use_embedder: Embedder | None = None,
                 nlp=None):
        self.settings = settings or Settings.from_env()
        self.progress = progress
        self._embedder = embedder
        self._use_embedder = use_embedder
        self._nlp = nlp
        self._loaded: Loaded | None = None
        self._lock = threading.Lock()
        self._vectors: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.models = Models.load(self.settings.model_file)

    # -- loading -------------------------------------------------------------------------
    def loaded(self) -> Loaded:
        """The current index generation, loading or rebuilding it if needed."""
        fp = seeds_fingerprint(self.settings.index.seeds_dir)
        current = self._loaded
        if current is not None and fp == current.fingerprint:
            return current
        with self._lock:
            fp = seeds_fingerprint(self.settings.index.seeds_dir)
            if self._loaded is None or fp != self._loaded.fingerprint:
                if self._loaded is not None:
                    self.progress("A seed file changed; reloading the index …")
                store = load_or_build(self.settings.index, self.progress, self.embedder,
                                      self.use_embedder if self.settings.index.multilingual
                                      else None)
                corpus = prepare(store)
                bank = self.bank_of(corpus)
                self.progress("Finding the points the sources disagree on …")
                points = tuple(discover_points(
                    store.sentences, store.claims,
                    {d: a.source for d, a in store.articles.items()}, self.embedder.encode,
                    texts={d: a.text for d, a in store.articles.items()},
                    sentence_vectors=store.sentence_vectors,
                    labels=load_labels(self.settings.index.seeds_dir / POINT_LABELS),
                    settings=self.settings))
                counted = [p for p in points if p.kind == "figure" and p.counts]
                vectors = (self.use_embedder.encode([p.counts[0] for p in counted])
                           if counted and self.settings.index.multilingual else None)
                self._loaded = Loaded(corpus, bank, fp, points, vectors,
                                      person_names(store.sentences, store.annotations))
        return self._loaded

    def bank_of(self, corpus: Corpus, splits: tuple[str, ...] | None = None) -> Bank:
        """The bank of ``splits`` (default: the settings' splits), without entries an edited
        seed made stale. The one constructor: the run-time bank and training's dev bank see
        the same evidence lemmas and common lemmas."""
        store = corpus.store
        lemmas = {str(item.get("id")): _evidence_lemmas(item, corpus) for item in store.bank}
        bank = Bank(store.bank, store.bank_vectors, store.bank_use_vectors,
                    self.settings.bank_splits if splits is None else splits,
                    ANALYSES.analyser(self.nlp, corpus.aliases,
                                      self.settings.index.shared_cache_dir), lemmas,
                    _common_lemmas(corpus, self.settings.bank_common_share),
                    settings=self.settings)
        return bank.subset([j for j, e in enumerate(bank.entries)
                            if _still_verbatim(e, store.articles)])

    def replace_bank(self, bank: Bank | None) -> None:
        """Answer with another bank (None: the one built from the settings' splits again)."""
        loaded = self.loaded()
        if bank is None:
            bank = self.bank_of(loaded.corpus)
        self._loaded = replace(loaded, bank=bank)

    def corpus(self) -> Corpus:
        """The prepared corpus of the current index."""
        return self.loaded().corpus

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = (minilm_for_questions(self.settings.index.shared_cache_dir,
                                                   self.settings.onnx_int8)
                              if self.settings.onnx_questions else minilm())
        return self._embedder

    @property
    def use_embedder(self) -> Embedder:
        if self._use_embedder is None:
            self._use_embedder = use()
        return self._use_embedder

    @property
    def nlp(self):
        if self._nlp is None:
            from index.nlp import english

            self._nlp = english()
        return self._nlp

    def warm_up(self) -> None:
        """Load everything a first question needs, so it answers at warm speed."""
        self.loaded()
        self.embedder.encode(["warm up"])
        if self.settings.index.multilingual:
            self.use_embedder.encode(["разогрев"])
        analyse("How many people were killed in Masanchi?", self.nlp)
        analyse("Сколько человек погибло?", self.nlp)
        self.loaded().bank.prepare()
        ANALYSES.save()
        self.query(analyse("Сколько человек погибло?", self.nlp))  # the dictionary

    # -- the path of one question ----------------------------------------------------------
    def models_for(self, language: str) -> tuple[str, ...]:
        """The encoders a question in ``language`` is embedded with."""
        return (("minilm",) if language == "en" else ()) + (
            ("use",) if self.settings.index.multilingual else ())

    def vectors(self, texts: list[str], language: str) -> dict[tuple[str, str], np.ndarray]:
        """Every encoder's vector of each text, keyed by (encoder, text): the texts not in the
        cache are encoded in one batch per encoder (a multi-part question and its parts cost
        about one forward pass, not one each)."""
        out = {}
        for model in self.models_for(language):
            missing = []
            for text in dict.fromkeys(texts):
                if (hit := self._cached(model, text)) is None:
                    missing.append(text)
                else:
                    out[model, text] = hit
            if missing:
                for text, vector in zip(missing, self._encoder(model).encode(missing),
                                        strict=True):
                    out[model, text] = self._remember(model, text, vector)
        return out

    def query(self, question: Question, corpus: Corpus | None = None,
              vectors: dict[tuple[str, str], np.ndarray] | None = None) -> Query:
        """Vectors and English terms for retrieval; a Russian question's focus and names are
        translated into English (qa.translate: a bilingual dictionary, transliteration).
        ``vectors``: from :meth:`vectors`, when already computed."""
        text = question.text
        have = vectors if vectors is not None else self.vectors([text], question.language)
        vec = have.get(("minilm", text)) if question.language == "en" else None
        use_vec = have.get(("use", text)) if self.settings.index.multilingual else None
        if question.language == "en":
            return Query(question, tuple(terms(text)), question.focus, question.figure, vec,
                         use_vec)
        corpus = corpus or self.corpus()
        vocab = corpus.lemma_set
        # the words as written, not their lemmas: an inflected form keeps what the lemma loses
        # (a surname read as a common noun: "Токаев" -> "токай"; "беспорядки" -> disturbance)
        english = tuple(english_terms(question.focus_phrase.split() or list(question.focus),
                                      vocabulary=vocab,
                                      per_word=self.settings.translations_per_word))
        english = tuple(dict.fromkeys([*english, *phrase_terms(list(question.focus), vocab)]))
        figure = self.counted_thing(question) if question.figure else ""
        return Query(question, tuple(terms(" ".join(english))), english, figure, vec, use_vec)

    def _encode(self, model: str, text: str) -> np.ndarray:
        """One question's vector from ``model`` ("minilm" or "use"), remembered for the last
        ``Settings.query_cache`` questions (a repeated question is not encoded again)."""
        if (hit := self._cached(model, text)) is not None:
            return hit
        return self._remember(model, text, self._encoder(model).encode([text])[0])

    def _encoder(self, model: str):
        return self.embedder if model == "minilm" else self.use_embedder

    def _cached(self, model: str, text: str) -> np.ndarray | None:
        """The remembered vector of ``text`` (marked recently used), or None."""
        with self._cache_lock:
            if (hit := self._vectors.get((model, text))) is not None:
                self._vectors.move_to_end((model, text))
            return hit

    def _remember(self, model: str, text: str, vector: np.ndarray) -> np.ndarray:
        """``vector`` made read-only and kept for the last ``Settings.query_cache`` questions."""
        key = (model, text)
        vector.setflags(write=False)
        if self.settings.query_cache > 0:
            with self._cache_lock:
                self._vectors[key] = vector
                while len(self._vectors) > self.settings.query_cache:
                    self._vectors.popitem(last=False)
        return vector

    def english_of(self, corpus: Corpus) -> Callable[[str], list[str]]:
        """A Russian word's English renderings (dictionary senses, transliterations)."""
        vocab = corpus.lemma_set
        return lambda word: english_terms([word.lower()], vocabulary=vocab,
                                          per_word=self.settings.translations_per_word)

    def counted_thing(self, question: Question) -> str:
        """What a Russian count question counts, in the articles' English: the counted phrase
        of the figure point whose multilingual vector is closest to the question's figure word
        (at least ``point_min_cosine``), else the dictionary's first translation."""
        loaded = self.loaded()
        counted = [p for p in loaded.points if p.kind == "figure" and p.counts]
        if loaded.point_vectors is not None and counted:
            cos = loaded.point_vectors @ self._encode("use", question.figure)
            best = int(np.argmax(cos))
            if cos[best] >= self.settings.point_min_cosine:
                return counted[best].counts[0].split()[-1]
        options = english_terms([question.figure], vocabulary=loaded.corpus.lemma_set,
                                per_word=1)
        return options[0] if options else ""

    def trace(self, text: str, loaded: Loaded | None = None, exclude_bank: str = "", *,
              question: Question | None = None,
              vectors: dict[tuple[str, str], np.ndarray] | None = None,
              bank_cos: np.ndarray | None = None) -> Trace:
        """Analyse, retrieve, rank, match the bank and decide refusal for a checked question
        (``question``: its analysis when already made, e.g. a part of a multi-part question
        with the constraints it inherits; ``vectors``: from :meth:`vectors`; ``bank_cos``: its
        cosines with the bank, when already computed)."""
        loaded = loaded or self.loaded()
        corpus = loaded.corpus
        question = question or analyse(text, self.nlp, aliases=corpus.aliases)
        query = self.query(question, corpus, vectors)
        unknown = tuple(unknown_names(corpus, question, self.english_of(corpus),
                                      settings=self.settings))
        statements = self.statements(loaded, query)
        if bank_cos is None:
            bank_cos = loaded.bank.cosines(query.vector, query.use_vector, question.language)
        votes = loaded.bank.votes(query.vector, query.use_vector, question.language,
                                  exclude=exclude_bank, question=question, cos=bank_cos)
        ranked = rank(corpus, query, candidates(corpus, query, self.settings, statements),
                      self.models, bool(unknown), votes, settings=self.settings)
        qf = ranked.question_features
        p_answerable = float(self.models.answerable.probability(qf[None, :])[0])
        confidence = float(self.models.confidence.probability(qf[None, :])[0])
        match = None
        if len(loaded.bank):
            match = loaded.bank.match(question, query.vector, query.use_vector,
                                      self.settings.bank_min_cosine,
                                      self.settings.bank_min_cosine_use, exclude=exclude_bank,
                                      cos=bank_cos)
        if match is not None:
            reason = "" if match.entry.answerable else (
                match.entry.reason or refusal_reason(question, list(unknown), ranked.checks,
                                                     0.0, 1.0, settings=self.settings))
            return Trace(question, query, ranked, unknown, match, p_answerable,
                         self.settings.bank_confidence, reason, statements)
        reason = refusal_reason(question, list(unknown), ranked.checks, p_answerable,
                                self.models.threshold(question.language), settings=self.settings)
        return Trace(question, query, ranked, unknown, None, p_answerable, confidence, reason,
                     statements)

    def traces(self, text: str, loaded: Loaded | None = None, *,
               question: Question | None = None) -> tuple[Trace, tuple[Trace, ...]]:
        """The trace of a checked, standalone question and those of its parts (a multi-part
        question is refused only when the whole and every part are; ``question``: its
        analysis when already made)."""
        loaded = loaded or self.loaded()
        whole = question or analyse(text, self.nlp, aliases=loaded.corpus.aliases)
        texts = [whole.text, *(p.text for p in whole.parts)]
        vectors = self.vectors(texts, whole.language)
        cos = loaded.bank.cosines_many(  # the whole and its parts in one pass over the bank
            [vectors.get(("minilm", t)) for t in texts], [vectors.get(("use", t)) for t in texts],
            whole.language)
        t = self.trace(text, loaded, question=whole, vectors=vectors, bank_cos=cos[0])
        return t, tuple(self.trace(p.text, loaded, question=p, vectors=vectors, bank_cos=c)
                        for p, c in zip(whole.parts, cos[1:], strict=True))

    @staticmethod
    def statements(loaded: Loaded, query: Query) -> frozenset[int]:
        """Every sentence stating the figure a count question asks for (only the named
        outlets' when the question names some)."""
        if not query.figure:
            return frozenset()
        found = (i for p in loaded.points if p.kind == "figure" and asks(p, query.figure)
                 for i in point_sentences(p))
        named = set(query.question.sources)
        sentences = loaded.corpus.store.sentences
        return frozenset(i for i in found if not named or sentences[i].doc_id in named)

    def diagnose(self, question: str) -> dict:
        """What :meth:`trace` decided, as plain data (for calibration and maintainers)."""
        checked = check_question(question, self.settings.max_question_chars)
        if checked.problem:
            return {"invalid": True, "problem": checked.problem}
        t = self.trace(checked.text)
        return {
            "invalid": False, "language": t.question.language,
            "answer_type": t.question.answer_type, "focus": list(t.question.focus),
            "figure": t.question.figure,
            "constraints": [(c.kind, c.text) for c in t.question.constraints],
            "unknown": list(t.unknown), "p_answerable": t.p_answerable,
            "confidence": t.confidence, "reason": t.reason,
            "bank": t.match.entry.id if t.match else "",
            "top": [(int(i), float(p)) for i, p in zip(t.ranked.ids[:5],
                                                      t.ranked.probability[:5], strict=False)],
        }

    # -- answering -----------------------------------------------------------------------
    def resolve(self, text: str, history: list | None, loaded: Loaded) -> str:
        """The standalone question a follow-up asks, given the earlier turns (oldest first);
        ``text`` itself when it stands alone or there is no history."""
        if not history:
            return text
        corpus = loaded.corpus
        res = resolve(
            text, history, lambda t: analyse(t, self.nlp, aliases=corpus.aliases),
            aliases=corpus.aliases, person_names=loaded.persons,
            outlets={d: a.source.name for d, a in corpus.store.articles.items()}, nlp=self.nlp,
            answer_of=lambda t: self.answer(t).to_dict(), max_turns=self.settings.max_history,
            answer_near_chars=self.settings.answer_near_chars)
        return res.text if res.text.strip() else text

    def answer(self, question: str, history: list | None = None) -> Answer:
        """Answer with verbatim quotes, or refuse; never raises on bad input. ``history``: the
        earlier turns, oldest first (strings, or objects with at least ``"question"``); a
        follow-up is answered as the standalone question it resolves to."""
        t0 = time.perf_counter()
        checked = check_question(question, self.settings.max_question_chars)
        if checked.problem:
            shown = question if isinstance(question, str) else repr(question)
            shown = shown[: self.settings.max_question_chars]  # never echo a huge input whole
            return Answer(question=shown, refused=True, text=checked.problem, status="invalid",
                          message=checked.problem)
        loaded = self.loaded()
        corpus = loaded.corpus
        try:
            earlier = _clean_history(history, self.settings.max_question_chars)
            standalone = self.resolve(checked.text, earlier, loaded)
        except Exception as exc:  # a history we cannot use never stops the answer, but says so
            print(f"[qa] follow-up not resolved ({type(exc).__name__}: {exc}); answered as "
                  "asked", file=sys.stderr)
            standalone = checked.text
        resolved = standalone if standalone != checked.text else ""
        t, part_traces = self.traces(standalone, loaded)
        if t.reason and any(not sub.reason for sub in part_traces):
            t = replace(t, reason="")  # answer the parts it can; the others say why not
        timings = {"analyse_rank": (time.perf_counter() - t0) * 1000}
        basis = "verified" if t.match else "ranked"
        bank_id = t.match.entry.id if t.match else ""
        if t.reason:
            timings["total"] = (time.perf_counter() - t0) * 1000
            refusal = Answer(question=question, refused=True, text=CANNOT_ANSWER,
                             status="refused", message=t.reason, language=t.question.language,
                             timings_ms=timings, confidence=round(min(t.confidence, 1.0), 4),
                             basis=basis, bank_id=bank_id, resolved_question=resolved)
            return replace(refusal, text=answer_text(refusal, {}))
        picked = self._pick(t, loaded, part_traces)
        sources = {d: a.source for d, a in corpus.store.articles.items()}
        citations = number_citations([e for e, _ in picked], sources)
        span_of = {(e.doc_id, e.start): span for e, span in picked}
        prob_of = {(e.doc_id, e.start): e.score for e, _ in picked}
        citations = [replace(c, score=round(prob_of[c.doc_id, c.start], 4),
                             **_span_fields(span_of[c.doc_id, c.start])) for c in citations]
        for c in citations:  # the invariant, checked against the text the index was built on
            if corpus.store.articles[c.doc_id].text[c.start:c.end] != c.quote:
                raise RuntimeError(f"quote [{c.n}] does not match {c.doc_id}; index is stale")
        first = next(c for c in citations if (c.doc_id, c.start) == (picked[0][0].doc_id,
                                                                      picked[0][0].start))
        citations = _first_first(citations, first)
        disagreements = self._disagreements(loaded, citations, t.query.figure)
        parts = self._parts(t.question, part_traces, corpus, citations)
        timings["total"] = (time.perf_counter() - t0) * 1000
        confidence = float(min(max(t.confidence, 0.0), 1.0))
        answered = Answer(question=question, refused=False, text="", citations=tuple(citations),
                          disagreements=tuple(disagreements), language=t.question.language,
                          timings_ms=timings, confidence=round(confidence, 4), basis=basis,
                          confident=confidence >= self.settings.confident_at,
                          likely=confidence >= self.settings.likely_at, parts=parts,
                          bank_id=bank_id, resolved_question=resolved)
        return replace(answered, text=answer_text(answered, sources))

    def _pick(self, t: Trace, loaded: Loaded, part_traces: tuple[Trace, ...] = ()
              ) -> list[tuple[Evidence, tuple[int, int] | None]]:
        """The quotes (best first) with their answer spans: from the bank entry's verified
        evidence when matched, else chosen from the ranked candidates, with the best sentence
        of each part of a multi-part question that is not refused (``part_traces``)."""
        corpus = loaded.corpus
        store = corpus.store
        prob = {sid: float(p) for sid, p in zip(t.ranked.ids, t.ranked.probability,
                                                strict=True)}
        out: list[tuple[Evidence, tuple[int, int] | None]] = []
        stated = self._stated_values(loaded, t.query)

        def span_in(sid: int) -> tuple[int, int] | None:
            """The asked figure as the claim extractor read it, else the parse's value."""
            if sid in stated:
                return stated[sid]
            return answer_span(corpus, t.question, sid, t.query)

        if t.match is not None:
            for doc, quote in t.match.entry.evidence:
                start, sids = corpus.quote_sentences(doc, quote)
                if start < 0:
                    continue
                p = max((prob.get(s, 0.0) for s in sids), default=0.0)
                span = None
                sp = span_in(sids[0]) if sids else None
                if sp is not None:
                    sent = store.sentences[sids[0]]
                    a, b = sp[0] + sent.start - start, sp[1] + sent.start - start
                    span = (a, b) if 0 <= a < b <= len(quote) else None
                out.append((Evidence(sids[0] if sids else -1, doc, start, start + len(quote),
                                     quote, p), span))
            out.sort(key=lambda x: -x[0].score)
            if out:
                return out
        chosen = select(t.ranked, corpus, t.question, self.settings, t.statements)
        for sub in part_traces:
            if not sub.reason and sub.ranked.ids and sub.ranked.ids[0] not in chosen:
                chosen.append(sub.ranked.ids[0])
                prob.setdefault(sub.ranked.ids[0], float(sub.ranked.probability[0]))
        for sid in chosen:
            s = store.sentences[sid]
            out.append((Evidence(sid, s.doc_id, s.start, s.end, s.text, prob.get(sid, 0.0)),
                        span_in(sid)))
        return out

    @staticmethod
    def _stated_values(loaded: Loaded, query: Query) -> dict[int, tuple[int, int]]:
        """Sentence id → offsets (inside the sentence) of the figure a count question asks
        for, from the claims of the points that count it; a sentence stating two different
        values of the asked figure is left to :func:`qa.select.answer_span`."""
        if not query.figure:
            return {}
        sentences = loaded.corpus.store.sentences
        found: dict[int, set[tuple[int, int]]] = {}
        for p in loaded.points:
            if p.kind != "figure" or not asks(p, query.figure):
                continue
            for c in p.claims:
                if not 0 <= c.sentence_id < len(sentences) or c.note:
                    continue
                text = sentences[c.sentence_id].text
                at = text.find(c.value)
                if at >= 0 and text.count(c.value) == 1:
                    found.setdefault(c.sentence_id, set()).add((at, at + len(c.value)))
        return {sid: next(iter(spans)) for sid, spans in found.items() if len(spans) == 1}

    @staticmethod
    def _parts(question: Question, part_traces: tuple[Trace, ...], corpus: Corpus,
               citations: list[Citation]) -> tuple[Part, ...]:
        """Per part of a multi-part question, the citations whose sentence answers it best."""
        out = []
        for part, sub in zip(question.parts, part_traces, strict=True):
            if sub.reason:
                out.append(Part(part.text, (), sub.reason))
                continue
            top = set(sub.ranked.ids[:3])
            ns = tuple(c.n for c in citations
                       if top & set(corpus.sentences_overlapping(c.doc_id, c.start, c.end)))
            out.append(Part(part.text, ns) if ns else Part(
                part.text, (), "The quotes above do not answer this part."))
        return tuple(out)

    def _disagreements(self, loaded: Loaded, citations: list[Citation], asked: str) -> list:
        """The contested points the answer's quotes speak to (the asked figure's only, when the
        question asks for one)."""
        corpus = loaded.corpus
        sent_of = {c.n: ids[0] for c in citations
                   if (ids := corpus.sentences_overlapping(c.doc_id, c.start, c.end))}
        return disagreements_for(loaded.points, sent_of, asked or None)

    # -- catalogue -----------------------------------------------------------------------
    def catalogue(self) -> list[ContestedPoint]:
        """Every point the sources give figures or accounts for, discovered from the claims
        extracted at index time (contested ones have ``contested=True``)."""
        return list(self.loaded().points)


def _common_lemmas(corpus: Corpus, share: float) -> frozenset[str]:
    """Lemmas found in at least ``share`` of the corpus's sentences."""
    anns = corpus.store.annotations
    counts = Counter(lemma for a in anns for lemma in set(a.lemmas))
    return frozenset(w for w, n in counts.items() if n >= share * max(len(anns), 1))


def _evidence_lemmas(item: dict, corpus: Corpus) -> frozenset[str]:
    """The content lemmas of the sentences a bank item's evidence quotes."""
    out: set[str] = set()
    for ev in item.get("evidence", []):
        for sid in corpus.quote_sentences(str(ev.get("doc")), str(ev.get("quote", "")))[1]:
            out.update(corpus.store.annotations[sid].lemmas)
    return frozenset(out)


def _still_verbatim(entry: BankEntry, articles: dict) -> bool:
    """A verified question is still verified only while all its evidence is in the articles
    as they are now (an edited seed file makes it stale: the ranker answers instead)."""
    return all(doc in articles and quote in articles[doc].text for doc, quote in entry.evidence)


class AnalysisMemo:
    """Bank questions analysed once per version of the analysing code: in memory for every
    engine of this process (each engine used to parse the whole bank again, ~40 s), and on disk
    in ``shared_cache_dir`` for the next process (a test's server or CLI, the app's workers, a
    restart: 11,422 questions took 64 s to parse). A file is keyed by a hash of the project's
    code (qa/, index/) as this process loaded it, the installed packages' versions, the pipeline
    and the outlets, so any change that could change an analysis starts afresh; at most
    :attr:`KEEP` files are kept."""

    FILE = "bank_analyses-{}.pkl"
    KEEP = 4
    #: questions a spaCy ``pipe`` batch holds when a bank is analysed at once
    batch_size = 256

    def __init__(self) -> None:
        #: (pipeline, outlets, file or None) -> text -> analysis; a file's table is read once
        self._tables: dict[tuple, dict[str, Question]] = {}
        self._dirty: set[tuple] = set()
        self._lock = threading.Lock()

    def analyser(self, nlp, aliases: dict[str, str],
                 folder: Path | None) -> Callable[[str], Question]:
        """``analyse`` for bank questions through the memo (the key holds ``nlp`` itself, so a
        pipeline's identity is never reused for another)."""
        outlets = tuple(sorted(aliases.items()))
        path = folder / self.FILE.format(_analysis_key(nlp, outlets)) if folder else None
        key = (nlp, outlets, path)
        with self._lock:
            if key not in self._tables:
                stored = read_pickle(path) if path is not None else None
                self._tables[key] = dict(stored) if isinstance(stored, dict) else {}
            table = self._tables[key]

        def run(text: str) -> Question:
            if (known := table.get(text)) is None:
                known = table[text] = analyse(text, nlp, aliases=aliases)
                if path is not None:
                    self._dirty.add(key)
            return known

        def many(texts: list[str]) -> None:
            """Analyse every text not yet known, the English ones parsed in batches (spaCy's
            ``pipe`` parses a bank ~3x faster than one call a question)."""
            missing = [t for t in dict.fromkeys(texts) if t not in table]
            if not missing:
                return
            parse = _BatchParsed(nlp, missing, self.batch_size)
            for text in missing:
                table[text] = analyse(text, parse, aliases=aliases)
            if path is not None:
                self._dirty.add(key)

        def unknown(texts: list[str]) -> list[str]:
            """The texts with no analysis yet, once each."""
            return [t for t in dict.fromkeys(texts) if t not in table]

        def learn(analyses: dict[str, Question]) -> None:
            """Keep analyses made elsewhere (another process of the same code and pipeline)."""
            table.update(analyses)
            if path is not None and analyses:
                self._dirty.add(key)

        run.many, run.unknown, run.learn = many, unknown, learn
        return run

    def save(self) -> None:
        """Write the files that gained analyses and drop all but the newest :attr:`KEEP`."""
        with self._lock:
            dirty, self._dirty = self._dirty, set()
            for key in dirty:
                path = key[2]
                try:
                    write_pickle(path, self._tables[key])
                    old = sorted(path.parent.glob(self.FILE.format("*")),
                                 key=lambda p: p.stat().st_mtime, reverse=True)
                    for stale in old[self.KEEP:]:
                        stale.unlink(missing_ok=True)
                except OSError:
                    pass  # a read-only cache folder: the next process parses again


class _BatchParsed:
    """``nlp`` for a known set of texts: the English ones (and the parts of multi-part ones)
    parsed up front with ``nlp.pipe``; any other text is parsed when asked. The same docs as
    one call each, so the analyses are the same."""

    def __init__(self, nlp, texts: list[str], batch_size: int) -> None:
        self._nlp = nlp
        todo = [t for t in texts if not is_russian(t)]
        todo = list(dict.fromkeys(todo + [p for t in todo for p in split_parts(t)]))
        pipe = getattr(nlp, "pipe", None)
        self._docs = dict(zip(todo, pipe(todo, batch_size=batch_size), strict=True)
                          ) if pipe is not None and todo else {}

    def __call__(self, text: str):
        doc = self._docs.get(text)
        return doc if doc is not None else self._nlp(text)


def _code_fingerprint() -> bytes:
    """The project's code (qa/, index/) and every installed package's version, read once, when
    this module is imported: the code on disk may change while the process runs, and analyses
    made by the loaded code must not be filed under the new code's key."""
    h = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent
    for folder in ("qa", "index"):
        for f in sorted((root / folder).rglob("*.py")):
            h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes())
    h.update(repr(sorted((d.metadata["Name"] or "", d.version)
                         for d in metadata.distributions())).encode())
    return h.digest()


_CODE_FINGERPRINT = _code_fingerprint()


def _analysis_key(nlp, outlets: tuple) -> str:
    """Hash of what an analysis depends on: the code and packages, the pipeline, the outlets."""
    meta = getattr(nlp, "meta", {}) or {}
    h = hashlib.sha256(_CODE_FINGERPRINT)
    h.update(repr((meta.get("name"), meta.get("version"), getattr(nlp, "pipe_names", None),
                   outlets)).encode())
    return h.hexdigest()[:20]


#: The process's memo, shared by every engine.
ANALYSES = AnalysisMemo()


def _clean_history(history: object, max_chars: int) -> list:
    """The usable earlier turns: strings, or dicts with a string "question" (others dropped),
    each question cut to ``max_chars`` (``Settings.max_question_chars``)."""
    if not isinstance(history, list | tuple):
        return []
    out = []
    for h in history:
        if isinstance(h, str) and h.strip():
            out.append(h[:max_chars])
        elif isinstance(h, dict) and isinstance(h.get("question"), str):
            turn = {k: v for k, v in h.items() if k in ("question", "resolved_question", "answer")}
            turn["question"] = turn["question"][:max_chars]
            out.append(turn)
    return out


def _span_fields(span: tuple[int, int] | None) -> dict:
    return {"answer_start": span[0], "answer_end": span[1]} if span else {}


def _first_first(citations: list[Citation], first: Citation) -> list[Citation]:
    """Renumber so the best quote is [1] (the contract's "first quote"), keeping the rest in
    the order number_citations gave (grouped by source, in text order)."""
    rest = [c for c in citations if c is not first]
    return [replace(c, n=i) for i, c in enumerate([first, *rest], start=1)]


