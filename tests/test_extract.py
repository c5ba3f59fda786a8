"""Extraction on real abstracts of the bundled corpus, through the real spaCy pipeline."""

from __future__ import annotations

import json

import pytest

import extract_fixtures as fx
from kg.errors import ExtractionError
from kg.extract import build_nlp, canonical_key, extract, extract_paper, filter_confidence, find_code_urls
from kg.model import ENTITY_TYPES, Extraction, Paper

GENERIC = {"method", "approach", "model", "framework", "task", "dataset", "benchmark", "algorithm", "system",
           "network", "technique", "data", "problem", "metric", "objective", "policy", "learning"}


@pytest.fixture(scope="module")
def nlp():
    return fx.nlp()


def mentions_of(x: Extraction, text: str):
    return [m for m in x.mentions if m.text == text]


def types_of(x: Extraction, text: str) -> set[str]:
    """The types the mentions written ``text`` were given."""
    return {m.type for m in mentions_of(x, text)}


def sentence(nlp, text: str) -> Extraction:
    """The extraction of an abstract of one or two sentences, with no title (a one-rule test)."""
    return extract_paper(Paper("s", "", text), nlp)


# -- named outcomes on real abstracts ------------------------------------------------------------


def test_f2sa_is_the_proposed_method_and_mnist_a_dataset():
    x = fx.extraction("A Fully First-Order Method for Stochastic Bilevel")
    assert {m.role for m in mentions_of(x, "F2SA")} == {"proposed"}
    assert types_of(x, "MNIST") == {"Dataset"}
    assert {m.role for m in mentions_of(x, "MNIST")} == {"used"}


def test_parl_is_proposed_in_its_own_paper():
    x = fx.extraction("PARL: A Unified Framework")
    parl = mentions_of(x, "PARL")
    assert parl and all(m.role == "proposed" and m.type == "Method" for m in parl)


def test_infrared_claim_value_unit_metric_and_subject():
    x = fx.extraction("Enhancing Infrared Small Target Detection")
    claim = next(c for c in x.claims if "21.96" in c.text)
    assert (claim.value, claim.unit, claim.kind) == (21.96, "%", "quantitative")
    assert claim.metric is not None and claim.metric.lower() == "iou"
    assert claim.direction == "improves"
    # "our scheme" is resolved to what the paper proposes
    assert claim.subject is not None and "adversarial framework" in claim.subject.lower()
    assert {m.type for m in x.mentions if m.text.upper() == "IOU"} == {"Metric"}


def test_infrared_keeps_specific_names_and_drops_vague_phrases():
    x = fx.extraction("Enhancing Infrared Small Target Detection")
    texts = {m.text.lower() for m in x.mentions}
    assert "spatial-frequency interaction network" in texts
    assert {m.role for m in mentions_of(x, "spatial-frequency interaction network")} == {"proposed"}
    assert not any("enduring challenge" in t for t in texts)
    assert not any(t.endswith("level objective") for t in texts)
    assert "our proposed framework" not in texts


def test_motivation_sentences_are_not_claims():
    x = fx.extraction("Enhancing Infrared Small Target Detection")
    assert not any(c.text.startswith("The detection of small infrared targets") for c in x.claims)
    assert not any(c.text.startswith("However") for c in x.claims)


def test_complexity_bound_is_kept_as_text():
    x = fx.extraction("PARL: A Unified Framework")
    claim = next(c for c in x.claims if "O(1/T)" in c.text)
    assert claim.value is None and claim.value_text == "O(1/T)"


def test_meta_explore_outperforms_is_a_comparative_claim():
    x = fx.extraction("Meta-Explore")
    claim = next(c for c in x.claims if c.text.startswith("Meta-Explore outperforms"))
    assert claim.kind == "comparative" and claim.direction == "outperforms"
    assert claim.subject == "Meta-Explore"


def test_code_links():
    x = fx.extraction("Beyond Log Likelihood")
    assert x.code == ("https://github.com/GaotangLi/Beyond-Log-Likelihood",)
    assert find_code_urls("see https://github.com/a/b. and (http://x.org/p).") == ["https://github.com/a/b", "http://x.org/p"]


# -- general rules on sentences, through the real pipeline ---------------------------------------


