# Credence: the two commands of the README, and a few more.
#   make demo   installs what is missing, builds in release mode, checks the core and runs the
#               flagship example (learn the win-back model from a table with gaps, ask a what-if)
#   make docs-images  regenerates the pictures of README and docs/models (scripts/render-docs.sh)
#   make test   installs what is missing (with the render tools: graphviz, librsvg2-bin,
#               fonts-noto-cjk), runs the whole test suite, then checks that pyAgrum
#               and pgmpy read every export of every shipped model with the same numbers
#               (Benchmarks/peers/check_interop.py, in the venv of Benchmarks/peers/setup.sh) and
#               that influence diagrams solve as pyAgrum solves them (bench_decisions.py)
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin
SWIFT ?= swift
RELEASE_BIN := .build/release

.PHONY: demo test deps deps-render build bench-kernels docs-images clean

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
	bash Benchmarks/peers/setup.sh
	Benchmarks/peers/.venv/bin/python Benchmarks/peers/check_interop.py --credence $(RELEASE_BIN)/credence
	Benchmarks/peers/.venv/bin/python Benchmarks/peers/bench_decisions.py --credence $(RELEASE_BIN)/credence --runs 1

# The contraction benchmark of BENCHMARKS.md (release build; takes ~15 minutes to 512 MiB).
bench-kernels: deps
	$(SWIFT) build -c release --product KernelBench
	$(RELEASE_BIN)/KernelBench --max-mb $${MAX_MB:-512} --repeat $${REPEAT:-3} --json Benchmarks/results/kernels.json

docs-images: deps-render
	$(SWIFT) build -c release --product credence
	bash scripts/render-docs.sh $(RELEASE_BIN)/credence

clean:
	rm -rf .build
