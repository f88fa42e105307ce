#!/usr/bin/env bash
# Installs what Credence needs on a Debian machine, only what is missing:
#   - system libraries: libopenblas-dev (BLAS), libedit-dev (REPL line editing), pkg-config,
#     zlib1g-dev (gzip-compressed models); no libxml2-dev: BNFormats reads XML itself
#     (XMLScanner), so nothing links FoundationXML
#   - with --render (what `make test` and scripts/render-docs.sh use): the pictures of
#     `credence render` and the --plot options: graphviz (the `dot` layout), librsvg2-bin
#     (`rsvg-convert`: PNG and PDF from the SVG) and fonts-noto-cjk (glyphs for Chinese labels)
#   - with --browser (`make test`'s browser tests and load runs of `credence serve`): chromium,
#     chromium-driver (Selenium drives it headless) and wrk
#   - with --java (`make test`'s Spark tests): openjdk-17-jre-headless
#   - checks that a Swift 6 toolchain is on PATH (or at /opt/swift/usr/bin).
# Runs as root, or through sudo when available. Safe to run again.
# Usage: bash scripts/install-deps.sh [--render] [--browser] [--java]
set -euo pipefail

packages=(libopenblas-dev libedit-dev pkg-config zlib1g-dev)
for option in "$@"; do
  case "$option" in
    --render) packages+=(graphviz librsvg2-bin fonts-noto-cjk) ;;
    --browser) packages+=(chromium chromium-driver wrk) ;;
    --java) packages+=(openjdk-17-jre-headless) ;;
    *) echo "install-deps: unknown option '$option' (the options are --render, --browser and --java)" >&2; exit 2 ;;
  esac
done

need=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    need+=("$pkg")
  fi
done

if ((${#need[@]})); then
  echo "install-deps: installing ${need[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "install-deps: need root (or sudo) to apt-get install ${need[*]}" >&2; exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  if [ -x /opt/swift/usr/bin/swift ]; then
    echo "install-deps: swift is at /opt/swift/usr/bin; add it to PATH (the Makefile does)" >&2
  else
    echo "install-deps: no Swift toolchain found; install Swift 6 (https://swift.org/install) and retry" >&2
    exit 1
  fi
fi

pkg-config --exists openblas || { echo "install-deps: pkg-config cannot find openblas after install" >&2; exit 1; }
echo "install-deps: all system dependencies present" >&2
