"""Scoring extractions against a gold set: entities, proposed roles, claims and code links.

Gold records are ``{"id", "entities": [{"text", "type", "role"?, "aliases"?}], "claims"?, "code"?}``;
predictions are ``kg extract`` records (:meth:`kg.model.Extraction.to_json`). Papers are matched by
id and only gold papers are scored. Entities are scored at document level on unique entities, per
type and micro-averaged over the types the gold set annotates, with two matchings:

*exact*    equal after :func:`normalize` (casefold, outer punctuation off, one space, singular);
*partial*  one contains the other as whole words sharing a non-generic word, or both end in the
           same non-generic head word ("adversarial framework" never matches "unified framework").

A predicted entity also matches through its other acronym form (``short_form`` / ``long_form``),
and a gold entity through its ``aliases``.

Where the gold set gives every mention with its offsets (``"mentions": [{"field", "start", "end",
"type"}]``: SciERC, pwc-dev) and the texts are known, mentions are also scored one by one with
spaCy's span scorer (:func:`mention_scores`): a predicted mention counts when its type and its
tokens are the gold one's. A SciERC file (:mod:`kg.scierc`) is read directly as a gold set; its
abstracts are the input.

>>> gold = [{"id": "p", "entities": [{"text": "Direct Preference Optimization", "type": "Method"}]}]
>>> pred = [{"id": "p", "entities": [{"text": "DPO", "type": "Method",
...          "long_form": "direct preference optimization"}]}]
>>> score(gold, pred).entities["micro"]["exact"].f1
1.0
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .jsonl import objects
from .model import RELATION_TYPES
from .textnorm import singular as _singular

__all__ = [
    "PRF",
    "EvalReport",
    "normalize",
    "exact_match",
    "partial_match",
    "score",
    "format_report",
    "read_jsonl",
    "mention_scores",
    "evaluate_files",
]

# Words that never carry an entity's identity on their own.
GENERIC_WORDS = frozenset(
    """method approach model framework task dataset data benchmark algorithm technique system network
    architecture strategy scheme pipeline module mechanism procedure problem setting paradigm tool
    solution variant version metric score performance result study work paper analysis learning
    the a an of for in on with and or to by via from our their its this that these novel new proposed
    based using""".split()
)

_OUTER_PUNCT = " \t\n\"'`.,;:!?()[]{}<>"
_SYMMETRIC = frozenset({"compare"})




def normalize(text: str) -> str:
    """The exact-matching form of an entity name.

    >>> normalize(" (Large Language Models) ")
    'large language model'
    >>> normalize("bi-level  optimization") == normalize("Bi-level optimization")
    True
    """
    text = text.casefold().strip(_OUTER_PUNCT)
    words = re.sub(r"[\s\-_/]+", " ", text).split()
    if not words:
        return ""
    words[-1] = _singular(words[-1])
    return " ".join(words)


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^0-9a-z]+", normalize(text)) if w]


def exact_match(a: str, b: str) -> bool:
    """Equal after :func:`normalize`.

    >>> exact_match("LLMs", "llm"), exact_match("CIFAR-10", "CIFAR 10"), exact_match("GAN", "GANs")
    (True, True, True)
    """
    na, nb = normalize(a), normalize(b)
    return bool(na) and na == nb


def partial_match(a: str, b: str) -> bool:
    """Containment as whole words with a non-generic word in common, or the same non-generic head.

    >>> partial_match("spatial-frequency interaction network", "interaction network")
    True
    >>> partial_match("bi-level adversarial framework", "unified framework")
    False
    >>> partial_match("ImageNet", "ImageNet-1k classification")
    True
    """
    if exact_match(a, b):
        return True
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    n = len(short)
    contained = any(long_[i : i + n] == short for i in range(len(long_) - n + 1))
    if contained and any(w not in GENERIC_WORDS for w in short):
        return True
    return wa[-1] == wb[-1] and wa[-1] not in GENERIC_WORDS and not wa[-1].isdigit()


@dataclass
class PRF:
    """Counts and the precision, recall and F1 they give."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "PRF") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self) -> dict[str, float | int]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class EvalReport:
    """Scores of one evaluation.

    ``entities`` maps each type and ``"micro"`` to ``{"exact": PRF, "partial": PRF}``;
    ``proposed`` scores the set of proposed entities per paper (partial matching);
    ``claims`` scores claim sentences; ``claim_fields`` gives, per field, how many matched claims
    whose gold field is set got it right; ``code`` scores code URLs. ``has_roles`` / ``has_claims`` /
    ``has_code`` say whether the gold set annotates them at all. ``errors`` keeps per-paper misses
    for error analysis (not printed by :func:`format_report`).
    """

    papers: int = 0
    missing_predictions: int = 0
    entities: dict[str, dict[str, PRF]] = field(default_factory=dict)
    proposed: PRF = field(default_factory=PRF)
    claims: PRF = field(default_factory=PRF)
    claim_fields: dict[str, list[int]] = field(default_factory=dict)
    code: PRF = field(default_factory=PRF)
    has_roles: bool = False
    has_claims: bool = False
    has_code: bool = False
    mentions: dict[str, PRF] = field(default_factory=dict)
    relations: dict[str, PRF] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "papers": self.papers,
            "missing_predictions": self.missing_predictions,
            "entities": {t: {m: prf.to_json() for m, prf in d.items()} for t, d in self.entities.items()},
        }
        if self.has_roles:
            out["proposed"] = self.proposed.to_json()
        if self.has_claims:
            out["claims"] = self.claims.to_json()
            out["claim_fields"] = {
                k: {"correct": c, "total": n, "accuracy": round(c / n, 4) if n else None}
                for k, (c, n) in self.claim_fields.items()
            }
        if self.has_code:
            out["code"] = self.code.to_json()
        if self.mentions:
            out["mentions"] = {t: prf.to_json() for t, prf in self.mentions.items()}
        if self.relations:
            out["relations"] = {t: prf.to_json() for t, prf in self.relations.items()}
        return out


