"""ontology/shapes.ttl accepts a well-formed graph and names the node and constraint it rejects."""

from decimal import Decimal

import pytest
import rdflib
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SH, SKOS
from rdflib.paths import SequencePath

from kg.errors import ValidationError
from kg.validate import ValidationReport, validate, validate_or_raise
from kg.vocab import KG, PREFIXES, SHAPES_PATH, ontology_graph

XSD = PREFIXES["xsd"]  # a plain Namespace: pytest probing a DefinedNamespace warns
SDO = PREFIXES["schema"]
ID = rdflib.Namespace("https://w3id.org/kg-papers/id/")
PAPER = ID["paper/2301.00001"]
PARL, PPO, TASK, DATASET, METRIC = ID["method/parl"], ID["method/ppo"], ID["task/rl"], ID["dataset/atari"], ID["metric/return"]
CLAIM, MENTION, REPO = ID["claim/2301.00001-1"], ID["mention/2301.00001-1"], ID["code/github.com/x/parl"]

SENTENCE = "PARL outperforms PPO on Atari by 12% in mean return."


def dec(text: str) -> Literal:
    return Literal(Decimal(text), datatype=XSD.decimal)


def valid_graph() -> rdflib.Graph:
    """One paper with every kind of node the shapes check, each correct."""
    g = rdflib.Graph()
    g.add((PAPER, RDF.type, KG.Paper))
    g.add((PAPER, DCTERMS.title, Literal("PARL: A Unified Framework")))
    g.add((PAPER, DCTERMS.abstract, Literal("We propose PARL. " + SENTENCE)))
    g.add((PAPER, DCTERMS.identifier, Literal("2301.00001")))
    g.add((PAPER, DCTERMS.issued, Literal("2023", datatype=XSD.gYear)))
    g.add((PAPER, DCTERMS.creator, Literal("Ada Lovelace")))
    g.add((PAPER, KG.arxivId, Literal("2301.00001")))
    g.add((PAPER, KG.doi, Literal("10.48550/arXiv.2301.00001")))
    for prop, node in [
        (KG.proposes, PARL),
        (KG.uses, PPO),
        (KG.addresses, TASK),
        (KG.evaluatesOn, DATASET),
        (KG.introducesDataset, DATASET),
        (KG.reportsMetric, METRIC),
        (KG.hasCode, REPO),
        (KG.hasClaim, CLAIM),
        (KG.hasMention, MENTION),
    ]:
        g.add((PAPER, prop, node))
    for node, cls, label in [
        (PARL, KG.Method, "PARL"),
        (PPO, KG.Method, "proximal policy optimization"),
        (TASK, KG.Task, "reinforcement learning"),
        (DATASET, KG.Dataset, "Atari"),
        (METRIC, KG.Metric, "mean return"),
    ]:
        g.add((node, RDF.type, cls))  # leaf class only, as the pipeline writes it
        g.add((node, SKOS.prefLabel, Literal(label)))
        g.add((node, KG.confidence, dec("0.8")))
        g.add((node, KG.paperCount, Literal(1)))
    g.add((PPO, SKOS.altLabel, Literal("PPO")))
    g.add((PARL, KG.outperforms, PPO))
    g.add((REPO, RDF.type, KG.CodeRepository))
    g.add((REPO, SDO.url, Literal("https://github.com/x/parl", datatype=XSD.anyURI)))

    g.add((CLAIM, RDF.type, KG.Claim))
    g.add((CLAIM, KG.claimOf, PAPER))
    g.add((CLAIM, PROV.wasDerivedFrom, PAPER))
    g.add((CLAIM, KG.evidence, Literal(SENTENCE)))
    g.add((CLAIM, KG.claimKind, Literal("quantitative")))
    g.add((CLAIM, KG.direction, Literal("outperforms")))
    g.add((CLAIM, KG.value, dec("12")))
    g.add((CLAIM, KG.unit, Literal("%")))
    g.add((CLAIM, KG.valueText, Literal("12%")))
    g.add((CLAIM, KG.confidence, dec("0.7")))
    g.add((CLAIM, KG.subject, PARL))
    g.add((CLAIM, KG.comparedTo, PPO))
    g.add((CLAIM, KG.onDataset, DATASET))
    g.add((CLAIM, KG.measuredBy, METRIC))
    g.add((CLAIM, KG.field, Literal("abstract")))
    g.add((CLAIM, KG.start, Literal(17)))
    g.add((CLAIM, KG.end, Literal(17 + len(SENTENCE))))

    g.add((MENTION, RDF.type, KG.Mention))
    g.add((MENTION, KG.denotes, PARL))
    g.add((MENTION, PROV.wasDerivedFrom, PAPER))
    g.add((MENTION, KG.role, Literal("proposed")))
    g.add((MENTION, KG.evidence, Literal("We propose PARL.")))
    g.add((MENTION, KG.confidence, dec("0.9")))
    g.add((MENTION, KG.foundBy, Literal("both")))
    g.add((MENTION, KG.modelScore, dec("0.87")))
    g.add((MENTION, KG.field, Literal("abstract")))
    g.add((MENTION, KG.start, Literal(11)))
    g.add((MENTION, KG.end, Literal(15)))
    return g


