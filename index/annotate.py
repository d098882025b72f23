"""Per-sentence annotations made at index time: lemmas, named entities and values, paragraphs.

spaCy's small English pipeline runs once over every sentence when the index is built, so the
answer path only reads the results (``annotations.jsonl``, row i = sentence i). What is kept is
what the ranker and the refusal checks need: content lemmas (is the question's focus here?),
entities with their labels and offsets inside the sentence (is there a value of the asked type:
a person, a place, a date, a number, a sum of money?) and the paragraph each sentence sits in
(a constraint may be met by the sentence's paragraph rather than the sentence itself).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass

from index.furniture import lines_with_offsets
from index.settings import IndexSettings
from index.types import Article, Sentence

#: spaCy entity labels grouped by the answer type they can fill.
VALUE_LABELS: dict[str, frozenset[str]] = {
    "count": frozenset({"CARDINAL", "QUANTITY", "PERCENT"}),
    "quantity": frozenset({"CARDINAL", "QUANTITY", "PERCENT"}),
    "money": frozenset({"MONEY"}),
    "date": frozenset({"DATE"}),
    "time": frozenset({"TIME", "DATE"}),
    "duration": frozenset({"DATE", "TIME"}),
    "place": frozenset({"GPE", "LOC", "FAC"}),
    "person": frozenset({"PERSON"}),
    "organisation": frozenset({"ORG"}),
}
#: Digits and number words, for numbers the entity recogniser misses.
NUMBER = re.compile(
    r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+(?:[.,]\d+)?)(?![\w])|\b(?:one|two|three|four|five|six|"
    r"seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|thousand|"
    r"dozens|hundreds|thousands)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?:19|20)\d\d")
#: Parts of speech a value's governing words are taken from; the walk up the parse stops at
#: the first predicate (verb or adjective), so "8 killed and 40 injured" gives 8 → kill and
#: 40 → injure, not both. How far it looks: ``IndexSettings.governor_depth``.
GOVERNING_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ"})
PREDICATE_POS = frozenset({"VERB", "ADJ"})


@dataclass(frozen=True)
class Annotation:
    """What the index knows about one sentence beyond its text."""

    sentence_id: int  #: row in sentences.jsonl
    paragraph: int  #: corpus-wide id of the paragraph (content line) that holds the sentence
    lemmas: tuple[str, ...]  #: lower-cased lemmas of content words, in order
    names: tuple[str, ...]  #: proper nouns as written (for the corpus's alias table)
    entities: tuple[tuple[str, int, int], ...]  #: (label, start, end) inside the sentence
    #: for each entity, the lemmas of the words it hangs from in the parse, nearest first, up
    #: to the first predicate ("8 people have been killed" → 8: people, kill)
    governors: tuple[tuple[str, ...], ...] = ()

    def __post_init__(self) -> None:
        if any(not 0 <= s < e for _, s, e in self.entities):
            raise ValueError(f"sentence {self.sentence_id}: bad entity offsets")
        if self.governors and len(self.governors) != len(self.entities):
            raise ValueError(f"sentence {self.sentence_id}: one governor list per entity")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Annotation:
        return cls(d["sentence_id"], d["paragraph"], tuple(d["lemmas"]), tuple(d["names"]),
                   tuple(tuple(e) for e in d["entities"]),
                   tuple(tuple(g) for g in d.get("governors", ())))

    def values(self, answer_type: str) -> list[tuple[int, int]]:
        """Offsets (inside the sentence) of values that can fill ``answer_type``."""
        labels = VALUE_LABELS.get(answer_type, frozenset())
        return [(s, e) for label, s, e in self.entities if label in labels]

    def governors_of(self, start: int, end: int) -> tuple[str, ...]:
        """The governing lemmas of the entity at these offsets (() when unknown)."""
        for k, (_, s, e) in enumerate(self.entities):
            if (s, e) == (start, end) and k < len(self.governors):
                return self.governors[k]
        return ()


def _numbers(text: str) -> list[tuple[str, int, int]]:
    return [("CARDINAL", m.start(), m.end()) for m in NUMBER.finditer(text)
            if not _YEAR.fullmatch(m.group(0))]


def _own_word(doc, span, depth: int):
    """The word a value counts: the first noun or verb in the ``depth`` tokens after it
    ("8 people", "40 injured", "dozens of buildings"), skipping adjectives and "of"; None when
    the phrase ends first."""
    for token in doc[span.end:span.end + depth]:
        if token.pos_ in {"NOUN", "PROPN", "VERB"} or (token.pos_ == "ADJ" and token.tag_ == "VBN"):
            return token
        if not (token.pos_ == "ADJ" or token.lower_ == "of"):
            return None
    return None


def governors(doc, start: int, end: int, depth: int | None = None) -> tuple[str, ...]:
    """Lemmas of the content words a value belongs to, nearest first: the word it counts, then
    the words its phrase hangs from in the parse, up to the first predicate (a verb or
    adjective), at most ``depth`` (default: ``IndexSettings.governor_depth``). "8 people have
    been killed and 40 injured" gives 8: people, kill and 40: injure."""
    if depth is None:
        depth = IndexSettings.value(None, "governor_depth")
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return ()
    out: list[str] = []
    own = _own_word(doc, span, depth)
    if own is not None:
        out.append(own.lemma_.lower())
        if own.pos_ in PREDICATE_POS or own.tag_ == "VBN":
            return tuple(out)
    token = own if own is not None and own.i in {t.i for t in span.root.ancestors} else span.root
    while token.head.i != token.i and len(out) < depth:
        token = token.head
        if token.pos_ in GOVERNING_POS and token.lemma_.lower() not in out:
            out.append(token.lemma_.lower())
            if token.pos_ in PREDICATE_POS:
                break
    return tuple(out)


