"""Cut articles into sentences and chunks with exact offsets. Pure functions, no I/O.

Sentences come from pysbd (rule-based, handles "p.m.", "Feb.", quotes) inside each content line;
chunks come from langchain-text-splitters inside each content block, so neither ever spans
page furniture. ``article.text[start:end] == piece.text`` holds for every piece.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pysbd
from langchain_text_splitters import RecursiveCharacterTextSplitter

from index.furniture import content_blocks, lines_with_offsets
from index.settings import IndexSettings
from index.types import Article, Chunk, Sentence

_CLAUSE_BREAK = re.compile(r"(?<=[;:,–—])\s+")
#: A sentence end inside a pysbd segment (pysbd keeps quoted passages whole).
_INNER_END = re.compile(r"(?<=[^\W_][.!?])[”\"»’]?\s+(?=[“\"«(\[]?[A-ZА-ЯЁ])")
_ABBREVIATION = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Jr|Sr|No|vs|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec|[A-Z])\.$"
)
#: A short attribution that belongs to the quote before it ("Taizhan said.").
_ATTRIBUTION = re.compile(
    r"^[\w .’'\-*]{1,40}\b(?:said|says|recalled|stated|explained|insisted|added|noted|told \w+)\.$"
)
_HAS_WORD = re.compile(r"\w{2,}")


@lru_cache(maxsize=4)
def _segmenter(language: str) -> pysbd.Segmenter:
    lang = language if language in {"en", "ru", "de", "fr", "es"} else "en"
    return pysbd.Segmenter(language=lang, clean=False, char_span=False)


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim white space, markdown heading marks and emphasis marks left unpaired by a cut."""
    while start < end and (text[start].isspace() or text[start] in "#>"):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    for mark in ("**", "*", "__", "_"):
        body = text[start:end]
        if body.startswith(mark) and body.count(mark) % 2:
            start += len(mark)
        elif body.endswith(mark) and body.count(mark) % 2:
            end -= len(mark)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split_long(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Cut an over-long sentence at clause punctuation into pieces of at most ~limit chars."""
    if end - start <= limit:
        return [(start, end)]
    pieces, piece_start = [], start
    for m in _CLAUSE_BREAK.finditer(text, start, end):
        if m.start() - piece_start >= limit // 2:
            pieces.append((piece_start, m.start()))
            piece_start = m.end()
    pieces.append((piece_start, end))
    return pieces


def sentence_spans(text: str, language: str = "en", max_chars: int = 420) -> list[tuple[int, int]]:
    """(start, end) of every sentence in the content lines of ``text``, in order."""
    segmenter = _segmenter(language)
    furniture_free = content_blocks(text)
    spans: list[tuple[int, int]] = []
    for block_start, block_end in furniture_free:
        for line_start, line_end in lines_with_offsets(text[block_start:block_end]):
            s0, e0 = block_start + line_start, block_start + line_end
            line_spans: list[tuple[int, int]] = []
            for s, e in _pysbd_spans(text, s0, e0, segmenter):
                for s2, e2 in _inner_spans(text, s, e):
                    if line_spans and _ATTRIBUTION.match(text[s2:e2]):
                        line_spans[-1] = (line_spans[-1][0], e2)
                    else:
                        line_spans.append((s2, e2))
            for s, e in line_spans:
                for s2, e2 in _split_long(text, s, e, max_chars):
                    s2, e2 = _strip_span(text, s2, e2)
                    if _HAS_WORD.search(text[s2:e2]):
                        spans.append((s2, e2))
    return spans


def _pysbd_spans(
    text: str, start: int, end: int, segmenter: pysbd.Segmenter
) -> list[tuple[int, int]]:
    """pysbd's segments of text[start:end], located by search so offsets stay exact."""
    spans, cursor = [], start
    for piece in segmenter.segment(text[start:end]):
        body = piece.strip()
        found = text.find(body, cursor, end) if body else -1
        if found >= 0:  # pysbd does not rewrite text with clean=False; stay safe anyway
            cursor = found + len(body)
            spans.append((found, cursor))
    return spans


def _inner_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a segment further at sentence ends inside quotations, skipping abbreviations."""
    spans, piece_start = [], start
    for m in _INNER_END.finditer(text, start, end):
        if _ABBREVIATION.search(text[piece_start : m.start() + 1]):
            continue
        cut = m.start() + len(m.group(0).rstrip()) if m.group(0)[:1] in "”\"»’" else m.start()
        spans.append(_strip_span(text, piece_start, cut))
        piece_start = m.end()
    spans.append(_strip_span(text, piece_start, end))
    return [(s, e) for s, e in spans if e > s]


def chunk_spans(text: str, settings: IndexSettings) -> list[tuple[int, int]]:
    """(start, end) of retrieval chunks, cut with langchain's RecursiveCharacterTextSplitter."""
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=settings.chunk_size,
        chunk_overlap=settings.chunk_overlap,
        separators=list(settings.separators),
        keep_separator="end",
        add_start_index=True,
        strip_whitespace=True,
    )
    spans = []
    for block_start, block_end in content_blocks(text):
        for doc in splitter.create_documents([text[block_start:block_end]]):
            s = block_start + doc.metadata["start_index"]
            spans.append((s, s + len(doc.page_content)))
    return spans


def segment_corpus(
    articles: list[Article], settings: IndexSettings
) -> tuple[list[Sentence], list[Chunk]]:
    """All sentences and chunks of the corpus, ids = row numbers, membership cross-linked."""
    sent_rows: list[tuple[str, int, int]] = []
    chunk_rows: list[tuple[str, int, int]] = []
    for a in articles:
        lang = a.source.language or "en"
        spans = sentence_spans(a.text, lang, settings.max_sentence_chars)
        sent_rows += [(a.doc_id, s, e) for s, e in spans]
        chunk_rows += [(a.doc_id, s, e) for s, e in chunk_spans(a.text, settings)]
    text_of = {a.doc_id: a.text for a in articles}
    sent_chunks: dict[int, list[int]] = {i: [] for i in range(len(sent_rows))}
    chunk_sents: dict[int, list[int]] = {i: [] for i in range(len(chunk_rows))}
    by_doc: dict[str, list[int]] = {}
    for i, (doc, _, _) in enumerate(sent_rows):
        by_doc.setdefault(doc, []).append(i)
    for ci, (doc, cs, ce) in enumerate(chunk_rows):
        for si in by_doc.get(doc, []):
            _, ss, se = sent_rows[si]
            if ss < ce and cs < se:
                chunk_sents[ci].append(si)
                sent_chunks[si].append(ci)
    sentences = [
        Sentence(i, d, s, e, text_of[d][s:e], tuple(sent_chunks[i]))
        for i, (d, s, e) in enumerate(sent_rows)
    ]
    chunks = [
        Chunk(i, d, s, e, text_of[d][s:e], tuple(chunk_sents[i]))
        for i, (d, s, e) in enumerate(chunk_rows)
    ]
    return sentences, chunks
