"""The verified question bank: human-written questions with sentence-level evidence (seeds/bank).

A new question is answered from a bank question's evidence only on a strict match: the two
questions are close (cosine of their vectors at least the threshold chosen on the dev split)
AND they agree on what is asked: the same answer type, the same thing counted, the same named
constraints (names, places, sources, dates, numbers) and mostly the same focus. "How many were
killed" and "how many were injured" are close in any encoder; they differ in what is counted,
so they never match. The bank is optional: a corpus without one is answered by the ranker.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from index.names import same_name
from qa.question import Question
from qa.settings import Settings

#: Answer types that one question may be asked as and another answered with.
_COMPATIBLE = {frozenset({"count", "quantity"}), frozenset({"date", "time"})}


def top_indices(values: np.ndarray, n: int) -> np.ndarray:
    """Indices of the ``n`` largest values, largest first (ties: lower index first), without
    sorting the whole array (a full sort of the bank's cosines cost ~1 ms a trace)."""
    n = min(max(n, 0), len(values))
    if n == 0:
        return np.empty(0, dtype=np.intp)
    idx = np.arange(len(values)) if n == len(values) else np.argpartition(-values, n - 1)[:n]
    return idx[np.lexsort((idx, -values[idx]))]


@dataclass(frozen=True)
class BankEntry:
    """One verified question of the bank, as stored in the index (seeds/bank/*.jsonl)."""

    row: int  #: row in the index's bank vectors
    id: str
    question: str
    lang: str
    answerable: bool
    evidence: tuple[tuple[str, str], ...]  #: (doc id, verbatim quote)
    reason: str  #: why the articles cannot answer (unanswerable entries)
    split: str

    @classmethod
    def from_item(cls, row: int, item: dict) -> BankEntry:
        ev = tuple((str(e["doc"]), str(e["quote"])) for e in item.get("evidence", []))
        return cls(row, str(item.get("id", row)), str(item["question"]),
                   str(item.get("lang", "en")), bool(item.get("answerable", True)), ev,
                   str(item.get("reason", "")), str(item.get("split", "dev")))


@dataclass(frozen=True)
class Match:
    """A bank question that a new question matched, and how closely."""

    entry: BankEntry
    cosine: float
    analysis: Question


def _types_agree(a: str, b: str) -> bool:
    return a == b or frozenset({a, b}) in _COMPATIBLE


def _constraints_agree(a: Question, b: Question, name_ratio: float | None = None) -> bool:
    def keys(q: Question, kind: str) -> list[str]:
        return [c.key for c in q.constraints if c.kind == kind]

    for kind in ("source", "date", "number"):
        if sorted(set(keys(a, kind))) != sorted(set(keys(b, kind))):
            return False
    na, nb = keys(a, "name"), keys(b, "name")
    return (all(any(same_name(x, y, name_ratio) for y in nb) for x in na)
            and all(any(same_name(x, y, name_ratio) for y in na) for x in nb))


def focus_overlap(a: Question, b: Question) -> float:
    """Jaccard overlap of two questions' focus lemmas (1.0 when both are empty)."""
    fa, fb = set(a.focus), set(b.focus)
    return len(fa & fb) / len(fa | fb) if fa | fb else 1.0


def agree(new: Question, known: Question, answerable: bool = True,
          evidence_lemmas: frozenset[str] = frozenset(),
          common: frozenset[str] = frozenset(), *, settings: Settings | None = None) -> bool:
    """True when two questions ask the same thing: type, counted thing, constraints, focus.

    Only questions in the same language are compared (across languages the lemmas are not
    comparable, and the bank holds questions in both). Beyond a mostly shared focus, the
    detail that decides a near miss must agree: every focus word of an unanswerable bank
    question is asked by the new one ("how many walked" is not "how many fled"), and every
    focus word of the new question is in the answerable bank question or its verified evidence
    ("how many police were injured" is not answered by "40 injured"). Stop words and
    ``common`` lemmas (found in many of the corpus's sentences, like "people") never decide.
    ``settings``: ``bank_min_focus_overlap`` and the index's ``same_name_ratio`` (defaults
    without)."""
    if new.language != known.language or not _types_agree(new.answer_type, known.answer_type):
        return False
    if bool(new.parts) != bool(known.parts):
        return False
    if not _constraints_agree(new, known,
                              settings.index.same_name_ratio if settings is not None else None):
        return False
    if (new.figure or known.figure) and new.figure != known.figure:
        return False
    if new.asked and new.asked not in known.focus:
        return False  # "What car did the police stop?" is not "How did the stop turn violent?"
    if focus_overlap(new, known) < Settings.value(settings, "bank_min_focus_overlap"):
        return False
    if not answerable:
        return near_miss_asked(new, known, common)
    if new.asks_name and not known.asks_name:
        return False  # "Who saved him?" may be answered by "one Kazakh"; "his name?" is not
    if evidence_lemmas:
        return _decisive(new.focus, common) <= set(known.focus) | evidence_lemmas
    return True


def _decisive(words, common: frozenset[str]) -> set[str]:
    return {w for w in words if w not in STOP_WORDS and w not in common}


def near_miss_asked(new: Question, known: Question, common: frozenset[str]) -> bool:
    """True when the new question asks every decisive focus word and every constraint (a
    place, name, date, number or outlet) of an unanswerable bank question: its missing detail
    ("… burned *in Sortobe*?" says nothing of "… burned?"); always True across languages
    (not comparable)."""
    if new.language != known.language:
        return True
    asked = {(c.kind, c.key) for c in new.constraints}
    return (_decisive(known.focus, common) <= set(new.focus)
            and all((c.kind, c.key) in asked for c in known.constraints))


class Bank:
    """The entries of the chosen splits, with their vectors, matched on demand."""

    def __init__(self, items: list[dict], vectors: np.ndarray, use_vectors: np.ndarray | None,
                 splits: tuple[str, ...], analyse,
                 evidence_lemmas: dict[str, frozenset[str]] | None = None,
                 common: frozenset[str] = frozenset(), *,
                 settings: Settings | None = None) -> None:
        """``analyse``: text → :class:`Question`, called on every match (memoise it);
        ``evidence_lemmas``: by entry id, the lemmas of its evidence sentences; ``common``:
        lemmas too frequent in the corpus to decide a near miss; ``settings``: the matching
        thresholds (``bank_*``; defaults without)."""
        self.evidence_lemmas = evidence_lemmas or {}
        self.common = common
        self.settings = settings
        entries = [BankEntry.from_item(i, it) for i, it in enumerate(items)]
        self.entries = [e for e in entries if e.split in splits]
        rows = np.asarray([e.row for e in self.entries], dtype=np.int64)
        self.vectors = vectors[rows] if len(rows) else np.zeros((0, vectors.shape[1]))
        self.use_vectors = (use_vectors[rows] if use_vectors is not None and len(rows)
                            else None)
        self.english = np.asarray([e.lang == "en" for e in self.entries], dtype=bool)
        self._split_by_language()
        self._analyse = analyse  # memoised by the caller (qa.engine.AnalysisMemo)

    def _split_by_language(self) -> None:
        """The English entries' MiniLM rows and the others' USE rows as contiguous arrays, so a
        question's cosines are two matrix products, not a masked copy of the bank each time."""
        self._en_rows = np.flatnonzero(self.english)
        self._other_rows = np.flatnonzero(~self.english)
        self._en_vectors = np.ascontiguousarray(self.vectors[self._en_rows])
        self._other_use = (np.ascontiguousarray(self.use_vectors[self._other_rows])
                           if self.use_vectors is not None else None)

    def prepare(self) -> None:
        """Analyse every entry now (warm-up), so matching never runs the parser on the bank."""
        many = getattr(self._analyse, "many", None)
        if many is not None:
            many([e.question for e in self.entries])
            return
        for e in self.entries:
            self._analyse(e.question)

    def analyse(self, text: str) -> Question:
        """The analysis of ``text`` through the bank's memo: a bank question's is the one made
        at :meth:`prepare` (training analyses its dev questions once, as bank entries)."""
        return self._analyse(text)

    def unanalysed(self) -> list[str]:
        """The entries' questions the memo holds no analysis of yet."""
        texts = [e.question for e in self.entries]
        unknown = getattr(self._analyse, "unknown", None)
        return unknown(texts) if unknown is not None else texts

    def analyses(self, texts: list[str]) -> dict[str, Question]:
        """``text -> analysis`` for ``texts``, the unknown ones analysed in batches."""
        many = getattr(self._analyse, "many", None)
        if many is not None:
            many(texts)
        return {t: self._analyse(t) for t in texts}

    def learn(self, analyses: dict[str, Question]) -> None:
        """Keep analyses another process made, so this one never makes them again."""
        learn = getattr(self._analyse, "learn", None)
        if learn is not None:
            learn(analyses)

    def subset(self, keep: list[int]) -> Bank:
        """A bank of the entries at positions ``keep`` (for learning curves)."""
        new = object.__new__(Bank)
        new.evidence_lemmas, new.common = self.evidence_lemmas, self.common
        new.settings = self.settings
        rows = np.asarray(sorted(keep), dtype=np.int64)
        new.entries = [self.entries[i] for i in rows]
        new.vectors = self.vectors[rows] if len(rows) else self.vectors[:0]
        new.use_vectors = (self.use_vectors[rows] if self.use_vectors is not None and len(rows)
                           else None)
        new.english = self.english[rows] if len(rows) else self.english[:0]
        new._split_by_language()
        new._analyse = self._analyse
        return new

    def __len__(self) -> int:
        return len(self.entries)

    def cosines(self, vector: np.ndarray | None, use_vector: np.ndarray | None,
                language: str) -> np.ndarray:
        """Cosine of the new question with every entry: MiniLM between English questions,
        multilingual USE across languages and between Russian ones (-1 where neither fits)."""
        return self.cosines_many([vector], [use_vector], language)[0]

    def cosines_many(self, vectors: list[np.ndarray | None],
                     use_vectors: list[np.ndarray | None], language: str) -> np.ndarray:
        """:meth:`cosines` of several questions in one language (a multi-part question and its
        parts), one row each, in one pass over the bank's vectors."""
        out = np.full((len(vectors), len(self.entries)), -1.0)
        if not self.entries or not vectors:
            return out

        def stacked(vs: list) -> tuple[list[int], np.ndarray | None]:
            rows = [i for i, v in enumerate(vs) if v is not None]
            return rows, (np.vstack([vs[i] for i in rows]).T if rows else None)

        english = [language == "en" and v is not None for v in vectors]
        rows, m = stacked([v if e else None for v, e in zip(vectors, english, strict=True)])
        if m is not None:
            out[np.ix_(rows, self._en_rows)] = (self._en_vectors @ m).T
            urows, u = stacked([u if e else None
                                for u, e in zip(use_vectors, english, strict=True)])
            if u is not None and self._other_use is not None:
                out[np.ix_(urows, self._other_rows)] = (self._other_use @ u).T
        if self.use_vectors is not None:  # Russian, or English without its MiniLM vector
            rows, u = stacked([u if not e else None
                               for u, e in zip(use_vectors, english, strict=True)])
            if u is not None:
                out[rows] = (self.use_vectors @ u).T
        return out

    def neighbours(self, vector: np.ndarray | None, use_vector: np.ndarray | None,
                   language: str, k: int = 5, exclude: str | frozenset[str] = "",
                   cos: np.ndarray | None = None) -> list[tuple[BankEntry, float]]:
        """The ``k`` closest entries (any agreement), closest first, leaving out the ids in
        ``exclude`` (one id or a set). ``cos``: :meth:`cosines`, when already computed."""
        skip = {exclude} if isinstance(exclude, str) else set(exclude)
        cos = self.cosines(vector, use_vector, language) if cos is None else cos
        out = []
        for j in top_indices(cos, k + len(skip)):
            e = self.entries[int(j)]
            if e.id not in skip and cos[j] > -1.0:
                out.append((e, float(cos[j])))
            if len(out) >= k:
                break
        return out

    def votes(self, vector: np.ndarray | None, use_vector: np.ndarray | None, language: str,
              exclude: str | frozenset[str] = "", question: Question | None = None,
              cos: np.ndarray | None = None) -> tuple[float, float]:
        """(share of unanswerable among the closest entries, weighted by cosine; the closest
        cosine): how verified questions like this one were judged. An unanswerable neighbour
        whose missing detail the question does not ask (a near miss) does not vote."""
        near = self.neighbours(vector, use_vector, language,
                               Settings.value(self.settings, "bank_neighbours"), exclude, cos)
        if question is not None:
            near = [(e, c) for e, c in near if e.answerable
                    or near_miss_asked(question, self._analyse(e.question), self.common)]
        if not near:
            return 0.0, 0.0
        weights = np.asarray([max(c, 0.0) for _, c in near]) + 1e-6
        un = np.asarray([0.0 if e.answerable else 1.0 for e, _ in near])
        return float((weights * un).sum() / weights.sum()), near[0][1]

    def match(self, question: Question, vector: np.ndarray | None,
              use_vector: np.ndarray | None, min_cosine: float, min_cosine_use: float,
              exclude: str = "", cos: np.ndarray | None = None) -> Match | None:
        """The closest entry above the threshold that agrees with the question, or None.

        ``exclude`` leaves one entry id out (for leave-one-out tuning); ``cos``:
        :meth:`cosines`, when already computed."""
        cos = self.cosines(vector, use_vector, question.language) if cos is None else cos
        for j in top_indices(cos, Settings.value(self.settings, "bank_match_candidates")):
            e = self.entries[int(j)]
            same_model = question.language == "en" and e.lang == "en"
            floor = min_cosine if same_model else min_cosine_use
            if cos[j] < floor or e.id == exclude:
                continue
            known = self._analyse(e.question)
            if agree(question, known, e.answerable, self.evidence_lemmas.get(e.id, frozenset()),
                     self.common, settings=self.settings):
                return Match(e, float(cos[j]), known)
        return None