def test_coordinations_are_split(nlp):
    paper = Paper("c", "", "We evaluate our method on CIFAR-10 and ImageNet and compare it with ResNet and ViT.")
    x = extract_paper(paper, nlp)
    datasets = {m.text for m in x.mentions if m.type == "Dataset"}
    methods = {m.text for m in x.mentions if m.type == "Method"}
    assert {"CIFAR-10", "ImageNet"} <= datasets
    assert {"ResNet", "ViT"} <= methods
    assert not any(" and " in m.text for m in x.mentions)


def test_names_in_evaluation_context_are_datasets(nlp):
    paper = Paper("d", "", "We evaluate our agent on three benchmarks: FooWorld, BarNav and QuxSuite.")
    x = extract_paper(paper, nlp)
    assert {m.text for m in x.mentions if m.type == "Dataset"} >= {"FooWorld", "BarNav"}


def test_determiners_and_praise_are_trimmed(nlp):
    paper = Paper("t", "", "We propose a novel graph attention network for link prediction, and our proposed framework is simple.")
    x = extract_paper(paper, nlp)
    texts = {m.text for m in x.mentions}
    assert "graph attention network" in texts
    assert "link prediction" in texts
    assert not any(t.lower().startswith(("a ", "the ", "novel ", "our ")) for t in texts)


def test_generic_words_are_never_emitted_alone():
    papers = fx.corpus()[:60]
    for x in extract(papers, fx.nlp()):
        for m in x.mentions:
            assert m.text.lower().strip() not in GENERIC, (x.paper.title, m.text)


def test_every_mention_is_typed_located_and_scored():
    for x in extract(fx.corpus()[:20], fx.nlp()):
        for m in x.mentions:
            text = x.paper.text(m.field)
            assert m.type in ENTITY_TYPES
            assert text[m.start : m.end] == m.text
            assert 0.0 < m.confidence <= 1.0
            assert m.canonical == canonical_key(m.text)
        for c in x.claims:
            assert x.paper.abstract[c.start : c.end] == c.text
            assert 0.0 < c.confidence <= 1.0


def test_min_confidence_filters_mentions_and_claims():
    papers = fx.corpus()[:5]
    everything = list(extract(papers, fx.nlp()))
    confident = list(extract(papers, fx.nlp(), min_confidence=0.8))
    assert sum(len(x.mentions) for x in confident) < sum(len(x.mentions) for x in everything)
    assert all(m.confidence >= 0.8 for x in confident for m in x.mentions)
    assert all(c.confidence >= 0.8 for x in confident for c in x.claims)
    assert filter_confidence(everything[0], 0.0) == everything[0]
    with pytest.raises(ExtractionError):
        next(extract(papers, fx.nlp(), min_confidence=2))


def test_canonical_key_merges_variants():
    assert canonical_key("Bi-Level Optimization") == canonical_key("bilevel optimizations")
    assert canonical_key("GFlowNets") == canonical_key("GFlowNet")
    assert canonical_key("LLMs") == canonical_key("LLM")


def test_json_contract_round_trips():
    x = fx.extraction("PARL: A Unified Framework")
    record = json.loads(json.dumps(x.to_json()))
    assert set(record) >= {"id", "title", "entities", "claims", "code"}
    back = Extraction.from_json(record, abstract=x.paper.abstract)
    assert back.mentions == x.mentions and back.claims == x.claims


def test_user_patterns_add_names(tmp_path):
    path = tmp_path / "mine.jsonl"
    path.write_text('{"label": "Dataset", "pattern": "Zorblax Corpus"}\n', "utf-8")
    nlp = build_nlp(patterns=[path])
    x = sentence(nlp, "We train on the Zorblax Corpus.")
    assert [(m.text, m.type) for m in x.mentions] == [("Zorblax Corpus", "Dataset")]


def test_bad_user_patterns_say_where(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"label": "Thing", "pattern": "x"}\n', "utf-8")
    with pytest.raises(ExtractionError, match="bad.jsonl:1"):
        build_nlp(patterns=[path])


def test_title_x_for_y_names_the_contribution():
    x = fx.extraction("Polychromic Objectives for Reinforcement Learning")
    assert {m.role for m in mentions_of(x, "Polychromic Objectives")} == {"proposed"}
    goal_title = fx.extraction("Enhancing Infrared Small Target Detection")
    assert not mentions_of(goal_title, "Infrared Small Target Detection Robustness")


# -- roles: what a paper proposes ----------------------------------------------------------------


