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
import os
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


def check_output(path: str | Path) -> None:
    """Refuse, before minutes of training, an output whose folder cannot be made or written."""
    parent = Path(path).parent
    parent.mkdir(parents=True, exist_ok=True)  # an OSError here names the folder
    probe = tempfile.mkdtemp(prefix=f".{Path(path).name}-probe-", dir=parent)
    os.rmdir(probe)


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
    check_output(output)
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


# ---------------------------------------------------------------------------------------------
# The relation classifier

def relation_instances(nlp: Language, path: str | Path, *, limit: int = 0, skip: int = 0) -> tuple[list, list]:
    """Features and labels of every pair of SciERC entities of kg's types in one sentence
    (parsed by ``nlp``): ``NONE``, ``relation>`` (first -> second) or ``relation<``."""
    from .extract import relations

    documents = list(scierc.read(path))[skip:]
    if limit:
        documents = documents[:limit]
    X, y = [], []
    with nlp.select_pipes(enable=[n for n in ("tok2vec", "tagger", "parser", "kg_token_attributes", "attribute_ruler", "lemmatizer") if n in nlp.pipe_names]):
        parsed = list(nlp.pipe(d.text for d in documents))
    for document, doc in zip(documents, parsed):
        spans = {}
        for entity in document.entities:
            span = doc.char_span(entity.start, entity.end, alignment_mode="expand") if entity.kg_type else None
            if span is not None:
                spans[(entity.start, entity.end)] = (span.start, span.end, entity.kg_type)
        gold = {}
        for r in document.relations:
            a, b = spans.get((r.head.start, r.head.end)), spans.get((r.tail.start, r.tail.end))
            if a and b:
                gold[(a, b)] = scierc.RELATION_MAP[r.label]
        for sentence in doc.sents:
            for pair in relations.pairs(list(spans.values()), sentence):
                label = "NONE"
                if (pair.first, pair.second) in gold:
                    label = gold[(pair.first, pair.second)] + ">"
                elif (pair.second, pair.first) in gold:
                    relation = gold[(pair.second, pair.first)]
                    label = relation + (">" if relation in relations.SYMMETRIC else "<")
                X.append(relations.features(doc, pair))
                y.append(label)
    return X, y


def train_relations(
    output: str | Path | None = None,
    *,
    train_path: str | Path = DEFAULT_TRAIN,
    dev_path: str | Path = DEFAULT_DEV,
    limit: int = 0,
    dev_docs: int = 25,
    c: float = 1.0,
    min_count: int = 2,
) -> dict[str, Any]:
    """Fit the relation classifier (scikit-learn's logistic regression over the pair features)
    on SciERC train, choose each relation's threshold on the first ``dev_docs`` dev documents,
    and write the weights as JSON to ``output`` (default: the shipped model). Returns its meta."""
    try:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError as err:
        raise KGError("training the relation model needs scikit-learn: pip install 'kg[train]'") from err
    from collections import Counter

    from .atomic import write_atomically
    from .extract import build_nlp, relations

    for path in (train_path, dev_path):
        if not Path(path).is_file():
            raise InputError(f"{path}: training data not found; pass --train / --dev")
    nlp = build_nlp(exclude=("ner", NAME, relations.NAME))
    X, y = relation_instances(nlp, train_path, limit=limit)
    counts = Counter(f for names in X for f in set(names))
    keep = {f for f, n in counts.items() if n >= min_count}
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([{f: 1 for f in names if f in keep} for names in X])
    classifier = LogisticRegression(C=c, max_iter=3000)
    classifier.fit(matrix, y)
    labels = [str(label) for label in classifier.classes_]
    weights = {name: [round(float(w), 4) for w in classifier.coef_[:, j]]
               for name, j in vectorizer.vocabulary_.items()}
    model = relations.RelationModel(labels, weights, [round(float(b), 4) for b in classifier.intercept_], {}, {})
    X_dev, y_dev = relation_instances(nlp, dev_path, limit=dev_docs)
    model.thresholds = _thresholds(model, X_dev, y_dev)
    scores = _pair_scores(model, X_dev, y_dev)
    model.meta = {
        "trained_on": str(Path(train_path).relative_to(ROOT)) if Path(train_path).is_relative_to(ROOT) else str(train_path),
        "sha256": hashlib.sha256(Path(train_path).read_bytes()).hexdigest(),
        "pairs": len(y), "features": len(weights), "C": c, "min_count": min_count,
        "dev": f"first {dev_docs} documents of {Path(dev_path).name}, gold entities", "dev_pair_scores": scores,
    }
    target = Path(output) if output is not None else relations.DEFAULT_RELATION_MODEL
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, (json.dumps(model.to_json(), sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8"))
    relations.load_model.cache_clear()
    return model.meta


def _pair_scores(model, X: list, y: list) -> dict[str, dict[str, float]]:
    """P/R/F1 per written relation on labelled pairs (a prediction counts when relation and
    direction are right)."""
    from .extract.relations import OUTPUT_RELATIONS

    counts = {r: [0, 0, 0] for r in OUTPUT_RELATIONS}
    for names, gold in zip(X, y):
        found = model.predict(names)
        predicted = f"{found[0]}{found[1]}" if found else "NONE"
        g, p = gold[:-1] if gold != "NONE" else None, predicted[:-1] if predicted != "NONE" else None
        if p in counts and predicted == gold:
            counts[p][0] += 1
        else:
            if p in counts:
                counts[p][1] += 1
            if g in counts:
                counts[g][2] += 1
    out = {}
    for relation, (tp, fp, fn) in counts.items():
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        out[relation] = {"p": round(precision, 3), "r": round(recall, 3),
                         "f": round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0,
                         "gold": tp + fn}
    return out


def _thresholds(model, X: list, y: list) -> dict[str, float]:
    """Each written relation's lowest probability, chosen for the best F1 on labelled pairs
    (0.5 when the relation is too rare there to say: fewer than 5 gold pairs)."""
    from .extract.relations import OUTPUT_RELATIONS

    chosen = {}
    for relation in OUTPUT_RELATIONS:
        best = (-1.0, 0.5)
        for threshold in (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7):
            model.thresholds = {relation: threshold}
            score = _pair_scores(model, X, y)[relation]
            if score["gold"] < 5:
                break
            best = max(best, (score["f"], -threshold))
        chosen[relation] = -best[1] if best[0] >= 0 else 0.5
    model.thresholds = {}
    return chosen
