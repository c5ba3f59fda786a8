"""A fuzz target for kg's readers: any bytes, in any format, give papers or KGErrors, never a crash.

The target (:func:`check`) writes the bytes to a file, reads it with :func:`kg.ingest.read` in
both ``on_error`` modes, and then checks what came out:

* only :class:`kg.errors.KGError` escapes;
* the counts balance (read = kept + merged + skipped) and every skipped record has a file,
  a line and a reason that says what to do;
* every paper is clean text (no controls, bidi overrides, noncharacters or lone surrogates;
  something visible; an abstract no longer than ``max_chars``) with a safe id;
* every paper goes through :func:`kg.rdf.to_graph` and serializes to Turtle, N-Triples, RDF/XML
  and JSON-LD, which parse back to the same number of triples.

The inputs (:func:`inputs`) are raw bytes, text assembled from each format's tokens, and real
sample files (``tests/data/papers.*``) with hostile snippets spliced in and bytes flipped.

Run it on its own, longer than the test suite does::

    PYTHONPATH=. python tests/fuzz_readers.py --examples 5000          # hypothesis
    PYTHONPATH=. python tests/fuzz_readers.py --atheris -runs=100000   # coverage-guided, if atheris is installed

``tests/test_robust.py`` runs it for a few hundred examples on every test run.
"""

from __future__ import annotations

import re
import sys
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

__all__ = ["FORMAT_NAMES", "TOKENS", "SNIPPETS", "check", "inputs", "fuzz", "main"]

DATA = Path(__file__).parent / "data"
FORMAT_NAMES = ("trending", "jsonl", "json", "csv", "tsv", "bibtex", "atom")
SAMPLES = {
    "trending": None,  # the bundled corpus is large; its first lines are used instead
    "jsonl": DATA / "papers.jsonl",
    "json": DATA / "papers.json",
    "csv": DATA / "papers.csv",
    "tsv": DATA / "papers.tsv",
    "bibtex": DATA / "papers.bib",
    "atom": DATA / "papers.atom",
}

#: pieces each format is made of, so generated text gets past the first syntax check
TOKENS = {
    "trending": ["A Title", "An abstract sentence.", "\n", "\r\n", "Subscribe", "\ufeff", "\t", " "],
    "jsonl": ['{"title": "T", "abstract": "A"}', "{", "}", '"', ":", ",", "\n", '"title"', '"abstract"',
              '"year"', '"authors"', '"doi"', '"arxiv_id"', '"id"', "null", "[]", "1e999", "\\ud800", "\\u0000", "\\"],
    "json": ["[", "]", '{"title": "T", "abstract": "A"}', "{", "}", ",", ":", '"', "\n", "\\ud83d", "true"],
    "csv": ["title,abstract\n", "title", "abstract", ",", '"', '""', "\n", "\r\n", "year", "2024", "x"],
    "tsv": ["title\tabstract\n", "\t", '"', "\n", "authors", "A and B", "x"],
    "bibtex": ["@article{k,", "title={T},", "abstract={A}", "}", "{", "@string{s={v}}", "#", "\\\"o", "$x$", "\n", ",", "="],
    "atom": ['<feed xmlns="http://www.w3.org/2005/Atom">', "</feed>", "<entry>", "</entry>", "<title>T</title>",
             "<summary>A</summary>", "<id>http://arxiv.org/abs/2301.00001v1</id>", "&amp;", "&#0;", "&#xFFFE;",
             "<![CDATA[", "]]>", "<", ">", "\n"],
}

#: hostile text spliced into real samples
SNIPPETS = [
    "\x00", "\x07", "\x1b[31m", "\ufeff", "\u202e", "\u2066", "\u200f", "\ufffe", "\uffff", "\U0010fffe",
    "</script><script>alert(1)</script>", '"', "'", "\\", "\\u", "\\ud800", "{", "}", "<", ">", "&", "\r", "\n",
    "\u2028", "\x85", "\t", ",", "@", "é", "😀", "𝔘", "\u0301", "A" * 300,
]

_UNCLEAN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ufdd0-\ufdef\ud800-\udfff\n\r\t]"
)
_SAFE_ID = re.compile(r"^\S(?:.*\S)?$")


def _sample(fmt: str) -> bytes:
    if SAMPLES[fmt] is None:
        from kg.pipeline import BUNDLED_CORPUS

        return b"\n".join(BUNDLED_CORPUS.read_bytes().splitlines()[:12])
    return SAMPLES[fmt].read_bytes()


def _mutate(data: bytes, draw) -> bytes:
    """A real sample with hostile snippets spliced in, slices dropped and bytes flipped."""
    buffer = bytearray(data)
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["insert", "delete", "flip"]))
        at = draw(st.integers(0, len(buffer)))
        if kind == "insert":
            buffer[at:at] = draw(st.sampled_from(SNIPPETS)).encode("utf-8", "surrogatepass")
        elif kind == "delete":
            del buffer[at : at + draw(st.integers(1, 20))]
        elif buffer:
            buffer[min(at, len(buffer) - 1)] = draw(st.integers(0, 255))
    return bytes(buffer)