def test_appositive_names_a_new_generic_thing():
    x = fx.extraction("Pairwise Proximal Policy Optimization")
    assert {m.role for m in mentions_of(x, "reinforcement learning with relative feedback")} == {"proposed"}
    lazy = fx.extraction("The Virtues of Laziness in Model-based RL")
    assert {m.role for m in mentions_of(lazy, "Performance Difference via Advantage in Model")} == {"proposed"}


def test_a_defined_long_form_beats_the_known_name_inside_it():
    x = fx.extraction("Pairwise Proximal Policy Optimization")
    assert {m.role for m in mentions_of(x, "Pairwise Proximal Policy Optimization")} == {"proposed"}
    # PPO is the baseline the paper improves on, not its contribution
    assert {m.role for m in x.mentions if m.text in {"PPO", "Proximal Policy Optimization"}} == {"used"}


def test_names_from_the_motivation_are_not_proposed():
    spo = fx.extraction("Segment Policy Optimization")
    assert {m.role for m in mentions_of(spo, "RL")} == {"used"}  # "a novel RL framework" builds on RL
    assert {m.role for m in mentions_of(spo, "SPO")} == {"proposed"}
    tldr = fx.extraction("TLDR: Unsupervised Goal-Conditioned RL")
    assert {m.role for m in tldr.mentions if m.text in {"RL", "GCRL"}} == {"used"}


def test_a_survey_title_proposes_nothing():
    x = fx.extraction("Reinforcement Learning Enhanced LLMs: A Survey")
    assert not [m for m in x.mentions if m.role == "proposed"]


def test_a_description_beside_a_name_is_not_another_entity():
    x = fx.extraction("Meta-Explore")
    assert not mentions_of(x, "hierarchical navigation method")
    assert {m.role for m in mentions_of(x, "Meta-Explore")} == {"proposed"}


def test_a_task_the_paper_sets_up_stays_a_used_task():
    x = fx.extraction("Conversational Tree Search")
    cts = [m for m in x.mentions if m.text in {"CTS", "Conversational Tree Search"}]
    assert cts and {(m.type, m.role) for m in cts} == {("Task", "used")}


def test_items_of_a_misparsed_coordination_are_not_modifiers():
    x = fx.extraction("Bilevel Optimization under Unbounded Smoothness")
    assert {m.role for m in mentions_of(x, "initialization refinement")} == {"proposed"}
    # "calling a stochastic gradient oracle" does not name anything
    assert {m.role for m in mentions_of(x, "stochastic gradient")} <= {"used"}


def test_variants_of_a_defined_short_form_keep_their_tail():
    x = fx.extraction("Segment Policy Optimization")
    assert {m.role for m in mentions_of(x, "SPO-chain")} == {"proposed"}
    assert {m.role for m in mentions_of(x, "SPO-tree")} == {"proposed"}


def test_a_known_task_inside_a_defined_name_is_still_a_task(nlp):
    paper = Paper("f", "", "We propose Federated User Representation Learning (FURL), a simple way to personalize models.")
    x = extract_paper(paper, nlp)
    assert ("Representation Learning", "Task") in {(m.text, m.type) for m in x.mentions}
    assert {m.role for m in mentions_of(x, "FURL")} == {"proposed"}


def test_title_x_with_y_names_the_contribution():
    rig = fx.extraction("Visual Reinforcement Learning with Imagined Goals")
    assert {m.role for m in mentions_of(rig, "Visual Reinforcement Learning with Imagined Goals")} == {"proposed"}
    ppl = fx.extraction("Probabilistic Programming with Programmable Variational Inference")
    assert {m.role for m in mentions_of(ppl, "Programmable Variational Inference")} == {"proposed"}
    # a hyphenated "End-to-End" is not "X to Y"
    web = fx.extraction("End-to-End Goal-Driven Web Navigation")
    assert not [m for m in web.mentions if m.text.endswith("-")]


def test_the_description_after_an_unnamed_colon_is_the_contribution():
    x = fx.extraction("Beyond Log Likelihood")
    roles = {m.role for m in x.mentions if m.canonical == canonical_key("probability-based objectives")}
    assert roles == {"proposed"}


