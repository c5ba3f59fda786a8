"""kg.ingest on the bundled corpus, on small samples of every format, and on a corpus of bad input."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import InputError, KGError, RecordError
from kg.ingest import (
    FORMATS,
    IngestReport,
    dedupe,
    detect_format,
    paper_id,
    read,
    read_papers,
)
from kg.model import Paper
from kg.textnorm import strip_controls

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"
CORPUS = Path(str(files("kg") / "data" / "trending-papers.txt"))
F2SA = "A Fully First-Order Method for Stochastic Bilevel Optimization"
SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9:._/-]*$")


def balanced(papers: list[Paper], report: IngestReport) -> bool:
    return report.read == len(papers) + report.merged + len(report.skipped)


def where(report: IngestReport) -> list[tuple[str, int]]:
    return [(Path(err.path).name, err.line) for err in report.skipped]


# --------------------------------------------------------------------------- the bundled corpus


@pytest.fixture(scope="module")
def corpus() -> tuple[list[Paper], IngestReport]:
    return read_papers(CORPUS)


def test_corpus_yields_every_paper(corpus):
    papers, report = corpus
    assert len(papers) == 243
    assert report.skipped == [] and report.merged == 0 and balanced(papers, report)


def test_corpus_first_title_has_no_subscribe_glued_to_it(corpus):
    papers, _ = corpus
    assert papers[0].title == "Enhancing Infrared Small Target Detection Robustness with Bi-Level Adversarial Framework"
    assert papers[0].source.endswith("trending-papers.txt:3")
    assert not any("Subscribe" in p.title for p in papers)


def test_corpus_second_paper_is_f2sa(corpus):
    papers, _ = corpus
    assert papers[1].title == F2SA
    assert "F2SA" in papers[1].abstract
    assert papers[1].id == "a-fully-first-order-method-for-stochastic-064fc1af"


def test_corpus_papers_are_clean_and_ids_unique(corpus):
    papers, _ = corpus
    assert all(p.title.strip() and p.abstract.strip() for p in papers)
    assert all(p.title == " ".join(p.title.split()) for p in papers)
    assert len({p.id for p in papers}) == len(papers)
    assert all(SAFE_ID.match(p.id) for p in papers)


def test_trending_tolerates_missing_boilerplate_crlf_bom_and_blank_lines(tmp_path, corpus):
    papers, _ = corpus
    lines = CORPUS.read_text(encoding="utf-8").splitlines()[2:]
    lines[0] = lines[0].removeprefix("Subscribe")
    variant = tmp_path / "variant.txt"
    variant.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines + ["", "", "  "]).encode("utf-8"))
    again, report = read_papers(variant)
    assert [p.title for p in again] == [p.title for p in papers]
    assert [p.id for p in again] == [p.id for p in papers]
    assert report.skipped == []


# --------------------------------------------------------------------------- paper ids


def test_paper_id_known_value_and_precedence():
    assert paper_id(F2SA) == "a-fully-first-order-method-for-stochastic-064fc1af"
    assert paper_id(F2SA, id="  my-id ") == "my-id"
    assert paper_id(F2SA, arxiv_id="arXiv:2301.10945v3", doi="10.1/x") == "arxiv:2301.10945"
    assert paper_id(F2SA, arxiv_id="https://arxiv.org/abs/2301.10945") == "arxiv:2301.10945"
    assert paper_id(F2SA, doi="https://doi.org/10.5555/TMLR.42") == "doi:10.5555/tmlr.42"


@pytest.mark.parametrize(
    "variant",
    [
        "a fully first-order method for stochastic bilevel optimization",
        "A FULLY FIRST ORDER METHOD FOR STOCHASTIC BILEVEL OPTIMIZATION.",
        "  A  Fully\tFirst–Order Method\nfor Stochastic Bilevel Optimization ",
        "A Fully First-Order Method for Stochastic Bilevel Optimization!",
    ],
)
def test_paper_id_ignores_case_punctuation_and_spacing(variant):
    assert paper_id(variant) == paper_id(F2SA)


def test_paper_id_rejects_malformed_ids():
    with pytest.raises(ValueError):
        paper_id("t", arxiv_id="12345")
    with pytest.raises(ValueError):
        paper_id("t", doi="not a doi")
    with pytest.raises(ValueError):
        paper_id("   ")


def test_paper_id_keeps_non_latin_titles_apart():
    assert paper_id("深度学习的综述") != paper_id("图神经网络的综述")
    assert SAFE_ID.match(paper_id("深度学习的综述"))


@settings(max_examples=300)
@given(st.text(min_size=1).filter(lambda t: t.strip()))
def test_title_ids_are_deterministic_and_safe(title):
    first = paper_id(title)
    assert first == paper_id(title)
    assert SAFE_ID.match(first), first


@settings(max_examples=300)
@given(st.text(alphabet="abcXYZ019 -:,.!?()\t\n", min_size=1).filter(lambda t: any(c.isalnum() for c in t)))
def test_title_ids_ignore_case_spacing_and_punctuation(title):
    variant = "  " + title.upper().replace(" ", "   ").replace("-", " – ") + "?"
    assert paper_id(variant) == paper_id(title)


# --------------------------------------------------------------------------- formats


def test_jsonl_keeps_given_ids_and_reads_optional_fields():
    papers, report = read_papers(DATA / "papers.jsonl")
    assert [p.id for p in papers] == ["lab-0001", "arxiv:2403.01234", "doi:10.1145/3580305.3599001", "77"]
    first, second, third, fourth = papers
    assert first.authors == ("Mira Okafor", "Tomas Lindqvist") and first.year == 2024
    assert second.arxiv_id == "2403.01234" and second.authors == ("Ana Ruiz", "Kenji Watanabe")
    assert second.year == 2024
    assert third.doi == "10.1145/3580305.3599001" and third.url == "https://example.org/gnn-cert"
    assert fourth.title == "Scaling Laws for Retrieval-Augmented Models"
    assert "\n" not in fourth.abstract
    assert fourth.authors == ("Li Wei", "Sara Haddad", "Omar Farouk")
    assert fourth.source.endswith("papers.jsonl:5")  # the blank line 4 is not a record
    assert report.read == 4 and balanced(papers, report)


def test_json_array_items_carry_their_line():
    papers, _ = read_papers(DATA / "papers.json")
    assert [p.id for p in papers][0] == "json-1"
    assert [p.source.rsplit(":", 1)[1] for p in papers] == ["2", "7"]
    assert papers[1].year == 2023


def test_csv_header_is_case_insensitive_extra_columns_ignored_quoted_newlines_joined():
    papers, report = read_papers(DATA / "papers.csv")
    assert [p.title for p in papers] == [
        "Self-Supervised Denoising of Cryo-EM Micrographs",
        "Token Merging for Video Transformers",
        "Reward Models Are Miscalibrated Under Distribution Shift",
    ]
    denoise = papers[0]
    assert denoise.abstract == (
        "We adapt Noise2Noise to cryo-EM and show that denoised micrographs improve particle picking recall by 12%."
    )
    assert denoise.authors == ("Ines Duarte", "Pavel Novak") and denoise.year == 2022
    assert denoise.id == "arxiv:2205.04321"
    assert papers[1].source.endswith("papers.csv:5")
    assert '"confident"' in papers[2].abstract and papers[2].year is None
    assert report.skipped == []


def test_tsv():
    papers, report = read_papers(DATA / "papers.tsv")
    assert [p.year for p in papers] == [2021, None]
    assert report.skipped == []


def test_bibtex_latex_macros_authors_and_eprints():
    papers, report = read_papers(DATA / "papers.bib")
    assert report.skipped == []
    f2sa, gan, tabular, energy = papers
    assert f2sa.title == F2SA
    assert f2sa.authors == ("Jörg Müller", "Anaïs Schönfeld", "Lucía García")
    assert "gradient oracles & propose" in f2sa.abstract
    assert "Hessian–vector" in f2sa.abstract and "iterations — see Section 4." in f2sa.abstract
    assert "$O(\\epsilon^{-3.5})$" in f2sa.abstract  # math is kept as written
    assert f2sa.year == 2023 and f2sa.id == "doi:10.5555/tmlr.2023.0042"
    assert gan.title == "Stabilising GAN Training with Spectral Gradient Penalties"  # "#" and {GAN}
    assert gan.authors == ("Xiaoyu Chen", "Barnes and Noble Research Lab")  # "and others" dropped
    assert gan.url == "https://example.org/papers/chen2024gan"
    assert "StyleGAN2-ADA" in gan.abstract
    assert tabular.arxiv_id == "2403.01234" and tabular.id == "arxiv:2403.01234"
    assert tabular.authors == ("Élodie Dupont", "Søren Østergaard")
    assert energy.authors == ("Piotr Kowalski", "Łukasz Nowak")
    assert "by 18% with under 2% slowdown" in energy.abstract
    assert [p.source.rsplit(":", 1)[1] for p in papers] == ["6", "19", "31", "42"]


def test_atom_arxiv_feed():
    papers, report = read_papers(DATA / "papers.atom")
    assert report.skipped == []
    first, second, old = papers
    assert first.id == "arxiv:2301.00001" and first.arxiv_id == "2301.00001"
    assert first.title == "Penalty Methods for Bilevel Learning with Noisy Lower-Level Solvers"
    assert first.abstract.startswith("We analyse") and "accuracy & the penalty" in first.abstract
    assert first.authors == ("Hana Kobayashi", "Rafael Souza")
    assert first.year == 2023 and first.doi == "10.1234/bilevel.2023.7"
    assert first.url == "http://arxiv.org/abs/2301.00001v2"
    assert first.source.endswith("papers.atom:10")
    assert second.id == "arxiv:2312.09876"
    assert old.id == "arxiv:math/0309136" and old.year == 2003


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.txt", "trending"), ("a.jsonl", "jsonl"), ("a.NDJSON", "jsonl"), ("a.json", "json"),
        ("a.csv", "csv"), ("a.tsv", "tsv"), ("a.bib", "bibtex"), ("a.atom", "atom"), ("a.xml", "atom"),
    ],
)
def test_detect_format_from_extension(name, expected):
    assert detect_format(name) == expected


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("papers.jsonl", "jsonl"), ("papers.json", "json"), ("papers.csv", "csv"), ("papers.tsv", "tsv"),
        ("papers.bib", "bibtex"), ("papers.atom", "atom"),
    ],
)
def test_detect_format_sniffs_content_without_a_telling_extension(tmp_path, sample, expected):
    target = tmp_path / "download.dat"
    target.write_bytes((DATA / sample).read_bytes())
    assert detect_format(target) == expected
    assert [p.title for p in read_papers(target)[0]] == [p.title for p in read_papers(DATA / sample)[0]]


def test_sniffed_page_text_is_trending(tmp_path):
    target = tmp_path / "page"
    target.write_bytes(CORPUS.read_bytes())
    assert detect_format(target) == "trending"


def test_format_can_be_forced(tmp_path):
    target = tmp_path / "papers.txt"
    target.write_bytes((DATA / "papers.jsonl").read_bytes())
    papers, _ = read_papers(target, format="jsonl")
    assert len(papers) == 4


def test_json_file_of_lines_is_read_as_jsonl(tmp_path):
    target = tmp_path / "lines.json"
    target.write_bytes((DATA / "papers.jsonl").read_bytes())
    assert len(read_papers(target)[0]) == 4


def test_directory_reads_supported_files_sorted(tmp_path):
    for name in ("b.jsonl", "a.csv", "notes.md"):
        source = {"b.jsonl": "papers.jsonl", "a.csv": "papers.csv", "notes.md": "papers.tsv"}[name]
        (tmp_path / name).write_bytes((DATA / source).read_bytes())
    papers, report = read_papers(tmp_path)
    assert [Path(f).name for f in report.files] == ["a.csv", "b.jsonl"]
    assert len(papers) == 3 + 4


# --------------------------------------------------------------------------- duplicates


def test_dedupe_first_wins_and_counts_balance(tmp_path, corpus):
    papers, _ = corpus
    dupes = tmp_path / "dupes.jsonl"
    records = [
        json.dumps({"title": F2SA.upper() + "!", "abstract": "Same title, other case.", "year": 2023}),
        json.dumps({"title": "A New Paper", "abstract": "Not in the corpus.", "arxiv_id": "2402.00001"}),
        json.dumps({"title": "A Different Title", "abstract": "Same arXiv id.", "arxiv_id": "2402.00001v2"}),
        '{"title": "Not JSON", "abstract": }',
    ]
    dupes.write_text("\n".join(records), encoding="utf-8")
    merged, report = read_papers([CORPUS, dupes])
    assert len(merged) == 244
    assert report.read == 247 and report.merged == 2 and len(report.skipped) == 1
    assert report.kept == len(merged) and balanced(merged, report)
    f2sa = next(p for p in merged if p.title == F2SA)
    assert f2sa.year is None and f2sa.source.endswith("trending-papers.txt:5")  # the first copy won


def test_dedupe_on_its_own():
    a = Paper(id="x", title="Same Title", abstract="one")
    b = Paper(id="y", title="same title.", abstract="two")
    c = Paper(id="x", title="Other", abstract="three")
    report = IngestReport(read=3)
    assert list(dedupe([a, b, c], report)) == [a]
    assert report.merged == 2 and report.kept == 1


# --------------------------------------------------------------------------- bad input


BAD_RECORDS = {
    # file: (lines of the errors in order, titles still read)
    "records.jsonl": ([2, 3, 5, 6, 7, 8, 9, 10, 12, 13], ["Valid Paper One", "", "Valid Paper Two"]),
    "array.json": ([3, 4], ["Array Paper One", "Array Paper Two"]),
    "rows.csv": ([3, 4, 5, 8, 11], ["Valid CSV Paper One", "Quoted Multi-line Paper", "", "Valid CSV Paper Two"]),
    "pairs.txt": ([6, 10], ["First Trending Paper", "Third Trending Paper"]),
    "entries.bib": ([7, 13, 18, 23, 31], ["Valid BibTeX Paper One", "Valid BibTeX Paper Two"]),
    "feed.atom": ([10, 17], ["Valid Atom Paper One", "Valid Atom Paper Two"]),
    "truncated.atom": ([11], ["Valid Atom Paper Before The Break"]),
    "long_abstract.jsonl": ([2], ["Short Enough", "Also Short Enough"]),
    "bom_crlf.jsonl": (
        [3, 4, 5],
        ["BOM And CRLF Paper", "Escaped Bell[31m Red[0m Title", "Noncharacters Stripped", "Bidi Override Title"],
    ),
    "controls.tsv": ([], ["Tab Separated [2JClear Screen", "", "Valid TSV Paper"]),
    "mac_cr.csv": ([3], ["Mac Paper One", "Mac Paper Two"]),
}


@pytest.mark.parametrize("name", sorted(BAD_RECORDS))
def test_bad_records_are_skipped_with_their_line_and_good_ones_kept(name):
    lines, titles = BAD_RECORDS[name]
    report = IngestReport()
    papers = list(read(BAD / name, report=report, max_chars=50 if name == "long_abstract.jsonl" else 100_000))
    assert [p.title for p in papers] == titles
    assert where(report) == [(name, line) for line in lines]
    assert all(str(err).startswith(f"{BAD / name}:{err.line}: ") for err in report.skipped)
    assert all(";" in err.reason for err in report.skipped), "every reason says what to do"
    assert balanced(papers, report)


@pytest.mark.parametrize("name", sorted(name for name, (lines, _) in BAD_RECORDS.items() if lines))
def test_fail_mode_raises_the_first_bad_record(name):
    lines, _ = BAD_RECORDS[name]
    with pytest.raises(RecordError) as caught:
        list(read(BAD / name, on_error="fail", max_chars=50 if name == "long_abstract.jsonl" else 100_000))
    assert caught.value.line == lines[0]


@pytest.mark.parametrize(
    ("name", "line", "reason"),
    [
        ("records.jsonl", 2, "line is not valid JSON (Expecting property name enclosed in double quotes at column 45); fix the line or remove it"),
        ("records.jsonl", 3, "not a JSON object"),
        ("records.jsonl", 5, "abstract is empty"),
        ("records.jsonl", 6, "title is a number, not a string"),
        ("records.jsonl", 7, "authors is an object"),
        ("records.jsonl", 8, "year is a string 'soon'"),
        ("records.jsonl", 9, "not valid UTF-8 (byte 0xe9 at byte offset 431)"),
        ("records.jsonl", 10, "NUL byte at byte offset 483"),
        ("records.jsonl", 12, "'12345' is not an arXiv id"),
        ("records.jsonl", 13, "is not a DOI"),
        ("rows.csv", 3, "row has 4 fields but the header (line 1) has 3"),
        ("rows.csv", 4, "row has 1 field but"),
        ("rows.csv", 5, "not valid UTF-8 (byte 0xff at byte offset 112)"),
        ("rows.csv", 11, "unexpected end of data"),
        ("pairs.txt", 6, "not valid UTF-8 (byte 0xc3 at byte offset 175)"),
        ("pairs.txt", 10, "title has no abstract line after it"),
        ("entries.bib", 7, "entry @article{noabstract}: abstract is missing"),
        ("entries.bib", 13, "entry is malformed (at line 18)"),
        ("entries.bib", 31, "not valid UTF-8"),
        ("feed.atom", 10, "<summary> is missing"),
        ("feed.atom", 17, "the arXiv API returned an error (incorrect id format for 1234)"),
        ("truncated.atom", 11, "not well-formed (mismatched tag"),
        ("long_abstract.jsonl", 2, "abstract is 51 characters, more than max_chars=50"),
        ("bom_crlf.jsonl", 3, "line is not valid JSON (Invalid control character at column 57)"),
        ("bom_crlf.jsonl", 4, "title has no visible characters (only controls or format marks)"),
        ("bom_crlf.jsonl", 5, "title holds a lone surrogate \\ud83d at character 19"),
        ("mac_cr.csv", 3, "row has 4 fields but the header (line 1) has 3"),
    ],
)
def test_bad_record_reasons(name, line, reason):
    report = IngestReport()
    list(read(BAD / name, report=report, max_chars=50 if name == "long_abstract.jsonl" else 100_000))
    found = {err.line: err.reason for err in report.skipped}
    assert reason in found[line]


def test_default_max_chars_refuses_rather_than_truncates(tmp_path):
    target = tmp_path / "long.jsonl"
    target.write_text(
        json.dumps({"title": "Exactly At The Limit", "abstract": "a" * 100_000})
        + "\n"
        + json.dumps({"title": "One Over The Limit", "abstract": "b" * 100_001})
        + "\n",
        encoding="utf-8",
    )
    papers, report = read_papers(target)
    assert [len(p.abstract) for p in papers] == [100_000]
    assert where(report) == [("long.jsonl", 2)]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.jsonl", "empty.jsonl: file is empty"),
        ("blank.txt", "blank.txt: file is empty"),
        ("utf16.txt", "utf16.txt: file is UTF-16"),
        ("missing_columns.csv", "missing_columns.csv:2: the header row has no 'title' or 'abstract' column (found: 'Name', 'Summary', 'Year'"),
        ("xxe.atom", "xxe.atom:2: the document declares a DTD or entity"),
        ("not_a_feed.xml", "not_a_feed.xml:2: the root element is <rss>, not an Atom <feed>"),
    ],
)
def test_unusable_files_raise_input_error_even_when_skipping(name, message):
    with pytest.raises(InputError) as caught:
        read_papers(BAD / name)
    assert not isinstance(caught.value, RecordError)
    assert message in str(caught.value)


def test_missing_path_names_it(tmp_path):
    with pytest.raises(InputError, match=r"nope\.jsonl: no such file or directory; check the path"):
        read(tmp_path / "nope.jsonl")


def test_directory_without_supported_files(tmp_path):
    (tmp_path / "notes.md").write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match="holds no supported files"):
        read(tmp_path)


def test_unknown_format_and_bad_on_error():
    with pytest.raises(InputError, match="unknown format 'yaml'; choose one of trending, jsonl"):
        read(CORPUS, format="yaml")
    with pytest.raises(ValueError):
        read(CORPUS, on_error="ignore")


def test_reading_is_lazy(corpus):
    report = IngestReport()
    stream = read(CORPUS, report=report)
    next(stream)
    assert report.read == 1


# --------------------------------------------------------------------------- property tests


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.text(min_size=1).filter(lambda t: t.strip()),
            st.text(min_size=1).filter(lambda t: t.strip()),
        ),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from(["csv", "tsv", "jsonl"]),
)
def test_written_records_read_back_cleaned(tmp_path, rows, fmt):
    target = tmp_path / f"roundtrip.{fmt}"
    if fmt == "jsonl":
        text = "".join(json.dumps({"title": t, "abstract": a}) + "\n" for t, a in rows)
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t")
        writer.writerow(["title", "abstract"])
        writer.writerows(rows)
        text = buffer.getvalue()
    target.write_text(text, encoding="utf-8", newline="")
    report = IngestReport()
    papers = list(read(target, report=report))
    assert balanced(papers, report)
    # every reader applies the same hygiene; a raw NUL costs a CSV/TSV line its record
    expected = [
        (clean(t), clean(a))
        for t, a in rows
        if clean(t) and clean(a) and (fmt == "jsonl" or "\x00" not in t + a)
    ]
    assert [(p.title, p.abstract) for p in papers] == expected


def clean(text: str) -> str:
    """The hygiene every reader applies, written out independently; "" when nothing visible is left."""
    kept = "".join(c for c in strip_controls(" ".join(text.split())) if not _noncharacter(c))
    cleaned = " ".join(unicodedata.normalize("NFC", kept).split())
    return cleaned if any(unicodedata.category(c)[0] not in "CZ" for c in cleaned) else ""


def _noncharacter(char: str) -> bool:
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


TOKENS = {
    "trending": ["Title", "Abstract text.", "\n", "\r\n", "Subscribe", "Get trending papers in your email inbox!", " ", "\ufeff", "\x00", "é"],
    "jsonl": ['{"title": "T", "abstract": "A"}', "{", "}", "[", "]", '"', ":", ",", "\n", '"title"', '"abstract"', "null", "1e999", '"authors"', '"year"', '"arxiv_id"', '"2301.00001"', "\\u0000", "\\ud800"],
    "json": ["[", "]", "{", "}", ",", '"title": "T"', '"abstract": "A"', ":", "\n", '"', "1", "null", '"year": 99999'],
    "csv": ["title", "abstract", ",", '"', "\n", "\r", "\r\n", "x", "TITLE", "year", "2024", "authors", " "],
    "tsv": ["title", "abstract", "\t", '"', "\n", "x", "Abstract", "doi", "10.1/x"],
    "bibtex": ["@article{", "@string{", "@comment{", "@preamble{", "(", ")", "key,", "title", "abstract", "author", "=", "{", "}", '"', ",", "#", "\\", '\\"', "\\'", "\\u", "\\i", "{\\\"o}", "$", "~", "--", "and", "others", "jan", "year", "eprint", "\n", "%", " ", "@"],
    "atom": ['<?xml version="1.0"?>', '<feed xmlns="http://www.w3.org/2005/Atom">', "</feed>", "<entry>", "</entry>", "<title>", "</title>", "<summary>", "</summary>", "<id>http://arxiv.org/abs/2301.00001v1</id>", "<author><name>A</name></author>", "<published>2023</published>", "&amp;", "&bogus;", "<!DOCTYPE x>", "<", ">", "x", "\n", "<![CDATA[", "]]>"],
}
assert set(TOKENS) == set(FORMATS), "every format is fuzzed"


def _only_kg_errors(path: Path, fmt: str, data: bytes) -> None:
    path.write_bytes(data)
    for on_error in ("skip", "fail"):
        report = IngestReport()
        try:
            papers = list(read(path, format=fmt, on_error=on_error, report=report))
        except KGError:
            continue
        assert balanced(papers, report)
        assert all(p.title and p.abstract and p.id for p in papers)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=400))
def test_fuzz_bytes_only_raise_kg_errors(tmp_path_factory, fmt, data):
    _only_kg_errors(tmp_path_factory.getbasetemp() / f"fuzz-bytes.{fmt}", fmt, data)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_fuzz_format_shaped_text_only_raises_kg_errors(tmp_path_factory, fmt, data):
    pieces = data.draw(st.lists(st.sampled_from(TOKENS[fmt]) | st.text(max_size=3), max_size=40))
    path = tmp_path_factory.getbasetemp() / f"fuzz-text.{fmt}"
    _only_kg_errors(path, fmt, "".join(pieces).encode("utf-8"))


def test_csv_field_longer_than_the_csv_module_default(tmp_path):
    target = tmp_path / "long.csv"
    spaced = "word" + " " * 10  # 140,000 raw characters, 49,999 once spaces collapse
    target.write_text(f'title,abstract\nLong One,"{spaced * 10_000}"\n', encoding="utf-8")
    papers, report = read_papers(target)
    assert report.skipped == [] and len(papers[0].abstract) == 5 * 10_000 - 1


# --------------------------------------------------------------------------- unusable files among several


def test_an_unusable_file_among_several_is_reported_and_the_rest_read(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_bytes((DATA / "papers.jsonl").read_bytes())
    for name in ("empty.jsonl", "utf16.txt", "missing_columns.csv", "xxe.atom"):
        (tmp_path / name).write_bytes((BAD / name).read_bytes())
    papers, report = read_papers(tmp_path)
    assert len(papers) == 4 and balanced(papers, report)
    assert sorted(where(report)) == [("empty.jsonl", 0), ("missing_columns.csv", 2), ("utf16.txt", 0), ("xxe.atom", 2)]
    assert all(err.reason.endswith("; the whole file was skipped") for err in report.skipped)
    assert "missing_columns.csv" not in " ".join(err.reason for err in report.skipped), "the path is not repeated"


def test_unusable_files_among_several_still_stop_a_strict_read(tmp_path):
    (tmp_path / "a.jsonl").write_bytes((DATA / "papers.jsonl").read_bytes())
    (tmp_path / "b.jsonl").write_bytes(b"")
    with pytest.raises(InputError, match=r"b\.jsonl: file is empty"):
        read_papers(tmp_path, on_error="fail")


def test_when_every_file_is_unusable_the_first_error_is_raised(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(b"   \n")
    (tmp_path / "b.txt").write_bytes((BAD / "utf16.txt").read_bytes())
    with pytest.raises(InputError, match=r"a\.jsonl: file is empty"):
        read_papers(tmp_path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Noncharacter\ufffe\uffff\U0010fffe\ufdd0 Gone", "Noncharacter Gone"),
        ("Bidi \u202eoverride\u202c and \u2066isolate\u2069", "Bidi override and isolate"),
        ("Right\u200fto\u200eleft marks stay with text", "Right\u200fto\u200eleft marks stay with text"),
        ("Line\u2028and\u2029paragraph\x85separators\x0bvertical\x0cfeed\x1cfile", "Line and paragraph separators vertical feed file"),
        ("Bell\x07 \x07 glued\x1b? no", "Bell glued? no"),
    ],
)
def test_text_hygiene_in_titles(tmp_path, text, expected):
    target = tmp_path / "t.jsonl"
    target.write_text(json.dumps({"title": text, "abstract": "x"}) + "\n", encoding="utf-8")
    papers, _ = read_papers(target)
    assert papers[0].title == expected


@pytest.mark.parametrize("title", ["\u200e", "\u200b\u2060", "\x07\x1b", "\u202e\u202c \ufeff"])
def test_invisible_titles_are_bad_records(tmp_path, title):
    target = tmp_path / "t.jsonl"
    target.write_text(json.dumps({"title": title, "abstract": "An abstract."}) + "\n", encoding="utf-8")
    papers, report = read_papers(target)
    assert papers == [] and where(report) == [("t.jsonl", 1)]
    assert "title has no visible characters" in report.skipped[0].reason or "title is empty" in report.skipped[0].reason


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "x\\ud83d", "\\ude00y"])
def test_lone_surrogates_are_bad_records_but_pairs_are_fine(tmp_path, escape):
    target = tmp_path / "s.jsonl"
    target.write_text(
        f'{{"title": "Broken {escape} Escape", "abstract": "x"}}\n{{"title": "Paired \\ud83d\\ude00", "abstract": "x"}}\n',
        encoding="utf-8",
    )
    papers, report = read_papers(target)
    assert [p.title for p in papers] == ["Paired \U0001f600"]
    assert where(report) == [("s.jsonl", 1)] and "lone surrogate" in report.skipped[0].reason


@pytest.mark.parametrize("sample", ["papers.jsonl", "papers.csv", "papers.tsv", "papers.bib", "papers.atom"])
def test_cr_only_line_ends_read_like_lf(tmp_path, sample):
    lf = (DATA / sample).read_bytes().replace(b"\r\n", b"\n")
    target = tmp_path / f"mac{Path(sample).suffix}"
    target.write_bytes(lf.replace(b"\n", b"\r"))
    mac, report = read_papers(target)
    assert report.skipped == []
    expected, _ = read_papers(DATA / sample)
    assert [(p.title, p.abstract, p.source.rsplit(":", 1)[1]) for p in mac] == [
        (p.title, p.abstract, p.source.rsplit(":", 1)[1]) for p in expected
    ]


def test_a_lone_cr_inside_a_quoted_csv_field_of_an_lf_file_stays_in_its_field(tmp_path):
    target = tmp_path / "cr-in-field.csv"
    target.write_bytes(b'title,abstract\nA Title,"first part\rsecond part"\nB Title,plain\n')
    papers, report = read_papers(target)
    assert [p.abstract for p in papers] == ["first part second part", "plain"] and report.skipped == []
