"""Scoring: matching rules on small hand-made records, then an end-to-end run on dev gold papers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import extract_fixtures as fx
from kg.errors import KGError
from kg.evaluate import (
    PRF,
    claims_overlap,
    evaluate_files,
    exact_match,
    format_report,
    normalize,
    partial_match,
    read_jsonl,
    score,
)
from kg.extract import extract

DEV_GOLD = Path(__file__).resolve().parent.parent / "eval" / "dev-gold.jsonl"


def ent(text, type_="Method", **extra):
    return {"text": text, "type": type_, **extra}


# -- matching ------------------------------------------------------------------------------------


def test_normalize_casefolds_strips_and_singularises():
    assert normalize("  (Large Language Models). ") == "large language model"
    assert normalize("Bi-level   optimization") == "bi level optimization"
    assert normalize("loss") == "loss"  # not "los"


@pytest.mark.parametrize("a, b", [("LLMs", "LLM"), ("CIFAR-10", "cifar 10"), ("(IoU)", "IOU"), ("GANs", "GAN")])
def test_exact_matches(a, b):
    assert exact_match(a, b)


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("spatial-frequency interaction network", "interaction network", True),  # contained, non-generic
        ("ImageNet", "ImageNet-1k", True),
        ("graph attention network", "residual network", False),  # same generic head only
        ("our framework", "adversarial framework", False),
        ("tree-based advantage estimation", "advantage estimation", True),
        ("policy gradient", "natural policy gradient", True),
        ("BERT", "RoBERTa", False),
    ],
)
def test_partial_matches(a, b, expected):
    assert partial_match(a, b) is expected


def test_prf_arithmetic():
    prf = PRF(tp=3, fp=1, fn=2)
    assert (prf.precision, prf.recall) == (0.75, 0.6)
    assert prf.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert PRF().f1 == 0.0


# -- scoring hand-made records ------------------------------------------------------------------


def test_unique_entities_per_document_and_types():
    gold = [{"id": "p", "entities": [ent("BERT"), ent("SQuAD", "Dataset"), ent("question answering", "Task")]}]
    pred = [{"id": "p", "entities": [ent("BERT"), ent("BERT"), ent("SQuAD", "Method"), ent("question answering", "Task"),
                                     ent("GPT-2")]}]
    report = score(gold, pred)
    method = report.entities["Method"]["exact"]
    assert (method.tp, method.fp, method.fn) == (1, 2, 0)  # BERT once; SQuAD as a Method is wrong
    assert report.entities["Dataset"]["exact"].fn == 1
    micro = report.entities["micro"]["exact"]
    assert (micro.tp, micro.fp, micro.fn) == (2, 2, 1)


def test_aliases_match_both_ways():
    gold = [{"id": "p", "entities": [ent("DPO", aliases=["Direct Preference Optimization"])]}]
    by_long_form = [{"id": "p", "entities": [ent("direct preference optimization")]}]
    by_pred_alias = [{"id": "p", "entities": [ent("DPO-style", long_form="Direct Preference Optimization")]}]
    assert score(gold, by_long_form).entities["micro"]["exact"].f1 == 1.0
    assert score(gold, by_pred_alias).entities["micro"]["exact"].f1 == 1.0


def test_short_and_long_form_predictions_are_one_entity():
    gold = [{"id": "p", "entities": [ent("DPO")]}]
    pred = [{"id": "p", "entities": [ent("Direct Preference Optimization", short_form="DPO"),
                                     ent("DPO", long_form="Direct Preference Optimization")]}]
    exact = score(gold, pred).entities["micro"]["exact"]
    assert (exact.tp, exact.fp) == (1, 0)


def test_partial_counts_what_exact_misses():
    gold = [{"id": "p", "entities": [ent("spatial-frequency interaction network")]}]
    pred = [{"id": "p", "entities": [ent("interaction network")]}]
    report = score(gold, pred)
    assert report.entities["micro"]["exact"].tp == 0
    assert report.entities["micro"]["partial"].tp == 1


def test_types_absent_from_gold_are_not_scored():
    gold = [{"id": "p", "entities": [ent("BERT")]}]
    pred = [{"id": "p", "entities": [ent("BERT"), ent("accuracy", "Metric")]}]
    report = score(gold, pred)
    assert set(report.entities) == {"Method", "micro"}
    assert report.entities["micro"]["exact"].precision == 1.0


def test_missing_predictions_count_as_misses():
    report = score([{"id": "p", "entities": [ent("BERT")]}], [])
    assert report.missing_predictions == 1 and report.entities["micro"]["exact"].recall == 0.0


def test_proposed_claims_and_code():
    text = "Our method improves accuracy by 4.2% over BERT on SQuAD."
    gold = [{
        "id": "p",
        "entities": [ent("FooNet", role="proposed"), ent("BERT", role="used")],
        "claims": [{"text": text, "value": 4.2, "unit": "%", "direction": "improves", "metric": "accuracy"}],
        "code": ["https://github.com/a/foonet"],
    }]
    pred = [{
        "id": "p",
        "entities": [ent("FooNet", role="proposed"), ent("BERT", role="proposed")],
        "claims": [{"text": text, "value": 4.2, "unit": "%", "direction": "improves", "metric": "Accuracy"},
                   {"text": "We propose FooNet."}],
        "code": ["https://github.com/a/foonet/"],
    }]
    report = score(gold, pred)
    assert (report.proposed.tp, report.proposed.fp) == (1, 1)
    assert (report.claims.tp, report.claims.fp, report.claims.fn) == (1, 1, 0)
    assert report.claim_fields["value"] == [1, 1] and report.claim_fields["unit"] == [1, 1]
    assert report.claim_fields["metric"] == [1, 1]
    assert report.code.f1 == 1.0
    table = format_report(report, "demo")
    assert "micro" in table and "proposed" in table and "claims" in table
    assert json.loads(json.dumps(report.to_json()))["claims"]["tp"] == 1


def test_claim_overlap_by_text():
    gold = {"text": "Experiments show that X beats Y by 3 points on Z."}
    assert claims_overlap(gold, {"text": "Experiments show that X beats Y by 3 points on Z"})
    assert claims_overlap(gold, {"text": "Experiments show that X beats Y by 3 points on Z. Also more text here."})
    assert not claims_overlap(gold, {"text": "We propose a new method for W."})


def test_bad_files_say_where(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a"}\nnot json\n', "utf-8")
    with pytest.raises(KGError, match="bad.jsonl:2"):
        read_jsonl(bad)
    bad.write_bytes(b'{"id": "a"}\n\n{"id": "caf\xe9"}\n')
    with pytest.raises(KGError, match=r"bad.jsonl:3: not UTF-8 \(byte 0xe9 at offset 11\)"):
        read_jsonl(bad)
    bad.write_text('{"id": "a"}\n"b"\n', "utf-8")
    with pytest.raises(KGError, match=r"bad.jsonl:2: not a JSON object \(a string\)"):
        read_jsonl(bad)
    with pytest.raises(KGError):
        evaluate_files(DEV_GOLD)


# -- end to end on real dev gold papers -----------------------------------------------------------


def test_end_to_end_on_dev_gold_papers(tmp_path):
    gold = read_jsonl(DEV_GOLD)[:8]
    wanted = {g["id"] for g in gold}
    papers = [p for p in fx.corpus() if p.id in wanted]
    assert len(papers) == len(gold)
    pred_path = tmp_path / "pred.jsonl"
    with pred_path.open("w", encoding="utf-8") as out:
        for x in extract(papers, fx.nlp()):
            out.write(json.dumps(x.to_json()) + "\n")
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text("".join(json.dumps(g) + "\n" for g in gold), "utf-8")
    report = evaluate_files(gold_path, pred_path)
    micro = report.entities["micro"]
    assert report.papers == 8 and report.missing_predictions == 0
    assert 0.3 <= micro["exact"].f1 <= micro["partial"].f1 <= 1.0
    assert micro["partial"].recall >= 0.5
    assert report.claims.recall >= 0.6 and report.claims.precision >= 0.5
    assert report.proposed.tp >= 3
    assert report.code.recall == 1.0


def test_evaluate_files_extracts_an_input_file_first(tmp_path):
    gold = read_jsonl(DEV_GOLD)[:3]
    by_id = {p.id: p for p in fx.corpus()}
    (tmp_path / "gold.jsonl").write_text("".join(json.dumps(g) + "\n" for g in gold), "utf-8")
    (tmp_path / "input.jsonl").write_text(
        "".join(json.dumps({"id": g["id"], "title": by_id[g["id"]].title, "abstract": by_id[g["id"]].abstract}) + "\n"
                for g in gold),
        "utf-8",
    )
    report = evaluate_files(tmp_path / "gold.jsonl", input_path=tmp_path / "input.jsonl", nlp=fx.nlp())
    assert report.papers == 3 and report.missing_predictions == 0
    assert report.entities["micro"]["partial"].tp > 0