def test_a_known_name_inside_a_new_description_gives_way_to_it():
    lazy = fx.extraction("The Virtues of Laziness in Model-based RL")
    assert {m.role for m in mentions_of(lazy, "no-regret algorithms")} == {"proposed"}
    cts = fx.extraction("Conversational Tree Search")
    assert {m.role for m in mentions_of(cts, "Reinforcement Learning architecture")} == {"proposed"}
    p3o = fx.extraction("Pairwise Proximal Policy Optimization")
    assert not mentions_of(p3o, "trajectory-wise policy gradient algorithm")  # it only describes P3O


# -- types: tasks and techniques -----------------------------------------------------------------


def test_a_task_head_reached_by_some_means_is_a_technique():
    x = fx.extraction("GREATERPROMPT")
    assert types_of(x, "internal gradient-based optimization") == {"Method"}
    ontology = fx.extraction("Heterogeneous LLM Methods for Ontology Learning")
    assert types_of(ontology, "attention-based graph modeling") == {"Method"}


def test_a_long_form_built_on_a_known_method_is_that_kind_of_method():
    x = fx.extraction("Reinforcement Learning Enhanced LLMs: A Survey")
    assert {m.type for m in x.mentions if m.text in {"RLAIF", "Reinforcement Learning from AI Feedback"}} == {"Method"}


def test_a_name_qualifying_a_task_head_names_a_task(nlp):
    x = sentence(nlp, "We study LLM alignment with human preferences.")
    assert ("LLM alignment", "Task") in {(m.text, m.type) for m in x.mentions}
    assert ("LLM", "Method") in {(m.text, m.type) for m in x.mentions}


def test_a_description_before_namely_is_not_another_entity():
    x = fx.extraction("Bilevel Optimization under Unbounded Smoothness")
    assert not mentions_of(x, "bilevel optimization algorithm")  # "a new ... algorithm, namely BO-REP"
    assert {m.role for m in mentions_of(x, "BO-REP")} == {"proposed"}


def test_a_known_name_inside_a_new_description_is_kept_as_used(nlp):
    x = sentence(nlp, "We propose a novel deep reinforcement learning architecture for dialog.")
    assert {m.role for m in x.mentions if m.text == "reinforcement learning architecture"} == {"proposed"}
    assert {m.role for m in x.mentions if m.text.lower().endswith("reinforcement learning")} == {"used"}


def test_what_a_task_is_like_or_who_does_it_is_not_a_task():
    x = fx.extraction("Enabling more efficient and cost-effective AI/ML systems")
    assert not mentions_of(x, "time-consuming")  # "time-consuming tasks"
    llm = fx.extraction("LLM+Reasoning+Planning")
    assert not mentions_of(llm, "end-user")  # "end-user tasks"


def test_proposing_to_train_something_does_not_propose_the_thing():
    x = fx.extraction("Learning Goal-Conditioned Representations for Language Reward Models")
    assert {m.role for m in x.mentions if m.text in {"RMs", "training reward models"}} <= {"used"}
    assert {m.role for m in mentions_of(x, "Goal-Conditioned Representations")} == {"proposed"}


def test_a_capitalised_run_is_one_name():
    x = fx.extraction("GlobalRAG")
    assert {m.role for m in mentions_of(x, "SubGoal Completion Reward")} == {"proposed"}
    assert not mentions_of(x, "SubGoal")


def test_what_the_motivation_says_something_creates_is_not_proposed():
    x = fx.extraction("URPO")
    assert {m.role for m in mentions_of(x, "resource-intensive pipeline")} <= {"used"}  # "This separation creates ..."
    assert not mentions_of(x, "Unified Reward")  # the acronym's long form names the framework whole
    assert {m.role for m in mentions_of(x, "URPO")} == {"proposed"}


def test_a_plus_joined_name_is_a_coined_name():
    x = fx.extraction("LLM+Reasoning+Planning")
    assert {(m.type, m.role) for m in mentions_of(x, "LLM+Reasoning+Planning")} == {("Method", "proposed")}


def test_a_plural_description_is_a_class_of_things_not_a_method():
    x = fx.extraction("Probabilistic Programming with")
    assert not mentions_of(x, "unbiased gradient estimators")
    assert not mentions_of(x, "gradient estimation strategies")
    greed = fx.extraction("Greed is Good")  # "We introduce two novel epsilon-greedy acquisition functions."
    assert {m.role for m in mentions_of(greed, "epsilon-greedy acquisition functions")} == {"proposed"}
    laziness = fx.extraction("The Virtues of Laziness")  # "We present two no-regret algorithms ..."
    assert {m.role for m in mentions_of(laziness, "no-regret algorithms")} == {"proposed"}


