#!/usr/bin/env bash
# Regenerates docs/cli.md from the help texts of the built credence binary, so the
# reference never drifts from the program. Usage: scripts/gen-cli-docs.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/debug/credence}
out=docs/cli.md
{
  cat <<'HEAD'
# The `credence` command line

Generated from the help texts by `scripts/gen-cli-docs.sh`; do not edit by hand.

Conventions, for every subcommand: results on stdout, errors and progress on stderr;
`--json` prints one JSON document on stdout (the fields are those of the Swift result
types named in each section); the exit status is non-zero on any error; everything random
takes `--seed`. Models are read and written in any supported format by extension (.bn,
.bif, .bif.gz, .xmlbif/.xml/.bifxml, .net, .uai, .xdsl; .dot write only); writes are atomic, and a command
that fails writes nothing. In `--json`, a number JSON cannot hold (an infinite
log-likelihood) is `null`. A first word that is neither a command nor a file is a mistyped
command (exit status 64, with a suggestion). Tables: see "Your own table" in
docs/datasets.md for how columns bind, what is an error and how rows are named.

HEAD
  echo '## `credence`'
  echo
  echo '```'
  "$BIN" --help
  echo '```'
  for cmd in $("$BIN" --help | awk '/^SUBCOMMANDS:/{f=1;next} f && /^  [a-z]/{print $1}' | grep -v '^help$'); do
    echo
    echo "## \`credence $cmd\`"
    echo
    echo '```'
    "$BIN" "$cmd" --help
    echo '```'
  done
} > "$out"
echo "wrote $out" >&2
