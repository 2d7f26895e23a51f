# The targets the README names. Only Python 3.11+ and make are needed: the first target that
# needs the environment installs uv into .tools/ and syncs .venv/ from uv.lock.
PY ?= python3
VENV := .venv
UV := .tools/bin/uv
UV_VERSION := 0.13.9
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# .pyc files written once at install: a cold start of every dtks command is ~1 s shorter
# (Python does not write them itself where PYTHONDONTWRITEBYTECODE is set)
export UV_COMPILE_BYTECODE := 1

.PHONY: env demo check test lint format bench clean

env: $(VENV)/.synced

$(UV):
	$(PY) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PY)
	@touch $@

demo: env
	$(VENV)/bin/dtks demo --home demo-data

# the fast tier while developing: everything but the tests marked slow (see pyproject.toml)
check: env
	$(VENV)/bin/python -m pytest -q -m "not slow"

# the whole suite, as CI runs it
test: env
	$(VENV)/bin/python -m pytest -q

lint: env
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: env
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# the province-scale data roots, built once (minutes) and reused by later `make bench` runs
BENCH_ROOT ?= /tmp/dtks-bench
bench: env
	$(UV) sync --frozen --group bench
	$(VENV)/bin/python benchmarks/bench_finalize.py
	$(VENV)/bin/python benchmarks/bench_demo_month.py
	$(VENV)/bin/python benchmarks/bench_ingest.py
	$(VENV)/bin/python benchmarks/bench_dedup.py
	$(VENV)/bin/python benchmarks/bench_dedup_scale.py
	$(VENV)/bin/python benchmarks/bench_province_scale.py --root $(BENCH_ROOT)/kapuas
	$(VENV)/bin/python benchmarks/bench_read_decide.py --root $(BENCH_ROOT)/kapuas --steps
	$(VENV)/bin/python benchmarks/bench_province.py --root $(BENCH_ROOT)/kabkota
	$(VENV)/bin/python benchmarks/bench_load.py
	$(VENV)/bin/python benchmarks/bench_xlsx.py
	$(VENV)/bin/python benchmarks/bench_variants.py
	$(VENV)/bin/python benchmarks/bench_review_identity.py
	$(VENV)/bin/python benchmarks/bench_dtsen.py
	$(VENV)/bin/python benchmarks/bench_fuzz.py

clean:
	rm -rf $(VENV) .tools .pytest_cache .ruff_cache