def test_a_task_is_not_cut_out_of_a_hyphenated_word():
    x = fx.extraction("Zero-Shot Robotic Manipulation")  # "... on real-world manipulation tasks, ..."
    assert not mentions_of(x, "world manipulation")


def test_a_counted_kind_keeps_its_number_and_is_the_new_thing():
    x = fx.extraction("Reconciling Spatial and Temporal")  # "we propose a novel three-layer HRL algorithm"
    assert {(m.type, m.role) for m in mentions_of(x, "three-layer HRL algorithm")} == {("Method", "proposed")}
    assert {m.role for m in mentions_of(x, "HRL")} == {"used"}


def test_long_forms_listed_together_share_a_type():
    # "... increase in success rate (SR), success weighted by path length (SPL) and success weighted by
    # navigation efficiency (SNE), respectively."
    x = fx.extraction("Search for or Navigate to?")
    assert types_of(x, "SPL") == {"Metric"}
    assert types_of(x, "SNE") == {"Metric"}


def test_a_named_score_points_to_a_benchmark():
    x = fx.extraction("URPO")  # "... achieving a RewardBench score of 85.15 ..."
    assert types_of(x, "RewardBench") == {"Dataset"}
    assert not mentions_of(x, "RewardBench score")


def test_what_we_propose_by_description_is_a_proposed_method():
    # "We also propose a retroactive goal relabeling scheme ...": a weak head ("scheme") with a
    # specific description, the parse reads "relabeling" as a verb
    x = fx.extraction("Visual Reinforcement Learning with Imagined Goals")
    assert {(m.type, m.role) for m in mentions_of(x, "retroactive goal relabeling scheme")} == {("Method", "proposed")}
    # "we extend it to a multi-trace objective": a hyphen compound says what kind of objective
    x = fx.extraction("Variational Reasoning for Language Models")
    assert {(m.type, m.role) for m in mentions_of(x, "multi-trace objective")} == {("Method", "proposed")}


def test_proposing_to_train_a_known_thing_is_not_a_described_method():
    # "we propose training reward models (RMs) ...": an activity, not a new thing named "training reward models"
    x = fx.extraction("Learning Goal-Conditioned Representations")
    assert not any(m.text.lower().startswith("training reward model") for m in x.mentions)


def test_a_recording_modality_is_a_task_with_its_acronym(nlp):
    paper = Paper("m", "", "We classify sleep stages from electroencephalography (EEG) and Computed Tomography (CT) scans.")
    x = extract_paper(paper, nlp)
    assert {m.type for m in x.mentions if m.text in {"EEG", "electroencephalography", "CT", "Computed Tomography"}} == {"Task"}
    assert {m.text for m in x.mentions if m.text in {"EEG", "CT"}} == {"EEG", "CT"}


def test_a_learning_paradigm_inside_a_method_name_is_a_task_but_a_known_method_stays_one(nlp):
    x = sentence(nlp, "We build a Federated Learning framework for mobile edge systems.")
    assert types_of(x, "Federated Learning") == {"Task"}
    # "a novel deep Reinforcement Learning framework" (real abstract): RL is a known method, not a nested task
    x = fx.extraction("Open-Source Reinforcement Learning Environments")
    assert "Task" not in {m.type for m in x.mentions if m.text.lower() == "reinforcement learning"}


def test_names_beside_a_data_source_word_are_datasets():
    # "code hosting platforms, such as GitHub and GitLab"; "Hugging Face Hub (HFH)" is one of them
    x = fx.extraction("On the Suitability of Hugging Face Hub")
    assert types_of(x, "GitLab") == {"Dataset"}
    assert types_of(x, "HFH") == {"Dataset"}
    # "based on wikiHow, a website containing more than 110k instructional articles"
    x = fx.extraction("Show Me More Details")
    assert types_of(x, "wikiHow") == {"Dataset"}


def test_a_name_measured_like_a_metric_is_a_metric():
    # "improves the success rate by 17.1% and SPL by 20.6%"
    x = fx.extraction("Meta-Explore")
    assert types_of(x, "SPL") == {"Metric"}
    # "average improvements of 14.2% in both EM and F1"
    x = fx.extraction("GlobalRAG")
    assert types_of(x, "EM") == {"Metric"}


