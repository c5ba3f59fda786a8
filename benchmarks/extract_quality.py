"""Extraction quality on every dev set, and how the span model and the rules are merged.

    PYTHONPATH=. .venv/bin/python benchmarks/extract_quality.py              # tuning splits
    PYTHONPATH=. .venv/bin/python benchmarks/extract_quality.py --held-out   # + the held-out splits
    PYTHONPATH=. .venv/bin/python benchmarks/extract_quality.py --grid       # merge strategies x thresholds
    ... --no-span-model | --merge union --min-score 0.7 | --span-model DIR | --errors | --speed

The dev sets, each split into a part that settings are chosen on and a part kept back:

* ``eval/dev-gold.jsonl``: 40 hand-annotated bundled papers (kg's own conventions); all of it
  was used for tuning the rules, so it has no held-out part.
* SciERC dev (``training/scierc/dev.json``, 50 abstracts, Material scored as Dataset): documents
  1-25 choose the span model's checkpoint and every setting; 26-50 are the held-out part.
* pwc-dev (``../shared/eval/pwc-dev``, 356 abstracts, distant Method/Task labels: recall counts):
  ids ending 0-2 are held out, the rest is the tuning split.

``--grid`` prints, on the tuning parts only, every merge strategy at several thresholds and the
figure the default was chosen by: the mean of SciERC exact micro F1, dev-gold exact micro F1 and
pwc-dev exact recall (Method and Task averaged).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from kg import extract as kx
from kg import scierc
from kg.evaluate import format_report, mention_scores, read_jsonl, score
from kg.extract import merge as merging
from kg.model import Paper

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "kg" / "data" / "trending-papers.txt"
DEV_GOLD = ROOT / "eval" / "dev-gold.jsonl"
SCIERC_DEV = ROOT / "training" / "scierc" / "dev.json"
PWC = Path("/work/shared/eval/pwc-dev")
SCIERC_TUNING = 25  # documents 1-25 of SciERC dev; the rest is held out


def read_corpus(path: Path = CORPUS) -> list[Paper]:
    """The bundled corpus through kg.ingest."""
    from kg.ingest import read

    return list(read(path))


def read_pwc_input(path: Path) -> list[Paper]:
    return [Paper(id=r["id"], title=r.get("title", ""), abstract=r["abstract"]) for r in read_jsonl(path)]


def held_out(record_id: str) -> bool:
    """pwc-dev's held-out split: ids ending in 0, 1 or 2."""
    return record_id[-1] in "012"


class DevSets:
    """The three dev sets, read once; ``evaluate(nlp)`` extracts and scores each split."""

    def __init__(self) -> None:
        corpus = read_corpus()
        self.dev_gold = read_jsonl(DEV_GOLD)
        wanted = {g["id"] for g in self.dev_gold}
        self.dev_papers = [p for p in corpus if p.id in wanted]
        documents = list(scierc.read(SCIERC_DEV))
        self.scierc_gold = [d.gold_record() for d in documents]
        self.scierc_papers = [d.paper() for d in documents]
        self.pwc_gold = read_jsonl(PWC / "gold.jsonl") if (PWC / "gold.jsonl").exists() else []
        self.pwc_papers = read_pwc_input(PWC / "input.jsonl") if self.pwc_gold else []

    def evaluate(self, nlp, held: bool = False) -> dict:
        """Reports per split: ``dev-gold``, ``scierc tuning`` (and ``scierc held-out``, ``scierc
        all``), ``pwc tuning`` (and ``pwc held-out``) when ``held``."""
        out = {}
        preds = [x.to_json() for x in kx.extract(self.dev_papers, nlp)]
        out["dev-gold"] = score(self.dev_gold, preds)
        preds = [x.to_json() for x in kx.extract(self.scierc_papers, nlp)]
        texts = {p.id: {"title": "", "abstract": p.abstract} for p in self.scierc_papers}
        parts = {"scierc tuning": self.scierc_gold[:SCIERC_TUNING]}
        if held:
            parts.update({"scierc held-out": self.scierc_gold[SCIERC_TUNING:], "scierc all": self.scierc_gold})
        for name, gold in parts.items():
            report = score(gold, preds)
            report.mentions = mention_scores(gold, preds, texts)
            out[name] = report
        if self.pwc_gold:
            preds = [x.to_json() for x in kx.extract(self.pwc_papers, nlp)]
            out["pwc tuning"] = score([g for g in self.pwc_gold if not held_out(g["id"])], preds)
            if held:
                out["pwc held-out"] = score([g for g in self.pwc_gold if held_out(g["id"])], preds)
        return out


