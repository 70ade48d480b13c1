# `make`: build the whole study; `make test`: run the tests. Both create .venv when missing, with
# PYTHON if set, else the newest Python 3.11-3.13 found (tools/find_python.sh).
PYTHON ?=
VENV := .venv
BIN := $(VENV)/bin
CORES ?= 8
# Snakemake's output cache of trained models and evaluations (docs/cache.md): a folder shared by
# runs, clones and a team; `make CACHE=/shared/vaelab-cache` moves it, `make CACHE=` turns it off
CACHE ?= cache
SNAKEMAKE = $(if $(CACHE),SNAKEMAKE_OUTPUT_CACHE="$(abspath $(CACHE))" $(BIN)/snakemake --cache,$(BIN)/snakemake)

.PHONY: all test test-unit smoke report publish restore dag clean bench fullrun readerpath slurm slurm-gpu workflow-crate config-readme

all: $(VENV)/.installed
	$(SNAKEMAKE) --cores $(CORES)

test: $(VENV)/.installed $(VENV)/cffconvert/bin/cffconvert
	$(BIN)/python -m pytest -q

# `make test-unit`: the tests that run no Snakemake (tests/unit), for a quick check while editing
test-unit: $(VENV)/.installed
	$(BIN)/python -m pytest -q tests/unit

smoke: $(VENV)/.installed
	$(SNAKEMAKE) --cores $(CORES) --configfile config/smoke.yaml

# `make slurm`: the whole study as Slurm jobs (profiles/slurm), from a cluster's login node;
# `make slurm-gpu`: training on GPU nodes (profiles/slurm-gpu). SLURM_FLAGS: more snakemake flags.
SLURM_FLAGS ?=
SLURM_PLUGIN_CHECK = @$(BIN)/python -c "import snakemake_executor_plugin_slurm" 2>/dev/null || { \
	echo "make: Snakemake's Slurm executor is not installed: $(BIN)/pip install -e '.[slurm]'" >&2; exit 1; }

slurm: $(VENV)/.installed
	$(SLURM_PLUGIN_CHECK)
	$(SNAKEMAKE) --profile profiles/slurm $(SLURM_FLAGS)

slurm-gpu: $(VENV)/.installed
	$(SLURM_PLUGIN_CHECK)
	$(SNAKEMAKE) --profile profiles/slurm-gpu $(SLURM_FLAGS)

report: $(VENV)/.installed
	$(SNAKEMAKE) --cores $(CORES) results/report/index.html

# `make publish`: the files to upload: the report folder with its RO-Crate, zipped (report.zip),
# and the cached models and evaluations it lists (models.zip, which `make restore` reads)
publish: $(VENV)/.installed
	$(SNAKEMAKE) --cores $(CORES) results/report/ro-crate-metadata.json
	$(BIN)/python -m vaelab publish --report-dir results/report --out results/report.zip \
		$(if $(CACHE),--models-out results/models.zip)

# `make restore MODELS=models.zip` (a path or a URL): a published archive into the cache, checked
# against its crate; then `make` trains and evaluates nothing the archive holds
MODELS ?= results/models.zip
restore: $(VENV)/.installed
	$(if $(CACHE),,$(error make restore needs a cache folder: CACHE= turns it off))
	$(BIN)/python -m vaelab restore-models "$(MODELS)" --cache "$(abspath $(CACHE))"

# `make workflow-crate`: vaelab's own Workflow RO-Crate, ro-crate-metadata.json at the root (committed);
# `make config-readme`: config/README.md from the config schema's descriptions (committed)
workflow-crate: $(VENV)/.installed
	$(BIN)/python tools/workflow_crate.py

config-readme: $(VENV)/.installed
	$(BIN)/python tools/config_readme.py

dag: $(VENV)/.installed
	mkdir -p docs
	$(BIN)/snakemake --rulegraph | dot -Tsvg > docs/rulegraph.svg

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/pip || { py=$$(PYTHON='$(PYTHON)' $(SHELL) tools/find_python.sh) && "$$py" -m venv --clear $(VENV); }
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[slurm]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

# cffconvert (tests/unit/test_release.py checks CITATION.cff) pins jsonschema<4, which Snakemake's
# jsonschema 4 excludes: it gets a venv of its own inside .venv
$(VENV)/cffconvert/bin/cffconvert: $(VENV)/.installed
	$(BIN)/python -m venv $(VENV)/cffconvert
	$(VENV)/cffconvert/bin/pip install -q cffconvert==2.0.0

# `make bench`: measure this machine (run it idle); writes benchmarks/RESULTS.md and RESULTS.json.
# e.g. make bench BENCH_FLAGS="--full-run benchmarks/FULL_RUN.json"   (or BENCH_FLAGS=--quick)
BENCH_FLAGS ?=

# `make fullrun`: the whole study from an empty results tree, timed, with the matmul ceiling
# measured just before and after it (benchmarks/FULL_RUN.json, for `make bench`)
fullrun: $(VENV)/.installed
	$(BIN)/python -m benchmarks.full_run --cores $(CORES)

# `make readerpath`: the whole study from an empty tree beside the reader's path (a fresh clone,
# models.zip restored), timed in one go; e.g. READER_FLAGS="--configfile config/smoke.yaml"
READER_FLAGS ?=
readerpath: $(VENV)/.installed
	$(BIN)/python -m benchmarks.reader_path $(READER_FLAGS)

bench: $(VENV)/.installed
	$(BIN)/python -m benchmarks.run $(BENCH_FLAGS)

clean:
	rm -rf results .snakemake