def test_what_a_relative_clause_says_i_developed_is_proposed():
    # "... Collective Mind (CM), virtualized MLOps and DevOps (CM4MLOps), MLPerf benchmarks, and the
    # Collective Knowledge playground (CK), which I have developed ...": a single author says "I"
    x = fx.extraction("Enabling more efficient and cost-effective AI/ML systems")
    for name in ("CM", "CM4MLOps", "CK"):
        assert {m.role for m in mentions_of(x, name)} == {"proposed"}, name


def test_a_hyphen_compound_after_an_adverb_tag_still_describes_what_we_propose():
    # "propose a forward-KL formulation": the tagger reads "forward" as an adverb
    x = fx.extraction("Variational Reasoning for Language Models")
    assert {(m.type, m.role) for m in mentions_of(x, "forward-KL formulation")} == {("Method", "proposed")}


def test_the_subject_that_improves_a_measure_is_not_the_measure():
    # "local goal search ... significantly improves the success rate by 17.1%"
    x = fx.extraction("Meta-Explore")
    assert "Metric" not in types_of(x, "local goal search")
    assert types_of(x, "success rate") == {"Metric"}


def test_a_defined_kind_of_problem_is_a_task():
    # "... as Hierarchical Constraint Satisfaction Problems (HCSPs)"
    x = fx.extraction("Open Data Synthesis For Deep Research")
    assert types_of(x, "HCSPs") == {"Task"}


def test_a_quoted_code_identifier_we_introduce_is_a_proposed_method():
    # 'We introduce a special API "get_info_api" for gathering missing information.'
    x = fx.extraction("LLM+Reasoning+Planning")
    assert {(m.type, m.role) for m in mentions_of(x, "get_info_api")} >= {("Method", "proposed")}


def test_generic_things_are_not_methods_behind_a_common_acronym_or_a_participle():
    # "a unified, customizable API", "a user-friendly Web UI": API and UI are not coined names
    x = fx.extraction("GREATERPROMPT")
    assert not any(m.text.endswith(("API", "UI")) for m in x.mentions)
    # "a separately trained reward model", "a separate reward model" are the generic "reward model"
    x = fx.extraction("URPO")
    assert not any(m.text.lower() in {"trained reward model", "separate reward model"} for m in x.mentions)


def test_a_capitalised_leaderboard_name_is_one_dataset_with_its_version():
    # "we propose Open Ko-LLM Leaderboard2, an improved version of the earlier Open Ko-LLM Leaderboard"
    x = fx.extraction("Open Ko-LLM Leaderboard2")
    datasets = {m.text for m in x.mentions if m.type == "Dataset"}
    assert "Ko-LLM Leaderboard2" in datasets and any(t.endswith("Ko-LLM Leaderboard") for t in datasets)
    assert not mentions_of(x, "Leaderboard2")
    assert "proposed" in {m.role for m in mentions_of(x, "Ko-LLM Leaderboard2")}


def test_title_case_does_not_make_an_adjective_a_name():
    # title "A Tale of Two DRAGGNs: A Hybrid Approach for ...": "Hybrid" is no name
    x = fx.extraction("A Tale of Two DRAGGNs")
    assert not mentions_of(x, "Hybrid")


def test_a_hyphen_name_ending_in_a_task_word_is_a_task(nlp):
    x = sentence(nlp, "Few-shot classifiers are commonly trained through Meta-Learning, which samples tasks.")
    assert types_of(x, "Meta-Learning") == {"Task"}


def test_a_title_case_name_we_propose_is_a_method(nlp):
    x = sentence(nlp, "We fuse features at different scales by proposing Progressive Atrous Spatial Pyramid Pooling.")
    assert any(m.type == "Method" and m.text.endswith("Atrous Spatial Pyramid Pooling") for m in x.mentions)


def test_claim_metric_read_from_how_the_result_is_said():
    # "achieving a RewardBench score of 85.15", "boosting the instruction-following score on AlpacaEval"
    x = fx.extraction("URPO")
    metrics = {c.metric for c in x.claims}
    assert "RewardBench score" in metrics and "instruction-following score" in metrics
    # "improves RM performance by up to 0.09 AUROC": the measure named after the number
    x = fx.extraction("Learning Goal-Conditioned Representations")
    assert next(c for c in x.claims if "0.09" in c.text).metric == "AUROC"


def test_what_a_method_achieves_more_of_is_a_metric():
    # "... and achieves higher goal completion while skipping unnecessary questions"
    x = fx.extraction("Conversational Tree Search")
    assert types_of(x, "goal completion") == {"Metric"}


