"""all-MiniLM-L6-v2 on onnxruntime: an ONNX graph built from the packaged weights, run on one thread.

The graph is the same computation as the NumPy embedder (`embedder.MiniLMEmbedder`), written once
with `onnx.helper` from the shipped safetensors (nothing is downloaded), saved in the data dir
under the weights' hash and reused by every later start.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from assistant.retrieval.embedder import (
    MINILM_NAME,
    default_minilm_dir,
    embed_in_batches,
    l2_normalise,
    load_tokenizer,
    tokenise,
)
from assistant.retrieval.errors import EmbedderUnavailableError

logger = logging.getLogger(__name__)

_F32 = np.float32
_BATCH = 8
# Bump when the graph below changes: the hash of a cached graph file includes it.
GRAPH_VERSION = "1"
_OPSET = 17


def weights_digest(folder: Path) -> str:
    """Return a short hash of the model's weights and config (and of this graph's version)."""
    digest = hashlib.sha256(GRAPH_VERSION.encode())
    for name in ("config.json", "model.safetensors"):
        with (folder / name).open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def build_minilm_graph(folder: Path) -> Any:
    """Return the ONNX model of a BERT encoder with mean pooling, from `folder`'s safetensors.

    Inputs `input_ids` and `attention_mask` (int64, batch x tokens); output `pooled` (float32,
    batch x hidden), not normalised (the caller normalises, as the NumPy embedder does).
    """
    from onnx import TensorProto, helper, numpy_helper
    from safetensors.numpy import load_file

    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    heads = int(config["num_attention_heads"])
    hidden = int(config["hidden_size"])
    eps = float(config.get("layer_norm_eps", 1e-12))
    w = load_file(str(folder / "model.safetensors"))
    inits: list[Any] = []
    nodes: list[Any] = []

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], name: str, **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def weight(key: str, transpose: bool = False) -> str:
        value = w[key].astype(_F32)
        return const(key, value.T if transpose else value)

    def linear(x: str, prefix: str, out: str) -> str:
        y = node("MatMul", [x, weight(prefix + ".weight", transpose=True)], out + "/mm")
        return node("Add", [y, weight(prefix + ".bias")], out)

    def layer_norm(x: str, prefix: str, out: str) -> str:
        return node(
            "LayerNormalization",
            [x, weight(prefix + ".weight"), weight(prefix + ".bias")],
            out,
            axis=-1,
            epsilon=eps,
        )

    hd = hidden // heads
    const("zero_1d", np.array([0], dtype=np.int64))
    const("one_f", np.array(1.0, dtype=_F32))
    const("half_f", np.array(0.5, dtype=_F32))
    const("neg_big", np.array(-1e9, dtype=_F32))
    const("scale", np.array(1.0 / np.sqrt(hd), dtype=_F32))
    const("inv_sqrt2", np.array(1.0 / np.sqrt(2.0), dtype=_F32))
    const("tiny", np.array(1e-9, dtype=_F32))
    const("split_heads", np.array([0, 0, heads, hd], dtype=np.int64))
    const("merge_heads", np.array([0, 0, hidden], dtype=np.int64))
    const("axis1", np.array([1], dtype=np.int64))
    const("axes12", np.array([1, 2], dtype=np.int64))
    const("axis2", np.array([2], dtype=np.int64))
    const("token_type", w["embeddings.token_type_embeddings.weight"][0].astype(_F32))

    # Embeddings: word + position + token type 0, then LayerNorm.
    words = node("Gather", [weight("embeddings.word_embeddings.weight"), "input_ids"], "emb/words")
    # The first `tokens` rows of the position table (a 1-D length: scalars here trip a fusion).
    length = node("Shape", ["input_ids"], "emb/length", start=1, end=2)
    table = weight("embeddings.position_embeddings.weight")
    pos = node("Slice", [table, "zero_1d", length, "zero_1d"], "emb/pos")
    x = node("Add", [node("Add", [words, pos], "emb/sum"), "token_type"], "emb/typed")
    x = layer_norm(x, "embeddings.LayerNorm", "emb/ln")

    # Padding is masked by a large negative bias on the attention scores.
    maskf = node("Cast", ["attention_mask"], "mask/f", to=TensorProto.FLOAT)
    inverted = node("Sub", ["one_f", maskf], "mask/inv")
    bias = node("Unsqueeze", [node("Mul", [inverted, "neg_big"], "mask/neg"), "axes12"], "mask/b")

    for i in range(int(config["num_hidden_layers"])):
        p = f"encoder.layer.{i}."
        n = f"l{i}/"

        def heads_of(name: str, perm: list[int], x: str = x, p: str = p, n: str = n) -> str:
            y = linear(x, p + f"attention.self.{name}", n + name)
            y = node("Reshape", [y, "split_heads"], n + name + "/split")
            return node("Transpose", [y], n + name + "/t", perm=perm)

        q = heads_of("query", [0, 2, 1, 3])
        k = heads_of("key", [0, 2, 3, 1])
        v = heads_of("value", [0, 2, 1, 3])
        scores = node("MatMul", [q, k], n + "scores")
        scores = node("Mul", [scores, "scale"], n + "scaled")
        scores = node("Add", [scores, bias], n + "masked")
        probs = node("Softmax", [scores], n + "probs", axis=-1)
        ctx = node("MatMul", [probs, v], n + "ctx")
        ctx = node("Transpose", [ctx], n + "ctx/t", perm=[0, 2, 1, 3])
        ctx = node("Reshape", [ctx, "merge_heads"], n + "ctx/merged")
        attn = linear(ctx, p + "attention.output.dense", n + "attn")
        x = layer_norm(
            node("Add", [attn, x], n + "res1"), p + "attention.output.LayerNorm", n + "ln1"
        )
        ff = linear(x, p + "intermediate.dense", n + "ff1")
        # Exact GELU: 0.5 x (1 + erf(x / sqrt 2)).
        erf = node("Erf", [node("Mul", [ff, "inv_sqrt2"], n + "gelu/s")], n + "gelu/erf")
        gate = node("Mul", [node("Add", [erf, "one_f"], n + "gelu/1p"), "half_f"], n + "gelu/h")
        ff = node("Mul", [ff, gate], n + "gelu")
        ff = linear(ff, p + "output.dense", n + "ff2")
        x = layer_norm(node("Add", [ff, x], n + "res2"), p + "output.LayerNorm", n + "ln2")

    # Mean pooling over the real tokens.
    m = node("Unsqueeze", [maskf, "axis2"], "pool/m")
    summed = node("ReduceSum", [node("Mul", [x, m], "pool/xm"), "axis1"], "pool/sum", keepdims=0)
    counts = node("ReduceSum", [m, "axis1"], "pool/count", keepdims=0)
    counts = node("Max", [counts, "tiny"], "pool/count_min")
    node("Div", [summed, counts], "pooled")

    graph = helper.make_graph(
        nodes,
        "all-MiniLM-L6-v2",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"]),
        ],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", hidden])],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", _OPSET)])
    # An IR version every onnxruntime able to run opset 17 reads.
    model.ir_version = 8
    return model


def default_graph_dir() -> Path:
    """Return where graphs are kept when no data dir is given (tests, evals, benches)."""
    return Path.home() / ".cache" / "wil-assistant" / "models"


def graph_file(folder: Path, cache_dir: Path) -> Path:
    """Return the ONNX file for the weights in `folder`, building it into `cache_dir` if needed."""
    import onnx

    path = cache_dir / f"minilm-l6-v2-{weights_digest(folder)}.onnx"
    if not path.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        model = build_minilm_graph(folder)
        # Written aside then renamed: another worker starting at once never reads half a file.
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        onnx.save_model(model, str(tmp))
        tmp.replace(path)
        logger.info("built the ONNX graph of MiniLM in %s", path)
    return path


class OnnxMiniLMEmbedder:
    """Run all-MiniLM-L6-v2 on onnxruntime with one thread per call (the same vectors as NumPy).

    One thread: a worker runs several retrievals at once in threads, and a pool of threads per
    call oversubscribes the cores (issue 13 measured two workers slower than one that way).
    """

    # The name names the vector space (the model), which the index and the embedding cache are
    # keyed by; it is the NumPy embedder's, so indexes built by either serve both.
    name = MINILM_NAME
    dim = 384

    def __init__(
        self, model_dir: Path | None = None, cache_dir: Path | None = None, batch_size: int = _BATCH
    ) -> None:
        """Use the weights in `model_dir` (default: the packaged model); keep the built graph in
        `cache_dir` (None: the user's cache folder, see `default_graph_dir`)."""
        self._model_dir = model_dir
        self._cache_dir = cache_dir
        self._batch_size = batch_size
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Any = None

    def _load(self) -> None:
        """Build or read the graph and open the session once (thread-safe)."""
        if self._session is not None:
            return
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime as ort

            folder = self._model_dir or default_minilm_dir()
            if not (folder / "model.safetensors").exists():
                raise EmbedderUnavailableError(f"no model.safetensors in {folder}")
            options = ort.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            options.log_severity_level = 3
            model: str | bytes
            try:
                model = str(graph_file(folder, self._cache_dir or default_graph_dir()))
            except OSError as exc:  # a read-only disk: build it for this process only
                logger.warning("cannot keep the ONNX graph (%s); building it in memory", exc)
                model = build_minilm_graph(folder).SerializeToString()
            self._tokenizer = load_tokenizer(folder)
            self._session = ort.InferenceSession(
                model, sess_options=options, providers=["CPUExecutionProvider"]
            )
            logger.info("loaded the ONNX MiniLM from %s", folder)

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Run the graph on one tokenised batch: pooled (not normalised) vectors."""
        (pooled,) = self._session.run(["pooled"], {"input_ids": ids, "attention_mask": mask})
        return np.asarray(pooled, dtype=_F32)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """Embed texts in batches (sorted by length to limit padding)."""
        if not texts:
            return np.zeros((0, self.dim), _F32)
        self._load()
        return embed_in_batches(texts, self.dim, self._batch_size, self._tokenizer, self._forward)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed a few queries in one run."""
        if not texts:
            return np.zeros((0, self.dim), _F32)
        self._load()
        return l2_normalise(self._forward(*tokenise(self._tokenizer, texts)))

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query."""
        return self.embed_queries([text])[0]
