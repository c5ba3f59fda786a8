"""The ``kg_claims`` component (result-claim sentences, labelled with their kind) and the
reading of a claim sentence's fields: value, unit, metric, dataset, subject, what it is compared to."""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..model import Claim, Mention

from .shapes import is_name_like
from .wordlists import _cue, _heads

_VALUE = re.compile(
    r"(?<![\w.])(?P<num>[-+]?\d+(?:[.,]\d+)?)(?:\s*(?:-|–|to)\s*\d+(?:\.\d+)?)?\s*(?P<unit>\\?%|×|x\b|times\b|-?fold\b|percentage points?\b|points?\b|pp\b|dB\b|ms\b|seconds\b|hours\b|GB\b|MB\b)?"
)


_COMPLEXITY = re.compile(r"(?:\\?mathcal\{O\}|\\tilde\{O\}|\bO|Θ|Ω)\s*\((?:[^()]|\([^()]*\))*\)")


@Language.factory("kg_claims")
def _make_claims(nlp: Language, name: str) -> "ClaimFinder":
    return ClaimFinder()


class ClaimFinder:
    """Marks result-claim sentences in ``doc.spans["kg_claims"]`` (label: the claim kind)."""

    def __call__(self, doc: Doc) -> Doc:
        claims = []
        for sent in doc.sents:
            kind, confidence = classify_claim(sent)
            if kind:
                span = Span(doc, sent.start, sent.end, label=kind)
                span._.kg_confidence = confidence
                claims.append(span)
        doc.spans["kg_claims"] = claims
        return doc


def _result_number(sent: Span) -> bool:
    """A number that reads as a result: a percentage, a factor, points, a decimal, or one after
    "by", "to", "of", "up to"; not a count of things ("7 model backbones", "3 domains")."""
    text = sent.text
    for match in _VALUE.finditer(text):
        num = match.group("num")
        if match.group("unit"):
            return True
        if "." in num and not num.endswith("."):
            return True
        if _near_result_word(text, match.start()) and not (num.isdigit() and len(num) == 4 and num.startswith(("19", "20"))):
            return True
    return bool(_COMPLEXITY.search(text))


def classify_claim(sent: Span) -> tuple[str | None, float]:
    """Return ``(kind, confidence)`` for a result-claim sentence, or ``(None, 0)``.

    A claim reports a result: a result verb ("outperforms", "improves", "achieves"), a finding
    ("we show / prove / find that"), evidence as subject ("our experiments ..."), a result number,
    or a positive assessment of the paper's own work. Motivation ("However, existing ..."), plans
    ("we will") and plain descriptions ("we propose X, which ...") are not claims.
    """
    lemmas = {t.lemma_.lower() for t in sent}
    lowers = {t.lower_ for t in sent}
    first = next((t.lower_ for t in sent if not t.is_punct), "")
    root = sent.root
    we_subject = any(c.dep_ in {"nsubj", "nsubjpass"} and c.lower_ in {"we"} for c in root.children)
    show = any(
        t.lemma_.lower() in _cue("finding_verbs") and t.pos_ in {"VERB", "AUX"} and t.dep_ not in {"acl", "amod", "relcl", "advcl", "xcomp"}
        for t in sent
    )
    result_verb = any(t.lemma_.lower() in _cue("claim_verbs") and t.pos_ == "VERB" for t in sent)
    evidence = bool(lemmas & _cue("evidence_words"))
    evidence_subject = any(
        c.dep_ in {"nsubj", "nsubjpass"} and c.lemma_.lower() in _cue("evidence_words") | {"this", "it", "which"}
        for c in root.children
    ) and evidence
    number = _result_number(sent)
    positive = bool(lowers & _cue("positive_words")) or "state-of-the-art" in sent.text.lower()
    comparative = bool(lemmas & {"outperform", "surpass", "beat", "exceed", "than", "compare", "over", "dominate",
                                 "comparable", "superior", "superiority"})
    ours = bool(lowers & {"our", "we", "proposed", "ours", "this"})
    if lemmas & _cue("future_words") and not (show and evidence):
        return None, 0.0
    if lowers & {"?"}:
        return None, 0.0
    describing = root.lemma_.lower() in set(_heads()["proposal_verbs"]) | {"take", "learn", "detail", "consider", "study", "focus"} and not (number or show)
    summing_up = sent.text.lower().startswith(("overall", "in summary", "in conclusion", "to summarize", "in short", "taken together"))
    if describing and not summing_up:
        return None, 0.0
    if first in _cue("motivation_openers") and not (show and (we_subject or evidence)):
        return None, 0.0
    if show and (we_subject or evidence or "that" in lowers or ours):
        score = 0.75
    elif result_verb and (ours or evidence or number or positive or comparative):
        score = 0.7
    elif evidence_subject:
        score = 0.65
    elif number and (evidence or positive or result_verb):
        score = 0.7
    elif positive and (summing_up or (ours and first in {"thus", "therefore", "hence", "these", "this"})):
        score = 0.55
    else:
        return None, 0.0
    if number:
        return "quantitative", min(0.9, score + 0.1)
    if comparative:
        return "comparative", score
    return "qualitative", score


