# Credence: the two commands of the README, and a few more.
#   make demo   installs what is missing, builds in release mode, checks the core and runs the
#               flagship example (learn the win-back model from a table with gaps, ask a what-if)
#   make test   installs what is missing, runs the whole test suite, then checks that pyAgrum
#               and pgmpy read every export of every shipped model with the same numbers
#               (Benchmarks/peers/check_interop.py, in the venv of Benchmarks/peers/setup.sh)
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin
SWIFT ?= swift
RELEASE_BIN := .build/release

.PHONY: demo test deps build bench-kernels clean

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product credence

demo: build
	$(RELEASE_BIN)/credence --version
	$(RELEASE_BIN)/credence selfcheck
	$(RELEASE_BIN)/credence run examples/flagship_winback.cred

test: deps
	$(SWIFT) test
	$(SWIFT) build -c release --product credence
	bash Benchmarks/peers/setup.sh
	Benchmarks/peers/.venv/bin/python Benchmarks/peers/check_interop.py --credence $(RELEASE_BIN)/credence

# The contraction benchmark of BENCHMARKS.md (release build; takes ~15 minutes to 512 MiB).
bench-kernels: deps
	$(SWIFT) build -c release --product KernelBench
	$(RELEASE_BIN)/KernelBench --max-mb $${MAX_MB:-512} --repeat $${REPEAT:-3} --json Benchmarks/results/kernels.json

clean:
	rm -rf .build
