#!/bin/sh
# Exports a table of the Debian package r-cran-modeldata into a CSV, exactly as R holds it:
# numeric columns stay numeric, factor columns keep their level names, NA cells are empty.
#
#   wa_churn     IBM telco customer churn: 7,043 customers, 20 columns, 11 empty cells
#                (the customers with tenure 0 have no total_charges)
#   mlc_churn    MLC++ telecom churn: 5,000 customers, 20 columns, no empty cell
#   credit_data  bank credit customers: 4,454 rows, 14 columns, 455 empty cells
#
# Any other table of the package is written too (a data frame is required); the three
# above are also checked against the sizes given here.
#
# Usage (root, or a user with sudo, on Debian):
#   sh datasets/export_modeldata.sh TABLE [OUT.csv]     # OUT defaults to datasets/TABLE.csv
# Needs: apt (Debian's r-base-core and r-cran-modeldata, 1.1.0-1 at the time of writing).
set -eu
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: sh $0 TABLE [OUT.csv]   (e.g. wa_churn, mlc_churn, credit_data)" >&2
    exit 2
fi
table=$1
out=${2:-"$(dirname "$0")/$table.csv"}
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
  args <- commandArgs(trailingOnly = TRUE)
  table <- args[1]
  out <- args[2]
  known <- list(wa_churn = c(7043, 20), mlc_churn = c(5000, 20), credit_data = c(4454, 14))
  loaded <- data(list = table, package = "modeldata", envir = environment())
  if (!(table %in% loaded)) stop(sprintf("modeldata has no table %s", table))
  d <- get(table)
  if (!is.data.frame(d)) stop(sprintf("%s is not a data frame", table))
  if (!is.null(known[[table]])) stopifnot(nrow(d) == known[[table]][1], ncol(d) == known[[table]][2])
  write.csv(as.data.frame(d), out, row.names = FALSE, na = "")
  cat(sprintf("wrote %s: %d rows, %d columns, %d missing cells\n", out, nrow(d), ncol(d), sum(is.na(d))))
' "$table" "$out"