def assert_rejected(report: ValidationReport, node: URIRef, constraint: str, path: URIRef | None = None):
    """``report`` fails, on ``node``, for ``constraint``; and its summary says so."""
    assert not report.conforms
    hits = [
        v
        for v in report.violations
        if v.focus_node == node and v.constraint == SH[constraint] and (path is None or v.path == path)
    ]
    assert hits, f"expected {constraint} on {node}, got:\n{report.summary()}"
    assert all(v.message for v in hits), "every shape carries sh:message"
    line = next(line for line in report.summary().splitlines() if constraint.removesuffix("ConstraintComponent") in line)
    assert str(node) in line


def test_valid_graph_conforms():
    report = validate(valid_graph())
    assert report.conforms, report.summary()
    assert report.violations == ()
    assert report.summary() == "conforms: no violations"


def test_validation_leaves_the_graph_unchanged():
    g = valid_graph()
    before = set(g)
    validate(g)
    assert set(g) == before


def test_paper_with_two_titles():
    g = valid_graph()
    g.add((PAPER, DCTERMS.title, Literal("Another title")))
    report = validate(g)
    assert_rejected(report, PAPER, "MaxCountConstraintComponent", DCTERMS.title)
    assert "dcterms:title" in report.summary()


def test_paper_without_abstract():
    g = valid_graph()
    g.remove((PAPER, DCTERMS.abstract, None))
    report = validate(g)
    assert_rejected(report, PAPER, "MinCountConstraintComponent", DCTERMS.abstract)
    assert "exactly one dcterms:abstract" in report.summary()


def test_paper_without_a_title_conforms():
    g = valid_graph()
    g.remove((PAPER, DCTERMS.title, None))  # an abstract without a title is a paper
    assert validate(g).conforms


@pytest.mark.parametrize("value", ["ner", "", "Model"])
def test_mention_found_by_something_unknown(value):
    g = valid_graph()
    g.set((MENTION, KG.foundBy, Literal(value)))
    assert_rejected(validate(g), MENTION, "InConstraintComponent", KG.foundBy)


def test_mention_without_found_by_or_with_a_model_score_out_of_range():
    g = valid_graph()
    g.remove((MENTION, KG.foundBy, None))
    assert_rejected(validate(g), MENTION, "MinCountConstraintComponent", KG.foundBy)
    g = valid_graph()
    g.set((MENTION, KG.modelScore, dec("1.5")))
    assert_rejected(validate(g), MENTION, "MaxInclusiveConstraintComponent", KG.modelScore)


def test_paper_with_empty_abstract():
    g = valid_graph()
    g.set((PAPER, DCTERMS.abstract, Literal("")))
    assert_rejected(validate(g), PAPER, "MinLengthConstraintComponent", DCTERMS.abstract)


def test_claim_value_that_is_a_string():
    g = valid_graph()
    g.set((CLAIM, KG.value, Literal("abc", datatype=XSD.string)))
    report = validate(g)
    assert_rejected(report, CLAIM, "DatatypeConstraintComponent", KG.value)
    assert '"abc"' in report.summary(), "the offending value is shown"


@pytest.mark.parametrize("node", [CLAIM, MENTION, PARL], ids=["claim", "mention", "entity"])
def test_confidence_above_one(node):
    g = valid_graph()
    g.set((node, KG.confidence, dec("1.5")))
    report = validate(g)
    assert_rejected(report, node, "MaxInclusiveConstraintComponent", KG.confidence)
    assert "1.5" in report.summary()


def test_confidence_as_float_is_rejected():
    g = valid_graph()
    g.set((MENTION, KG.confidence, Literal(0.9)))  # xsd:double, not xsd:decimal
    assert_rejected(validate(g), MENTION, "DatatypeConstraintComponent", KG.confidence)