def _is_citation_year(tok) -> bool:
    return tok.text.isdigit() and len(tok.text) == 4 and tok.text.startswith(("19", "20"))


def _claim(sent: Span, mentions: list[Mention], main_method: str | None) -> Claim:
    """Read a claim sentence's fields: value and unit, metric, dataset, subject, compared_to, direction."""
    inside = [m for m in mentions if m.field == "abstract" and sent.start_char <= m.start < sent.end_char]
    text = sent.text
    value, unit, value_text = _claim_value(text)
    # a Metric the span model alone found comes after the measure read from how the result is said:
    # it finds every measure a sentence names, not the one the result is about
    metric = (_measure_after_value(sent, value_text)
              or next((m.text for m in inside if m.type == "Metric" and m.source != "model"), None)
              or _measure_in_words(sent)
              or next((m.text for m in inside if m.type == "Metric"), None))
    dataset = next((m.text for m in inside if m.type == "Dataset"), None)
    methods = [m for m in inside if m.type == "Method"]
    compared_to, cue_char = _compared_to(sent, methods)
    before_cue = [m for m in methods if cue_char is None or m.start < cue_char]
    subject = next((m.text for m in before_cue if m.role == "proposed"), None)
    if subject is None:
        subject = next((m.text for m in methods if m.role == "proposed" and m.text != compared_to), None)
    if subject is None:
        subject = main_method
    return Claim(
        text=text,
        start=sent.start_char,
        end=sent.end_char,
        kind=sent.label_,
        value=value,
        unit=unit,
        value_text=value_text,
        metric=metric,
        subject=subject,
        compared_to=compared_to,
        dataset=dataset,
        direction=_direction(sent),
        confidence=round(sent._.kg_confidence, 2),
    )


def _measure_after_value(sent: Span, value_text: str | None) -> str | None:
    """A measure's name written right after the result number: "by up to 0.09 AUROC"."""
    if not value_text:
        return None
    for tok in sent[:-1]:
        nxt = tok.doc[tok.i + 1]
        if tok.text == value_text and is_name_like(nxt.text) and nxt.text not in _cue("not_names") and nxt.text.isupper():
            return nxt.text
    return None


def _measure_in_words(sent: Span) -> str | None:
    """The measure a claim reports when no Metric mention names it, read from how results are
    said: "a RewardBench score of 85.15", "improves helpfulness by 9.6%", "boosting the
    instruction-following score", "achieves higher goal completion", "filter up to 55% of
    generated tokens"."""
    heads = _heads()
    metric_heads = set(heads["Metric"])
    changes = {"improve", "boost", "increase", "reduce", "decrease", "raise", "lower", "cut", "filter"}
    found: list[tuple[int, object]] = []
    for tok in sent:
        nxt = tok.doc[tok.i + 1] if tok.i + 1 < sent.end else None
        if tok.lower_ == "of" and tok.head.lemma_.lower() in metric_heads and nxt is not None and nxt.like_num:
            found.append((0, tok.head))  # "a RewardBench score of 85.15"
        elif tok.lower_ == "of" and tok.head.text == "%":
            obj = next((c for c in tok.children if c.dep_ == "pobj"), None)
            if obj is not None:
                found.append((3, obj))  # "55% of generated tokens"
        elif tok.lemma_.lower() in changes and tok.pos_ == "VERB":
            obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
            if obj is not None and obj.text == "%":
                obj = next((c for of in obj.children if of.lower_ == "of" for c in of.children if c.dep_ == "pobj"), None)
            if obj is not None and obj.pos_ in {"NOUN", "ADJ"} and obj.lemma_.lower() not in set(heads["generic"]) - metric_heads:
                found.append((1, obj))  # "improves helpfulness by 9.6%" (the tagger may call it an adjective)
        elif (
            tok.tag_ == "JJR" and tok.dep_ == "amod" and tok.lower_ in {"higher", "better", "lower"}
            and tok.head.pos_ == "NOUN" and tok.head.dep_ == "dobj"
        ):
            if tok.head.lemma_.lower() not in set(heads["generic"]) - metric_heads:
                found.append((2, tok.head))  # "achieves higher goal completion"
    if not found:
        return None
    head = min(found, key=lambda f: f[0])[1]
    start = head.left_edge.i  # with its modifiers: "the instruction-following score"
    while start < head.i and (head.doc[start].is_punct or head.doc[start].tag_ in {"JJR", "DT", "PRP$", "RB", "CD"}):
        start += 1
    return head.doc[start : head.i + 1].text


