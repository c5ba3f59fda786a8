"""The CLI on real files: `kg extract` keeps ids and the contract; bad input gives one line, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kg.cli import main

F2SA_ABSTRACT_START = "We consider stochastic unconstrained bilevel optimization problems"


def run_kg(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=600
    )


@pytest.fixture(scope="module")
def two_papers_jsonl(tmp_path_factory, bundled_papers):
    path = tmp_path_factory.mktemp("in") / "papers.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for number, paper in enumerate(bundled_papers[:3]):
            handle.write(json.dumps({"id": f"my-id-{number}", "title": paper.title, "abstract": paper.abstract}) + "\n")
    return path


def test_extract_keeps_input_ids_and_contract(two_papers_jsonl, tmp_path):
    out = tmp_path / "x.jsonl"
    result = run_kg("extract", two_papers_jsonl, "-o", out)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["id"] for r in records] == ["my-id-0", "my-id-1", "my-id-2"]
    f2sa = records[1]
    proposed = {e["text"] for e in f2sa["entities"] if e["role"] == "proposed"}
    assert "F2SA" in proposed
    irstd = records[0]
    assert "https://github.com/LiuZhu-CV/BALISTD" in irstd["code"]


def test_missing_file_is_one_line_error(tmp_path):
    result = run_kg("extract", tmp_path / "nope.jsonl", "-o", tmp_path / "o.jsonl")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "nope.jsonl" in result.stderr


def test_empty_file_is_one_line_error(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    result = run_kg("build", empty, "--out", tmp_path / "o", "--no-html")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "empty.jsonl" in result.stderr and result.stderr.count("\n") == 1


def test_bad_jsonl_line_names_file_and_line_and_keeps_the_rest(tmp_path, bundled_papers):
    path = tmp_path / "mixed.jsonl"
    good = json.dumps({"title": bundled_papers[1].title, "abstract": bundled_papers[1].abstract})
    path.write_text(good + "\n{not json\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    result = run_kg("extract", path, "-o", out)
    assert result.returncode == 0
    assert f"{path}:2:" in result.stdout
    assert len(out.read_text("utf-8").splitlines()) == 1
    strict = run_kg("extract", path, "-o", out, "--on-error", "fail")
    assert strict.returncode == 2 and "Traceback" not in strict.stderr
    assert f"{path}:2:" in strict.stderr and strict.stderr.count("\n") == 1


def test_every_command_has_an_example_in_its_help():
    from kg.cli import make_parser

    parser = make_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    for name, sub in subparsers.choices.items():
        assert "Example: kg " in sub.format_help(), name


def test_eval_scores_the_dev_gold_through_the_cli(tmp_path):
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    result = run_kg("eval", root / "eval/dev-gold.jsonl", "--input", root / "kg/data/trending-papers.txt", "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["papers"] == 40
    # extraction finds most of the hand-annotated code links and claims: not a toy score
    assert report["code"]["recall"] >= 0.9
    assert report["claims"]["recall"] >= 0.8