# ---------------------------------------------------------------------------------------------
# Entities


@dataclass
class _Item:
    """One unique entity of one paper: its type, its names, and whether it is proposed."""

    type: str
    names: list[str]
    proposed: bool = False


def _gold_items(record: Mapping[str, Any]) -> list[_Item]:
    items = []
    for e in record.get("entities", []):
        names = [e["text"], *(e.get("aliases") or [])]
        items.append(_Item(e["type"], [n for n in names if n], e.get("role") == "proposed"))
    return items


def _pred_items(record: Mapping[str, Any]) -> list[_Item]:
    """Group predicted mentions into unique entities: same type and same normalized name, or
    linked by an acronym pair."""
    items: list[_Item] = []
    index: dict[tuple[str, str], _Item] = {}
    for m in record.get("entities", []):
        names = [n for n in (m.get("text"), m.get("short_form"), m.get("long_form")) if n]
        keys = [(m["type"], normalize(n)) for n in names]
        item = next((index[k] for k in keys if k in index), None)
        if item is None:
            item = _Item(m["type"], [])
            items.append(item)
        for name, key in zip(names, keys):
            if key not in index:
                index[key] = item
                item.names.append(name)
        item.proposed = item.proposed or m.get("role") == "proposed"
    return items


def _match(gold: list[_Item], pred: list[_Item], partial: bool) -> tuple[int, list[_Item], list[_Item]]:
    """Greedy one-to-one matching, exact pairs first; returns (matches, unmatched gold, unmatched pred)."""
    free_gold = list(gold)
    free_pred = list(pred)
    tp = 0
    rounds = (exact_match, partial_match) if partial else (exact_match,)
    for same in rounds:
        for g in list(free_gold):
            for p in free_pred:
                if any(same(a, b) for a in g.names for b in p.names):
                    free_gold.remove(g)
                    free_pred.remove(p)
                    tp += 1
                    break
    return tp, free_gold, free_pred


# ---------------------------------------------------------------------------------------------
# Claims

_CLAIM_FIELDS = ("value", "unit", "metric", "dataset", "subject", "compared_to", "direction", "kind")


def _claim_words(text: str) -> set[str]:
    return set(re.findall(r"[0-9a-z]+", text.casefold()))


