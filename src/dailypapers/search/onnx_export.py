"""The ONNX file the embedder runs, made once per machine from the fp32 sentence-transformers model.

A :class:`Recipe` says how; :data:`RECIPE` is the one the product uses, chosen by measuring
recipes against fp32 for speed, cosine and nDCG@10 (``python -m bench embedding`` runs them):

1. Export with eager attention, so that onnxruntime's BERT fusions recognise the graph: one
   ``Attention`` kernel per layer, ``SkipLayerNormalization``, ``BiasGelu`` and
   ``EmbedLayerNormalization`` instead of dozens of small operators.
2. The linear layers after attention (attention output, both feed-forward layers) get int8
   weights per output channel; their inputs are quantised per model call (dynamic quantisation).
   Attention itself (the Q, K, V projections and the scores) stays fp32: its kernel is fused and
   quantising it costs more accuracy than it saves time.
3. A few input channels of those layers carry activations ten to thirty times larger than the
   rest, the same channels whatever the text ("massive activations"). Quantised with the others
   they would set the int8 step for the whole tensor and wipe out the small values, which is most
   of the int8 loss. They bypass int8: ``y = int8(x without them) @ W + x[them] @ W[them]``, the
   second a fp32 product with a handful of rows. The channels are found by running the fp32
   graph on :data:`CALIBRATION`; which ones stand out does not depend on the text.
"""

from __future__ import annotations

import logging
import os
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

HEADS, HIDDEN = 12, 384  # all-MiniLM-L6-v2's attention heads and width, for the fusions
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OUTPUT = "last_hidden_state"

# Texts the fp32 graph runs on to find the outlier channels: abstract-like prose of a few
# lengths. The channels that stand out are the model's own, so any few paragraphs find them.
CALIBRATION = (
    "We introduce a method for training large language models to follow instructions with less "
    "human feedback. A reward model learned from a small set of comparisons guides reinforcement "
    "learning, and experiments on question answering, summarisation and code generation show that "
    "the approach matches supervised baselines at a fraction of the annotation cost.",
    "Diffusion models generate images of high quality but sample slowly. We distil a pretrained "
    "model into a student that needs four steps, analyse why consistency training fails on high "
    "resolutions, and report FID on ImageNet and COCO together with a user study.",
    "Robots that manipulate deformable objects must reason about contact. This paper presents a "
    "graph neural network that predicts cloth dynamics from point clouds, trained in simulation "
    "and transferred to a real arm without fine-tuning; it folds towels in 87% of trials.",
    "Graph neural networks for molecules. Protein structure prediction. Quantum chemistry "
    "datasets.",
    "A survey of retrieval-augmented generation: how documents are indexed, retrieved and fused "
    "into the prompt, which benchmarks measure faithfulness, and open problems in long contexts.",
)


@dataclass(frozen=True)
class Recipe:
    """How the ONNX file is made; ``name`` goes into the cached file's name."""

    name: str
    fuse: bool = True  # eager-attention export and onnxruntime's BERT fusions
    int8_ops: tuple[str, ...] = ("MatMul",)  # op types given int8 weights; () keeps fp32
    per_channel: bool = True
    reduce_range: bool = False  # 7-bit weights (for CPUs whose u8 x s8 products saturate)
    unsigned_weights: bool = False
    # An input channel whose peak over CALIBRATION exceeds this many times the median channel's
    # peak bypasses int8 (0: none). At 6 the same channels stand out on real abstracts and on
    # CALIBRATION; at 4 short texts also pick channels that are merely a little high.
    outlier_ratio: float = 6.0


RECIPE = Recipe("fused-int8-outliers")


