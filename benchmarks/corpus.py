"""Synthetic corpora for the scale benchmarks, made from the bundled abstracts.

Each synthetic abstract is 4 to 8 sentences drawn (seeded) from the bundled abstracts, its
first sentence always an opening sentence; its title is a bundled title with a number, so it
is a new paper to ``dedupe``. Method, dataset and task names therefore repeat across papers
with the skew of the real corpus, and acronym definitions travel with their sentences.

>>> from kg.model import Paper
>>> base = [Paper("a", "Alpha: A Method", "We propose Alpha. It works. Results are good."),
...         Paper("b", "Beta Nets", "Beta is new. We test on MNIST. It improves accuracy by 2%.")]
>>> papers = synthetic_papers(base, 3, seed=1)
>>> [p.id for p in papers], len({p.title for p in papers})
(['syn-000000', 'syn-000001', 'syn-000002'], 3)
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from pathlib import Path

from kg.model import Paper

__all__ = ["synthetic_papers", "write_jsonl"]

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def synthetic_papers(bundled: Sequence[Paper], count: int, seed: int = 0) -> list[Paper]:
    """``count`` papers recombined from the sentences of ``bundled`` (deterministic per seed)."""
    rng = random.Random(seed)
    openings, rest = [], []
    for paper in bundled:
        sentences = [s.strip() for s in _SENTENCE.split(paper.abstract) if s.strip()]
        if sentences:
            openings.append(sentences[0])
            rest.extend(sentences[1:])
    papers = []
    for index in range(count):
        source = rng.choice(bundled)
        body = [rng.choice(openings)] + rng.sample(rest, rng.randint(3, 7))
        papers.append(Paper(id=f"syn-{index:06d}", title=f"{source.title} {index}", abstract=" ".join(body)))
    return papers


def write_jsonl(path: Path, papers: Sequence[Paper]) -> Path:
    """Write papers as kg JSONL input."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for p in papers:
            handle.write(json.dumps({"id": p.id, "title": p.title, "abstract": p.abstract}, ensure_ascii=False) + "\n")
    return path
