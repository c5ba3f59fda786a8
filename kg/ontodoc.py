"""The ontology's documentation, generated from ``ontology/kg.ttl``: ``docs/ontology.md``.

One Markdown page: the ontology header, a Mermaid ``classDiagram`` (classes, their datatype
properties as fields, subclass arrows, object properties as labelled associations), then one
table each for classes, object properties, datatype properties and annotation properties
(label, comment, domain, range, status), and the alignments to Linked Papers With Code and
SciERC. Output is sorted, so it only changes when ``kg.ttl`` does;
``tests/test_ontology_docs.py`` regenerates it and compares.

Run ``python -m kg.ontodoc`` (or ``kg ontology-doc``) to rewrite the page, ``--check`` to only
compare.

>>> text = ontology_markdown()
>>> text.splitlines()[0]
'# The kg ontology'
>>> "kg:proposes" in text and "classDiagram" in text
True
>>> md_cell("a | b\\nc")
'a \\\\| b c'
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import rdflib
from rdflib import OWL, RDF, RDFS, BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SKOS

from .vocab import KG, KG_NS, ONTOLOGY_PATH

__all__ = ["DOC_PATH", "MAPPING_PREDICATES", "ontology_markdown", "write_ontology_doc", "md_cell", "run", "main"]

DOC_PATH: Path = ONTOLOGY_PATH.parent.parent / "docs" / "ontology.md"

#: how kg.ttl aligns terms with other vocabularies, strongest first
MAPPING_PREDICATES = (
    OWL.equivalentClass,
    OWL.equivalentProperty,
    SKOS.exactMatch,
    SKOS.closeMatch,
    SKOS.broadMatch,
    SKOS.narrowMatch,
    SKOS.relatedMatch,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
)
_KINDS = (
    ("Classes", OWL.Class),
    ("Object properties", OWL.ObjectProperty),
    ("Datatype properties", OWL.DatatypeProperty),
    ("Annotation properties", OWL.AnnotationProperty),
)


def md_cell(text: str) -> str:
    """``text`` as one Markdown table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _load(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format="turtle")


def _kg_terms(graph: rdflib.Graph, kind: URIRef) -> list[URIRef]:
    return sorted(t for t in graph.subjects(RDF.type, kind) if isinstance(t, URIRef) and str(t).startswith(str(KG_NS)))


def _local(term: URIRef) -> str:
    return str(term)[len(str(KG_NS)) :] if str(term).startswith(str(KG_NS)) else str(term).rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _name(graph: rdflib.Graph, term) -> str:
    """A term as a CURIE, a union as ``A or B``, an anonymous inverse as ``inverse of X``."""
    if isinstance(term, BNode):
        union = graph.value(term, OWL.unionOf)
        if union is not None:
            return " or ".join(_name(graph, member) for member in Collection(graph, union))
        inverse = graph.value(term, OWL.inverseOf)
        if inverse is not None:
            return f"inverse of {_name(graph, inverse)}"
        return "(anonymous)"
    if isinstance(term, Literal):
        return str(term)
    try:
        return graph.namespace_manager.normalizeUri(term)
    except Exception:  # rdflib raises several types for IRIs it cannot split
        return f"<{term}>"


def _text(graph: rdflib.Graph, term, predicate) -> str:
    values = sorted(str(v) for v in graph.objects(term, predicate))
    return "; ".join(values)


def _names(graph: rdflib.Graph, term, predicate) -> str:
    return ", ".join(sorted(_name(graph, v) for v in graph.objects(term, predicate)))


def _union_members(graph: rdflib.Graph, term) -> list:
    union = graph.value(term, OWL.unionOf) if isinstance(term, BNode) else None
    return list(Collection(graph, union)) if union is not None else [term]


def _mermaid(graph: rdflib.Graph) -> list[str]:
    classes = _kg_terms(graph, OWL.Class)
    lines = ["```mermaid", "classDiagram", "    direction LR"]
    fields: dict[URIRef, list[str]] = {c: [] for c in classes}
    for prop in _kg_terms(graph, OWL.DatatypeProperty):
        range_ = _name(graph, graph.value(prop, RDFS.range)).split(":")[-1]
        for domain in _union_members(graph, graph.value(prop, RDFS.domain)):
            if domain in fields:
                fields[domain].append(f"{range_} {_local(prop)}")
    for cls in classes:
        if not fields[cls]:
            lines.append(f"    class {_local(cls)}")
            continue
        lines.append(f"    class {_local(cls)} {{")
        lines += [f"        {field}" for field in sorted(fields[cls])]
        lines.append("    }")
    for cls in classes:
        for parent in sorted(graph.objects(cls, RDFS.subClassOf)):
            if parent in fields:
                lines.append(f"    {_local(parent)} <|-- {_local(cls)}")
    for prop in _kg_terms(graph, OWL.ObjectProperty):
        for domain in _union_members(graph, graph.value(prop, RDFS.domain)):
            for range_ in _union_members(graph, graph.value(prop, RDFS.range)):
                if domain in fields and range_ in fields:
                    status = graph.value(prop, KG.status)
                    reserved = f" ({status})" if status else ""
                    lines.append(f"    {_local(domain)} --> {_local(range_)} : {_local(prop)}{reserved}")
    lines.append("```")
    return lines


