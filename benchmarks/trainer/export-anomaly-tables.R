# Exports the labelled anomaly tables of the Fit vs RandomizedPca comparison (docs/benchmarks.md, issue 21) from Debian's
# R data-set packages: every column numeric, the last one Label (1 = anomaly, 0 = ordinary), complete rows only.
#   creditcard   (AER CreditCard): card == "no" is the anomaly; all 1,023 "yes" rows and 114 "no" rows drawn with
#                set.seed(1) (10% anomalies); owner and selfemp as 0/1.
#   breastcancer (mlbench BreastCancer): malignant is the anomaly; the 683 complete rows' 444 benign and 49 malignant drawn
#                with set.seed(1) (10%); Id dropped, the nine 1-10 codes as numbers.
#   ionosphere   (mlbench Ionosphere): Class "bad" is the anomaly (126 of 351, as in ADBench); V2 (constant) dropped.
#   pima         (mlbench PimaIndiansDiabetes): diabetes "pos" is the anomaly (268 of 768, as in ADBench).
# Both packages are GPL, so the CSVs are made here, not shipped.
# Usage: Rscript benchmarks/trainer/export-anomaly-tables.R OUT_DIR   (install: apt-get install r-cran-aer r-cran-mlbench)
args <- commandArgs(trailingOnly = TRUE)
stopifnot(length(args) == 1)
dir.create(args[1], showWarnings = FALSE, recursive = TRUE)
suppressPackageStartupMessages({ library(AER); library(mlbench) })
save <- function(frame, name) write.csv(frame, file.path(args[1], paste0(name, ".csv")), row.names = FALSE)
flag <- function(f) as.numeric(f == "yes")
code <- function(f) as.numeric(as.character(f))

data(CreditCard)
cc <- CreditCard
cc$owner <- flag(cc$owner); cc$selfemp <- flag(cc$selfemp)
cc$Label <- as.numeric(cc$card == "no"); cc$card <- NULL
set.seed(1)
save(rbind(cc[cc$Label == 0, ], cc[sample(which(cc$Label == 1), 114), ]), "creditcard")

data(BreastCancer)
bc <- BreastCancer[complete.cases(BreastCancer), ]
bc$Id <- NULL
for (c in names(bc)[names(bc) != "Class"]) bc[[c]] <- code(bc[[c]])
bc$Label <- as.numeric(bc$Class == "malignant"); bc$Class <- NULL
set.seed(1)
save(rbind(bc[bc$Label == 0, ], bc[sample(which(bc$Label == 1), 49), ]), "breastcancer")

data(Ionosphere)
io <- Ionosphere
io$V1 <- code(io$V1); io$V2 <- NULL
io$Label <- as.numeric(io$Class == "bad"); io$Class <- NULL
save(io, "ionosphere")

data(PimaIndiansDiabetes)
pi <- PimaIndiansDiabetes
pi$Label <- as.numeric(pi$diabetes == "pos"); pi$diabetes <- NULL
save(pi, "pima")
for (f in list.files(args[1], pattern = "\\.csv$", full.names = TRUE)) cat(f, nrow(read.csv(f)), "rows\n")
