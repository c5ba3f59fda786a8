"""docs/ontology.md is what kg.ttl generates; every kg: term the code uses is in kg.ttl and every
term in kg.ttl is used by the code or says why not (kg:status); alignments name real terms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS
from rdflib.namespace import SKOS

from kg.cli import main
from kg.ontodoc import DOC_PATH, MAPPING_PREDICATES, ontology_markdown, run
from kg.vocab import KG, KG_NS, ONTOLOGY_PATH, ontology_graph

PACKAGE = Path(__file__).resolve().parent.parent / "kg"
DECLARING = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
# Terms of the Linked Papers With Code ontology (metaphacts/linkedpaperswithcode,
# ontologies/linkedpaperswithcode-ontology.ttl) that kg.ttl aligns to, checked by hand there.
LPWC_TERMS = {
    "https://linkedpaperswithcode.com/class/" + name
    for name in ("paper", "method", "model", "task", "dataset", "evaluationresult", "repository")
} | {
    "https://linkedpaperswithcode.com/property/" + name
    for name in ("introducedBy", "hasMethod", "hasModel", "hasTask", "usesDataset", "hasDataset",
                 "hasRepository", "metricValue", "numberPapers")
}


def declared() -> set[str]:
    graph = ontology_graph()
    return {str(t)[len(str(KG_NS)):] for kind in DECLARING for t in graph.subjects(RDF.type, kind)
            if isinstance(t, rdflib.URIRef) and str(t).startswith(str(KG_NS))}


def terms_used_by_code() -> dict[str, set[str]]:
    """kg: terms named in kg/*.py (as KG.term, KG["term"] or kg:term) and kg/queries/*.rq.

    kg/vocab.py is left out: it declares every term. ``kg:`` followed by ``/`` is a made-up node
    id (render's doctest), not a term.
    """
    used: dict[str, set[str]] = {}
    patterns = [re.compile(r"\bKG\.([A-Za-z_]\w*)"), re.compile(r"\bKG\[[\"'](\w+)[\"']\]"),
                re.compile(r"\bkg:([A-Za-z_][\w-]*)\b(?!/)")]
    files = [p for p in PACKAGE.glob("*.py") if p.name != "vocab.py"] + sorted(PACKAGE.glob("queries/*.rq"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        for pattern in patterns if path.suffix == ".py" else patterns[2:]:
            for term in pattern.findall(text):
                used.setdefault(term, set()).add(path.name)
    return used


def test_docs_page_is_what_the_ontology_generates():
    assert DOC_PATH.read_text(encoding="utf-8") == ontology_markdown(), (
        "docs/ontology.md is out of date: run 'python -m kg.ontodoc'"
    )


def test_check_mode_detects_a_stale_page(tmp_path, capsys):
    page = tmp_path / "ontology.md"
    assert run(page, check=True) == 1  # missing
    assert run(page, check=False) == 0 and page.read_text(encoding="utf-8") == ontology_markdown()
    assert run(page, check=True) == 0
    page.write_text(page.read_text(encoding="utf-8").replace("kg:proposes", "kg:propose"), encoding="utf-8")
    assert run(page, check=True) == 1
    assert "out of date" in capsys.readouterr().err


def test_cli_ontology_doc(tmp_path):
    page = tmp_path / "docs.md"
    assert main(["ontology-doc", "-o", str(page)]) == 0
    assert main(["ontology-doc", "-o", str(page), "--check"]) == 0
    assert page.read_text(encoding="utf-8") == ontology_markdown()


def test_page_lists_every_term_with_its_comment_domain_and_range():
    graph = ontology_graph()
    page = ontology_markdown()
    rows: dict[str, str] = {}
    for line in page.splitlines():  # the term tables come before the alignments table
        if line.startswith("| `kg:"):
            rows.setdefault(line.split("|")[1].strip(" `"), line)
    for name in declared():
        term = KG_NS[name]
        row = rows[f"kg:{name}"]
        comment = " ".join(str(graph.value(term, RDFS.comment)).split())
        assert comment[:60].replace("|", "\\|") in row, name
        for annotation in (RDFS.domain, RDFS.range):
            value = graph.value(term, annotation)
            if isinstance(value, rdflib.URIRef):
                assert graph.namespace_manager.normalizeUri(value) in row, (name, annotation)


def test_diagram_shows_every_class_and_object_property():
    page = ontology_markdown()
    diagram = page.split("```mermaid", 1)[1].split("```", 1)[0]
    assert diagram.strip().startswith("classDiagram")
    graph = ontology_graph()
    for cls in graph.subjects(RDF.type, OWL.Class):
        if str(cls).startswith(str(KG_NS)):
            assert re.search(rf"^\s+class {cls.fragment}\b", diagram, re.M), cls
    for prop in graph.subjects(RDF.type, OWL.ObjectProperty):
        assert f": {prop.fragment}" in diagram, prop
    assert "Entity <|-- Method" in diagram and "Paper --> Method : proposes" in diagram


def test_every_term_the_code_uses_is_declared():
    unknown = {term: sorted(files) for term, files in terms_used_by_code().items() if term not in declared()}
    assert unknown == {}, "kg: terms used in code but not declared in ontology/kg.ttl"


def test_every_declared_term_is_used_or_has_a_status():
    graph = ontology_graph()
    used = terms_used_by_code()
    idle = {name for name in declared() if name not in used and graph.value(KG_NS[name], KG.status) is None}
    assert idle == set(), "declared in kg.ttl but used nowhere in kg/ (use it, or mark it kg:status \"reserved\")"
    # and a term marked reserved is really not written yet
    reserved = {str(t)[len(str(KG_NS)):] for t in graph.subjects(KG.status, rdflib.Literal("reserved"))}
    assert reserved and not {name for name in reserved if name in used and used[name] - {"ontodoc.py"}}


def test_term_scan_finds_real_uses():
    used = terms_used_by_code()
    assert {"rdf.py", "analyze.py"} <= used["proposes"]
    assert "m" not in used and "p" not in used, "render's made-up node ids are not terms"


@pytest.mark.parametrize("predicate", MAPPING_PREDICATES, ids=lambda p: p.n3().rsplit("/", 1)[-1])
def test_alignment_targets_are_real_terms(predicate):
    graph = rdflib.Graph().parse(ONTOLOGY_PATH)
    scierc = {s for s in graph.subjects(SKOS.inScheme, None)}
    for subject, target in graph.subject_objects(predicate):
        if not str(subject).startswith(str(KG_NS)) or isinstance(target, rdflib.BNode):
            target = graph.value(target, OWL.inverseOf) if isinstance(target, rdflib.BNode) else target
        if target is None or str(target).startswith(str(KG_NS)):
            continue
        if "linkedpaperswithcode" in str(target):
            assert str(target) in LPWC_TERMS, target
        elif "scierc" in str(target):
            assert target in scierc, f"{target} is not one of the SciERC stand-ins defined in kg.ttl"


def test_equivalent_class_only_where_exact():
    """owl:equivalentClass is a strong claim: kept to the one class whose meaning matches."""
    graph = ontology_graph()
    assert set(graph.subject_objects(OWL.equivalentClass)) == {
        (KG.Paper, rdflib.URIRef("https://linkedpaperswithcode.com/class/paper"))
    }
