"""Relations between entities: read from real abstracts, kept in the record, linked into the graph
with their evidence, checked by the shapes, scored on SciERC, retrainable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import RDF, Literal, URIRef

import extract_fixtures as fx
from kg import scierc
from kg.evaluate import score
from kg.extract import build_nlp, extract, extract_paper
from kg.extract import relations as rel
from kg.model import RELATION_TYPES, Extraction, Mention, Paper, Relation
from kg.validate import validate
from kg.vocab import KG

ROOT = Path(__file__).resolve().parent.parent
SCIERC_DEV = ROOT / "training" / "scierc" / "dev.json"


@pytest.fixture(scope="module")
def nlp():
    return fx.nlp()


def test_a_method_used_for_a_task_in_one_sentence(nlp):
    x = extract_paper(Paper("p", "", "We apply beam search to machine translation and evaluate it with BLEU."), nlp)
    found = {(r.head, r.relation, r.tail) for r in x.relations}
    assert ("beam search", "used-for", "machine translation") in found
    r = next(r for r in x.relations if r.relation == "used-for")
    assert r.sentence == x.paper.abstract[r.start : r.end] and 0 < r.confidence <= 1
    assert (r.head_type, r.tail_type) == ("Method", "Task")


def test_relations_on_the_bundled_corpus_are_typed_evidenced_and_within_one_sentence(nlp):
    papers = fx.corpus()[:40]
    kinds = set()
    for x in extract(papers, nlp):
        mentions = {m.canonical for m in x.mentions}
        for r in x.relations:
            kinds.add(r.relation)
            assert r.relation in RELATION_TYPES
            assert r.head_key in mentions and r.tail_key in mentions and r.head_key != r.tail_key
            text = x.paper.text(r.field)
            assert text[r.start : r.end] == r.sentence and r.head in r.sentence and r.tail in r.sentence
    assert {"used-for", "evaluate-for"} <= kinds


def test_the_record_keeps_relations_and_reads_them_back(nlp):
    x = extract_paper(Paper("p", "", "We apply beam search to machine translation."), nlp)
    again = Extraction.from_json(json.loads(json.dumps(x.to_json())))
    assert again.relations == x.relations and again.relations


def test_no_relations_when_excluded():
    plain = build_nlp(exclude=("ner", rel.NAME))
    x = extract_paper(Paper("p", "", "We apply beam search to machine translation."), plain)
    assert x.relations == () and x.mentions


def test_features_read_the_words_and_the_path_between(nlp):
    doc = nlp("We use convolutional networks for image classification.")
    words = [t.text for t in doc]
    a = (words.index("convolutional"), words.index("networks") + 1, "Method")
    b = (words.index("image"), words.index("classification") + 1, "Task")
    pair = next(rel.pairs([a, b], next(doc.sents)))
    names = rel.features(doc, pair)
    assert "types=Method>Task" in names and "between=for" in names
    assert any(n.startswith("path=") and "prep" in n for n in names)


def test_the_model_file_predicts_a_direction_and_a_probability():
    model = rel.load_model()
    assert set(model.labels) >= {"NONE", "used-for>", "used-for<"} and len(model.bias) == len(model.labels)
    assert set(model.thresholds) == set(rel.OUTPUT_RELATIONS)
    probs = model.probabilities(["types=Method>Task", "between=for"])
    assert abs(sum(probs) - 1) < 1e-9
    found = model.predict(["types=Method>Task", "between=for", "first_between=for", "last_between=for"])
    assert found is not None and found[0] == "used-for" and found[1] == ">"


def test_the_graph_holds_each_relation_once_reified_with_its_evidence(bundled_graph):
    relations = set(bundled_graph.subjects(RDF.type, KG.Relation))
    assert relations
    for r in list(relations)[:50]:
        s, p, o = (bundled_graph.value(r, t) for t in (RDF.subject, RDF.predicate, RDF.object))
        assert (s, p, o) in bundled_graph, "the direct triple is there too"
        evidence = list(bundled_graph.subjects(KG.supports, r))
        assert int(bundled_graph.value(r, KG.paperCount)) == len({bundled_graph.value(e, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")) for e in evidence})
        for e in evidence:
            assert str(bundled_graph.value(e, KG.evidence)) and bundled_graph.value(e, KG.extractorVersion) is not None
    predicates = {bundled_graph.value(r, RDF.predicate) for r in relations}
    assert KG.usedFor in predicates


def test_shapes_reject_a_relation_without_papers_or_between_papers(bundled_graph):
    g = bundled_graph.__class__()
    for triple in bundled_graph:
        g.add(triple)
    r = next(g.subjects(RDF.type, KG.Relation))
    g.set((r, KG.paperCount, Literal(0)))
    paper = next(g.subjects(RDF.type, KG.Paper))
    other = next(p for p in g.subjects(RDF.type, KG.Paper) if p != paper)
    g.add((paper, KG.usedFor, other))
    report = validate(g)
    focus = {v.focus_node for v in report.violations}
    assert r in focus and paper in focus


def test_relations_are_scored_at_document_level_with_partial_arguments():
    gold = [{"id": "p", "entities": [], "relations": [
        {"head": "beam search", "relation": "used-for", "tail": "machine translation"},
        {"head": "BLEU", "relation": "evaluate-for", "tail": "beam search"}]}]
    pred = [{"id": "p", "entities": [], "relations": [
        {"head": "beam search decoding", "relation": "used-for", "tail": "neural machine translation"},
        {"head": "beam search", "relation": "evaluate-for", "tail": "BLEU"}]}]
    report = score(gold, pred).relations
    assert (report["used-for"].tp, report["evaluate-for"].tp, report["evaluate-for"].fp) == (1, 0, 1)
    assert report["micro"].precision == 0.5 and report["micro"].recall == 0.5


def test_scierc_gold_has_its_relations_between_entities_of_kg_types():
    document = next(iter(scierc.read(SCIERC_DEV)))
    record = document.gold_record()
    assert record["relations"]
    names = {e["text"] for e in record["entities"]}
    assert all(r["head"] in names and r["tail"] in names for r in record["relations"])


def test_training_the_relation_classifier_on_twenty_documents(tmp_path):
    from kg import train

    meta = train.train_relations(tmp_path / "relations.json", limit=20, dev_docs=5)
    model = rel.RelationModel.from_json(json.loads((tmp_path / "relations.json").read_text("utf-8")))
    assert meta["pairs"] > 50 and model.weights and "NONE" in model.labels
    toy = build_nlp(relation_model=tmp_path / "relations.json")
    extract_paper(Paper("p", "", "We apply beam search to machine translation."), toy)


def test_linking_counts_the_papers_that_state_a_relation():
    from kg.link import link

    def paper(pid):
        mentions = (Mention("BERT", "Method", 0, 4, "abstract", "s", canonical="bert"),
                    Mention("NER", "Task", 9, 12, "abstract", "s", canonical="ner"))
        relation = Relation("BERT", "Method", "used-for", "NER", "Task", "s", 0, 1, 0.9, head_key="bert", tail_key="ner")
        return Extraction(Paper(pid, pid, "x"), mentions, relations=(relation,))

    corpus = link([paper("a"), paper("b")])
    assert corpus.relations == {("bert", "used-for", "ner"): {"a", "b"}}