def ontology_markdown(path: str | os.PathLike[str] = ONTOLOGY_PATH) -> str:
    """The documentation page of the ontology at ``path`` (Markdown with a Mermaid diagram)."""
    graph = _load(Path(path))
    status = KG.status
    (ontology,) = graph.subjects(RDF.type, OWL.Ontology)
    out = [
        "# The kg ontology",
        "",
        "<!-- Generated from ontology/kg.ttl by `python -m kg.ontodoc` (or `kg ontology-doc`). "
        "Do not edit: change kg.ttl and regenerate; tests/test_ontology_docs.py checks they agree. -->",
        "",
        f"**{_text(graph, ontology, RDFS.label)}**, version {_text(graph, ontology, OWL.versionInfo)}: "
        f"`{ontology}` (namespace `{KG_NS}`, prefix `kg:`).",
        "",
        " ".join(_text(graph, ontology, RDFS.comment).split()),
        "",
        "Instances (papers, entities, mentions, claims) are minted under `https://w3id.org/kg-papers/id/`. "
        "The SHACL shapes every build is checked against are in `ontology/shapes.ttl`.",
        "",
        "## Diagram",
        "",
        "Classes with their datatype properties; arrows are subclasses (`<|--`) and object properties (`-->`).",
        "",
        *_mermaid(graph),
    ]
    for title, kind in _KINDS:
        terms = _kg_terms(graph, kind)
        out += ["", f"## {title}", ""]
        if kind == OWL.Class:
            out += ["| class | label | comment | subclass of |", "|---|---|---|---|"]
            for term in terms:
                out.append(
                    f"| `{_name(graph, term)}` | {md_cell(_text(graph, term, RDFS.label))} | "
                    f"{md_cell(_text(graph, term, RDFS.comment))} | {md_cell(_names(graph, term, RDFS.subClassOf))} |"
                )
        else:
            out += ["| property | label | comment | domain | range | status |", "|---|---|---|---|---|---|"]
            for term in terms:
                out.append(
                    f"| `{_name(graph, term)}` | {md_cell(_text(graph, term, RDFS.label))} | "
                    f"{md_cell(_text(graph, term, RDFS.comment))} | {md_cell(_names(graph, term, RDFS.domain))} | "
                    f"{md_cell(_names(graph, term, RDFS.range))} | {md_cell(_text(graph, term, status))} |"
                )
    out += [
        "",
        "## Alignments",
        "",
        "To Linked Papers With Code (`lpwcc:` classes, `lpwcp:` properties) and to SciERC's entity and "
        "relation types (`scierc:`, stand-in concepts defined at the end of kg.ttl). "
        "`owl:equivalentClass` only where the meaning is the same; `skos:closeMatch` where it is nearly so; "
        "`skos:broadMatch` / `skos:narrowMatch` where the other term is broader / narrower; "
        "`skos:relatedMatch` where both describe the same fact in another shape.",
        "",
        "| kg term | mapping | other term |",
        "|---|---|---|",
    ]
    rows = set()
    for _, kind in _KINDS:
        for term in _kg_terms(graph, kind):
            for predicate in MAPPING_PREDICATES:
                for other in graph.objects(term, predicate):
                    other_name = _name(graph, other)
                    if other_name.startswith("kg:"):  # internal structure, shown in the tables
                        continue
                    rows.add((_name(graph, term), _name(graph, predicate), other_name))
    out += [f"| `{a}` | `{b}` | `{c}` |" for a, b, c in sorted(rows)]
    out.append("")
    return "\n".join(out)


def write_ontology_doc(path: str | os.PathLike[str] = DOC_PATH, ontology: str | os.PathLike[str] = ONTOLOGY_PATH) -> Path:
    """Write :func:`ontology_markdown` to ``path`` atomically and return the path."""
    from .rdf import write_atomically

    write_atomically(path, ontology_markdown(ontology).encode("utf-8"))
    return Path(path)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m kg.ontodoc [-o PATH] [--check]``: write the page, or with ``--check`` exit 1
    if the page on disk differs from what kg.ttl generates."""
    parser = argparse.ArgumentParser(
        prog="python -m kg.ontodoc", description="Generate docs/ontology.md from ontology/kg.ttl.",
        epilog="Example: python -m kg.ontodoc --check",
    )
    parser.add_argument("-o", "--output", default=str(DOC_PATH), help=f"page to write (default: {DOC_PATH})")
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 if the page is out of date")
    args = parser.parse_args(argv)
    return run(args.output, args.check)


def run(output: str | os.PathLike[str], check: bool) -> int:
    """Write (or with ``check``, compare) the page; the exit code for the command line."""
    expected = ontology_markdown()
    path = Path(output)
    if check:
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current != expected:
            print(f"{path} is out of date with ontology/kg.ttl: run 'python -m kg.ontodoc'", file=sys.stderr)
            return 1
        print(f"{path} is up to date")
        return 0
    write_ontology_doc(path)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