def test_proposes_pointing_to_a_task():
    g = valid_graph()
    g.add((PAPER, KG.proposes, TASK))
    report = validate(g)
    assert_rejected(report, PAPER, "ClassConstraintComponent", KG.proposes)
    assert "kg:proposes must point to a kg:Method" in report.summary()


def test_claim_without_evidence_or_paper():
    g = valid_graph()
    g.remove((CLAIM, KG.evidence, None))
    g.remove((CLAIM, KG.claimOf, None))
    report = validate(g)
    assert_rejected(report, CLAIM, "MinCountConstraintComponent", KG.evidence)
    assert_rejected(report, CLAIM, "MinCountConstraintComponent", KG.claimOf)


def test_claim_kind_and_direction_outside_their_lists():
    g = valid_graph()
    g.set((CLAIM, KG.claimKind, Literal("anecdotal")))
    g.set((CLAIM, KG.direction, Literal("beats")))
    report = validate(g)
    assert_rejected(report, CLAIM, "InConstraintComponent", KG.claimKind)
    assert_rejected(report, CLAIM, "InConstraintComponent", KG.direction)


def test_mention_denoting_a_leaf_class_entity_conforms_for_each_kind():
    for entity in (PARL, TASK, DATASET, METRIC):
        g = valid_graph()
        g.set((MENTION, KG.denotes, entity))
        assert validate(g).conforms


def test_mention_denoting_a_non_entity():
    g = valid_graph()
    g.set((MENTION, KG.denotes, PAPER))
    report = validate(g)
    assert_rejected(report, MENTION, "InConstraintComponent", SequencePath(KG.denotes, RDF.type))
    assert "kg:denotes/rdf:type: In: A mention denotes a kg:Method" in report.summary()
    assert "(value: kg:Paper)" in report.summary()


def test_mention_denoting_an_untyped_node():
    g = valid_graph()
    g.set((MENTION, KG.denotes, ID["method/nowhere"]))
    assert_rejected(validate(g), MENTION, "MinCountConstraintComponent", SequencePath(KG.denotes, RDF.type))


def test_code_repository_without_url():
    g = valid_graph()
    g.remove((REPO, SDO.url, None))
    assert_rejected(validate(g), REPO, "MinCountConstraintComponent", SDO.url)
    g.set((REPO, SDO.url, Literal("github.com/x/parl", datatype=XSD.anyURI)))
    assert_rejected(validate(g), REPO, "PatternConstraintComponent", SDO.url)


def test_mention_with_bad_role_and_no_paper():
    g = valid_graph()
    g.set((MENTION, KG.role, Literal("cited")))
    g.remove((MENTION, PROV.wasDerivedFrom, None))
    report = validate(g)
    assert_rejected(report, MENTION, "InConstraintComponent", KG.role)
    assert_rejected(report, MENTION, "MinCountConstraintComponent", PROV.wasDerivedFrom)


def test_span_that_ends_before_it_starts():
    g = valid_graph()
    g.set((MENTION, KG.end, Literal(3)))
    assert_rejected(validate(g), MENTION, "LessThanOrEqualsConstraintComponent", KG.start)


def test_entity_without_preferred_label():
    g = valid_graph()
    g.remove((DATASET, SKOS.prefLabel, None))
    assert_rejected(validate(g), DATASET, "MinCountConstraintComponent", SKOS.prefLabel)


def test_outperforms_between_non_methods():
    g = valid_graph()
    g.add((DATASET, KG.outperforms, PPO))
    assert_rejected(validate(g), DATASET, "ClassConstraintComponent")


def test_validate_or_raise_explains_itself():
    g = valid_graph()
    g.add((PAPER, DCTERMS.title, Literal("Another title")))
    with pytest.raises(ValidationError, match="1 violation\\)") as caught:
        validate_or_raise(g)
    text = str(caught.value)
    assert str(PAPER) in text and "MaxCount" in text and "dcterms:title" in text
    assert validate_or_raise(valid_graph()).conforms


def test_summary_limit():
    g = valid_graph()
    for node in (PARL, PPO, TASK):
        g.set((node, KG.confidence, dec("2")))
    summary = validate(g).summary(limit=1)
    assert summary.splitlines()[-1] == "... and 2 more"