def build(target: Path, model_folder: Path, recipe: Recipe = RECIPE) -> Path:
    """Write the ONNX file of ``recipe`` to ``target`` (a few seconds; needs torch).

    The file appears atomically, so concurrent workers never load a half-written model; the
    intermediate files are removed whatever happens.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tag = f"{os.getpid()}-{threading.get_ident()}"
    exported = target.with_name(f".{target.name}.{tag}.export")
    prepared = target.with_name(f".{target.name}.{tag}.fp32")
    partial = target.with_name(f".{target.name}.{tag}.part")
    try:
        _export(model_folder, exported, eager=recipe.fuse)
        model = _fused(exported) if recipe.fuse else _load(exported)
        excluded: list[str] = []
        if recipe.int8_ops and recipe.outlier_ratio:
            excluded = _bypass_outliers(model, model_folder, recipe.outlier_ratio)
        _save(model, prepared)
        if recipe.int8_ops:
            _quantise(prepared, partial, recipe, excluded)
        else:
            prepared.replace(partial)
        partial.replace(target)
    finally:
        for leftover in (exported, prepared, partial):
            leftover.unlink(missing_ok=True)
    log.info("built the %s embedding model at %s", recipe.name, target)
    return target


def _export(model_folder: Path, target: Path, *, eager: bool) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModel

    options = {"attn_implementation": "eager"} if eager else {}
    model = AutoModel.from_pretrained(str(model_folder), **options).eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    example = torch.ones((2, 8), dtype=torch.int64)
    dynamic = {0: "batch", 1: "tokens"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            LastHiddenState(model),
            (example, example, torch.zeros_like(example)),
            str(target),
            input_names=list(INPUTS),
            output_names=[OUTPUT],
            dynamic_axes=dict.fromkeys((*INPUTS, OUTPUT), dynamic),
            opset_version=17,
            dynamo=False,
        )


def _load(path: Path):
    import onnx

    return onnx.load(str(path))


def _save(model, path: Path) -> None:
    import onnx

    onnx.save(model, str(path))


def _fused(path: Path):
    from onnxruntime.transformers.optimizer import optimize_model

    quiet = logging.getLogger("onnxruntime.transformers")
    level = quiet.level
    quiet.setLevel(logging.WARNING)  # it logs every fusion it applies
    try:
        optimised = optimize_model(
            str(path), model_type="bert", num_heads=HEADS, hidden_size=HIDDEN, opt_level=1
        )
    finally:
        quiet.setLevel(level)
    return optimised.model


def _bypass_outliers(model, model_folder: Path, ratio: float) -> list[str]:
    """Route the outlier input channels of every weight MatMul around it, in fp32; returns the
    names of the small fp32 MatMuls (to keep out of quantisation)."""
    from onnx import helper, numpy_helper

    graph = model.graph
    weights = {init.name: init for init in graph.initializer}
    targets = [n for n in graph.node if n.op_type == "MatMul" and n.input[1] in weights]
    peaks = _input_peaks(model, model_folder, [n.input[0] for n in targets])
    bypasses = []
    for node in targets:
        peak = peaks[node.input[0]]
        outliers = np.flatnonzero(peak > ratio * np.median(peak))
        if not len(outliers):
            continue
        weight = numpy_helper.to_array(weights[node.input[1]])
        keep = np.ones(weight.shape[0], np.float32)
        keep[outliers] = 0
        name = node.name + "/outliers"
        graph.initializer.extend(
            [
                numpy_helper.from_array(keep, f"{name}/keep"),
                numpy_helper.from_array(outliers.astype(np.int64), f"{name}/index"),
                numpy_helper.from_array(weight[outliers].astype(np.float32), f"{name}/weight"),
            ]
        )
        source, result = node.input[0], node.output[0]
        node.input[0], node.output[0] = f"{name}/kept", f"{name}/main"
        at = list(graph.node).index(node)
        before = [
            helper.make_node("Mul", [source, f"{name}/keep"], [f"{name}/kept"], name=f"{name}/Mul"),
            helper.make_node(
                "Gather", [source, f"{name}/index"], [f"{name}/x"], name=f"{name}/Gather", axis=-1
            ),
        ]
        after = [
            helper.make_node(
                "MatMul", [f"{name}/x", f"{name}/weight"], [f"{name}/y"], name=f"{name}/MatMul"
            ),
            helper.make_node("Add", [f"{name}/main", f"{name}/y"], [result], name=f"{name}/Add"),
        ]
        for offset, extra in enumerate(before):
            graph.node.insert(at + offset, extra)
        for offset, extra in enumerate(after, start=len(before) + 1):
            graph.node.insert(at + offset, extra)
        bypasses.append(f"{name}/MatMul")
    return bypasses


def _input_peaks(model, model_folder: Path, names: list[str]) -> dict[str, np.ndarray]:
    """The largest absolute value of each channel of the tensors ``names`` over CALIBRATION."""
    import onnx
    import onnxruntime as ort
    from onnx import helper
    from tokenizers import Tokenizer

    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    for name in names:
        probe.graph.output.append(helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    session = ort.InferenceSession(probe.SerializeToString(), providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(model_folder / "tokenizer.json"))
    peaks: dict[str, np.ndarray] = {}
    for text in CALIBRATION:
        ids = np.array([tokenizer.encode(text).ids], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        feeds["token_type_ids"] = np.zeros_like(ids)
        for name, value in zip(names, session.run(names, feeds), strict=True):
            peak = np.abs(value).reshape(-1, value.shape[-1]).max(axis=0)
            peaks[name] = np.maximum(peaks[name], peak) if name in peaks else peak
    return peaks


def _quantise(source: Path, target: Path, recipe: Recipe, excluded: list[str]) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger("root")
    root.disabled = True  # quantize_dynamic nags about pre-processing
    try:
        quantize_dynamic(
            str(source),
            str(target),
            op_types_to_quantize=list(recipe.int8_ops),
            per_channel=recipe.per_channel,
            reduce_range=recipe.reduce_range,
            weight_type=QuantType.QUInt8 if recipe.unsigned_weights else QuantType.QInt8,
            nodes_to_exclude=excluded,
            # the fused kernels are contrib ops shape inference cannot type
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    finally:
        root.disabled = False