def annotate_doc(doc, sentence_id: int, paragraph: int,
                 governor_depth: int | None = None) -> Annotation:
    """An :class:`Annotation` from a spaCy ``Doc`` of one sentence (``governor_depth``: see
    :func:`governors`)."""
    lemmas = tuple(t.lemma_.lower() for t in doc
                   if t.is_alpha or t.like_num)
    names = tuple(dict.fromkeys(t.text for t in doc if t.pos_ == "PROPN" and t.is_alpha))
    ents = [(e.label_, e.start_char, e.end_char) for e in doc.ents]
    covered = [(s, e) for _, s, e in ents]
    ents += [n for n in _numbers(doc.text)
             if not any(s <= n[1] < e for s, e in covered)]  # numbers NER missed
    ents.sort(key=lambda x: x[1])
    govs = tuple(governors(doc, s, e, governor_depth) for _, s, e in ents)
    return Annotation(sentence_id, paragraph, lemmas, names, tuple(ents), govs)


def paragraph_ids(articles: list[Article], sentences: list[Sentence]) -> list[int]:
    """For each sentence, a corpus-wide id of the line of its article that it starts on."""
    starts: dict[str, list[int]] = {}
    for a in articles:
        starts[a.doc_id] = [s for s, _ in lines_with_offsets(a.text)]
    base, offset = {}, 0
    for a in articles:
        base[a.doc_id] = offset
        offset += len(starts[a.doc_id])
    out = []
    for s in sentences:
        lines = starts[s.doc_id]
        lo, hi = 0, len(lines) - 1
        while lo < hi:  # last line start <= s.start
            mid = (lo + hi + 1) // 2
            if lines[mid] <= s.start:
                lo = mid
            else:
                hi = mid - 1
        out.append(base[s.doc_id] + lo)
    return out


def annotate(articles: list[Article], sentences: list[Sentence], nlp: Callable | None = None,
             batch_size: int = 64, *, settings: IndexSettings | None = None
             ) -> list[Annotation]:
    """Annotations for every sentence, in sentence order (spaCy runs in batches);
    ``settings.governor_depth`` bounds the governors kept (default settings without)."""
    depth = IndexSettings.value(settings, "governor_depth")
    if nlp is None:
        from index.nlp import english

        nlp = english()
    paras = paragraph_ids(articles, sentences)
    docs = nlp.pipe((s.text for s in sentences), batch_size=batch_size)
    return [annotate_doc(doc, s.id, p, depth)
            for s, p, doc in zip(sentences, paras, docs, strict=True)]
