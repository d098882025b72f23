"""Choose the quotes that fit the question, and the exact answer span inside each. Pure functions.

- One sentence when one answers: a value question whose first candidate is probable and
  clearly ahead is quoted alone.
- Every source's statement when the question is about a figure: each article's (each named
  outlet's) best sentence that states a value of what is counted.
- Each source's best quote above the floor when the question compares the sources
  (``Question.compares``).
- Otherwise the candidates whose probability is close to the best one's, never padded with
  near-misses below the floor, at most a few per article, no near-duplicates (quotes of one
  article whose lemma sets overlap ``Settings.near_duplicate``).
"""

from __future__ import annotations

import re
from collections import Counter

from qa.question import Question
from qa.rank import Ranked
from qa.retrieve import Corpus, Query, word_stem
from qa.settings import Settings

#: Words before a number that belong to the value ("more than 170", "about 400").
_QUALIFIER = re.compile(
    r"(?:more than|over|about|around|approximately|nearly|almost|some|at least|fewer than|"
    r"up to|at|by|a total of|just)\s+$", re.IGNORECASE)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def select(ranked: Ranked, corpus: Corpus, question: Question, settings: Settings,
           statements: frozenset[int] = frozenset()) -> list[int]:
    """Sentence ids to quote, best first. ``statements``: the sentences that state the figure
    a count question asks for (from the claims); each source's best one is quoted."""
    if not ranked.ids:
        return []
    p = ranked.probability
    best = float(p[0])
    chosen: list[int] = []
    per_doc: Counter[str] = Counter()

    def take(j: int, cap: int) -> bool:
        sid = ranked.ids[j]
        doc = corpus.store.sentences[sid].doc_id
        if sid in chosen or per_doc[doc] >= cap:
            return False
        lem = corpus.lemmas[sid]
        if any(corpus.store.sentences[c].doc_id == doc
               and _jaccard(lem, corpus.lemmas[c]) >= settings.near_duplicate for c in chosen):
            return False
        chosen.append(sid)
        per_doc[doc] += 1
        return True

    def each_source(accept, first_counts: bool) -> None:
        """Each article's best candidate that ``accept(j)`` takes, besides the first quote's
        article when ``first_counts``."""
        sentences = corpus.store.sentences
        done = {sentences[ranked.ids[0]].doc_id} if first_counts else set()
        for j in range(1, len(ranked.ids)):
            doc = sentences[ranked.ids[j]].doc_id
            if doc not in done and accept(j) and take(j, settings.max_per_source):
                done.add(doc)

    take(0, settings.max_per_source)
    floor = max(settings.keep_floor, settings.keep_ratio * best)
    if statements:  # every source's statement of the figure asked for
        each_source(lambda j: ranked.ids[j] in statements, ranked.ids[0] in statements)
        return chosen
    if question.compares:  # each source's best account (the named outlets' when some are)
        named = set(question.sources)
        each_source(lambda j: p[j] >= settings.keep_floor and (
            not named or corpus.store.sentences[ranked.ids[j]].doc_id in named), True)
    margin = best - (float(p[1]) if len(p) > 1 else 0.0)
    if (not question.compares and question.asks_value and best >= settings.single_answer
            and margin >= best / 3):
        return chosen
    for j in range(1, len(ranked.ids)):
        if len(chosen) >= settings.max_citations or p[j] < floor:
            break
        if ranked.checks[j].source:
            take(j, settings.max_per_source)
    return chosen


def _governed_at(governing: tuple[str, ...], words) -> int | None:
    """How near (0 = the word counted) a word of ``words`` governs the value; None if none
    does (lemmas compared by stem)."""
    stems = [word_stem(w) for w in words if w and len(w) > 2]
    return next((k for k, g in enumerate(governing) if any(g.startswith(st) for st in stems)),
                None)


def answer_span(corpus: Corpus, question: Question, sentence_id: int,
                query: Query | None = None) -> tuple[int, int] | None:
    """Offsets inside the sentence of the value that answers a value question, or None.

    Among the values of the asked type that the question does not itself give, the one the
    parse ties to the counted word (or, failing that, nearest to a focus word); a qualifier
    just before a number is part of it. ``query`` gives the English figure and focus (a
    Russian question's, translated)."""
    if not question.asks_value:
        return None
    figure = query.figure if query is not None else question.figure
    focus = query.focus if query is not None else question.focus
    text = corpus.store.sentences[sentence_id].text
    ann = corpus.store.annotations[sentence_id]
    qlow = question.text.lower()
    values = [(s, e) for s, e in ann.values(question.answer_type)
              if text[s:e].lower() not in qlow]
    if not values:
        return None
    low = text.lower()

    def found(words) -> list[int]:
        return [m.start() for w in words if w and len(w) > 2
                for m in re.finditer(re.escape(word_stem(w)), low)]

    counted = [figure] if figure else list(focus)
    depth = {v: _governed_at(ann.governors_of(*v), counted) for v in values}
    if any(d is not None for d in depth.values()):  # the value the parse ties to the counted word
        best = min(d for d in depth.values() if d is not None)
        values = [v for v in values if depth[v] == best]
    anchors = found([figure]) or found(focus)
    if anchors:
        s, e = min(values, key=lambda v: min(abs(v[0] - a) for a in anchors))
    else:
        s, e = values[0]
    m = _QUALIFIER.search(text[:s])
    if m and (m.group(0).strip().lower() not in ("at", "by") or question.answer_type != "count"):
        s = m.start()
    return s, e
