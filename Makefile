# Two entry points, both self-installing on a machine with only Python 3.11 and pip:
#   make run   build the knowledge graph of the bundled corpus into outputs/
#   make test  run the test suite
# Retraining the span model is its own command, never part of run or test:
#   make model retrain kg/models/spans on SciERC (training/), a few minutes on 2 cores
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench model clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/kg build --out outputs

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

model: $(STAMP)
	$(BIN)/pip install --quiet -e '.[train]'
	$(BIN)/kg train

clean:
	rm -rf $(VENV) outputs/*.ttl outputs/*.jsonl outputs/*.html
