#!/usr/bin/env bash
# Writes Jane Austen's six novels (Debian's r-cran-janeaustenr) into DIR as plain text, one file a novel, the lines as
# the package holds them: models/austen/export-books.sh DIR. The training texts of every model under models/.
set -euo pipefail
dir="${1:?usage: export-books.sh DIR}"
command -v Rscript >/dev/null || { echo "export-books.sh: Rscript not found: apt-get install r-cran-janeaustenr" >&2; exit 2; }
Rscript -e 'library(janeaustenr); d <- commandArgs(TRUE)[1]; b <- austen_books();
  for (n in levels(b$book)) writeLines(b$text[b$book == n], file.path(d, paste0(gsub("[^A-Za-z]+", "_", n), ".txt")))' "$dir" \
  || { echo "export-books.sh: R could not read janeaustenr: apt-get install r-cran-janeaustenr" >&2; exit 2; }
