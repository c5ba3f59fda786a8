"""The candidate rules: spans the rules offer as mentions of a Doc, each a rule of the table
(``kg/patterns/rules.json``, stage ``candidates``) that yields ``(span, type)``; and the phrase
stage, which makes each noun phrase a candidate by the first phrase rule that applies
(:mod:`kg.extract.phrases`). Overlaps are resolved afterwards (:mod:`kg.extract.resolve`)."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Span

from ..textnorm import canonical_key, singular
from . import registry
from .registry import rule
from .resolve import Candidate
from .shapes import (
    _POSITIONAL,
    _after_glued_hyphen,
    _hyphen_words,
    _inside_new_description,
    _listed_with,
    _negated_compound,
    _prefixed_form_type,
    _said_to_be,
    _split_coordination,
    _subject_is_us,
    is_name_like,
)
from .wordlists import _cue


class DocState:
    """What the rules learn of one Doc as they run: the lexicon's names, the acronyms it defines,
    the names set aside inside a new description (kept nested, as used), its noun chunks."""

    def __init__(self, finder, doc: Doc) -> None:
        self.lexicon = list(doc.spans.get("kg_lexicon", []))
        self.lexicon_types = {span.text.lower(): span.label_ for span in self.lexicon}
        self.set_aside: list[tuple[Span, str]] = []
        self.chunks = list(doc.noun_chunks)  # the chunk iterator walks the parse: once per Doc
        self.defined: dict[str, str] = {}  # short form -> type
        self.short_of: dict[tuple[int, int], str] = {}  # long form's tokens -> its short form
        self.definitions: list[tuple[Span, Span, str]] = []  # (long form, short form, type)
        self._define(finder, doc)

    def _define(self, finder, doc: Doc) -> None:
        previous: tuple[Span, str] | None = None
        for long_span, short_span in zip(doc.spans.get("kg_long_forms", []), doc.spans.get("kg_short_forms", [])):
            trimmed = finder.trim(long_span, keep_generic_tail=True)
            if trimmed is None or short_span.text in _cue("not_names"):
                continue
            label = (
                self.lexicon_types.get(short_span.text.lower())
                or self.lexicon_types.get(trimmed.text.lower())
                or _said_to_be(long_span)
                or finder.type_phrase(trimmed, strict=False)
                # "Hierarchical Constraint Satisfaction Problems (HCSPs)": a kind of problem is a task
                or ("Task" if len(trimmed) > 1 and singular(trimmed[-1].lower_) in _cue("task_kinds") else None)
                or _listed_with(previous, long_span)
                or finder.type_name(short_span)
            )
            previous = (short_span, label)
            self.defined[short_span.text] = label
            self.definitions.append((trimmed, short_span, label))
            self.short_of[(trimmed.start, trimmed.end)] = short_span.text


@rule("lexicon")
def lexicon(finder, doc: Doc, state: DocState) -> Iterator[tuple[Span, str]]:
    for span in state.lexicon:
        if _negated_compound(span):
            continue
        if _inside_new_description(span):
            state.set_aside.append((span, span.label_))
        else:
            yield span, span.label_


@rule("acronym-long-form")
def acronym_long_forms(finder, doc: Doc, state: DocState) -> Iterator[tuple[Span, str]]:
    for long_span, _, label in state.definitions:
        yield long_span, label


@rule("acronym-short-form")
def acronym_short_forms(finder, doc: Doc, state: DocState) -> Iterator[tuple[Span, str]]:
    for _, short_span, label in state.definitions:
        yield short_span, label


@rule("acronym-use")
def acronym_uses(finder, doc: Doc, state: DocState) -> Iterator[tuple[Span, str]]:
    for use in doc.spans.get("kg_short_form_uses", []):
        label = state.defined.get(use.text)
        if label and _inside_new_description(use):
            state.set_aside.append((use, label))  # "a novel three-layer [HRL] algorithm" is one new thing
        elif label:
            yield use, label


@rule("appositive-name")
def appositive_names(finder, doc: Doc, state: DocState) -> Iterator[tuple[Span, str]]:
    """The name an appositive gives a new generic thing: "a new framework, [reinforcement learning
    with relative feedback], and ...", "a novel objective, [Performance Difference via Advantage
    in Model], to ...", "novel strategies: (1) [flexible segment partition]; ...". The whole
    appositive is the name, prepositions included, up to the next comma, parenthesis or clause."""
    if finder.appositions is None:
        return
    for _, (head_i, _novelty, name_i) in finder.appositions(doc):
        head, name = doc[head_i], doc[name_i]
        label = next((t for t in ("Dataset", "Task", "Method") if head.lemma_.lower() in finder.head_types[t]), "Method")
        start = name.left_edge.i
        while start < name.i and (doc[start].is_punct or doc[start].pos_ in {"NUM", "X", "DET"}):
            start += 1
        end = name.i + 1
        for tok in doc[name.i + 1 : name.right_edge.i + 1]:
            if tok.text in {",", ";", "(", ":", ")"} or tok.dep_ in {"relcl", "acl", "cc", "conj"} or tok.pos_ == "VERB":
                break
            end = tok.i + 1
        span = doc[start:end]
        if not 2 <= len(span) <= 7 or span[0].pos_ not in {"NOUN", "PROPN", "ADJ"} or is_name_like(span[0].text):
            continue  # a coined name is found as a name already
        if any(lf.start < end and start < lf.end for lf in doc.spans.get("kg_long_forms", [])):
            continue  # "a novel framework, Unified Reward & Policy Optimization (URPO)": the acronym names it
        yield span, label


@rule("proposed-description")
def proposed_descriptions(finder, doc: Doc, state: DocState) -> Iterator[tuple[Span, str]]:
    """What "we propose" names with a description rather than a name: "we also propose a
    [retroactive goal relabeling scheme]", "we propose a [multi-trace objective]". The run of
    adjectives, nouns and participles after the verb must end in a Method head word (the
    phrase's end, not a noun before it) and keep a specific modifier once praise is trimmed, so
    "we propose a simple yet effective method" gives nothing. The parse of such runs is often
    wrong ("relabeling" read as a verb), so this reads the tags, not the tree."""
    if finder.proposals is None:
        return
    heads = _cue("proposal_description_heads")
    best: dict[int, Span] = {}
    for _, start, end in finder.proposals(doc):
        verb = doc[start]
        last = doc[end - 1]
        if last.lemma_.lower() not in heads or last.tag_ not in {"NN", "NNS"}:
            continue
        if end < len(doc) and doc[end].tag_ in {"NN", "NNS", "NNP", "NNPS", "HYPH"}:
            continue  # the head word is inside a longer run
        if end - start > len(best.get(start, ())) + 1 or start not in best:
            best[start] = doc[start + 1 : end]
    for start, run in best.items():
        verb = doc[start]
        if not _subject_is_us(verb):
            continue
        trimmed = finder.trim(run)
        if trimmed is None or len(trimmed) < 2 or trimmed[-1].i != run[-1].i:
            continue
        if trimmed[0].lower_ in _cue("activity_gerunds"):
            continue  # "we propose training reward models": a way of training, not a thing
        if any(is_name_like(t.text) and t.i == trimmed.start for t in trimmed[:1]) and len(trimmed) == 2:
            continue  # "the SSO algorithm" names SSO, found as a name
        coined = any(  # a hyphen compound says what kind: "multi-trace objective"
            len(w) > 1 and not w.text.lower().endswith(_POSITIONAL) and w.text.lower() not in finder.evaluative | finder.dropped
            for w in _hyphen_words(trimmed[:-1])
        )
        if canonical_key(trimmed.text) in finder.generic_phrases or not (coined or finder._specific_modifiers(trimmed)):
            continue
        yield trimmed, "Method"


@rule("hyphen-name")
def hyphen_names(finder, doc: Doc, state: DocState) -> Iterator[tuple[Span, str]]:
    """Capitalised hyphen compounds inside a sentence: "Meta-Explore", "Open-Reasoner" (not in
    a Title Case run, where every word is capitalised)."""
    for dash in doc:
        i = dash.i - 1
        if dash.text != "-" or i < 1 or dash.i + 1 >= len(doc):
            continue
        a, b = doc[i], doc[dash.i + 1]
        if not (a.whitespace_ == "" and dash.whitespace_ == ""):
            continue
        if not (a.text[:1].isupper() and b.text[:1].isupper() and a.is_alpha and b.is_alpha):
            continue
        if a.is_sent_start or doc[i - 1].is_title or (i + 3 < len(doc) and doc[i + 3].is_title):
            continue
        span = doc[i : i + 3]
        yield span, finder.type_name(span)


@rule("title-case-task")
def title_case_tasks(finder, doc: Doc, state: DocState) -> Iterator[tuple[Span, str]]:
    """A run of capitalised words inside a sentence that ends in a task head names a task, also
    where the parse puts it in no noun chunk: "on the task of [Reading Comprehension] based
    Question Answering", "to perform [Spoken Language Understanding] onmicroprocessors". The run
    must be whole (no capitalised word on either side, but for a container word after it, as in
    "a Classifier based [Text Simplification] Model forEnglish-Hindi ...") and start after the
    sentence's first word."""
    if finder.title_runs is None:
        return
    for _, start, end in finder.title_runs(doc):
        if doc[start].is_sent_start or doc[start - 1].is_title:
            continue
        if end < len(doc) and doc[end].is_title and (
            singular(doc[end].lower_) not in _cue("task_containers") or (end + 1 < len(doc) and doc[end + 1].is_title)
        ):
            continue
        span = doc[start:end]
        if any(t.is_sent_start for t in span) or not all(t.pos_ in {"NOUN", "PROPN", "ADJ"} for t in span):
            continue
        if _after_glued_hyphen(span) or (end < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_):
            continue  # part of a hyphen compound: "Goal-[Driven Web Navigation]"
        if end >= span.sent.end or not any(t.is_lower and t.is_alpha and not t.is_stop for t in span.sent):
            continue  # a title capitalises every word, and its last run names the paper's own thing
        after = end + 3 if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")" else end
        if after > end and after < len(doc) and doc[after].lemma_.lower() in _cue("name_heads"):
            continue  # "Ranking Preference Optimization (IRPO) framework" names a method
        yield span, "Task"


@rule("task-clause")
def task_clauses(finder, doc: Doc, state: DocState) -> Iterator[tuple[Span, str]]:
    """A task said as a clause after "the task / problem of": "the problem of [mapping English
    sentences to Bash commands] (NL2Bash)". The gerund and what it governs, up to punctuation,
    a parenthesis or a relative clause; two to ten words."""
    if finder.task_clause_starts is None:
        return
    for _, start, end in finder.task_clause_starts(doc):
        verb = doc[end - 1]
        stop = verb.right_edge.i + 1
        for tok in doc[verb.i + 1 : stop]:
            if tok.is_punct and tok.text != "-" or tok.tag_ in {"WDT", "WP", "WRB"}:
                stop = tok.i
                break
        span = doc[verb.i : stop]
        if 2 <= len(span) <= 10 and span[-1].pos_ in {"NOUN", "PROPN"}:
            yield span, "Task"


def _coined_names(finder, doc: Doc) -> Iterator[tuple[Span, str]]:
    """Coined-name tokens glued to attached pieces: ``GPT-4o``, ``BrowseComp-Plus``, ``Qwen2.5-7B``."""
    i = 0
    while i < len(doc):
        tok = doc[i]
        if not is_name_like(tok.text) or tok.text in _cue("not_names") or tok.like_url or tok.like_email:
            i += 1
            continue
        start, end = i, i + 1
        # glue an attached prefix: "A-PARL", "u-PMLM"
        if i >= 2 and doc[i - 1].text == "-" and doc[i - 1].whitespace_ == "" and doc[i - 2].whitespace_ == "" and doc[i - 2].text.isalnum():
            start = i - 2
        while end < len(doc) and doc[end - 1].whitespace_ == "":
            nxt = doc[end]
            if nxt.text in {"-", ".", "+", "/"} and nxt.whitespace_ == "" and end + 1 < len(doc) and doc[end + 1].text[:1].isalnum():
                end += 2
            elif nxt.text[:1].isalnum():
                end += 1
            else:
                break
        span = doc[start:end]
        yield span, finder.type_name(span)
        i = end


@rule("coined-name")
def coined_names(finder, doc: Doc, state: DocState) -> Iterator[tuple[Span, str]]:
    """Coined names, a defined short form with a lowercase prefix typed as it ("bioNER"); a known
    name inside "a novel ... algorithm" is set aside by the lexicon and acronym rules."""
    for span, label in _coined_names(finder, doc):
        if (span.text in state.defined or span.text.lower() in state.lexicon_types) and _inside_new_description(span):
            continue
        yield span, _prefixed_form_type(span.text, state.defined) or label


def phrase_candidates(finder, doc: Doc, state: DocState, disabled: frozenset[str]) -> Iterator[Candidate]:
    """Noun chunks, coordinations split ("learned policy and expert policy" is two), trimmed, each
    made a candidate by the first phrase rule that applies."""
    phrase_rules = registry.stage("phrase", disabled)
    for chunk in state.chunks:
        if any(t.like_url or t.like_email for t in chunk):
            continue
        for piece in _split_coordination(chunk):
            trimmed = finder.trim(piece)
            if trimmed is None:
                continue
            label = finder.type_phrase(trimmed)
            for row, fn in phrase_rules:
                found = fn(finder, trimmed, label)
                if found is not None:
                    yield Candidate(found[0], found[1], row.confidence, row.source, row.name)
                    break
