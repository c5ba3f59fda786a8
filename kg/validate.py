"""Check a graph against the SHACL shapes in ``ontology/shapes.ttl``.

pyshacl is imported inside :func:`validate`, so importing this module stays cheap.

Validation runs with ``inference="none"`` and without the ontology graph: giving pyshacl an
ontology makes it copy the whole data graph to mix the ontology in. Our shapes never need
``rdfs:subClassOf`` (they name the leaf classes), so pyshacl reads the caller's graph in place
and leaves it unchanged.

>>> import rdflib
>>> from kg.vocab import KG
>>> g = rdflib.Graph()
>>> paper = rdflib.URIRef("https://w3id.org/kg-papers/id/paper/2301.00001")
>>> _ = g.add((paper, rdflib.RDF.type, KG.Paper))
>>> report = validate(g)
>>> report.conforms
False
>>> print(report.summary())  # doctest: +ELLIPSIS
<https://w3id.org/kg-papers/id/paper/2301.00001> dcterms:abstract: MinCount: A paper has exactly one dcterms:abstract...
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator, NamedTuple

import rdflib
from rdflib.namespace import SH, NamespaceManager
from rdflib.term import Node

from kg.errors import ValidationError
from kg.vocab import SHAPES_PATH, bind_prefixes

__all__ = ["Violation", "ValidationReport", "validate", "validate_or_raise"]


class Violation(NamedTuple):
    """One SHACL result: the node, the property path (an IRI, a SequencePath, or None for
    node-level checks), the
    constraint component, the message (with the offending value, when there is one) and the
    severity (``sh:Violation``, ``sh:Warning`` or ``sh:Info``)."""

    focus_node: Node
    path: Node | None
    constraint: Node
    message: str
    severity: Node


@dataclass(frozen=True)
class ValidationReport:
    """What :func:`validate` found: ``conforms`` and the ``violations``, sorted by node."""

    conforms: bool
    violations: tuple[Violation, ...] = ()

    def summary(self, limit: int | None = None) -> str:
        """One readable line per violation: ``node path: Constraint: message``.

        ``limit`` caps the number of lines; a last line says how many were left out.
        """
        if self.conforms and not self.violations:
            return "conforms: no violations"
        names = _names()
        shown = self.violations if limit is None else self.violations[:limit]
        lines = []
        for v in shown:
            where = v.focus_node.n3(names)
            if v.path is not None:
                where += " " + v.path.n3(names)
            lines.append(f"{where}: {_constraint_name(v.constraint)}: {v.message}")
        if len(shown) < len(self.violations):
            lines.append(f"... and {len(self.violations) - len(shown)} more")
        return "\n".join(lines)


def validate(graph: rdflib.Graph, shapes: Path | str | rdflib.Graph = SHAPES_PATH) -> ValidationReport:
    """Validate ``graph`` against ``shapes`` (a Turtle file or a parsed graph).

    ``graph`` is read, never changed.

    Parameters
    ----------
    graph : rdflib.Graph
        The data to check.
    shapes : path or rdflib.Graph, optional
        The SHACL shapes; ``ontology/shapes.ttl`` by default.

    Returns
    -------
    ValidationReport
        ``conforms`` and every result pyshacl reported.
    """
    import pyshacl  # heavy: only when validating

    shapes_graph = shapes if isinstance(shapes, rdflib.Graph) else _parse_shapes(str(shapes))
    conforms, results, _text = pyshacl.validate(
        graph,
        shacl_graph=shapes_graph,
        inference="none",
        abort_on_first=False,
        meta_shacl=False,
        advanced=False,
    )
    if not isinstance(results, rdflib.Graph):  # pyshacl could not run the shapes at all
        raise ValidationError(f"{shapes}: the SHACL shapes cannot be evaluated: {_text.strip()}; fix the shapes file")
    violations = tuple(sorted(_violations(results), key=lambda v: tuple(map(str, v))))
    return ValidationReport(conforms=bool(conforms), violations=violations)


def validate_or_raise(
    graph: rdflib.Graph, shapes: Path | str | rdflib.Graph = SHAPES_PATH, limit: int = 20
) -> ValidationReport:
    """Like :func:`validate`, but raise :class:`kg.errors.ValidationError` unless the graph
    conforms; the message lists the first ``limit`` violations."""
    report = validate(graph, shapes)
    if not report.conforms:
        count = len(report.violations)
        raise ValidationError(
            f"the graph does not conform to the kg shapes ({count} violation{'s' * (count != 1)}); "
            f"each line names the node, the property and the broken constraint:\n"
            f"{report.summary(limit)}"
        )
    return report


@lru_cache(maxsize=4)
def _parse_shapes(path: str) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format="turtle")


@lru_cache(maxsize=1)
def _names() -> NamespaceManager:
    return bind_prefixes(rdflib.Graph()).namespace_manager


def _violations(results: rdflib.Graph) -> Iterator[Violation]:
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        message = min((str(m) for m in results.objects(result, SH.resultMessage)), default="")
        value = results.value(result, SH.value)
        if value is not None:
            message += f" (value: {value.n3(_names())})"
        yield Violation(
            focus_node=results.value(result, SH.focusNode),
            path=_path(results, results.value(result, SH.resultPath)),
            constraint=results.value(result, SH.sourceConstraintComponent),
            message=message,
            severity=results.value(result, SH.resultSeverity),
        )


def _path(results: rdflib.Graph, node: Node | None):
    """A result path as rdflib writes paths: a sequence ``( kg:denotes rdf:type )`` in the report
    is a blank-node list; it becomes a SequencePath that prints as ``kg:denotes/rdf:type``."""
    if isinstance(node, rdflib.BNode) and results.value(node, rdflib.RDF.first) is not None:
        from rdflib.collection import Collection
        from rdflib.paths import SequencePath

        return SequencePath(*Collection(results, node))
    return node


def _constraint_name(component: Node) -> str:
    """``sh:MinCountConstraintComponent`` -> ``MinCount``."""
    name = str(component)
    if name.startswith(str(SH)):
        name = name[len(str(SH)) :]
    return name.removesuffix("ConstraintComponent")
