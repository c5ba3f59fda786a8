"""Acronym definitions: the plain Schwartz-Hearst functions, then the component on real text."""

import pytest

from kg.acronyms import best_long_form, is_short_form_candidate, short_form_letters, spelled_by

import extract_fixtures as fx


@pytest.mark.parametrize(
    "short, before, expected",
    [
        ("DPO", "we use Direct Preference Optimization", 3),
        ("NER", "Biomedical Named Entity Recognition", 3),  # "Named" is a word of the name here
        ("F2SA", "we propose a Fully First-order Stochastic Approximation", 4),  # digit as a count
        ("RL", "agents trained with reinforcement learning", 2),
        ("SPO", "we propose Segment Policy Optimization", 3),
    ],
)
def test_best_long_form_finds_the_words_of_the_name(short, before, expected):
    assert best_long_form(short, before.split()) == expected


def test_best_long_form_rejects_unrelated_words():
    assert best_long_form("XYZ", "we train a large model".split()) is None
    assert best_long_form("BERT", "results , see".split()) is None


def test_long_form_never_starts_with_a_function_word():
    n = best_long_form("GAN", "we train the generative adversarial network".split())
    assert n == 3


@pytest.mark.parametrize("text", ["DPO", "F2SA", "GFlowNets", "CoT", "SPO-tree"])
def test_short_form_candidates(text):
    assert is_short_form_candidate(text)


@pytest.mark.parametrize("text", ["e.g.", "2023", "see", "this is a long clause", "x"])
def test_not_short_form_candidates(text):
    assert not is_short_form_candidate(text)


def test_short_form_letters():
    assert short_form_letters("F2-SA") == "f2sa"


@pytest.fixture(scope="module")
def nlp():
    return fx.nlp()


def test_component_pairs_long_and_short_form(nlp):
    doc = nlp("We compare against Direct Preference Optimization (DPO). DPO is simple.")
    pairs = [(l.text, s.text) for l, s in zip(doc.spans["kg_long_forms"], doc.spans["kg_short_forms"])]
    assert pairs == [("Direct Preference Optimization", "DPO")]
    assert [u.text for u in doc.spans["kg_short_form_uses"]] == ["DPO"]


def test_f2sa_long_form_is_an_alias_of_the_proposed_method():
    x = fx.extraction("A Fully First-Order Method for Stochastic Bilevel")
    f2sa = [m for m in x.mentions if m.text == "F2SA"]
    assert f2sa and all(m.role == "proposed" and m.type == "Method" for m in f2sa)
    assert {m.long_form for m in f2sa if m.long_form} == {"Fully First-order Stochastic Approximation"}
    long_mentions = [m for m in x.mentions if m.text == "Fully First-order Stochastic Approximation"]
    assert long_mentions and long_mentions[0].short_form == "F2SA"


def test_initials_that_spell_the_short_form_win_over_letters_found_inside_words():
    words = "a novel policy gradient algorithm , Pairwise Proximal Policy Optimization".split()
    assert best_long_form("P3O", words) == 4  # not "Proximal Policy Optimization", whose "opt" holds a p
    assert best_long_form("GCRL", "Unsupervised goal-conditioned reinforcement learning".split()) == 3


def test_named_starts_a_long_form_when_every_initial_is_used():
    assert best_long_form("NER", "modern named entity recognition".split()) == 3
    assert best_long_form("FB", "a method named Foo Bar".split()) == 2


@pytest.mark.parametrize(
    "short, long_text, expected",
    [
        ("RL", "reinforcement learning", True),
        ("MBRL", "model-based reinforcement learning", True),
        ("VLMs", "vision-language models", True),
        ("RL", "robot learning of skills", False),  # every word must give its letter
        ("ML", "meta learning rate", False),
        ("rl", "reinforcement learning", False),  # a lowercase word is not an acronym
    ],
)
def test_spelled_by_needs_exact_initials(short, long_text, expected):
    assert spelled_by(short, long_text) is expected


def test_an_undefined_acronym_is_one_entity_with_its_spelled_out_form():
    # "RL" and "VLMs" are used without a parenthesis; "reinforcement learning" and
    # "vision-language models" are in the same abstract
    x = fx.extraction("Vision-Language Models as a Source of Rewards")
    assert {m.long_form.lower() for m in x.mentions if m.text == "RL"} == {"reinforcement learning"}
    assert {m.long_form.lower() for m in x.mentions if m.text == "VLMs"} == {"vision-language models"}
    assert {m.type for m in x.mentions if m.text in {"RL", "reinforcement learning"}} == {"Method"}


def test_a_long_form_whose_modifiers_are_shared_with_the_one_before_is_its_head_word(nlp):
    doc = nlp("Transformers achieve remarkable progress in Sign Language Recognition (SLR) and Translation (SLT).")
    pairs = [(l.text, s.text) for l, s in zip(doc.spans["kg_long_forms"], doc.spans["kg_short_forms"])]
    assert pairs == [("Sign Language Recognition", "SLR"), ("Translation", "SLT")]
    assert {m.label_ for m in doc.spans["kg_mentions"] if m.text in {"Translation", "SLT"}} == {"Task"}
    # the shared words must spell the short form: "and classification (XYZ)" defines nothing
    doc = nlp("We study named entity recognition (NER) and classification (XYZ).")
    assert [s.text for s in doc.spans["kg_short_forms"]] == ["NER"]