def test_a_name_listed_in_a_title_takes_its_type_from_the_abstract():
    # title "... with Collective Mind, virtualized MLOps, MLPerf, ..."; abstract "MLPerf benchmarks"
    x = fx.extraction("Enabling more efficient and cost-effective AI/ML systems")
    assert {m.type for m in mentions_of(x, "MLPerf") if m.field == "abstract"} == {"Dataset"}


def test_a_task_head_reached_by_a_named_technique_is_a_method():
    # "acquisition functions for Bayesian optimisation": a family of methods, not a problem
    x = fx.extraction("Greed is Good")
    assert {m.type for m in x.mentions if m.text.lower() == "bayesian optimisation"} == {"Method"}


def test_a_describing_adjective_makes_a_kind_of_the_named_thing(nlp):
    # title "EAGER: Asking and Answering Questions for Automatic Reward Shaping in Language-guided RL"
    x = fx.extraction("EAGER: Asking and Answering Questions")
    assert types_of(x, "Reward Shaping") == {"Method"}
    x = sentence(nlp, "Automatic License Plate Recognition (ALPR) is a challenging area of research.")
    assert types_of(x, "License Plate Recognition") == {"Task"}
    # lowercase phrases and known names keep their first word; a proper noun is no adjective
    x = sentence(nlp, "We study fake news detection and Named Entity Recognition for German Dialect Identification.")
    assert not {m.text for m in x.mentions} & {"news detection", "Entity Recognition", "Dialect Identification"}


def test_acronyms_are_defined_behind_glued_parentheses_and_latex_spaces(nlp):
    text = ("Captioning uses networks powered by long-short-term-memory(LSTM) units, and video object "
            "segmentation~(VOS) methods track masks in Mixed Reality (MR)applications.")
    x = sentence(nlp, text)
    pairs = {(m.text, m.short_form) for m in x.mentions if m.short_form}
    assert {("long-short-term-memory", "LSTM"), ("video object segmentation", "VOS"), ("Mixed Reality", "MR")} <= pairs
    # a parenthesis inside a name is not split off: "R(2+1)D", "f(x)dx"
    assert not {"(", ")"} & {t.text for t in nlp.make_doc("We use R(2+1)D and f(x)dx here.")}


def test_selecting_and_deciding_are_tasks(nlp):
    text = "We compare pre-processing techniques such as resampling and feature selection for Multi Criteria Decision Making (MCDM)."
    x = sentence(nlp, text)
    assert {m.type for m in x.mentions if m.text.lower() in {"feature selection", "multi criteria decision making", "mcdm"}} == {"Task"}
    assert {m.text.lower() for m in x.mentions} >= {"feature selection", "mcdm"}


def test_a_task_before_a_container_word_is_found_wherever_the_parse_roots_the_chunk(nlp):
    x = sentence(nlp, "This is the Video Captioning Challenge 2020 Summary of results.")
    assert types_of(x, "Video Captioning") == {"Task"}


def test_a_name_x_with_y_says_its_task_before_the_preposition(nlp):
    text = "We propose a novel model, Conditional Text Generation with BERT (CG-BERT). CG-BERT leverages a large pre-trained model."
    x = sentence(nlp, text)
    assert types_of(x, "Conditional Text Generation") == {"Task"}
    assert types_of(x, "CG-BERT") == {"Method"}


def test_a_task_gerund_read_as_a_verb_inside_a_compound_is_a_task(nlp):
    text = "DistDGL uses a light-weight min-cut graph partitioning algorithm along with multiple balancing constraints."
    x = sentence(nlp, text)
    assert types_of(x, "graph partitioning") == {"Task"}
    x = sentence(nlp, "We survey the successes of machine learning techniques such as boosting.")
    assert "Task" not in types_of(x, "machine learning")


def test_an_adjective_made_from_a_name_makes_a_specific_phrase(nlp):
    text = "We propose two sets of algorithms, one arising from Riemannian optimization and the other as an alternating minimization scheme."
    x = sentence(nlp, text)
    assert types_of(x, "Riemannian optimization") == {"Task"}


def test_a_title_case_plural_head_types_its_phrase(nlp):
    text = "The use of supervised Machine Learning (ML) to enhance Intrusion Detection Systems has been the subject of significant research."
    x = sentence(nlp, text)
    assert types_of(x, "Intrusion Detection Systems") == {"Method"}
    assert types_of(x, "Intrusion Detection") == {"Task"}


