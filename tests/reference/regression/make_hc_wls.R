# Reference values for crm_research.regression.ols(robust = "HC0".."HC3", weights = ):
# sandwich::vcovHC, lm(weights = ) and car::vif on survey.csv (made by make_reference.R).
# Regenerate from the repository root: Rscript tests/reference/regression/make_hc_wls.R
suppressPackageStartupMessages({library(sandwich); library(car)})   # car::hccm as a second opinion
dir <- file.path("tests", "reference", "regression")
d <- read.csv(file.path(dir, "survey.csv"))
set.seed(20261125)
d$w <- round(runif(nrow(d), 0.3, 3), 3)      # case weights, e.g. inverse sampling probabilities
d$w[c(9, 40)] <- NA                           # a missing weight drops the case (as a missing value)
write.csv(data.frame(w = d$w), file.path(dir, "survey_weights.csv"), row.names = FALSE)   # NA written as NA: a blank line would be skipped
d$type <- relevel(factor(d$type), ref = "manufacturer")
f <- loyalty ~ type + quality + value + satisfaction
rows <- list()
for (wt in c("none", "w")) {
  dc <- d[complete.cases(d[, c("loyalty", "type", "quality", "value", "satisfaction", if (wt == "w") "w")]), ]
  m <- if (wt == "w") lm(f, data = dc, weights = w) else lm(f, data = dc)
  s <- summary(m); cf <- s$coefficients
  X <- model.matrix(m)[, -1]
  ww <- if (wt == "w") dc$w else rep(1, nrow(dc))
  wsd <- function(v) sqrt(cov.wt(as.matrix(v), wt = ww)$cov[1, 1])
  beta <- c(NA, coef(m)[-1] * apply(X, 2, wsd) / wsd(dc$loyalty))
  # VIF per column by definition, 1 / (1 - R2_j), with the same weights (car::vif gives the
  # generalised VIF of the two-column factor 'type' instead)
  vif_col <- c(NA, sapply(colnames(X), function(v) {
    1 / (1 - summary(lm(X[, v] ~ X[, colnames(X) != v], weights = ww))$r.squared) }))
  out <- data.frame(weights = wt, type = "classical", term = rownames(cf), b = cf[, 1], se = cf[, 2],
                    beta = beta, vif = vif_col, r2 = s$r.squared, adj_r2 = s$adj.r.squared,
                    f = s$fstatistic[1], n = nrow(dc))
  rows[[length(rows) + 1]] <- out
  for (hc in c("HC0", "HC1", "HC2", "HC3")) {
    V <- vcovHC(m, type = hc)
    Vc <- car::hccm(m, type = tolower(hc))
    stopifnot(max(abs(V - Vc)) < 1e-12)       # sandwich and car agree
    b <- coef(m)[-1]
    fw <- as.numeric(t(b) %*% solve(V[-1, -1], b)) / length(b)   # robust Wald F of all slopes
    rows[[length(rows) + 1]] <- data.frame(weights = wt, type = hc, term = rownames(cf), b = cf[, 1],
                                           se = sqrt(diag(V)), beta = beta, vif = vif_col, r2 = s$r.squared,
                                           adj_r2 = s$adj.r.squared, f = fw, n = nrow(dc))
  }
}
out <- do.call(rbind, rows)
num <- sapply(out, is.numeric)
out[num] <- lapply(out[num], function(v) ifelse(is.na(v), NA, sprintf("%.17g", v)))
write.csv(out, file.path(dir, "hc_wls.csv"), row.names = FALSE, na = "")
writeLines(c(R.version.string, paste("sandwich", packageVersion("sandwich")), paste("car", packageVersion("car"))),
           file.path(dir, "make_hc_wls_versions.txt"))
