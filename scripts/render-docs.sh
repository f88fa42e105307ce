#!/usr/bin/env bash
# Regenerates the pictures of the docs with `credence render` (needs graphviz, librsvg2-bin
# and fonts-noto-cjk: bash scripts/install-deps.sh --render; `make docs-images` does both):
#   docs/images/dealer_winback_complainers.png  README: the flagship model under the
#       complainers' evidence (Complaint=yes, examples/flagship_winback.cred), Returned the target
#   docs/models/images/MODEL.png                each shipped model, its prior marginals, arc
#       width by the mutual information of the arc's ends
# Usage: bash scripts/render-docs.sh [CREDENCE_BINARY]   (default .build/release/credence)
set -euo pipefail
cd "$(dirname "$0")/.."
credence="${1:-.build/release/credence}"
[ -x "$credence" ] || { echo "render-docs: no credence binary at $credence (swift build -c release --product credence)" >&2; exit 1; }

mkdir -p docs/images docs/models/images
"$credence" render models/dealer_winback.bn --evidence Complaint=yes --targets Returned --arc-strength mi \
  --output docs/images/dealer_winback_complainers.png
for model in models/*.bn; do
  name="$(basename "$model" .bn)"
  "$credence" render "$model" --arc-strength mi --output "docs/models/images/$name.png"
done
