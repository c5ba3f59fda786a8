"""Training kg's span model: SciERC in, a spaCy component out, shipped as package data.

The model is a spaCy span categorizer (``kg_spans``) that listens to the pinned English
pipeline's own ``tok2vec``: that layer is sourced and frozen, so the tagger and parser kg's rules
read are untouched and the extractor pays only for the span classifier. ``training/spans.cfg``
is the config; :func:`train` runs spaCy's training loop on it and :func:`package` keeps only the
trained component, so the shipped model is small and loads into kg's pipeline
(:func:`kg.extract.spans.add_span_model`).

The corpus reader the config names (``kg.SciERCCorpus.v1``) reads SciERC's JSON Lines directly,
tokenizes each abstract with the pipeline's own tokenizer (kg's rules included), and marks
SciERC's entities in kg's types (Material -> Dataset).

``kg train`` (or ``make model``) runs it; no other command trains.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import filter_spans

from . import scierc
from .errors import InputError, KGError
from .extract.spans import SPANS_KEY, DEFAULT_SPAN_MODEL, NAME

__all__ = ["ROOT", "DEFAULT_CONFIG", "DEFAULT_TRAIN", "DEFAULT_DEV", "scierc_examples", "train", "package"]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "training" / "spans.cfg"
DEFAULT_TRAIN = ROOT / "training" / "scierc" / "train.json"
DEFAULT_DEV = ROOT / "training" / "scierc" / "dev.json"


def _reference(doc: Doc, document: scierc.Document, labels: set[str]) -> Doc:
    """``doc`` (the pipeline's tokens of ``document.text``) with SciERC's entities marked, in kg's
    types: all of them in ``doc.spans[SPANS_KEY]``, the longest of overlapping ones in ``doc.ents``."""
    spans = []
    for entity in document.entities:
        label = entity.kg_type or (entity.label if entity.label in labels else None)
        if label not in labels:
            continue
        span = doc.char_span(entity.start, entity.end, label=label, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans[SPANS_KEY] = spans
    doc.ents = filter_spans(spans)
    return doc


def scierc_examples(
    nlp: Language,
    path: str | Path,
    *,
    limit: int = 0,
    fraction: float = 1.0,
    seed: int = 0,
    labels: Sequence[str] = ("Method", "Task", "Dataset", "Metric"),
) -> Iterator[Example]:
    """Training examples from a SciERC file, tokenized by ``nlp``.

    ``fraction`` keeps a seeded random share of the documents (for learning curves); ``limit``
    keeps the first N after that (0: all).
    """
    documents = list(scierc.read(path))
    if fraction < 1.0:
        keep = max(1, round(len(documents) * fraction))
        documents = sorted(random.Random(seed).sample(documents, keep), key=documents.index)
    if limit:
        documents = documents[:limit]
    wanted = set(labels)
    for document in documents:
        predicted = nlp.make_doc(document.text)
        reference = _reference(nlp.make_doc(document.text), document, wanted)
        yield Example(predicted, reference)


@spacy.registry.readers("kg.SciERCCorpus.v1")
def _scierc_corpus(
    path: str, limit: int = 0, fraction: float = 1.0, seed: int = 0,
    labels: list[str] = ["Method", "Task", "Dataset", "Metric"],  # noqa: B006 (a config default)
) -> Callable[[Language], Iterator[Example]]:
    def corpus(nlp: Language) -> Iterator[Example]:
        return scierc_examples(nlp, path, limit=limit, fraction=fraction, seed=seed, labels=labels)

    return corpus


def train(
    config: str | Path = DEFAULT_CONFIG,
    output: str | Path = DEFAULT_SPAN_MODEL,
    *,
    overrides: dict[str, Any] | None = None,
    work_dir: str | Path | None = None,
) -> dict[str, Any]:
    """Train on ``config`` and write the packaged model to ``output``; return its meta.

    ``overrides`` are spaCy config overrides (``{"paths.train": ..., "training.max_epochs": 1}``).
    spaCy's own output (``model-best``, ``model-last``) goes to ``work_dir`` (a temporary folder
    unless given). ``output`` is replaced only when training has finished.
    """
    from spacy.cli.train import train as spacy_train

    config = Path(config)
    if not config.is_file():
        raise InputError(f"{config}: no such training config; pass --config")
    overrides = {"paths.train": str(DEFAULT_TRAIN), "paths.dev": str(DEFAULT_DEV), **(overrides or {})}
    for key in ("paths.train", "paths.dev"):
        if not Path(overrides[key]).is_file():
            raise InputError(f"{overrides[key]}: training data not found; pass --train / --dev")
    temporary = None
    if work_dir is None:
        temporary = tempfile.TemporaryDirectory(prefix="kg-train-")
        work_dir = temporary.name
    try:
        spacy_train(config, Path(work_dir), overrides=overrides)
        best = Path(work_dir) / "model-best"
        if not best.is_dir():
            raise KGError(f"training wrote no model into {work_dir}; see spaCy's log above")
        return package(best, output, overrides=overrides)
    finally:
        if temporary is not None:
            temporary.cleanup()


def package(trained: str | Path, output: str | Path, *, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Keep only the ``kg_spans`` component of a trained pipeline and write it to ``output``
    (atomically: a new folder beside it, then renamed into place)."""
    nlp = spacy.load(trained)
    for name in list(nlp.component_names):
        if name != NAME:
            nlp.remove_pipe(name)
    meta = dict(nlp.meta)
    meta["name"] = "kg_spans"
    meta["description"] = ("kg's span model: Method, Task, Dataset, Metric spans trained on SciERC "
                           "(Luan et al. 2018), listening to the pinned English pipeline's tok2vec")
    meta["performance"] = {k: v for k, v in meta.get("performance", {}).items()
                           if k.startswith(f"spans_{SPANS_KEY}_") or k == f"{NAME}_loss"}
    meta["kg"] = {
        "training_data": {
            k: {"path": str(Path(v).relative_to(ROOT)) if Path(v).is_relative_to(ROOT) else str(v),
                "sha256": hashlib.sha256(Path(v).read_bytes()).hexdigest()}
            for k, v in (overrides or {}).items() if k in ("paths.train", "paths.dev")
        },
        "overrides": {k: v for k, v in (overrides or {}).items() if k not in ("paths.train", "paths.dev")},
    }
    nlp.meta.update(meta)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; package data is read by everyone
    try:
        nlp.to_disk(staging)
        previous = output.with_name(f".{output.name}-old")
        if previous.exists():
            shutil.rmtree(previous)
        if output.exists():
            output.rename(previous)
        staging.rename(output)
        if previous.exists():
            shutil.rmtree(previous)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return json.loads((output / "meta.json").read_text("utf-8"))