_UNITS = {"×": "x", "times": "x", "fold": "x", "-fold": "x", "point": "points", "pp": "points",
          "percentage point": "points", "percentage points": "points", "\\%": "%"}


def _claim_value(text: str) -> tuple[float | None, str | None, str | None]:
    """The main result number of a claim with its unit and surface form, or a complexity bound.

    >>> _claim_value("Our scheme improves 21.96% IOU across corruptions.")
    (21.96, '%', '21.96%')
    >>> _claim_value("it needs O(epsilon^-3) samples")
    (None, None, 'O(epsilon^-3)')
    """
    best = None
    for match in _VALUE.finditer(text):
        token = match.group("num")
        if _looks_like_year(token, match):
            continue
        has_unit = bool(match.group("unit"))
        if not has_unit and not ("." in token or _near_result_word(text, match.start())):
            continue
        best = match
        if has_unit or _near_result_word(text, match.start()):
            break
    if best is not None:
        token = best.group("num")
        if token.count(",") == 1 and len(token.split(",")[-1]) != 3:
            token = token.replace(",", ".")
        raw_unit = (best.group("unit") or "").strip()
        unit = _UNITS.get(raw_unit, raw_unit) or None
        return float(token.replace(",", "")), unit, best.group(0).strip()
    complexity = _COMPLEXITY.search(text)
    if complexity:
        return None, None, complexity.group(0)
    return None, None, None


def _direction(sent: Span) -> str | None:
    """The claim's direction from its first result word, in sentence order."""
    for tok in sent:
        lemma = tok.lemma_.lower()
        if lemma in _cue("result_directions") and (tok.pos_ in {"VERB", "NOUN", "ADJ"} or lemma == "par"):
            return _cue("result_directions")[lemma]
    if "state-of-the-art" in sent.text.lower():
        return "achieves"
    return None


def _compared_to(sent: Span, methods: list[Mention]) -> tuple[str | None, int | None]:
    """What a claim compares against: the object of "outperforms X", "than X", "over X",
    "compared to/with X"; a method mention inside it, else the phrase as written."""
    for tok in sent:
        lemma = tok.lemma_.lower()
        target = None
        if lemma in _cue("comparison_verbs") and tok.pos_ == "VERB":
            target = next((c for c in tok.children if c.dep_ in {"dobj", "obj"}), None)
        elif tok.lower_ in _cue("comparison_prepositions") and (
            tok.lower_ == "than" or tok.head.lemma_.lower() in {"compare", "comparable", "improvement", "gain",
                                                               "advantage", "superior", "better", "improve"}
            or tok.lower_ == "over" and tok.head.pos_ in {"NOUN", "VERB", "ADJ"}
        ):
            target = next((c for c in tok.children if c.dep_ == "pobj"), None)
        if target is None:
            continue
        subtree = list(target.subtree)
        start_char, end_char = subtree[0].idx, subtree[-1].idx + len(subtree[-1].text)
        inside = [m for m in methods if start_char <= m.start < end_char]
        if inside:
            return inside[0].text, tok.idx
        words = [t for t in target.subtree if t.i <= target.i and t.pos_ not in {"DET", "PRON"}]
        if words:
            return sent.doc[words[0].i : target.i + 1].text, tok.idx
    return None, None


def _looks_like_year(token: str, match: re.Match) -> bool:
    return token.isdigit() and len(token) == 4 and token.startswith(("19", "20")) and not match.group("unit")


def _near_result_word(text: str, position: int) -> bool:
    window = text[max(0, position - 40) : position].lower()
    return bool(re.search(r"\b(by|of|to|achiev\w*|reach\w*|improv\w*|score\w*|up to)\s*$", window))