def test_shapes_name_exactly_the_leaf_classes_of_entity():
    """Shapes avoid rdfs:subClassOf; their lists of entity classes must follow the ontology."""
    leaves = set(ontology_graph().subjects(rdflib.RDFS.subClassOf, KG.Entity))
    shapes = rdflib.Graph().parse(SHAPES_PATH)
    entity_shape = rdflib.URIRef("https://w3id.org/kg-papers/shapes#EntityShape")
    assert set(shapes.objects(entity_shape, SH.targetClass)) == leaves
    in_lists = [o for s, o in shapes.subject_objects(SH["in"]) if KG.Method in rdflib.collection.Collection(shapes, o)]
    assert len(in_lists) == 2, "a mention's entity and an entity relation's subject"
    for in_list in in_lists:
        assert set(rdflib.collection.Collection(shapes, in_list)) == leaves


def test_every_shape_has_a_name_and_every_property_shape_a_message():
    shapes = rdflib.Graph().parse(SHAPES_PATH)
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    property_shapes = set(shapes.objects(None, SH.property))
    for shape in node_shapes | property_shapes:
        assert shapes.value(shape, SH.name) is not None, shape
    for shape in property_shapes:
        assert shapes.value(shape, SH.message) is not None, shape


# ---------------------------------------------------------------------------------------------
# The bundled graph: conforms, in reasonable time; a broken copy fails, through the CLI too


def test_bundled_graph_conforms_in_reasonable_time(bundled_graph):
    import time

    started = time.perf_counter()
    report = validate(bundled_graph)
    elapsed = time.perf_counter() - started
    print(f"\nvalidate() on the bundled graph ({len(bundled_graph)} triples): {elapsed:.1f} s")
    assert report.conforms, report.summary(20)
    assert elapsed < 90, "SHACL validation of 35k triples took too long; see the note in shapes.ttl"


def test_build_validates_and_says_so(bundled_build):
    _, code, stdout = bundled_build
    assert code == 0
    line = next(line for line in stdout.splitlines() if "SHACL validation" in line)
    assert "conforms" in line


def broken_copy(graph: rdflib.Graph) -> tuple[rdflib.Graph, dict[str, URIRef]]:
    """A copy of the bundled graph with four different faults, and the nodes that carry them."""
    broken = rdflib.Graph()
    for triple in graph:
        broken.add(triple)
    papers = sorted(graph.subjects(RDF.type, KG.Paper))
    claim = sorted(graph.subjects(KG.value, None))[0]
    task = sorted(graph.subjects(RDF.type, KG.Task))[0]
    broken.remove((papers[0], DCTERMS.abstract, None))
    broken.add((papers[1], DCTERMS.title, Literal("A second title")))
    broken.set((claim, KG.value, Literal("twelve")))
    broken.add((papers[2], KG.proposes, task))
    return broken, {"no abstract": papers[0], "two titles": papers[1], "string value": claim, "proposes task": papers[2]}


def test_broken_copy_of_the_bundled_graph_is_rejected(bundled_graph):
    broken, nodes = broken_copy(bundled_graph)
    report = validate(broken)
    assert_rejected(report, nodes["no abstract"], "MinCountConstraintComponent", DCTERMS.abstract)
    assert_rejected(report, nodes["two titles"], "MaxCountConstraintComponent", DCTERMS.title)
    assert_rejected(report, nodes["string value"], "DatatypeConstraintComponent", KG.value)
    assert_rejected(report, nodes["proposes task"], "ClassConstraintComponent", KG.proposes)
    assert len(report.violations) == 4, report.summary()


def test_cli_validate_on_the_bundled_graph_and_a_broken_copy(bundled_build, bundled_graph, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    from kg.rdf import save

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}

    def kg_validate(path):
        return subprocess.run([sys.executable, "-m", "kg.cli", "validate", str(path)],
                              capture_output=True, text=True, env=env, timeout=900)

    out, _, _ = bundled_build
    ok = kg_validate(out)  # the build's --out folder stands for its graph.ttl, as in kg query
    assert ok.returncode == 0 and "conforms" in ok.stdout, ok.stderr

    broken, nodes = broken_copy(bundled_graph)
    path = save(broken, tmp_path / "broken.ttl")
    failed = kg_validate(path)
    assert failed.returncode == 6, failed.stderr
    lines = failed.stdout.splitlines()
    assert "Traceback" not in failed.stderr
    for fault, constraint, prop in [
        ("no abstract", "MinCount", "dcterms:abstract"),
        ("two titles", "MaxCount", "dcterms:title"),
        ("string value", "Datatype", "kg:value"),
        ("proposes task", "Class", "kg:proposes"),
    ]:
        assert any(str(nodes[fault]) in line and f"{prop}: {constraint}:" in line for line in lines), (fault, failed.stdout)
    assert "A paper has exactly one dcterms:abstract" in failed.stdout
