"""The trained span model: shipped, loaded into kg's pipeline, merged with the rules, retrainable,
and scored on SciERC the way ``kg eval`` reports it. Real pipeline, real abstracts."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest

import extract_fixtures as fx
from kg import scierc
from kg.errors import ExtractionError
from kg.evaluate import evaluate_files, mention_scores, score
from kg.extract import build_nlp, extract, extract_paper
from kg.extract import merge as merging
from kg.extract.spans import DEFAULT_SPAN_MODEL, KG_TYPES, NAME, SPANS_KEY, tag_edge_suggester
from kg.model import SOURCES, Paper

ROOT = Path(__file__).resolve().parent.parent
SCIERC_TRAIN = ROOT / "training" / "scierc" / "train.json"
SCIERC_DEV = ROOT / "training" / "scierc" / "dev.json"


@pytest.fixture(scope="module")
def nlp():
    return fx.nlp()


@pytest.fixture(scope="module")
def dev_documents():
    return list(scierc.read(SCIERC_DEV))


# -- the shipped model --------------------------------------------------------------------------


def test_the_shipped_model_is_package_data_of_the_size_promised():
    files = [p for p in DEFAULT_SPAN_MODEL.rglob("*") if p.is_file()]
    assert (DEFAULT_SPAN_MODEL / "meta.json").is_file() and (DEFAULT_SPAN_MODEL / NAME / "model").is_file()
    assert sum(p.stat().st_size for p in files) < 30 * 2**20
    meta = json.loads((DEFAULT_SPAN_MODEL / "meta.json").read_text("utf-8"))
    assert set(meta["labels"][NAME]) == set(KG_TYPES)
    assert meta["kg"]["training_data"]["paths.train"]["path"] == "training/scierc/train.json"


def test_the_model_listens_to_the_pipelines_own_tok2vec(nlp):
    assert nlp.pipe_names.index("tok2vec") < nlp.pipe_names.index(NAME) < nlp.pipe_names.index("kg_mentions")
    listeners = nlp.get_pipe("tok2vec").listener_map.get(NAME, [])
    assert listeners, "kg_spans reads the shared tok2vec instead of running one of its own"


def test_model_spans_on_a_real_abstract_have_types_and_probabilities(nlp):
    paper = fx.paper_titled("A Fully First-Order Method for Stochastic Bilevel")
    doc = nlp(paper.abstract)
    group = doc.spans[SPANS_KEY]
    scores = group.attrs["scores"].reshape(-1)
    assert len(group) >= 5 and len(scores) == len(group)
    assert {s.label_ for s in group} <= set(KG_TYPES)
    assert ((0 <= scores) & (scores <= 1)).all()
    assert any("bilevel" in s.text.lower() for s in group if s.label_ == "Task")
    assert any("gradient" in s.text.lower() or "approaches" in s.text.lower() for s in group if s.label_ == "Method")


def test_every_mention_says_who_found_it_and_the_model_score_is_a_probability(nlp):
    sources = set()
    for x in extract(fx.corpus()[:30], nlp):
        for m in x.mentions:
            assert m.source in SOURCES
            assert (m.model_score is None) == (m.source == "rules")
            assert m.model_score is None or 0.0 <= m.model_score <= 1.0
            sources.add(m.source)
    assert sources == set(SOURCES), "on 30 real papers the model, the rules and both each find something"


def test_f2sa_stays_the_proposed_method_with_the_model_in():
    x = fx.extraction("A Fully First-Order Method for Stochastic Bilevel")
    f2sa = [m for m in x.mentions if m.text == "F2SA"]
    assert f2sa and {m.role for m in f2sa} == {"proposed"}


def test_the_model_finds_what_the_rules_miss_on_a_scierc_abstract(nlp, dev_documents):
    rules_only = build_nlp(exclude=("ner", NAME))
    gold = [d.gold_record() for d in dev_documents[:10]]
    papers = [d.paper() for d in dev_documents[:10]]
    with_model = score(gold, [x.to_json() for x in extract(papers, nlp)]).entities["micro"]["exact"]
    rules = score(gold, [x.to_json() for x in extract(papers, rules_only)]).entities["micro"]["exact"]
    assert with_model.recall > rules.recall + 0.1


def test_a_missing_model_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ExtractionError, match="kg train"):
        build_nlp(span_model=tmp_path / "nowhere")


def test_no_span_model_means_rules_only(tmp_path):
    rules_only = build_nlp(exclude=("ner", NAME))
    assert NAME not in rules_only.pipe_names
    x = extract_paper(fx.paper_titled("A Fully First-Order Method for Stochastic Bilevel"), rules_only)
    assert x.mentions and {m.source for m in x.mentions} == {"rules"}


# -- the candidates the model scores -----------------------------------------------------------


def test_the_suggester_covers_nearly_all_gold_spans_of_scierc_train(nlp):
    """The tag-edge suggester keeps a fifth of the n-grams but almost every annotated span."""
    suggest = tag_edge_suggester(max_size=10)
    documents = list(scierc.read(SCIERC_TRAIN))[:60]
    covered = total = candidates = ngrams = 0
    with nlp.select_pipes(enable=["tok2vec", "tagger", "parser"]):
        docs = list(nlp.pipe(d.text for d in documents))
    for document, doc in zip(documents, docs):
        found = {tuple(row) for row in suggest([doc]).dataXd.tolist()}
        candidates += len(found)
        ngrams += sum(max(0, len(doc) - n + 1) for n in range(1, 11))
        for entity in document.entities:
            if entity.kg_type and (span := doc.char_span(entity.start, entity.end, alignment_mode="expand")) is not None:
                total += 1
                covered += (span.start, span.end) in found
    assert covered / total >= 0.9
    assert candidates / ngrams <= 0.35


# -- merging -------------------------------------------------------------------------------------


def _spans(doc, *triples, source="phrase"):
    """Rule mentions as the rules make them; with ``source="model"``, plain labelled spans as the
    span model's group holds them."""
    from spacy.tokens import Span

    from kg.extract.shapes import _mention_span

    if source == "model":
        return [Span(doc, start, end, label=label) for start, end, label in triples]
    return [_mention_span(doc, start, end, label, 0.6, source) for start, end, label in triples]