def claims_overlap(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> bool:
    """Whether two claims are the same sentence: one text contains the other, or their words
    overlap by at least 60% of the shorter one."""
    a, b = " ".join(gold["text"].split()).casefold(), " ".join(pred["text"].split()).casefold()
    if a in b or b in a:
        return True
    wa, wb = _claim_words(a), _claim_words(b)
    return bool(wa and wb) and len(wa & wb) / min(len(wa), len(wb)) >= 0.6


def _unit_key(unit: Any) -> str:
    u = str(unit or "").casefold().strip()
    return {"×": "x", "times": "x", "fold": "x", "percent": "%", "point": "points", "pp": "points",
            "percentage point": "points", "percentage points": "points"}.get(u, u)


def _field_correct(name: str, gold: Any, pred: Any) -> bool:
    if name == "value":
        return pred is not None and abs(float(gold) - float(pred)) <= 1e-6 * max(1.0, abs(float(gold)))
    if name == "unit":
        return _unit_key(gold) == _unit_key(pred)
    if name in ("direction", "kind"):
        return gold == pred
    return pred is not None and partial_match(str(gold), str(pred))


def _code_key(url: str) -> str:
    return url.casefold().rstrip("/.").removesuffix(".git")


# ---------------------------------------------------------------------------------------------
# Scoring


def score(gold_records: Iterable[Mapping[str, Any]], pred_records: Iterable[Mapping[str, Any]]) -> EvalReport:
    """Score predictions against gold, paper by paper (matched by ``id``)."""
    gold_list = list(gold_records)
    preds = {r["id"]: r for r in pred_records}
    report = EvalReport(papers=len(gold_list))
    types = sorted({e["type"] for g in gold_list for e in g.get("entities", [])})
    report.entities = {t: {"exact": PRF(), "partial": PRF()} for t in [*types, "micro"]}
    report.has_roles = any("role" in e for g in gold_list for e in g.get("entities", []))
    report.has_claims = any("claims" in g for g in gold_list)
    report.has_code = any("code" in g for g in gold_list)
    report.claim_fields = {name: [0, 0] for name in _CLAIM_FIELDS}
    has_relations = any("relations" in g for g in gold_list)
    if has_relations:
        report.relations = {t: PRF() for t in (*RELATION_TYPES, "micro")}
    for g in gold_list:
        p = preds.get(g["id"])
        if p is None:
            report.missing_predictions += 1
            p = {"id": g["id"], "entities": [], "claims": [], "code": []}
        gold_items = _gold_items(g)
        pred_items = [i for i in _pred_items(p) if i.type in types]
        errors: dict[str, Any] = {"id": g["id"], "missed": [], "spurious": []}
        for t in types:
            gt = [i for i in gold_items if i.type == t]
            pt = [i for i in pred_items if i.type == t]
            for mode in ("exact", "partial"):
                tp, fn, fp = _match(gt, pt, partial=mode == "partial")
                counts = PRF(tp, len(fp), len(fn))
                report.entities[t][mode].add(counts)
                report.entities["micro"][mode].add(counts)
                if mode == "partial":
                    errors["missed"] += [(t, i.names[0]) for i in fn]
                    errors["spurious"] += [(t, i.names[0]) for i in fp]
        if report.has_roles:
            gp = [i for i in gold_items if i.proposed]
            pp = [i for i in _pred_items(p) if i.proposed]
            tp, fn, fp = _match(gp, pp, partial=True)
            report.proposed.add(PRF(tp, len(fp), len(fn)))
            errors["proposed_missed"] = [i.names[0] for i in fn]
            errors["proposed_spurious"] = [i.names[0] for i in fp]
        if report.has_claims:
            _score_claims(report, g.get("claims", []), p.get("claims", []), errors)
        if has_relations:
            _score_relations(report, g.get("relations", []), p.get("relations", []), errors)
        if report.has_code:
            gc = {_code_key(u) for u in g.get("code", [])}
            pc = {_code_key(u) for u in p.get("code", [])}
            report.code.add(PRF(len(gc & pc), len(pc - gc), len(gc - pc)))
        report.errors.append(errors)
    return report


def _relation_triples(records: list) -> list[tuple[str, str, str]]:
    """Unique (head, relation, tail) of the written relation types; a symmetric relation's two
    orders are one."""
    seen: dict[tuple, tuple[str, str, str]] = {}
    for r in records:
        if r.get("relation") not in RELATION_TYPES:
            continue
        key = (normalize(r["head"]), r["relation"], normalize(r["tail"]))
        if r["relation"] in _SYMMETRIC:
            key = (min(key[0], key[2]), key[1], max(key[0], key[2]))
        seen.setdefault(key, (r["head"], r["relation"], r["tail"]))
    return list(seen.values())


def _score_relations(report: EvalReport, gold: list, pred: list, errors: dict) -> None:
    """Document-level relation triples: a prediction matches a gold triple of the same relation
    when both arguments match under :func:`partial_match` (either order for ``compare``)."""
    free = _relation_triples(pred)
    missed = []
    for head, relation, tail in _relation_triples(gold):
        def same(p):
            if p[1] != relation:
                return False
            if partial_match(p[0], head) and partial_match(p[2], tail):
                return True
            return relation in _SYMMETRIC and partial_match(p[0], tail) and partial_match(p[2], head)

        match = next((p for p in free if same(p)), None)
        if match is None:
            missed.append((head, relation, tail))
            report.relations[relation].fn += 1
            report.relations["micro"].fn += 1
            continue
        free.remove(match)
        report.relations[relation].tp += 1
        report.relations["micro"].tp += 1
    for _, relation, _ in free:
        report.relations[relation].fp += 1
        report.relations["micro"].fp += 1
    errors["relations_missed"] = missed
    errors["relations_spurious"] = free


def _score_claims(report: EvalReport, gold: list, pred: list, errors: dict) -> None:
    free = list(pred)
    missed = []
    for gc in gold:
        match = next((pc for pc in free if claims_overlap(gc, pc)), None)
        if match is None:
            missed.append(gc["text"])
            continue
        free.remove(match)
        report.claims.tp += 1
        for name in _CLAIM_FIELDS:
            if gc.get(name) is None:
                continue
            tally = report.claim_fields[name]
            tally[1] += 1
            tally[0] += _field_correct(name, gc[name], match.get(name))
    report.claims.fn += len(missed)
    report.claims.fp += len(free)
    errors["claims_missed"] = missed
    errors["claims_spurious"] = [c["text"] for c in free]


# ---------------------------------------------------------------------------------------------
# Reporting and files


def format_report(report: EvalReport, title: str = "") -> str:
    """A plain-text table of an :class:`EvalReport` (what ``kg eval`` prints)."""
    lines = [title] if title else []
    lines.append(f"papers: {report.papers}" + (f" (no prediction for {report.missing_predictions})"
                                                 if report.missing_predictions else ""))
    header = f"{'type':<10} {'gold':>5} {'pred':>5} | {'P':>5} {'R':>5} {'F1':>5} exact | {'P':>5} {'R':>5} {'F1':>5} partial"
    lines += [header, "-" * len(header)]
    for t, modes in report.entities.items():
        e, p = modes["exact"], modes["partial"]
        lines.append(
            f"{t:<10} {e.tp + e.fn:>5} {e.tp + e.fp:>5} | {e.precision:5.2f} {e.recall:5.2f} {e.f1:5.2f}       "
            f"| {p.precision:5.2f} {p.recall:5.2f} {p.f1:5.2f}"
        )
    extra = []
    if report.has_roles:
        extra.append(("proposed", report.proposed))
    if report.has_claims:
        extra.append(("claims", report.claims))
    if report.has_code:
        extra.append(("code", report.code))
    if extra:
        lines.append("")
        lines.append(f"{'':<10} {'gold':>5} {'pred':>5} | {'P':>5} {'R':>5} {'F1':>5}")
        for name, prf in extra:
            lines.append(f"{name:<10} {prf.tp + prf.fn:>5} {prf.tp + prf.fp:>5} | "
                         f"{prf.precision:5.2f} {prf.recall:5.2f} {prf.f1:5.2f}")
    if report.has_claims:
        fields = ", ".join(f"{k} {c}/{n}" for k, (c, n) in report.claim_fields.items() if n)
        lines.append(f"claim fields correct (matched claims with the field in gold): {fields}")
    if report.relations:
        lines.append("")
        lines.append("relations (document level; arguments match as partial entities)")
        lines.append(f"{'relation':<13} {'gold':>5} {'pred':>5} | {'P':>5} {'R':>5} {'F1':>5}")
        for t, prf in report.relations.items():
            lines.append(f"{t:<13} {prf.tp + prf.fn:>5} {prf.tp + prf.fp:>5} | "
                         f"{prf.precision:5.2f} {prf.recall:5.2f} {prf.f1:5.2f}")
    if report.mentions:
        lines.append("")
        lines.append("mention level (spaCy's span scorer: same tokens, same type)")
        lines.append(f"{'type':<10} {'gold':>5} {'pred':>5} | {'P':>5} {'R':>5} {'F1':>5}")
        for t, prf in report.mentions.items():
            lines.append(f"{t:<10} {prf.tp + prf.fn:>5} {prf.tp + prf.fp:>5} | "
                         f"{prf.precision:5.2f} {prf.recall:5.2f} {prf.f1:5.2f}")
    return "\n".join(lines)


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Read a JSONL file of records; errors name the file and line."""
    records = []
    for number, record in objects(path):
        if "id" not in record:
            raise InputError(f"{path}:{number}: a record needs an \"id\"")
        records.append(record)
    return records


def mention_scores(
    gold_records: Iterable[Mapping[str, Any]],
    pred_records: Iterable[Mapping[str, Any]],
    texts: Mapping[str, Mapping[str, str]],
) -> dict[str, PRF]:
    """Mention-level P/R/F1 per type and ``"micro"``, by spaCy's span scorer.

    ``texts`` maps a paper id to its fields (``{"title": ..., "abstract": ...}``); gold records
    need ``"mentions"`` with ``field``, ``start``, ``end`` and ``type``. Mentions are put on the
    tokens of a blank English tokenizer (a span covering part of a token takes the whole token),
    gold and predicted alike, and only the types the gold set annotates are scored. An empty dict
    when no gold record has mentions.
    """
    import spacy  # only here: the rest of scoring needs no pipeline
    from spacy.scorer import Scorer
    from spacy.training import Example

    gold_list = [g for g in gold_records if g.get("mentions") is not None]
    if not gold_list:
        return {}
    types = sorted({m["type"] for g in gold_list for m in g["mentions"]})
    preds = {r["id"]: r for r in pred_records}
    nlp = spacy.blank("en")
    examples = []
    for g in gold_list:
        fields = texts.get(g["id"], {})
        for name, text in fields.items():
            if not text:
                continue

            def on(doc, mentions):
                spans = [doc.char_span(m["start"], m["end"], label=m["type"], alignment_mode="expand")
                         for m in mentions if m.get("field", "abstract") == name and m["type"] in types]
                doc.spans["kg"] = [s for s in spans if s is not None]
                return doc

            reference = on(nlp.make_doc(text), g["mentions"])
            predicted = on(nlp.make_doc(text), preds.get(g["id"], {}).get("entities", []))
            examples.append(Example(predicted, reference))
    scores = Scorer.score_spans(examples, "spans", getter=lambda doc, attr: doc.spans.get("kg", []),
                                allow_overlap=True, labeled=True)
    gold_counts = {t: 0 for t in types}
    pred_counts = {t: 0 for t in types}
    for eg in examples:  # the scorer counts each (type, tokens) of a text once
        for doc, counts in ((eg.reference, gold_counts), (eg.predicted, pred_counts)):
            for label, _, _ in {(s.label_, s.start, s.end) for s in doc.spans["kg"]}:
                counts[label] += 1
    out = {}
    per_type = scores.get("spans_per_type") or {}
    for t in [*types, "micro"]:
        g = sum(gold_counts.values()) if t == "micro" else gold_counts[t]
        p = sum(pred_counts.values()) if t == "micro" else pred_counts[t]
        recall = scores["spans_r"] if t == "micro" else per_type.get(t, {}).get("r", 0.0)
        tp = round(recall * g) if g else 0
        out[t] = PRF(tp, max(0, p - tp), max(0, g - tp))
    return out


def evaluate_files(gold_path, pred_path=None, input_path=None, nlp=None) -> EvalReport:
    """Score ``pred_path`` (``kg extract`` JSONL) against ``gold_path``, or extract ``input_path``
    first (with ``nlp``, built when not given) and score that.

    ``gold_path`` may be a SciERC file (:mod:`kg.scierc`): its entities of kg's types are the
    gold, and its abstracts the input when neither predictions nor an input are given.
    """
    from . import scierc

    papers = None
    if scierc.is_scierc(gold_path):
        documents = list(scierc.read(gold_path))
        gold = [d.gold_record() for d in documents]
        if input_path is None:
            papers = [d.paper() for d in documents]
    else:
        gold = read_jsonl(gold_path)
    if pred_path is not None:
        preds = read_jsonl(pred_path)
        if papers is None and input_path is not None:
            papers = _read_papers(input_path)
    else:
        if papers is None:
            if input_path is None:
                raise InputError("give predictions (PRED.jsonl) or an input file to extract (--input)")
            wanted = {g["id"] for g in gold}
            papers = [p for p in _read_papers(input_path) if p.id in wanted]
        from . import extract as extract_module  # spaCy only when extraction is asked for

        nlp = nlp or extract_module.build_nlp()
        preds = [x.to_json() for x in extract_module.extract(papers, nlp)]
    report = score(gold, preds)
    if papers is not None:
        texts = {p.id: {"title": p.title, "abstract": p.abstract} for p in papers}
        report.mentions = mention_scores(gold, preds, texts)
    return report


def _read_papers(path):
    """Papers of an input file, through kg.ingest."""
    from . import ingest

    return list(ingest.read(path))
