# `make`: build the whole study; `make test`: run the tests. Both create .venv when missing, with
# PYTHON if set, else the newest Python 3.11-3.13 found (tools/find_python.sh).
PYTHON ?=
VENV := .venv
BIN := $(VENV)/bin
CORES ?= 8

.PHONY: all test smoke report dag clean bench fullrun

all: $(VENV)/.installed
	$(BIN)/snakemake --cores $(CORES)

test: $(VENV)/.installed
	$(BIN)/python -m pytest -q

smoke: $(VENV)/.installed
	$(BIN)/snakemake --cores $(CORES) --configfile config/smoke.yaml

report: $(VENV)/.installed
	$(BIN)/snakemake --cores $(CORES) results/report/index.html

dag: $(VENV)/.installed
	mkdir -p docs
	$(BIN)/snakemake --rulegraph | dot -Tsvg > docs/rulegraph.svg

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/pip || { py=$$(PYTHON='$(PYTHON)' $(SHELL) tools/find_python.sh) && "$$py" -m venv --clear $(VENV); }
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

# `make bench`: measure this machine (run it idle); writes benchmarks/RESULTS.md and RESULTS.json.
# e.g. make bench BENCH_FLAGS="--full-run benchmarks/FULL_RUN.json"   (or BENCH_FLAGS=--quick)
BENCH_FLAGS ?=

# `make fullrun`: the whole study from an empty results tree, timed, with the matmul ceiling
# measured just before and after it (benchmarks/FULL_RUN.json, for `make bench`)
fullrun: $(VENV)/.installed
	$(BIN)/python -m benchmarks.full_run --cores $(CORES)

bench: $(VENV)/.installed
	$(BIN)/python -m benchmarks.run $(BENCH_FLAGS)

clean:
	rm -rf results .snakemake
