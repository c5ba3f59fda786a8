"""SPARQL on the real bundled graph: named queries answer with the facts the papers state,
parameters stay data, refusals happen before evaluation, result formats follow the W3C specs."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns  # one module name: pytest's doctest finder probes globals

from kg.cli import main
from kg.errors import QueryError
from kg.query import (
    QueryRefused,
    QuerySyntaxError,
    TooManyRows,
    UpdateRefused,
    named_queries,
    parse_param,
    prepare,
    run,
    run_named,
    write,
)
from kg.vocab import KG

F2SA_TITLE = "A Fully First-Order Method for Stochastic Bilevel Optimization"
PARL_TITLE = "PARL: A Unified Framework for Policy Alignment in Reinforcement Learning"
IRSTD_TITLE = "Enhancing Infrared Small Target Detection Robustness with Bi-Level Adversarial Framework"


@pytest.fixture(scope="module")
def graph(bundled_graph):
    return bundled_graph


@pytest.fixture(scope="module")
def graph_file(bundled_build):
    out, code, _ = bundled_build
    assert code == 0
    return out / "graph.ttl"


# ---------------------------------------------------------------------------------------------
# Named queries on the bundled corpus


def test_every_named_query_is_listed_with_its_parameters():
    queries = named_queries()
    assert {
        "methods-for-task", "papers-on-dataset", "paper-claims", "leaderboard", "outperforms",
        "top-datasets-metrics", "aliases", "papers-with-code", "related-papers",
    } <= set(queries)
    assert [p.name for p in queries["leaderboard"].params] == ["metric", "dataset"]
    assert [p.optional for p in queries["leaderboard"].params] == [False, True]
    for query in queries.values():
        assert query.summary, query.name
        prepare(query.text)  # every shipped query parses and passes the refusals


def test_methods_for_task_by_label_any_case_and_by_alias(graph):
    answer = run_named(graph, "methods-for-task", {"task": "Bilevel OPTIMIZATION"})
    rows = answer.records()
    assert {"method": "F2SA", "role": "proposed"}.items() <= next(r for r in rows if r["method"] == "F2SA").items()
    assert "PARL" in {r["method"] for r in rows}
    assert {r["taskLabel"].casefold() for r in rows} == {"bilevel optimization"}
    # methods papers say are used for the task first, then by the papers naming both
    order = [(int(r["usedForPapers"]), int(r["papers"])) for r in rows]
    assert order == sorted(order, reverse=True)
    assert {r["support"] for r in rows if int(r["usedForPapers"]) > 0} == {"used-for"}
    assert {r["support"] for r in rows if int(r["usedForPapers"]) == 0} == {"co-occurrence"}
    assert any(r["support"] == "used-for" for r in rows), "some bundled paper says a method is used for bilevel optimization"
    # the same task found through any of its aliases gives the same rows
    task = next(s for s, o in graph.subject_objects(ns.SKOS.prefLabel) if str(o).casefold() == "bilevel optimization")
    aliases = sorted(str(a) for a in graph.objects(task, ns.SKOS.altLabel))
    assert aliases, "the linker records aliases for bilevel optimization"
    by_alias = run_named(graph, "methods-for-task", {"task": aliases[0].upper()})
    assert by_alias.rows == answer.rows


def test_papers_on_dataset(graph):
    rows = run_named(graph, "papers-on-dataset", {"dataset": "mnist"}).records()
    assert F2SA_TITLE in {r["title"] for r in rows}
    assert {r["datasetLabel"] for r in rows} == {"MNIST"}


def test_paper_claims_lists_proposed_methods_and_numbers(graph):
    parl = run_named(graph, "paper-claims", {"paper": "policy alignment in reinforcement"}).records()
    assert {r["title"] for r in parl} == {PARL_TITLE}
    assert "PARL" in {r["method"] for r in parl}
    irstd = run_named(graph, "paper-claims", {"paper": IRSTD_TITLE}).records()
    assert Decimal("21.96") in {r.get("value") for r in irstd}
    claim = next(r for r in irstd if r.get("value") == Decimal("21.96"))
    assert claim["unit"] == "%" and "21.96" in claim["evidence"]


def test_leaderboard_for_iou_has_the_infrared_claim_and_is_sorted(graph):
    rows = run_named(graph, "leaderboard", {"metric": "IoU"}).records()
    assert Decimal("21.96") in {r["value"] for r in rows}
    assert IRSTD_TITLE in {r["title"] for r in rows}
    accuracy = run_named(graph, "leaderboard", {"metric": "accuracy"}).records()
    assert len(accuracy) >= 2
    assert [r["value"] for r in accuracy] == sorted((r["value"] for r in accuracy), reverse=True)


def test_leaderboard_dataset_filter_keeps_only_that_dataset(graph):
    everything = run_named(graph, "leaderboard", {"metric": "accuracy"}).records()
    on_dataset = [r for r in everything if r.get("datasetLabel")]
    assert len(on_dataset) < len(everything)  # some accuracy claims name no dataset
    nowhere = run_named(graph, "leaderboard", {"metric": "accuracy", "dataset": "no such dataset"})
    assert nowhere.rows == []
    if on_dataset:
        label = on_dataset[0]["datasetLabel"]
        only = run_named(graph, "leaderboard", {"metric": "accuracy", "dataset": label.lower()}).records()
        assert only and {r["datasetLabel"] for r in only} == {label}


def test_outperforms_matches_the_derived_links(graph):
    rows = run_named(graph, "outperforms").records()
    derived = {
        (str(graph.value(a, ns.SKOS.prefLabel)), str(graph.value(b, ns.SKOS.prefLabel)))
        for a, b in graph.subject_objects(KG.outperforms)
    }
    assert derived and {(r["better"], r["baseline"]) for r in rows} == derived
    better, baseline = sorted(derived)[0]
    filtered = run_named(graph, "outperforms", {"method": baseline.upper()}).records()
    assert filtered and all(baseline in (r["better"], r["baseline"]) for r in filtered)


def test_top_datasets_and_metrics_count_papers(graph):
    rows = run_named(graph, "top-datasets-metrics").records()
    assert {r["kind"] for r in rows} == {"Dataset", "Metric"}
    assert [r["papers"] for r in rows] == sorted((r["papers"] for r in rows), reverse=True)
    # recount the top dataset's papers straight from the triples
    top = next(r for r in rows if r["kind"] == "Dataset")
    dataset = next(d for d in graph.subjects(ns.SKOS.prefLabel, Literal(top["label"])) if (d, ns.RDF.type, KG.Dataset) in graph)
    papers = set(graph.subjects(KG.evaluatesOn, dataset)) | set(graph.subjects(KG.introducesDataset, dataset))
    assert top["papers"] == len(papers)
    assert "MNIST" in {r["label"] for r in rows if r["kind"] == "Dataset"} or len(rows) == 40


def test_aliases(graph):
    rows = run_named(graph, "aliases", {"name": "fully first-order stochastic approximation"}).records()
    assert [r["label"] for r in rows] == ["F2SA"]
    assert "Fully First-order Stochastic Approximation" in rows[0]["aliases"].split(" | ")
    assert len(run_named(graph, "aliases").rows) > 10


def test_papers_with_code(graph):
    rows = run_named(graph, "papers-with-code").records()
    assert {"title": IRSTD_TITLE, "code": "https://github.com/LiuZhu-CV/BALISTD"}.items() <= next(
        r for r in rows if r["title"] == IRSTD_TITLE
    ).items()
    only = run_named(graph, "papers-with-code", {"search": "INFRARED small"}).records()
    assert {r["title"] for r in only} == {IRSTD_TITLE}


def test_related_papers_share_entities(graph):
    rows = run_named(graph, "related-papers", {"paper": F2SA_TITLE}).records()
    assert rows and F2SA_TITLE not in {r["related"] for r in rows}
    assert any("bilevel optimization" in {v.casefold() for v in r["via"].split(" | ")} for r in rows)
    assert [r["shared"] for r in rows] == sorted((r["shared"] for r in rows), reverse=True)


def test_named_query_parameters_are_checked(graph):
    with pytest.raises(QueryError, match="needs --param task=VALUE"):
        run_named(graph, "methods-for-task")
    with pytest.raises(QueryError, match="has no parameter 'taks'; its parameters: task"):
        run_named(graph, "methods-for-task", {"taks": "x"})
    with pytest.raises(QueryError, match="no named query 'nope'"):
        run_named(graph, "nope")


def test_parameter_values_are_data_not_query_text(graph):
    hostile = 'x")) } } SELECT * WHERE { ?s ?p ?o } #'
    assert run_named(graph, "methods-for-task", {"task": hostile}).rows == []
    # an IRI parameter is an IRI term: bound as is, not parsed
    f2sa = next(graph.subjects(ns.SKOS.prefLabel, Literal("F2SA")))
    name, term = parse_param(f"m=<{f2sa}>")
    answer = run(graph, "SELECT ?label WHERE { ?m skos:prefLabel ?label }", {name: term})
    assert answer.column("label") == ["F2SA"]


def test_every_name_and_alias_has_its_lookup_key(graph):
    """kg:nameKey holds each name lower-cased, so a name lookup is an index lookup."""
    for entity, label in graph.subject_objects(ns.SKOS.prefLabel):
        if (entity, ns.RDF.type, KG.Paper) in graph:
            continue
        names = {str(label), *map(str, graph.objects(entity, ns.SKOS.altLabel))}
        assert {str(k) for k in graph.objects(entity, KG.nameKey)} == {n.lower() for n in names}, entity


def test_title_words_are_indexed_and_a_title_search_needs_a_whole_word(graph):
    parl = next(graph.subjects(ns.DCTERMS.title, Literal(PARL_TITLE)))
    assert {"parl", "policy", "reinforcement", "learning"} <= {str(w) for w in graph.objects(parl, KG.titleWord)}
    for search in ("PARL", "reinforcement learn", "Policy Alignment in Reinforcement Learning"):
        assert PARL_TITLE in {r["title"] for r in run_named(graph, "paper-claims", {"paper": search}).records()}, search
    # the longest word of the search must be a whole word of the title
    assert run_named(graph, "paper-claims", {"paper": "einforcement"}).rows == []


def test_a_query_header_derives_lookup_keys():
    g = Graph()
    g.add((URIRef("https://example.org/t"), KG.nameKey, Literal("bilevel optimization")))
    text = "# find\n# param: task  a name\n# derive: taskKey = nameKey(task)\nSELECT ?t WHERE { ?t kg:nameKey ?taskKey }"
    assert run(g, text, {"task": Literal("BiLevel Optimization")}).column("t") == ["https://example.org/t"]
    # left out, the derived parameter is "", which no key equals; a value given for it is kept
    assert run(g, text).rows == []
    assert run(g, text, {"taskKey": Literal("bilevel optimization")}).column("t") == ["https://example.org/t"]
    with pytest.raises(QuerySyntaxError, match="FUNCTION one of nameKey, titleWord"):
        prepare("# derive: k = upper(task)\nSELECT ?t WHERE { ?t kg:nameKey ?k }")


# ---------------------------------------------------------------------------------------------
# Parameters, refusals, errors


def test_parse_param_forms():
    assert parse_param("a=1") == ("a", Literal("1"))
    assert parse_param("a:int=1") == ("a", Literal("1", datatype=ns.XSD.integer))
    assert parse_param("a:decimal=21.96")[1] == Literal(Decimal("21.96"))
    assert parse_param("a=<https://example.org/x>") == ("a", URIRef("https://example.org/x"))
    assert parse_param("a==b") == ("a", Literal("=b"))
    for bad in ("=x", "1a=x", "a:int=x", "a:colour=red", "a=<has space>"):
        with pytest.raises(QueryError):
            parse_param(bad)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?q ?r } } }",
        "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://127.0.0.1:9/> { ?s ?q ?r } } }",
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?q ?r } } } }",
        "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
        "SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "ASK FROM <http://example.org/> { ?s ?p ?o }",
    ],
)
def test_network_reaching_queries_are_refused_before_evaluation(text):
    with pytest.raises(QueryRefused) as caught:
        prepare(text)
    assert not isinstance(caught.value, UpdateRefused)


@pytest.mark.parametrize(
    "text, operation",
    [
        ("INSERT DATA { <a:b> <a:c> <a:d> }", "INSERT DATA"),
        ("DELETE WHERE { ?s ?p ?o }", "DELETE WHERE"),
        ("LOAD <http://127.0.0.1:9/data.ttl>", "LOAD"),
        ("CLEAR ALL", "CLEAR"),
        ("DROP GRAPH <a:g> ; INSERT DATA { <a:b> <a:c> <a:d> }", "DROP, INSERT DATA"),
        ("PREFIX ex: <http://example.org/> DELETE { ?s ?p ?o } INSERT { ?s ex:q ?o } WHERE { ?s ?p ?o }", "DELETE/INSERT"),
    ],
)
def test_updates_are_refused(graph, text, operation):
    size = len(graph)
    with pytest.raises(UpdateRefused, match=f"update \\({operation}"):
        run(graph, text)
    assert len(graph) == size


def test_syntax_errors_say_where():
    with pytest.raises(QuerySyntaxError, match="line:1"):
        prepare("SELECT ?x WHERE { ?x ")
    with pytest.raises(QuerySyntaxError, match="nope"):
        prepare("SELECT ?x WHERE { ?x nope:thing ?y }")


def test_row_cap(graph):
    with pytest.raises(TooManyRows, match="more than 5 rows"):
        run(graph, "SELECT ?p WHERE { ?p a kg:Paper }", max_rows=5)
    assert len(run(graph, "SELECT ?p WHERE { ?p a kg:Paper } LIMIT 5", max_rows=5)) == 5


# ---------------------------------------------------------------------------------------------
# Result formats


@pytest.fixture()
def tricky():
    g = Graph()
    s = URIRef("https://example.org/s")
    g.add((s, ns.SKOS.prefLabel, Literal('tab\there "quoted"\nnew line, comma')))
    g.add((s, ns.SKOS.altLabel, Literal("bonjour", lang="fr")))
    g.add((s, KG.value, Literal(Decimal("21.96"))))
    return g


def test_json_xml_csv_tsv_follow_the_w3c_formats(tricky):
    answer = run(tricky, "SELECT ?s ?p ?o ?unbound WHERE { ?s ?p ?o } ORDER BY ?p")
    assert len(answer) == 3

    doc = json.loads(write(answer, "json"))
    assert doc["head"]["vars"] == ["s", "p", "o", "unbound"]
    objects = [b["o"] for b in doc["results"]["bindings"]]
    assert {"type": "literal", "value": "21.96", "datatype": str(ns.XSD.decimal)} in objects
    assert {"type": "literal", "value": "bonjour", "xml:lang": "fr"} in objects
    assert all("unbound" not in b for b in doc["results"]["bindings"])

    srx = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(write(answer, "xml"))
    assert [v.get("name") for v in root.findall("r:head/r:variable", srx)] == ["s", "p", "o", "unbound"]
    literals = root.findall("r:results/r:result/r:binding[@name='o']/r:literal", srx)
    assert 'tab\there "quoted"\nnew line, comma' in {lit.text for lit in literals}
    assert root.find("r:results/r:result/r:binding[@name='s']/r:uri", srx).text == "https://example.org/s"

    data = write(answer, "csv")
    assert data.startswith(b"s,p,o,unbound\r\n")
    rows = list(csv.reader(io.StringIO(data.decode(), newline="")))
    assert rows[0] == ["s", "p", "o", "unbound"] and len(rows) == 4
    assert ["https://example.org/s", str(ns.SKOS.prefLabel), 'tab\there "quoted"\nnew line, comma', ""] in rows

    lines = write(answer, "tsv").decode().split("\n")
    assert lines[0] == "?s\t?p\t?o\t?unbound" and lines[-1] == "" and len(lines) == 5  # escapes keep one row a line
    assert '<https://example.org/s>\t<http://www.w3.org/2004/02/skos/core#prefLabel>\t"tab\\there \\"quoted\\"\\nnew line, comma"\t' in lines
    assert f'"21.96"^^<{ns.XSD.decimal}>' in lines[1] + lines[2] + lines[3]
    assert '"bonjour"@fr' in lines[1] + lines[2] + lines[3]


def test_ask_and_graph_answers(tricky):
    ask = run(tricky, "ASK { ?s skos:altLabel ?a }")
    assert json.loads(write(ask, "json")) == {"head": {}, "boolean": True}
    assert write(ask, "tsv") == b"?_askResult\ntrue\n"
    constructed = run(tricky, "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s skos:prefLabel ?l }")
    back = Graph().parse(data=write(constructed, "turtle"), format="turtle")
    assert len(back) == 1 and next(back.objects()).startswith("tab")
    described = run(tricky, "DESCRIBE <https://example.org/s>")
    assert len(Graph().parse(data=write(described, "nt"), format="nt")) == 3
    with pytest.raises(QueryError, match="use --format turtle or nt"):
        write(constructed, "csv")


def test_table_shows_labels_as_text_not_markup(tricky):
    tricky.add((URIRef("https://example.org/t"), ns.SKOS.prefLabel, Literal("[bold red]x[/] :smile:")))
    table = write(run(tricky, "SELECT ?l WHERE { ?s skos:prefLabel ?l } ORDER BY ?l"), "table").decode()
    assert "[bold red]x[/] :smile:" in table


# ---------------------------------------------------------------------------------------------
# The command line


def test_cli_list_names_every_query_and_parameter(capsys):
    assert main(["query", "--list"]) == 0
    out = capsys.readouterr().out
    for query in named_queries().values():
        assert query.name in out
    assert "metric" in out and "dataset (optional)" in out


def test_cli_named_query_as_csv(graph_file, capsysbinary):
    code = main(["query", str(graph_file), "--name", "leaderboard", "--param", "metric=iou", "--format", "csv"])
    out = capsysbinary.readouterr().out
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out.decode(), newline="")))
    assert "21.96" in {r["value"] for r in rows}


def test_cli_refusals_are_one_line_errors_with_exit_code_5(graph_file, capsys):
    code = main(["query", str(graph_file), "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"])
    err = capsys.readouterr().err
    assert code == 5 and err.count("\n") == 1 and "never reach the network" in err
    assert main(["query", str(graph_file), "LOAD <http://127.0.0.1:9/x>"]) == 5
    assert "read-only" in capsys.readouterr().err
    assert main(["query", str(graph_file)]) == 5
    assert "exactly one of QUERY" in capsys.readouterr().err


def test_cli_query_file_with_typed_and_iri_params(graph, graph_file, tmp_path, capsysbinary):
    query = tmp_path / "claims-above.rq"
    query.write_text(
        "SELECT ?value ?title WHERE { ?c kg:value ?value ; kg:claimOf ?p . ?p dcterms:title ?title ."
        " FILTER(?value >= ?min && ?p = ?paper) } ORDER BY ?value",
        encoding="utf-8",
    )
    paper = next(graph.subjects(ns.DCTERMS.title, Literal(IRSTD_TITLE)))
    code = main(["query", str(graph_file), "--file", str(query), "--param", "min:decimal=20",
                 "--param", f"paper=<{paper}>", "--format", "tsv"])
    lines = capsysbinary.readouterr().out.decode().splitlines()
    assert code == 0
    assert lines[0] == "?value\t?title"
    assert lines[1:] == [f'"21.96"^^<{ns.XSD.decimal}>\t"{IRSTD_TITLE}"']
