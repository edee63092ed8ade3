#!/usr/bin/env bash
# Exports the real tables of the quality bar from Debian's R data-set packages to CSV (blank cells for NA):
#   CreditCard   (r-cran-aer,     1,319 rows: yes/no flags, amounts, counts)
#   HouseVotes84 (r-cran-mlbench,   435 rows: 16 y/n votes with many blanks, party)
#   BreastCancer (r-cran-mlbench,   699 rows: ordinal codes 1-10, blanks, class; Id is an id column)
# Both packages are GPL (see /usr/share/doc/r-cran-*/copyright), so the CSVs are made here, not shipped in samples/.
# Usage: benchmarks/tables/export-r-tables.sh OUT_DIR   (install: apt-get install r-cran-aer r-cran-mlbench)
set -euo pipefail
out="${1:?usage: $0 OUT_DIR}"
mkdir -p "$out"
command -v Rscript >/dev/null || { echo "Rscript not found: apt-get install r-cran-aer r-cran-mlbench" >&2; exit 1; }
Rscript -e '
args <- commandArgs(trailingOnly = TRUE)
suppressPackageStartupMessages({ library(AER); library(mlbench) })
data(CreditCard); data(HouseVotes84); data(BreastCancer)
write.csv(CreditCard, file.path(args[1], "creditcard.csv"), row.names = FALSE, na = "")
write.csv(HouseVotes84, file.path(args[1], "housevotes84.csv"), row.names = FALSE, na = "")
write.csv(BreastCancer, file.path(args[1], "breastcancer.csv"), row.names = FALSE, na = "")
' "$out"
wc -l "$out"/*.csv
