"""kg_token_attributes gives every token the tag, POS, morphology and lemma the model's own
attribute_ruler and lemmatizer give it, on real abstracts and on the ruler's two-token cases."""

from __future__ import annotations

import numpy
import pytest
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, TAG

from kg.extract import build_nlp
from kg.extract.tokenattrs import TokenAttributes

ATTRS = [TAG, POS, MORPH, LEMMA, DEP, HEAD]
# the ruler's patterns that span two tokens ("let 's", "gon na", "ai n't"), spaces, odd casing
ODD = [
    "Let's see: we're gonna show it ain't so, and   LLMs  don't\n\nreason.",
    "GOT TA Go. I'm sure they've; WE'D said 'nothin' y'all.",
]


@pytest.fixture(scope="module")
def stock():
    return build_nlp(exclude=("ner", "kg_token_attributes"))


@pytest.fixture(scope="module")
def texts(bundled_papers):
    return [t for p in bundled_papers[:80] for t in (p.title, p.abstract)] + ODD


def _annotations(nlp, texts):
    return [doc.to_array(ATTRS) for doc in nlp.pipe(texts)]


def test_pipeline_swaps_the_two_rule_components(nlp, stock):
    assert "kg_token_attributes" in nlp.pipe_names
    assert "attribute_ruler" not in nlp.pipe_names and "lemmatizer" not in nlp.pipe_names
    assert {"attribute_ruler", "lemmatizer"} <= set(stock.pipe_names)
    assert "kg_token_attributes" not in stock.pipe_names


def test_same_annotations_as_the_models_components(nlp, stock, texts):
    ours, theirs = _annotations(nlp, texts), _annotations(stock, texts)
    differing = [t for t, a, b in zip(texts, ours, theirs) if not numpy.array_equal(a, b)]
    assert differing == []
    doc = nlp(ODD[0])
    assert [t.lemma_ for t in doc if t.lower_ in ("'s", "'re", "ai", "n't")] == ["us", "be", "be", "not", "not"]


def test_tiny_memory_still_gives_the_same_answers(stock, texts):
    """A memory that starts afresh every few words (the limit) changes nothing but the speed."""
    forgetful = build_nlp()
    component = forgetful.get_pipe("kg_token_attributes")
    assert isinstance(component, TokenAttributes)
    component.limit = 7
    ours, theirs = _annotations(forgetful, texts[:40]), _annotations(stock, texts[:40])
    assert all(numpy.array_equal(a, b) for a, b in zip(ours, theirs))
    assert len(component.known) <= 7


def test_a_second_pass_asks_the_components_nothing(texts):
    nlp = build_nlp()
    component = nlp.get_pipe("kg_token_attributes")
    list(nlp.pipe(texts[:20]))
    learned = len(component.known)
    assert learned > 500

    def refuse(*_):
        raise AssertionError("asked again")

    component._learn = refuse
    list(nlp.pipe(texts[:20]))
    assert len(component.known) == learned