@st.composite
def inputs(draw, fmt: str | None = None) -> tuple[str, bytes]:
    """``(format name, file bytes)``: raw bytes, token soup or a mutated real sample."""
    fmt = fmt or draw(st.sampled_from(FORMAT_NAMES))
    kind = draw(st.sampled_from(["bytes", "tokens", "sample"]))
    if kind == "bytes":
        return fmt, draw(st.binary(max_size=300))
    if kind == "tokens":
        pieces = draw(st.lists(st.sampled_from(TOKENS[fmt]) | st.sampled_from(SNIPPETS) | st.text(max_size=4), max_size=40))
        return fmt, "".join(pieces).encode("utf-8", "surrogatepass")
    return fmt, _mutate(_sample(fmt), draw)


def _visible(text: str) -> bool:
    return any(unicodedata.category(char)[0] not in "CZ" for char in text)


def check(fmt: str, data: bytes, max_chars: int = 2_000) -> int:
    """The fuzz target: read ``data`` as ``fmt`` and check everything that comes out.

    Returns the number of papers read (so a runner can report how deep the inputs got).
    """
    from rdflib import Graph

    from kg.errors import KGError, RecordError
    from kg.ingest import IngestReport, dedupe, read
    from kg.link import link
    from kg.model import Extraction
    from kg.rdf import serialize, to_graph

    with tempfile.TemporaryDirectory(prefix="kg-fuzz-") as folder:
        path = Path(folder) / f"input.{fmt}"
        path.write_bytes(data)
        papers = []
        for on_error in ("fail", "skip"):
            report = IngestReport()
            try:
                papers = list(dedupe(read(path, format=fmt, on_error=on_error, report=report, max_chars=max_chars), report))
            except KGError as err:
                assert str(err).strip(), "an error says something"
                if isinstance(err, RecordError):
                    assert err.line >= 0 and ";" in err.reason, err
                papers = []
                continue
            assert report.read == len(papers) + report.merged + len(report.skipped), report.summary()
            for err in report.skipped:
                assert err.path == str(path) and err.line >= 0 and ";" in err.reason, err
    for paper in papers:
        for text in (paper.title, paper.abstract, *paper.authors):
            assert not _UNCLEAN.search(text), repr(text)
            assert text == text.strip() and "  " not in text, repr(text)
            assert text.encode("utf-8")  # no lone surrogates
        assert _visible(paper.title) and _visible(paper.abstract)
        assert len(paper.abstract) <= max_chars
        assert _SAFE_ID.match(paper.id), repr(paper.id)
    if papers:
        graph = to_graph(link([Extraction(p) for p in papers]))
        for fmt_out, fmt_in in (("turtle", "turtle"), ("nt", "nt"), ("xml", "xml"), ("json-ld", "json-ld")):
            again = Graph().parse(data=serialize(graph, fmt_out).decode("utf-8"), format=fmt_in)
            assert len(again) == len(graph), fmt_out
    return len(papers)


def fuzz(examples: int, fmt: str | None = None):
    """A hypothesis test running :func:`check` for ``examples`` inputs (all formats unless ``fmt``)."""

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(inputs(fmt))
    def run(case):
        papers = check(*case)
        event(f"{case[0]}: {'papers read' if papers else 'no paper'}")

    return run


def _atheris(argv: list[str]) -> None:
    import atheris  # optional: pip install atheris

    def one_input(data: bytes) -> None:
        provider = atheris.FuzzedDataProvider(data)
        fmt = FORMAT_NAMES[provider.ConsumeIntInRange(0, len(FORMAT_NAMES) - 1)]
        check(fmt, provider.ConsumeBytes(provider.remaining_bytes()))

    atheris.instrument_all()
    atheris.Setup(argv, one_input)
    atheris.Fuzz()


def main(argv: list[str] | None = None) -> int:
    import argparse

    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description="Fuzz kg's readers (hypothesis; atheris with --atheris).")
    parser.add_argument("--examples", type=int, default=2_000, help="hypothesis examples (default 2000)")
    parser.add_argument("--format", choices=FORMAT_NAMES, help="only this format")
    parser.add_argument("--atheris", action="store_true", help="coverage-guided fuzzing with atheris; other arguments go to libFuzzer")
    args, rest = parser.parse_known_args(argv)
    if args.atheris:
        _atheris([sys.argv[0], *rest])
        return 0
    fuzz(args.examples, args.format)()
    print(f"fuzz_readers: {args.examples} examples, {args.format or 'all formats'}: no crash")
    return 0


if __name__ == "__main__":
    sys.exit(main())
