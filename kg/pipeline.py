"""The whole chain: ingest -> extract -> link -> graph, and the files ``kg build`` writes.

>>> from kg.pipeline import BUNDLED_CORPUS
>>> BUNDLED_CORPUS.name
'trending-papers.txt'
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .ingest import IngestReport, read, dedupe
from .model import Extraction, Paper

__all__ = ["BUNDLED_CORPUS", "BuildResult", "build", "extract_to_jsonl", "write_jsonl", "read_extractions"]

BUNDLED_CORPUS = Path(str(resources.files("kg.data").joinpath("trending-papers.txt")))


@dataclass
class BuildResult:
    """What a build read, made and wrote."""

    ingest: IngestReport
    papers: int = 0
    entities: Counter = field(default_factory=Counter)
    claims: int = 0
    code_links: int = 0
    triples: int = 0
    outputs: dict[str, Path] = field(default_factory=dict)
    validation: str = "not run"
    conforms: bool | None = None

    def summary_rows(self) -> list[tuple[str, str]]:
        rows = [
            ("records read", str(self.ingest.read)),
            ("papers", str(self.papers)),
            ("duplicates merged", str(self.ingest.merged)),
            ("records skipped", str(len(self.ingest.skipped))),
        ]
        for entity_type in ("Method", "Task", "Dataset", "Metric"):
            rows.append((f"{entity_type} entities", str(self.entities.get(entity_type, 0))))
        rows += [
            ("claims", str(self.claims)),
            ("code links", str(self.code_links)),
            ("triples", str(self.triples)),
            ("SHACL validation", self.validation),
        ]
        return rows


def _papers(inputs: Sequence[str | os.PathLike[str]], format: str | None, on_error: str, report: IngestReport) -> Iterator[Paper]:
    sources = list(inputs) or [BUNDLED_CORPUS]
    return dedupe(read(sources, format=format, on_error=on_error, report=report), report)


def write_jsonl(path: str | os.PathLike[str], records: Iterable[dict]) -> Path:
    """Write JSON records one a line, atomically, keys in a stable order."""
    from .rdf import write_atomically

    data = "".join(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n" for r in records)
    write_atomically(path, data.encode("utf-8"))
    return Path(path)


def read_extractions(path: str | os.PathLike[str]) -> list[Extraction]:
    """Read a ``kg extract`` JSONL file back into records."""
    from .errors import InputError, RecordError

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file; check the path")
    records = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                records.append(Extraction.from_json(json.loads(line)))
            except (ValueError, KeyError, TypeError) as err:
                raise RecordError(str(path), number, f"not a kg extraction record ({err}); re-run 'kg extract'") from err
    return records


def extract_to_jsonl(
    inputs: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    format: str | None = None,
    on_error: str = "skip",
    model: str | None = None,
    patterns: Sequence[Path] = (),
    progress: Callable[[int], None] | None = None,
) -> tuple[list[Extraction], IngestReport]:
    """``kg extract``: read, extract, and write one JSON object per paper to ``out``."""
    from .extract import DEFAULT_MODEL, build_nlp, extract

    report = IngestReport()
    nlp = build_nlp(model or DEFAULT_MODEL, patterns=patterns)
    extractions = []
    for extraction in extract(_papers(inputs, format, on_error, report), nlp):
        extractions.append(extraction)
        if progress:
            progress(1)
    write_jsonl(out, (e.to_json() for e in extractions))
    return extractions, report


def build(
    inputs: Sequence[str | os.PathLike[str]] = (),
    out_dir: str | os.PathLike[str] = "outputs",
    *,
    format: str | None = None,
    on_error: str = "skip",
    model: str | None = None,
    patterns: Sequence[Path] = (),
    base: str | None = None,
    validate: bool = True,
    html: bool = True,
    title: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> BuildResult:
    """Build the knowledge graph of ``inputs`` (default: the bundled corpus) into ``out_dir``.

    Writes ``graph.ttl`` (canonical Turtle), ``extractions.jsonl`` (the ``kg extract``
    records) and ``graph.html`` (the offline interactive view), each atomically, and validates
    the graph against ``ontology/shapes.ttl`` unless ``validate`` is false.
    """
    from .extract import DEFAULT_MODEL, build_nlp, extract
    from .link import link
    from .rdf import DEFAULT_BASE, save, to_graph

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = IngestReport()
    nlp = build_nlp(model or DEFAULT_MODEL, patterns=patterns)
    extractions: list[Extraction] = []
    for extraction in extract(_papers(inputs, format, on_error, report), nlp):
        extractions.append(extraction)
        if progress:
            progress(1)
    corpus = link(extractions)
    graph = to_graph(corpus, base or DEFAULT_BASE)

    result = BuildResult(ingest=report, papers=len(extractions))
    result.entities = Counter(e.type for e in corpus.entities.values())
    result.claims = sum(len(e.claims) for e in extractions)
    result.code_links = sum(len(e.code) for e in extractions)
    result.triples = len(graph)
    result.outputs["extractions"] = write_jsonl(out / "extractions.jsonl", (e.to_json() for e in extractions))
    result.outputs["graph"] = save(graph, out / "graph.ttl")
    if report.skipped:
        result.outputs["skipped"] = write_jsonl(
            out / "skipped.jsonl",
            ({"file": err.path, "line": err.line, "reason": err.reason} for err in report.skipped),
        )
    if validate:
        from .validate import validate as shacl_validate

        validation = shacl_validate(graph)
        result.conforms = validation.conforms
        result.validation = "conforms" if validation.conforms else f"{len(validation.violations)} violations"
    if html:
        from .analyze import project
        from .render import render_html

        name = title or (Path(inputs[0]).name if inputs else "bundled corpus")
        render_html(project(graph), out / "graph.html", title=f"kg: {name}")
        result.outputs["html"] = out / "graph.html"
    return result
