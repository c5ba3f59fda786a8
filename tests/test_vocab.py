"""kg/vocab.py and ontology/kg.ttl name the same terms, and kg.ttl is complete and portable."""

import pyoxigraph
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from kg.vocab import KG, ONTOLOGY_PATH, PREFIXES, SHAPES_PATH, bind_prefixes, ontology_graph

NS = str(KG._NS)
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def declared_terms(graph: rdflib.Graph) -> set[rdflib.URIRef]:
    """kg: IRIs declared as a class or property in ``graph``."""
    declared = set(graph.subjects(RDF.type, OWL.Class))
    for kind in PROPERTY_TYPES:
        declared.update(graph.subjects(RDF.type, kind))
    return {t for t in declared if isinstance(t, rdflib.URIRef) and str(t).startswith(NS)}


def kg_properties(graph: rdflib.Graph) -> set[rdflib.URIRef]:
    return {p for kind in PROPERTY_TYPES for p in graph.subjects(RDF.type, kind) if str(p).startswith(NS)}


def test_namespace_and_ontology_name_the_same_terms():
    in_class = set(dir(KG))
    in_ttl = declared_terms(ontology_graph())
    assert sorted(in_class - in_ttl) == [], "in kg/vocab.py but not declared in kg.ttl"
    assert sorted(in_ttl - in_class) == [], "declared in kg.ttl but missing from kg/vocab.py"


def test_no_kg_term_is_used_without_being_declared():
    graph = ontology_graph()
    used = {t for triple in graph for t in triple if isinstance(t, rdflib.URIRef) and str(t).startswith(NS)}
    assert sorted(used - declared_terms(graph)) == []


@pytest.mark.parametrize("prop", sorted(kg_properties(ontology_graph())), ids=lambda p: p.fragment)
def test_every_property_has_label_comment_domain_range(prop):
    graph = ontology_graph()
    for annotation in (RDFS.label, RDFS.comment, RDFS.domain, RDFS.range):
        assert graph.value(prop, annotation) is not None, f"{prop.fragment} has no {annotation.fragment}"


def test_every_class_has_label_and_comment():
    graph = ontology_graph()
    for cls in graph.subjects(RDF.type, OWL.Class):
        if isinstance(cls, rdflib.URIRef) and str(cls).startswith(NS):
            assert graph.value(cls, RDFS.label) is not None, cls
            assert graph.value(cls, RDFS.comment) is not None, cls


def test_entity_has_the_four_kinds():
    graph = ontology_graph()
    assert set(graph.subjects(RDFS.subClassOf, KG.Entity)) == {KG.Method, KG.Task, KG.Dataset, KG.Metric}


def test_ontology_header_has_a_version():
    graph = ontology_graph()
    (ontology,) = graph.subjects(RDF.type, OWL.Ontology)
    assert graph.value(ontology, OWL.versionInfo) is not None
    assert graph.value(ontology, OWL.versionIRI) is not None


def test_reserved_terms_are_marked_with_the_status_annotation():
    graph = ontology_graph()
    assert (KG.aboutTask, KG.status, rdflib.Literal("reserved")) in graph
    assert (KG.Entity, KG.status, rdflib.Literal("abstract")) in graph
    assert {str(o) for o in graph.objects(None, KG.status)} <= {"reserved", "abstract"}


def test_misspelt_term_raises():
    with pytest.raises(AttributeError, match="propose"):
        KG.propose  # noqa: B018
    with pytest.raises(AttributeError):
        KG["evaluateOn"]


def test_known_terms_resolve_in_the_namespace():
    assert KG.evaluatesOn == rdflib.URIRef(NS + "evaluatesOn")
    assert KG.value == rdflib.URIRef(NS + "value")  # not shadowed by any attribute of the class


@pytest.mark.parametrize("path", [ONTOLOGY_PATH, SHAPES_PATH], ids=lambda p: p.name)
def test_turtle_parses_with_pyoxigraph_and_rdflib_alike(path):
    oxigraph_count = sum(1 for _ in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert oxigraph_count == len(rdflib.Graph().parse(path, format="turtle")) > 0


def test_ontology_graph_is_a_fresh_copy():
    first = ontology_graph()
    first.remove((None, None, None))
    assert len(ontology_graph()) > 0


def test_prefixes_follow_rdflib_and_bind():
    assert str(PREFIXES["schema"]) == str(rdflib.namespace.SDO)
    graph = bind_prefixes(rdflib.Graph())
    bound = {prefix: str(ns) for prefix, ns in graph.namespaces()}
    for prefix, ns in PREFIXES.items():
        assert bound[prefix] == str(ns)
