"""Extraction on real abstracts of the bundled corpus, through the real spaCy pipeline."""

from __future__ import annotations

import json

import pytest

import extract_fixtures as fx
from kg.errors import ExtractionError
from kg.extract import build_nlp, canonical_key, extract, extract_paper, filter_confidence, find_code_urls
from kg.model import ENTITY_TYPES, Extraction, Paper

GENERIC = {"method", "approach", "model", "framework", "task", "dataset", "benchmark", "algorithm", "system",
           "network", "technique", "data", "problem", "metric", "objective", "policy", "learning"}


@pytest.fixture(scope="module")
def nlp():
    return fx.nlp()


def mentions_of(x: Extraction, text: str):
    return [m for m in x.mentions if m.text == text]


# -- named outcomes on real abstracts ------------------------------------------------------------


def test_f2sa_is_the_proposed_method_and_mnist_a_dataset():
    x = fx.extraction("A Fully First-Order Method for Stochastic Bilevel")
    assert {m.role for m in mentions_of(x, "F2SA")} == {"proposed"}
    assert {m.type for m in mentions_of(x, "MNIST")} == {"Dataset"}
    assert {m.role for m in mentions_of(x, "MNIST")} == {"used"}


def test_parl_is_proposed_in_its_own_paper():
    x = fx.extraction("PARL: A Unified Framework")
    parl = mentions_of(x, "PARL")
    assert parl and all(m.role == "proposed" and m.type == "Method" for m in parl)


def test_infrared_claim_value_unit_metric_and_subject():
    x = fx.extraction("Enhancing Infrared Small Target Detection")
    claim = next(c for c in x.claims if "21.96" in c.text)
    assert (claim.value, claim.unit, claim.kind) == (21.96, "%", "quantitative")
    assert claim.metric is not None and claim.metric.lower() == "iou"
    assert claim.direction == "improves"
    # "our scheme" is resolved to what the paper proposes
    assert claim.subject is not None and "adversarial framework" in claim.subject.lower()
    assert {m.type for m in x.mentions if m.text.upper() == "IOU"} == {"Metric"}


def test_infrared_keeps_specific_names_and_drops_vague_phrases():
    x = fx.extraction("Enhancing Infrared Small Target Detection")
    texts = {m.text.lower() for m in x.mentions}
    assert "spatial-frequency interaction network" in texts
    assert {m.role for m in mentions_of(x, "spatial-frequency interaction network")} == {"proposed"}
    assert not any("enduring challenge" in t for t in texts)
    assert not any(t.endswith("level objective") for t in texts)
    assert "our proposed framework" not in texts


def test_motivation_sentences_are_not_claims():
    x = fx.extraction("Enhancing Infrared Small Target Detection")
    assert not any(c.text.startswith("The detection of small infrared targets") for c in x.claims)
    assert not any(c.text.startswith("However") for c in x.claims)


def test_complexity_bound_is_kept_as_text():
    x = fx.extraction("PARL: A Unified Framework")
    claim = next(c for c in x.claims if "O(1/T)" in c.text)
    assert claim.value is None and claim.value_text == "O(1/T)"


def test_meta_explore_outperforms_is_a_comparative_claim():
    x = fx.extraction("Meta-Explore")
    claim = next(c for c in x.claims if c.text.startswith("Meta-Explore outperforms"))
    assert claim.kind == "comparative" and claim.direction == "outperforms"
    assert claim.subject == "Meta-Explore"


def test_code_links():
    x = fx.extraction("Beyond Log Likelihood")
    assert x.code == ("https://github.com/GaotangLi/Beyond-Log-Likelihood",)
    assert find_code_urls("see https://github.com/a/b. and (http://x.org/p).") == ["https://github.com/a/b", "http://x.org/p"]


# -- general rules on sentences, through the real pipeline ---------------------------------------


def test_coordinations_are_split(nlp):
    paper = Paper("c", "", "We evaluate our method on CIFAR-10 and ImageNet and compare it with ResNet and ViT.")
    x = extract_paper(paper, nlp)
    datasets = {m.text for m in x.mentions if m.type == "Dataset"}
    methods = {m.text for m in x.mentions if m.type == "Method"}
    assert {"CIFAR-10", "ImageNet"} <= datasets
    assert {"ResNet", "ViT"} <= methods
    assert not any(" and " in m.text for m in x.mentions)


