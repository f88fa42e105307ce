#!/bin/sh
# Kept for the older references: the same as `sh datasets/export_modeldata.sh wa_churn [OUT.csv]`.
set -eu
exec sh "$(dirname "$0")/export_modeldata.sh" wa_churn "$@"
