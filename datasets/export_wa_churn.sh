#!/bin/sh
# Exports the IBM telco customer churn table `wa_churn` (7,043 customers, 20 columns) from
# the Debian package r-cran-modeldata into datasets/wa_churn.csv, exactly as R holds it:
# numeric columns stay numeric, factor columns keep their level names, NA cells are empty.
# The 11 customers with tenure 0 have an empty total_charges.
#
# Usage (root, or a user with sudo, on Debian): sh datasets/export_wa_churn.sh [OUT.csv]
# Needs: apt (Debian's r-base-core and r-cran-modeldata, 1.1.0-1 at the time of writing).
set -eu
out=${1:-"$(dirname "$0")/wa_churn.csv"}
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
if ! command -v Rscript >/dev/null 2>&1 || ! Rscript -e 'library(modeldata)' >/dev/null 2>&1; then
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends r-base-core r-cran-modeldata
fi
# write.csv: comma-separated, header row, strings and factor labels quoted, numbers with up
# to 15 significant digits, NA as an empty cell, no row names. LC_ALL=C keeps the decimal
# point a '.', whatever the locale.
LC_ALL=C Rscript --vanilla -e '
  suppressPackageStartupMessages(library(modeldata))
  data(wa_churn, package = "modeldata")
  stopifnot(nrow(wa_churn) == 7043, ncol(wa_churn) == 20)
  args <- commandArgs(trailingOnly = TRUE)
  write.csv(as.data.frame(wa_churn), args[1], row.names = FALSE, na = "")
  cat(sprintf("wrote %s: %d rows, %d columns, %d missing cells\n", args[1], nrow(wa_churn), ncol(wa_churn), sum(is.na(wa_churn))))
' "$out"