def test_merge_strategies_on_a_real_sentence(nlp):
    doc = nlp("We evaluate graph neural networks on node classification and link prediction benchmarks.")
    words = [t.text for t in doc]
    gnn = (words.index("graph"), words.index("networks") + 1, "Method")
    node = (words.index("node"), words.index("classification") + 1, "Task")
    link = (words.index("link"), words.index("prediction") + 1, "Task")
    neural = (words.index("neural"), words.index("networks") + 1, "Method")
    make = lambda span, label, confidence, source: _spans(span.doc, (span.start, span.end, label), source="nested")[0]  # noqa: E731

    def model_of(*triples):
        return [(s, 0.9) for s in _spans(doc, *triples, source="model")]

    rules = _spans(doc, gnn, node)
    both_and_new = merging.merge(rules, model_of(gnn, link), "union", make)
    found = {(s.start, s.end): s._.kg_found_by for s in both_and_new}
    assert found == {gnn[:2]: "both", node[:2]: "rules", link[:2]: "model"}
    # a model span inside a rule mention of its type adds nothing under union; rules-first drops overlaps
    assert {(s.start, s.end) for s in merging.merge(_spans(doc, gnn, node), model_of(neural), "union", make)} == {gnn[:2], node[:2]}
    assert merging.merge(_spans(doc, node), model_of(gnn, neural), "rules-first", make)[0]._.kg_found_by == "model"
    assert all(s._.kg_found_by == "rules" for s in merging.merge(_spans(doc, gnn, node), model_of(link), "rules", make))
    with pytest.raises(ValueError, match="unknown merge strategy"):
        merging.merge(rules, [], "both", make)


def test_every_strategy_runs_in_the_pipeline():
    papers = fx.corpus()[:10]
    seen = {}
    for strategy in merging.STRATEGIES:
        seen[strategy] = {m.source for x in extract(papers, build_nlp(merge=strategy)) for m in x.mentions}
    assert seen["rules"] == {"rules"}
    assert all("model" in seen[s] for s in merging.STRATEGIES if s != "rules")


# -- training ------------------------------------------------------------------------------------