def test_names_in_evaluation_context_are_datasets(nlp):
    paper = Paper("d", "", "We evaluate our agent on three benchmarks: FooWorld, BarNav and QuxSuite.")
    x = extract_paper(paper, nlp)
    assert {m.text for m in x.mentions if m.type == "Dataset"} >= {"FooWorld", "BarNav"}


def test_determiners_and_praise_are_trimmed(nlp):
    paper = Paper("t", "", "We propose a novel graph attention network for link prediction, and our proposed framework is simple.")
    x = extract_paper(paper, nlp)
    texts = {m.text for m in x.mentions}
    assert "graph attention network" in texts
    assert "link prediction" in texts
    assert not any(t.lower().startswith(("a ", "the ", "novel ", "our ")) for t in texts)


def test_generic_words_are_never_emitted_alone():
    papers = fx.corpus()[:60]
    for x in extract(papers, fx.nlp()):
        for m in x.mentions:
            assert m.text.lower().strip() not in GENERIC, (x.paper.title, m.text)


def test_every_mention_is_typed_located_and_scored():
    for x in extract(fx.corpus()[:20], fx.nlp()):
        for m in x.mentions:
            text = x.paper.text(m.field)
            assert m.type in ENTITY_TYPES
            assert text[m.start : m.end] == m.text
            assert 0.0 < m.confidence <= 1.0
            assert m.canonical == canonical_key(m.text)
        for c in x.claims:
            assert x.paper.abstract[c.start : c.end] == c.text
            assert 0.0 < c.confidence <= 1.0


def test_min_confidence_filters_mentions_and_claims():
    papers = fx.corpus()[:5]
    everything = list(extract(papers, fx.nlp()))
    confident = list(extract(papers, fx.nlp(), min_confidence=0.8))
    assert sum(len(x.mentions) for x in confident) < sum(len(x.mentions) for x in everything)
    assert all(m.confidence >= 0.8 for x in confident for m in x.mentions)
    assert all(c.confidence >= 0.8 for x in confident for c in x.claims)
    assert filter_confidence(everything[0], 0.0) == everything[0]
    with pytest.raises(ExtractionError):
        next(extract(papers, fx.nlp(), min_confidence=2))


def test_canonical_key_merges_variants():
    assert canonical_key("Bi-Level Optimization") == canonical_key("bilevel optimizations")
    assert canonical_key("GFlowNets") == canonical_key("GFlowNet")
    assert canonical_key("LLMs") == canonical_key("LLM")


def test_json_contract_round_trips():
    x = fx.extraction("PARL: A Unified Framework")
    record = json.loads(json.dumps(x.to_json()))
    assert set(record) >= {"id", "title", "entities", "claims", "code"}
    back = Extraction.from_json(record, abstract=x.paper.abstract)
    assert back.mentions == x.mentions and back.claims == x.claims


def test_user_patterns_add_names(tmp_path):
    path = tmp_path / "mine.jsonl"
    path.write_text('{"label": "Dataset", "pattern": "Zorblax Corpus"}\n', "utf-8")
    nlp = build_nlp(patterns=[path])
    x = extract_paper(Paper("u", "", "We train on the Zorblax Corpus."), nlp)
    assert [(m.text, m.type) for m in x.mentions] == [("Zorblax Corpus", "Dataset")]


def test_bad_user_patterns_say_where(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"label": "Thing", "pattern": "x"}\n', "utf-8")
    with pytest.raises(ExtractionError, match="bad.jsonl:1"):
        build_nlp(patterns=[path])


def test_title_x_for_y_names_the_contribution():
    x = fx.extraction("Polychromic Objectives for Reinforcement Learning")
    assert {m.role for m in mentions_of(x, "Polychromic Objectives")} == {"proposed"}
    goal_title = fx.extraction("Enhancing Infrared Small Target Detection")
    assert not mentions_of(goal_title, "Infrared Small Target Detection Robustness")