def summary(reports: dict) -> dict:
    """The figures the merge is chosen by, from :meth:`DevSets.evaluate`'s reports."""
    dev, sci = reports["dev-gold"], reports["scierc tuning"]
    row = {
        "scierc exact F1": sci.entities["micro"]["exact"].f1,
        "scierc partial F1": sci.entities["micro"]["partial"].f1,
        "scierc mention F1": sci.mentions["micro"].f1,
        "dev-gold exact F1": dev.entities["micro"]["exact"].f1,
        "dev-gold partial F1": dev.entities["micro"]["partial"].f1,
        "dev-gold proposed F1": dev.proposed.f1,
        "dev-gold claims R": dev.claims.recall,
    }
    if sci.relations:
        row["scierc relation F1"] = sci.relations["micro"].f1
    if "pwc tuning" in reports:
        pwc = reports["pwc tuning"].entities
        row["pwc Method R"] = pwc["Method"]["exact"].recall
        row["pwc Task R"] = pwc["Task"]["exact"].recall
        row["choice"] = (row["scierc exact F1"] + row["dev-gold exact F1"] + (row["pwc Method R"] + row["pwc Task R"]) / 2) / 3
    return {k: round(v, 3) for k, v in row.items()}


def print_errors(report, label: str) -> None:
    print(f"\n## errors: {label}")
    for e in report.errors:
        if any(e.get(k) for k in ("missed", "spurious", "proposed_missed", "proposed_spurious")):
            print(json.dumps(e, ensure_ascii=False))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--held-out", action="store_true", help="also score the held-out splits (look once)")
    parser.add_argument("--grid", action="store_true", help="every merge strategy at several thresholds (tuning splits)")
    parser.add_argument("--no-span-model", action="store_true", help="kg's rules alone")
    parser.add_argument("--span-model", type=Path, help="a span model folder (default: the shipped one)")
    parser.add_argument("--merge", choices=merging.STRATEGIES, default=kx.DEFAULT_MERGE)
    parser.add_argument("--min-score", type=float, default=kx.DEFAULT_MIN_SCORE)
    parser.add_argument("--errors", action="store_true", help="print misses (dev gold and the tuning splits)")
    parser.add_argument("--speed", action="store_true", help="also time the bundled corpus")
    parser.add_argument("--json", action="store_true", help="print the summary figures as JSON")
    args = parser.parse_args(argv)

    exclude = ("ner", "kg_spans") if args.no_span_model else ("ner",)
    options = {"span_model": args.span_model} if args.span_model else {}
    nlp = kx.build_nlp(exclude=exclude, merge=args.merge, min_score=args.min_score, **options)
    sets = DevSets()

    if args.grid:
        finder = nlp.get_pipe("kg_mentions")
        rows = {}
        for strategy in merging.STRATEGIES:
            for threshold in ((0.5,) if strategy == "rules" else (0.5, 0.7, 0.9)):
                finder.merge, finder.min_score = strategy, threshold
                rows[f"{strategy} {threshold}"] = row = summary(sets.evaluate(nlp))
                print(f"{strategy:12s} {threshold:.1f} " + "  ".join(f"{k} {v:.3f}" for k, v in row.items()), flush=True)
        if args.json:
            print(json.dumps(rows, indent=2))
        return 0

    reports = sets.evaluate(nlp, held=args.held_out)
    for name, report in reports.items():
        print()
        print(format_report(report, f"== {name} (merge {args.merge}, min score {args.min_score}"
                                    f"{', rules only' if args.no_span_model else ''})"))
        if args.errors and "held-out" not in name and name != "scierc all":
            print_errors(report, name)
    print()
    print(json.dumps(summary(reports)))

    if args.speed:
        papers = read_corpus()
        for _ in kx.extract(papers[:20], nlp):
            pass
        mark = time.perf_counter()
        n = sum(1 for _ in kx.extract(papers, nlp))
        print(f"\n== speed: {n} bundled papers extracted in {time.perf_counter() - mark:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
