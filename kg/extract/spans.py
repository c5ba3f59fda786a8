"""The trained span model inside kg's pipeline: where it lives and how it joins the pipeline.

``kg_spans`` is a spaCy span categorizer trained on SciERC by :mod:`kg.train` and shipped in
``kg/models/spans`` (package data). It listens to the English pipeline's ``tok2vec`` (the one
the tagger and parser use), so adding it costs only its own classifier. Its spans, labelled
Method, Task, Dataset or Metric, go to ``doc.spans["kg_model"]`` with their probabilities in the
group's ``attrs["scores"]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import List

import numpy
import spacy
from spacy.attrs import SENT_START, TAG
from spacy.language import Language
from spacy.ml.models.tok2vec import MaxoutWindowEncoder
from spacy.tokens import Doc
from thinc.api import Maxout, Model, Ops, chain, concatenate, get_current_ops, with_array
from thinc.types import Floats2d, Ragged

from ..errors import ExtractionError

__all__ = ["NAME", "SPANS_KEY", "DEFAULT_SPAN_MODEL", "add_span_model", "listener_encoder", "tag_edge_suggester"]

NAME = "kg_spans"
SPANS_KEY = "kg_model"
DEFAULT_SPAN_MODEL = Path(__file__).resolve().parent.parent / "models" / "spans"


def add_span_model(nlp: Language, path: str | Path = DEFAULT_SPAN_MODEL, *, before: str | None = None) -> Language:
    """Source the trained ``kg_spans`` component from ``path`` into ``nlp`` (in place).

    Raises
    ------
    ExtractionError
        If ``path`` holds no trained span model, or ``nlp`` has no ``tok2vec`` to listen to.
    """
    path = Path(path)
    if "tok2vec" not in nlp.pipe_names:
        raise ExtractionError("the span model listens to the pipeline's 'tok2vec', which this pipeline lacks")
    try:
        trained = spacy.load(path)
    except (OSError, IOError) as err:
        raise ExtractionError(
            f"{path}: no trained span model there ({err}); run 'kg train' (make model) or pass --no-span-model"
        ) from err
    if NAME not in trained.pipe_names:
        raise ExtractionError(f"{path}: the pipeline there has no {NAME!r} component; retrain it with 'kg train'")
    nlp.add_pipe(NAME, source=trained, before=before)
    return nlp


@spacy.registry.architectures("kg.ListenerEncoder.v1")
def listener_encoder(
    listener: Model[List[Doc], List[Floats2d]],
    embed: Model[List[Doc], List[Floats2d]] | None,
    width: int,
    depth: int,
    window_size: int = 1,
    maxout_pieces: int = 3,
) -> Model[List[Doc], List[Floats2d]]:
    """Token vectors for the span model: the shared (frozen) ``tok2vec``'s output, beside a small
    embedding of the span model's own, projected to ``width`` and encoded by ``depth`` layers
    of convolution. The shared layer brings what the tagger and parser learnt; the trained layers
    on top learn what names a method or a task, at a fraction of a second ``tok2vec``'s cost."""
    features = concatenate(listener, embed) if embed is not None else listener
    project = with_array(Maxout(nO=width, nP=maxout_pieces, normalize=True))  # input width found at initialization
    layers = [features, project]
    if depth:
        layers.append(MaxoutWindowEncoder(width=width, window_size=window_size, maxout_pieces=maxout_pieces, depth=depth))
    model = chain(*layers)
    model.set_dim("nO", width)
    return model


#: Penn Treebank tags a span may start or end with. On SciERC's train split (tagged by the pinned
#: pipeline) 97 % of Method/Task/Material/Metric spans start and 99 % end with one of these, and
#: the candidates are a fifth of all n-grams: the classifier scores five times fewer spans.
START_TAGS = ("NN", "NNS", "NNP", "NNPS", "JJ", "JJR", "JJS", "VBG", "VBN", "CD", "FW", "SYM", "XX", "``", "-LRB-")
END_TAGS = ("NN", "NNS", "NNP", "NNPS", "VBG", "CD", "FW", "SYM", "XX", "-RRB-")


def _tag_edge_spans(docs: Iterable[Doc], max_size: int, start_tags: Sequence[str], end_tags: Sequence[str],
                    ops: Ops | None = None) -> Ragged:
    """Every span of up to ``max_size`` tokens inside one sentence whose first token's tag is in
    ``start_tags`` and last token's in ``end_tags``; a Doc without tags gets every n-gram."""
    ops = ops or get_current_ops()
    blocks = []
    lengths = []
    ids: tuple | None = None
    for doc in docs:
        n = len(doc)
        if n == 0:
            lengths.append(0)
            continue
        if ids is None:
            strings = doc.vocab.strings
            ids = (numpy.array([strings.add(t) for t in start_tags], dtype="uint64"),
                   numpy.array([strings.add(t) for t in end_tags], dtype="uint64"))
        tags, sent_starts = doc.to_array([TAG, SENT_START]).T
        if doc.has_annotation("TAG"):
            starts_ok, ends_ok = numpy.isin(tags, ids[0]), numpy.isin(tags, ids[1])
        else:
            starts_ok = ends_ok = numpy.ones(n, dtype=bool)
        sentence = numpy.cumsum(sent_starts.astype("int64") == 1)
        found = []
        for size in range(1, min(max_size, n) + 1):
            first = numpy.arange(n - size + 1)
            last = first + size - 1
            keep = starts_ok[first] & ends_ok[last] & (sentence[first] == sentence[last])
            if keep.any():
                found.append(numpy.stack([first[keep], last[keep] + 1], axis=1))
        spans = numpy.concatenate(found).astype("i") if found else numpy.zeros((0, 2), dtype="i")
        blocks.append(spans)
        lengths.append(len(spans))
    data = numpy.concatenate(blocks) if blocks else numpy.zeros((0, 2), dtype="i")
    return Ragged(ops.asarray2i(data) if len(data) else ops.xp.zeros((0, 0), dtype="i"), ops.asarray1i(lengths))


@spacy.registry.misc("kg.tag_edge_suggester.v1")
def tag_edge_suggester(max_size: int = 10, start_tags: List[str] = list(START_TAGS), end_tags: List[str] = list(END_TAGS)):  # noqa: B006
    """The span model's candidates: spans that begin and end like a noun phrase (:data:`START_TAGS`,
    :data:`END_TAGS`), within one sentence. Needs the tagger (and the parser, for sentences)
    before the span model; runs as spaCy's suggesters do, ``suggester(docs, ops=...)``."""
    starts, ends = frozenset(start_tags), frozenset(end_tags)

    def suggest(docs: Iterable[Doc], *, ops: Ops | None = None) -> Ragged:
        return _tag_edge_spans(docs, max_size, starts, ends, ops)

    return suggest


#: The types the span model is scored on; a model may be trained on more (SciERC's Generic and
#: OtherScientificTerm) and they are dropped from its output.
KG_TYPES = ("Method", "Task", "Dataset", "Metric")


@spacy.registry.scorers("kg.span_scorer.v1")
def _span_scorer():
    """Span P/R/F1 on kg's four types only (the model-selection score of ``training/spans.cfg``)."""
    from spacy.scorer import Scorer

    def score(examples, **kwargs):
        key = kwargs.get("spans_key", SPANS_KEY)

        def kg_spans(doc, attr):
            return [s for s in doc.spans.get(key, []) if s.label_ in KG_TYPES]

        return Scorer.score_spans(examples, f"spans_{key}", getter=kg_spans, allow_overlap=True,
                                  has_annotation=lambda doc: key in doc.spans)

    return score
