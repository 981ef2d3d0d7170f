# Edge cases the peers' test suites found (issue #16), with psych::alpha as the reference.
# Regenerate from the repository root: Rscript tests/reference/reliability/make_edge_cases.R
# - few_respondents.csv: 4 complete respondents, 6 items (n < k): alpha is computable, the
#   correlation matrix is singular, so G6 (lambda 6) is undefined (psych's Pinv gives a number;
#   crm_research reports NaN with a StatWarning).
# - pairwise_sparse.csv: 24 respondents, 5 items, 60% of the answers missing at random, drawn until
#   the pairwise correlation matrix is not positive definite; psych clips SMCs to [0, 1] and G6 <= 1.
suppressPackageStartupMessages(library(psych))
dir <- file.path("tests", "reference", "reliability")
set.seed(16)
few <- as.data.frame(matrix(pmin(5, pmax(1, round(3 + rep(c(-1.5, -0.5, 0.5, 1.5), 6) + rnorm(24)))), 4, 6,
                            dimnames = list(NULL, letters[1:6])))
write.csv(few, file.path(dir, "few_respondents.csv"), row.names = FALSE)
# draw until the pairwise correlation matrix is indefinite (the case where SMCs leave [0, 1])
repeat {
  z <- rnorm(24)
  sp <- as.data.frame(sapply(1:5, function(j) z + rnorm(24, sd = 0.5)))
  colnames(sp) <- paste0("q", 1:5)
  sp[matrix(runif(120) < 0.6, 24, 5)] <- NA
  r <- cov2cor(cov(sp, use = "pairwise"))
  if (!anyNA(r) && min(eigen(r)$values) < 0) break
}
write.csv(sp, file.path(dir, "pairwise_sparse.csv"), row.names = FALSE, na = "")
out <- list()
for (nm in c("few_respondents", "pairwise_sparse")) {
  d <- read.csv(file.path(dir, paste0(nm, ".csv")))
  a <- suppressWarnings(suppressMessages(psych::alpha(d, check.keys = FALSE, warnings = FALSE)))
  out[[nm]] <- data.frame(set = nm, raw_alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha,
                          G6 = a$total[["G6(smc)"]], average_r = a$total$average_r,
                          min_eigen_R = min(eigen(cov2cor(cov(d, use = "pairwise")))$values))
  st <- a$alpha.drop
  write.csv(format(data.frame(item = rownames(st), alpha_drop = st$raw_alpha, std_alpha_drop = st$std.alpha,
                              r_drop = a$item.stats$r.drop), digits = 15),
            file.path(dir, paste0(nm, "_items.csv")), row.names = FALSE)
}
write.csv(format(do.call(rbind, out), digits = 15), file.path(dir, "edge_cases.csv"), row.names = FALSE)
