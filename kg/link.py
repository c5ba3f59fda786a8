"""Linking: mentions across papers -> one :class:`kg.model.Entity` per real thing.

Mentions merge when their canonical keys are equal (case, plural and hyphenation variants
already fold together in ``Mention.canonical``) or when an acronym definition pairs them:
"DPO" in one abstract and "Direct Preference Optimization (DPO)" in another become one entity
whose other names are aliases. The merge is a union-find over canonical keys, so it is
independent of the order papers arrive in.

An entity's type is the confidence-weighted majority of its mentions' types; its label is
the most frequent surface form (ties: the longer one); its key (what IRIs are minted from) is
the smallest canonical key in its group, so adding papers that bring no new alias never changes it.

>>> from kg.model import Extraction, Mention, Paper
>>> a = Extraction(Paper("a", "A", "x"), (Mention("DPO", "Method", 0, 3, "abstract", "s", canonical="dpo"),))
>>> b = Extraction(Paper("b", "B", "y"), (
...     Mention("Direct Preference Optimization", "Method", 0, 30, "abstract", "s",
...             canonical="direct preference optimization", short_form="DPO"),))
>>> linked = link([a, b])
>>> [(e.label, sorted(e.aliases), sorted(e.papers)) for e in linked.entities.values()]
[('Direct Preference Optimization', ['DPO'], ['a', 'b'])]
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .model import Entity, Extraction, Mention

__all__ = ["LinkedCorpus", "link", "mention_key", "SYMMETRIC_RELATIONS"]

#: relations whose two arguments can swap (written in sorted key order between entities)
SYMMETRIC_RELATIONS = frozenset({"compare"})


def mention_key(mention: Mention) -> str:
    """The canonical key a mention links by (its ``canonical``, computed if missing)."""
    if mention.canonical:
        return mention.canonical
    from .textnorm import normalize_title

    return normalize_title(mention.text)


@dataclass
class LinkedCorpus:
    """The linked result: entities by key, each canonical key's entity key, and the relations
    between entities: ``(head entity key, relation, tail entity key)`` -> the ids of the papers
    that state it (a symmetric relation's two keys in sorted order)."""

    extractions: list[Extraction]
    entities: dict[str, Entity]
    key_of: dict[str, str] = field(default_factory=dict)
    relations: dict[tuple[str, str, str], set[str]] = field(default_factory=dict)

    def relation_key(self, relation) -> tuple[str, str, str] | None:
        """The entity-level key of a paper's :class:`kg.model.Relation`, or None when an argument
        links to no entity or both to the same one."""
        head, tail = self.key_of.get(relation.head_key), self.key_of.get(relation.tail_key)
        if head is None or tail is None or head == tail or head not in self.entities or tail not in self.entities:
            return None
        if relation.relation in SYMMETRIC_RELATIONS and tail < head:
            head, tail = tail, head
        return head, relation.relation, tail

    def entity_for(self, text_or_key: str | None) -> Entity | None:
        """The entity a surface text or canonical key links to, if any."""
        if not text_or_key:
            return None
        key = self.key_of.get(text_or_key)
        if key is None:
            from .textnorm import canonical_key

            key = self.key_of.get(canonical_key(text_or_key))
        return self.entities.get(key) if key else None


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the smaller key becomes the root, so roots do not depend on arrival order
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra


def link(extractions: Iterable[Extraction]) -> LinkedCorpus:
    """Merge mentions of all papers into entities.

    Parameters
    ----------
    extractions:
        The per-paper extractions (consumed once; kept in the result).

    Returns
    -------
    LinkedCorpus
        ``entities`` keyed by entity key and ``key_of`` mapping every canonical key to it.
    """
    from .textnorm import canonical_key

    extractions = list(extractions)
    groups = _UnionFind()
    for extraction in extractions:
        for mention in extraction.mentions:
            key = mention_key(mention)
            groups.find(key)
            for other in (mention.short_form, mention.long_form):
                if other:
                    other_key = canonical_key(other)
                    if other_key:
                        groups.union(key, other_key)

    surfaces: dict[str, Counter] = defaultdict(Counter)
    type_votes: dict[str, Counter] = defaultdict(Counter)
    confidence: dict[str, float] = defaultdict(float)
    papers: dict[str, dict[str, str]] = defaultdict(dict)
    for extraction in extractions:
        paper_id = extraction.paper.id
        for mention in extraction.mentions:
            root = groups.find(mention_key(mention))
            surfaces[root][mention.text] += 1
            for other in (mention.short_form, mention.long_form):
                if other:
                    surfaces[root][other] += 0  # known as an alias even if never a mention itself
            type_votes[root][mention.type] += mention.confidence
            confidence[root] = max(confidence[root], mention.confidence)
            if papers[root].get(paper_id) != "proposed":
                papers[root][paper_id] = mention.role

    entities: dict[str, Entity] = {}
    for root, counts in surfaces.items():
        label = _choose_label(counts)
        aliases = _distinct_aliases(counts, label)
        entity_type = max(sorted(type_votes[root]), key=lambda t: type_votes[root][t])
        entities[root] = Entity(
            key=root,
            type=entity_type,
            label=label,
            aliases=aliases,
            papers=dict(papers[root]),
            confidence=round(confidence[root], 2),
        )
    key_of = {item: groups.find(item) for item in list(groups.parent)}
    corpus = LinkedCorpus(extractions, entities, key_of)
    for extraction in extractions:
        for relation in extraction.relations:
            key = corpus.relation_key(relation)
            if key is not None:
                corpus.relations.setdefault(key, set()).add(extraction.paper.id)
    return corpus


def _choose_label(counts: Counter) -> str:
    """Most frequent surface form; ties go to the form with capitals, then the longer, then A-Z."""
    return max(sorted(counts), key=lambda s: (counts[s], any(c.isupper() for c in s), len(s)))


def _distinct_aliases(counts: Counter, label: str) -> set[str]:
    """Other surface forms, one per case-insensitive spelling."""
    seen = {label.casefold()}
    aliases = set()
    for surface in sorted(counts, key=lambda s: (-counts[s], s)):
        folded = surface.casefold()
        if folded not in seen:
            seen.add(folded)
            aliases.add(surface)
    return aliases
