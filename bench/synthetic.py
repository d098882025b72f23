"""A deterministic synthetic corpus for scale tests: the seeds' sentences shuffled into N articles.

Every synthetic article is a handful of paragraphs; a paragraph is 2-4 seed sentences joined by
a space; paragraphs are separated by a blank line. Sentences come from the seeds' *content*
(``index.segment.sentence_spans``, so page furniture is never copied) and are not repeated
inside one article (a short line repeated in one article would read as page furniture).
The folder also gets a ``sources.toml`` with fake outlets "Synthetic 0001", "Synthetic 0002", …

    python -m bench.synthetic 1000 /tmp/syn      # writes /tmp/syn/*.txt + sources.toml
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from index.corpus import load_articles
from index.segment import sentence_spans

#: Sentences shorter than this (e.g. a bare "—" clause piece) are not reused.
MIN_SENTENCE_CHARS = 25


@dataclass(frozen=True)
class Shape:
    """How long the synthetic articles are (the numbers of sentences are drawn uniformly)."""

    min_sentences: int = 8  #: sentences in the shortest article
    max_sentences: int = 16  #: sentences in the longest article (the seeds hold ~70 each)
    min_paragraph: int = 2  #: sentences in the shortest paragraph
    max_paragraph: int = 4  #: sentences in the longest paragraph


def seed_sentences(seeds_dir: Path | None = None) -> list[str]:
    """The distinct content sentences of the seed articles, in document order."""
    out: dict[str, None] = {}
    for article in load_articles(seeds_dir):
        for start, end in sentence_spans(article.text, article.source.language or "en"):
            text = article.text[start:end]
            if len(text) >= MIN_SENTENCE_CHARS and "\n" not in text:
                out.setdefault(text, None)
    return list(out)


def doc_ids(n: int) -> list[str]:
    """File stems of the N synthetic articles (sorted order = generation order)."""
    width = max(5, len(str(n)))
    return [f"{i:0{width}d}_synthetic" for i in range(1, n + 1)]


def outlet_name(i: int, n: int) -> str:
    """The fake outlet of article i (1-based): "Synthetic 0001" …"""
    return f"Synthetic {i:0{max(4, len(str(n)))}d}"


def compose_article(sentences: list[str], rng: random.Random, shape: Shape | None = None) -> str:
    """One article: distinct sentences drawn from ``sentences``, grouped into paragraphs."""
    shape = shape or Shape()
    count = min(rng.randint(shape.min_sentences, shape.max_sentences), len(sentences))
    picked = rng.sample(sentences, count)
    paragraphs, i = [], 0
    while i < len(picked):
        size = rng.randint(shape.min_paragraph, shape.max_paragraph)
        paragraphs.append(" ".join(picked[i : i + size]))
        i += size
    return "\n\n".join(paragraphs) + "\n"


def generate(
    n: int,
    out_dir: Path,
    seed: int = 20200207,
    seeds_dir: Path | None = None,
    shape: Shape | None = None,
) -> list[Path]:
    """Write N synthetic articles and a sources.toml into ``out_dir``; return the article paths.

    The same (n, seed, seeds, shape) always writes byte-identical files.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    sentences = seed_sentences(seeds_dir)
    rng = random.Random(seed)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths, meta = [], [
        "# Synthetic corpus written by bench/synthetic.py: seed sentences shuffled, fake outlets.\n"
    ]
    for i, doc_id in enumerate(doc_ids(n), start=1):
        path = out_dir / f"{doc_id}.txt"
        path.write_text(compose_article(sentences, rng, shape), encoding="utf-8")
        paths.append(path)
        name = outlet_name(i, n)
        meta.append(f'\n["{doc_id}"]\noutlet = "{name}"\nshort = "{name}"\nlanguage = "en"\n')
    (out_dir / "sources.toml").write_text("".join(meta), encoding="utf-8")
    return paths


def main(argv: list[str] | None = None) -> int:
    """CLI: ``python -m bench.synthetic N OUT_DIR [--seed S]``."""
    parser = argparse.ArgumentParser(prog="python -m bench.synthetic", description=__doc__)
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("out_dir", type=Path, help="folder to write (created if missing)")
    parser.add_argument("--seed", type=int, default=20200207, help="random seed")
    args = parser.parse_args(argv)
    paths = generate(args.n, args.out_dir, args.seed)
    print(f"{len(paths)} articles written to {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
