#!/usr/bin/env bash
# Exports the development tables of the quality bar to CSV (blank cells for NA):
#   CreditCard   (r-cran-aer,     1,319 rows: yes/no flags, amounts, counts)
#   HouseVotes84 (r-cran-mlbench,   435 rows: 16 y/n votes with many blanks, party)
#   BreastCancer (r-cran-mlbench,   699 rows: ordinal codes 1-10, blanks, class; Id is an id column)
#   Affairs      (r-cran-aer,       601 rows: counts, ages, ratings, two flags)
#   HousePrices  (r-cran-aer,       546 rows: prices, lot sizes, room counts, six yes/no flags)
#   DoctorVisits (r-cran-aer,     5,190 rows: visit counts, scaled age and income, five yes/no flags)
#   Ozone        (r-cran-mlbench,   366 rows: date codes V1-V3, ten weather readings with blanks)
# and the generated customers table (benchmarks/tables/customers.py, 2,000 rows, seed 1).
# Both packages are GPL (see /usr/share/doc/r-cran-*/copyright), so the CSVs are made here, not shipped in samples/.
# Usage: benchmarks/tables/export-r-tables.sh OUT_DIR   (install: apt-get install r-cran-aer r-cran-mlbench)
set -euo pipefail
out="${1:?usage: $0 OUT_DIR}"
mkdir -p "$out"
command -v Rscript >/dev/null || { echo "Rscript not found: apt-get install r-cran-aer r-cran-mlbench" >&2; exit 1; }
Rscript -e '
args <- commandArgs(trailingOnly = TRUE)
suppressPackageStartupMessages({ library(AER); library(mlbench) })
tables <- c(creditcard = "CreditCard", housevotes84 = "HouseVotes84", breastcancer = "BreastCancer", affairs = "Affairs",
            houseprices = "HousePrices", doctorvisits = "DoctorVisits", ozone = "Ozone")
for (file in names(tables)) {
  do.call(data, list(tables[[file]]))
  write.csv(get(tables[[file]]), file.path(args[1], paste0(file, ".csv")), row.names = FALSE, na = "")
}
' "$out"
"$(dirname "$0")/customers.py" 2000 "$out/customers.csv" 1
wc -l "$out"/*.csv
