# Credence: the two commands of the README, and a few more.
#   make demo   installs what is missing, builds in release mode, checks the core and runs the
#               flagship example (learn the win-back model from a table with gaps, ask a what-if)
#   make docs-images  regenerates the pictures of README and docs/models (scripts/render-docs.sh)
#   make test   installs what is missing (with the render tools: graphviz, librsvg2-bin,
#               fonts-noto-cjk), runs the whole test suite, then checks that pyAgrum
#               and pgmpy read every export of every shipped model with the same numbers
#               (Benchmarks/peers/check_interop.py, in the venv of Benchmarks/peers/setup.sh),
#               that influence diagrams solve as pyAgrum solves them (bench_decisions.py),
#               the Python package (make test-python, which also checks with
#               scripts/check-c-deps.sh that libcredence_c.so needs only libc, libm,
#               libstdc++, OpenBLAS and zlib), credence.spark on a local[2] session
#               (make test-spark) and `credence serve` in headless chromium
#               (Tests/browser/test_workbench.py)
#   make bench-serve  wrk against credence serve (BENCHMARKS.md; needs install-deps.sh --browser)
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin
SWIFT ?= swift
RELEASE_BIN := .build/release

.PHONY: demo test test-python test-spark deps deps-render build bench-kernels bench-serve docs-images clean

deps:
	@bash scripts/install-deps.sh

deps-render:
	@bash scripts/install-deps.sh --render

build: deps
	$(SWIFT) build -c release --product credence

demo: build
	$(RELEASE_BIN)/credence --version
	$(RELEASE_BIN)/credence selfcheck
	$(RELEASE_BIN)/credence run examples/flagship_winback.cred

test: deps-render
	$(SWIFT) test
	$(SWIFT) build -c release --product credence
	$(MAKE) test-python
	$(MAKE) test-spark
	bash Benchmarks/peers/setup.sh
	Benchmarks/peers/.venv/bin/python Benchmarks/peers/check_interop.py --credence $(RELEASE_BIN)/credence
	Benchmarks/peers/.venv/bin/python Benchmarks/peers/bench_decisions.py --credence $(RELEASE_BIN)/credence --runs 1
	# credence serve in a real browser: chromium + chromium-driver, Selenium from requirements/browser.txt
	bash scripts/install-deps.sh --browser
	bash scripts/setup-venv.sh requirements/browser.txt
	.venv/bin/python Tests/browser/test_workbench.py --credence $(RELEASE_BIN)/credence

# The Python package (python/): the C library in release and its dependencies (only libc, libm,
# libstdc++, OpenBLAS and zlib: scripts/check-c-deps.sh), the pinned venv (.venv), the package
# installed as a user would (pip install ./python), its tests against the CLI, the notebook.
test-python:
	$(SWIFT) build -c release --product credence_c
	bash scripts/check-c-deps.sh $(RELEASE_BIN)/libcredence_c.so
	bash scripts/setup-venv.sh
	.venv/bin/python -m pip install --disable-pip-version-check -q ./python
	.venv/bin/python -m pytest -q python/tests --ignore=python/tests/spark
	.venv/bin/jupyter nbconvert --to notebook --execute examples/python_quickstart.ipynb --output-dir examples/output --ExecutePreprocessor.timeout=300

# credence.spark (python/credence/spark.py) on a local[2,4] Spark session: Java 17 from Debian,
# pyspark from requirements/spark.txt in .venv, the package as test-python installs it.
test-spark:
	bash scripts/install-deps.sh --java
	$(SWIFT) build -c release --product credence_c
	bash scripts/setup-venv.sh
	.venv/bin/python -m pip install --disable-pip-version-check -q './python[spark]'
	.venv/bin/python -m pytest -q python/tests/spark

# The contraction benchmark of BENCHMARKS.md (release build; takes ~15 minutes to 512 MiB).
bench-kernels: deps
	$(SWIFT) build -c release --product KernelBench
	$(RELEASE_BIN)/KernelBench --max-mb $${MAX_MB:-512} --repeat $${REPEAT:-3} --json Benchmarks/results/kernels.json

# Load and latency of credence serve (release build; about 4 minutes).
bench-serve: deps
	bash scripts/install-deps.sh --browser
	$(SWIFT) build -c release --product credence
	python3 Benchmarks/serve/bench_serve.py --credence $(RELEASE_BIN)/credence --json Benchmarks/results/serve.json

docs-images: deps-render
	$(SWIFT) build -c release --product credence
	bash scripts/render-docs.sh $(RELEASE_BIN)/credence

clean:
	rm -rf .build