def test_dialogue_is_a_task_head():
    # "... bridges the gap between FAQ retrieval and task-oriented dialog, ..."
    x = fx.extraction("Conversational Tree Search: A New Hybrid Dialog Task")
    assert types_of(x, "task-oriented dialog") == {"Task"}


def test_what_a_defined_name_is_said_to_be_types_it(nlp):
    text = ("Independent Component Analysis (ICA) is a widespread tool for denoising of signals. "
            "Text Simplification (TS) is a challenging problem.")
    x = sentence(nlp, text)
    assert {m.type for m in x.mentions if m.text in {"Independent Component Analysis", "ICA"}} == {"Method"}
    assert {m.type for m in x.mentions if m.text in {"Text Simplification", "TS"}} == {"Task"}


def test_a_title_case_run_ending_in_a_task_head_is_a_task_outside_any_noun_chunk(nlp):
    text = ("BERT achieves near human-level performance on the task of Reading Comprehension based Question Answering. "
            "Snips is a software solution to perform Spoken Language Understanding onmicroprocessors typical of IoT devices.")
    x = sentence(nlp, text)
    assert {m.type for m in x.mentions if m.text in {"Reading Comprehension", "Spoken Language Understanding"}} == {"Task"}
    assert {m.text for m in x.mentions} >= {"Reading Comprehension", "Spoken Language Understanding"}
    # a container word may close the run: the task is named inside it
    x = sentence(nlp, "We have developed a Classifier based Text Simplification Model forEnglish-Hindi Machine Translation Systems.")
    assert types_of(x, "Text Simplification") == {"Task"}
    # not a piece of a hyphen compound, a title's closing name, or a name before its kind word
    x = extract_paper(Paper("t", "End-to-End Goal-Driven Web Navigation",
                            "We propose an In-context Ranking Preference Optimization (IRPO) framework for goal-driven web navigation."), nlp)
    assert not {m.text for m in x.mentions} & {"Driven Web Navigation", "Ranking Preference Optimization"}


def test_a_weak_head_phrase_listed_with_a_typed_one_is_of_its_kind(nlp):
    # "Such functions are prevalent in reinforcement learning, imitation learning and adversarial training."
    x = fx.extraction("Target-based Surrogates for Stochastic Optimization")
    assert types_of(x, "adversarial training") == {"Method"}
    x = sentence(nlp, "LLMs perform better than HPO methods like random search and Bayesian optimization.")
    assert types_of(x, "random search") == {"Method"}
    # a participle or a count only describes: "obtained reward", "2-layer"
    x = sentence(nlp, "We combine the obtained reward and reward shaping.")
    assert not mentions_of(x, "obtained reward")


def test_a_coined_name_a_short_form_is_built_on_is_mentioned_inside_the_long_form(nlp):
    text = "Then, we introduce the Clustering InfoNCE (Cl-InfoNCE) objective that learns similar representations."
    x = sentence(nlp, text)
    assert types_of(x, "InfoNCE") == {"Method"}
    assert {m.short_form for m in mentions_of(x, "Clustering InfoNCE")} == {"Cl-InfoNCE"}
    # not a name inside a dataset's long form: "the MVTec Anomaly Detection (MVTec AD) dataset"
    x = sentence(nlp, "Our data are the texture categories of the MVTec Anomaly Detection (MVTec AD) dataset.")
    assert "Method" not in types_of(x, "MVTec")


def test_a_prefixed_defined_short_form_keeps_its_type(nlp):
    text = ("Biomedical Named Entity Recognition (NER) is a challenging problem. "
            "Performance on bioNER benchmarks continues to improve due to advances like BERT.")
    x = sentence(nlp, text)
    assert types_of(x, "bioNER") == {"Task"}


def test_a_task_said_as_a_clause_after_the_problem_of(nlp):
    # "... semantic parsing methods for the problem of mapping English sentences to Bash commands (NL2Bash)."
    x = fx.extraction("NL2Bash: A Corpus and Semantic Parser")
    assert types_of(x, "mapping English sentences to Bash commands") == {"Task"}
    x = sentence(nlp, "We address the task of detecting fake news in social media, which is hard.")
    assert {m.text for m in x.mentions if m.type == "Task"} == {"detecting fake news in social media"}