def test_training_on_twenty_documents_for_one_epoch_loads_and_runs(tmp_path):
    """The training path end to end: kg train's API on 20 SciERC documents, one epoch, then the
    result is loaded into kg's pipeline in place of the shipped model and extracts."""
    from kg import train

    output = tmp_path / "spans"
    with contextlib.redirect_stdout(io.StringIO()):
        meta = train.train(overrides={"corpora.train.limit": 20, "corpora.dev.limit": 5,
                                      "training.max_epochs": 1, "training.max_steps": 0}, output=output,
                           work_dir=tmp_path / "work")
    assert (output / NAME / "model").is_file() and not (output / "tok2vec").exists()
    assert meta["kg"]["overrides"]["corpora.train.limit"] == 20
    assert "spans_kg_model_f" in meta["performance"]
    toy = build_nlp(span_model=output)
    doc = toy("We propose a new parser for semantic role labeling and test it on the CoNLL 2005 data.")
    assert SPANS_KEY in doc.spans
    extract_paper(Paper("p", "", doc.text), toy)  # the merge takes whatever a toy model finds


def test_kg_train_refuses_a_missing_config_or_data(tmp_path):
    from kg import train
    from kg.errors import InputError

    with pytest.raises(InputError, match="no such training config"):
        train.train(tmp_path / "none.cfg", tmp_path / "out")
    with pytest.raises(InputError, match="training data not found"):
        train.train(overrides={"paths.train": str(tmp_path / "none.json")}, output=tmp_path / "out")


# -- SciERC in, scores out -----------------------------------------------------------------------


def test_scierc_text_and_offsets_round_trip(dev_documents):
    for document in dev_documents:
        assert "-LRB-" not in document.text and " ." not in document.text
        for entity in document.entities:
            assert document.text[entity.start : entity.end] == entity.text
        for start, end in document.sentences:
            assert document.text[start:end].strip() == document.text[start:end]
    record = dev_documents[0].gold_record()
    assert {e["type"] for e in record["entities"]} <= set(KG_TYPES)
    assert all(m["type"] in KG_TYPES for m in record["mentions"])


def test_kg_eval_reads_scierc_directly_and_reports_mention_level(tmp_path, dev_documents, nlp):
    sample = tmp_path / "dev5.json"
    sample.write_text("".join(line for line, _ in zip(SCIERC_DEV.open(encoding="utf-8"), range(5))), encoding="utf-8")
    report = evaluate_files(sample, nlp=nlp)
    assert report.papers == 5 and report.missing_predictions == 0
    assert set(report.mentions) >= {"Method", "Task", "micro"}
    assert 0.2 < report.mentions["micro"].f1 <= 1.0
    # the same numbers from written predictions
    preds = tmp_path / "pred.jsonl"
    papers = [d.paper() for d in dev_documents[:5]]
    preds.write_text("".join(json.dumps(x.to_json()) + "\n" for x in extract(papers, nlp)), encoding="utf-8")
    again = evaluate_files(sample, preds)
    assert again.mentions["micro"].f1 == report.mentions["micro"].f1
    assert again.entities["micro"]["exact"].f1 == report.entities["micro"]["exact"].f1


def test_mention_scores_count_tokens_and_types():
    gold = [{"id": "p", "mentions": [{"field": "abstract", "start": 7, "end": 11, "type": "Method"},
                                     {"field": "abstract", "start": 16, "end": 19, "type": "Task"}]}]
    text = {"p": {"title": "", "abstract": "We use BERT for NER."}}
    right = [{"id": "p", "entities": [{"field": "abstract", "start": 7, "end": 11, "type": "Method"}]}]
    wrong_type = [{"id": "p", "entities": [{"field": "abstract", "start": 16, "end": 19, "type": "Method"}]}]
    scores = mention_scores(gold, right, text)
    assert (scores["micro"].tp, scores["micro"].fp, scores["micro"].fn) == (1, 0, 1)
    assert mention_scores(gold, wrong_type, text)["micro"].tp == 0


def test_an_abstract_without_a_title_is_extracted_and_built(tmp_path, dev_documents):
    """SciERC's abstracts have no titles: kg extract and kg build take them (ids from the abstract)."""
    from kg.cli import main

    source = tmp_path / "abstracts.jsonl"
    source.write_text("".join(json.dumps({"abstract": d.text}) + "\n" for d in dev_documents[:3]), encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["extract", str(source), "-o", str(tmp_path / "x.jsonl")]) == 0
        assert main(["build", str(source), "--out", str(tmp_path / "build"), "--no-html"]) == 0
    printed = out.getvalue()
    assert printed.count("3 papers have no title") == 2, "said once per command, not once per record"
    records = [json.loads(line) for line in (tmp_path / "x.jsonl").read_text("utf-8").splitlines()]
    assert len(records) == 3 and all(r["id"].startswith("untitled-") and r["entities"] for r in records)
    assert len({r["id"] for r in records}) == 3
    shutil.rmtree(tmp_path / "build")
