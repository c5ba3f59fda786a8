"""Plain records that flow through the pipeline: Paper -> Extraction -> Entity.

Standard library only, so every step (and every test) can build them without spaCy,
rdflib or networkx.

>>> p = Paper(id="2301.00001", title="PARL: A Unified Framework", abstract="We propose PARL.")
>>> p.text("title")
'PARL: A Unified Framework'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "EXTRACTOR_VERSION",
    "ENTITY_TYPES",
    "ROLES",
    "SOURCES",
    "CLAIM_KINDS",
    "DIRECTIONS",
    "RELATION_TYPES",
    "Paper",
    "Mention",
    "Claim",
    "Relation",
    "Extraction",
    "Entity",
]

EntityType = Literal["Method", "Task", "Dataset", "Metric"]
ENTITY_TYPES: tuple[str, ...] = ("Method", "Task", "Dataset", "Metric")
ROLES: tuple[str, ...] = ("proposed", "used")
SOURCES: tuple[str, ...] = ("model", "rules", "both")
CLAIM_KINDS: tuple[str, ...] = ("quantitative", "comparative", "qualitative")
DIRECTIONS: tuple[str, ...] = ("improves", "outperforms", "reduces", "matches", "converges", "achieves")
RELATION_TYPES: tuple[str, ...] = ("used-for", "evaluate-for", "compare", "hyponym-of")

EXTRACTOR_VERSION = "24"
"""The version of kg's extraction (rules, models, record fields): part of the cache fingerprint
and of every relation's provenance. Re-exported by :mod:`kg.extract`."""


@dataclass(frozen=True)
class Paper:
    """One abstract as read from an input file.

    ``source`` is ``"path:line"`` of the record it came from, for error messages.
    """

    id: str
    title: str
    abstract: str
    url: str | None = None
    authors: tuple[str, ...] = ()
    year: int | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    source: str = ""

    def text(self, field_name: str) -> str:
        """Return the ``"title"`` or ``"abstract"`` text."""
        if field_name == "title":
            return self.title
        if field_name == "abstract":
            return self.abstract
        raise ValueError(f"unknown field {field_name!r}: expected 'title' or 'abstract'")


@dataclass(frozen=True)
class Mention:
    """A typed entity mention in one field of one paper.

    ``start``/``end`` are character offsets into ``paper.text(field)``;
    ``sentence`` is the sentence the mention stands in (its evidence);
    ``canonical`` is the normalised key that linking merges on;
    ``long_form``/``short_form`` are set when the mention is one side of an acronym definition;
    ``source`` says who found it (``model``: the trained span model, ``rules``: kg's rules,
    ``both``) and ``model_score`` is the span model's probability for it (None when the model
    did not find it).
    """

    text: str
    type: str
    start: int
    end: int
    field: str
    sentence: str
    role: str = "used"
    confidence: float = 0.5
    canonical: str = ""
    short_form: str | None = None
    long_form: str | None = None
    source: str = "rules"
    model_score: float | None = None

    def to_json(self) -> dict[str, Any]:
        return dict(vars(self))  # every field is a scalar: no deep copy (asdict) needed


@dataclass(frozen=True)
class Claim:
    """A result claim sentence with its structured reading.

    ``value`` is the number (``21.96``) and ``unit`` its unit (``"%"``, ``"x"``, ``"points"``);
    ``value_text`` keeps the value as written, e.g. a complexity bound ``O(epsilon^-3)``
    that is not a number. ``subject``, ``compared_to``, ``metric`` and ``dataset`` are entity
    surface texts (resolved to entities at link time).
    """

    text: str
    start: int
    end: int
    kind: str
    value: float | None = None
    unit: str | None = None
    value_text: str | None = None
    metric: str | None = None
    subject: str | None = None
    compared_to: str | None = None
    dataset: str | None = None
    direction: str | None = None
    confidence: float = 0.5
    field: str = "abstract"

    def to_json(self) -> dict[str, Any]:
        return dict(vars(self))  # every field is a scalar: no deep copy (asdict) needed


@dataclass(frozen=True)
class Relation:
    """A typed relation between two entities named in one sentence of a paper.

    SciERC's direction: ``used-for`` (head is used for tail), ``evaluate-for`` (head evaluates
    tail), ``hyponym-of`` (head is a kind of tail), ``compare`` (head is compared with tail).
    ``head``/``tail`` are the mentions' texts, ``head_key``/``tail_key`` their canonical keys
    (linking resolves them to entities); ``start``/``end`` are the evidence sentence's offsets in
    ``field``; ``confidence`` is the classifier's probability.
    """

    head: str
    head_type: str
    relation: str
    tail: str
    tail_type: str
    sentence: str
    start: int
    end: int
    confidence: float
    field: str = "abstract"
    head_key: str = ""
    tail_key: str = ""

    def to_json(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one paper."""

    paper: Paper
    mentions: tuple[Mention, ...] = ()
    claims: tuple[Claim, ...] = ()
    code: tuple[str, ...] = ()
    relations: tuple[Relation, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The ``kg extract`` JSONL record (a stable contract: fields are added, never renamed)."""
        p = self.paper
        return {
            "id": p.id,
            "title": p.title,
            "url": p.url,
            "authors": list(p.authors),
            "year": p.year,
            "arxiv_id": p.arxiv_id,
            "doi": p.doi,
            "entities": [m.to_json() for m in self.mentions],
            "claims": [c.to_json() for c in self.claims],
            "code": list(self.code),
            "relations": [r.to_json() for r in self.relations],
        }

    @classmethod
    def from_json(cls, record: dict[str, Any], abstract: str = "") -> "Extraction":
        """Rebuild from a ``to_json`` record (``abstract`` is not part of the record)."""
        paper = Paper(
            id=record["id"],
            title=record.get("title", ""),
            abstract=record.get("abstract", abstract),
            url=record.get("url"),
            authors=tuple(record.get("authors") or ()),
            year=record.get("year"),
            arxiv_id=record.get("arxiv_id"),
            doi=record.get("doi"),
        )
        mention_fields = Mention.__dataclass_fields__
        claim_fields = Claim.__dataclass_fields__
        mentions = tuple(
            Mention(**{k: v for k, v in m.items() if k in mention_fields})
            for m in record.get("entities", [])
        )
        claims = tuple(
            Claim(**{k: v for k, v in c.items() if k in claim_fields})
            for c in record.get("claims", [])
        )
        relation_fields = Relation.__dataclass_fields__
        relations = tuple(
            Relation(**{k: v for k, v in r.items() if k in relation_fields})
            for r in record.get("relations", [])
        )
        return cls(paper, mentions, claims, tuple(record.get("code", [])), relations)


@dataclass
class Entity:
    """One real thing (a method, task, dataset or metric) shared across papers.

    ``key`` is the linking key the IRI is minted from; ``label`` the preferred name;
    ``aliases`` the other names (acronym or long form, spelling variants).
    ``papers`` maps paper id -> role (``proposed`` wins over ``used``).
    """

    key: str
    type: str
    label: str
    aliases: set[str] = field(default_factory=set)
    papers: dict[str, str] = field(default_factory=dict)
    confidence: float = 0.0
