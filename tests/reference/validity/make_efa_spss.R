# Reference values for validity.efa(method="principal") and EFAResult.variance_table (issue #16):
# psych::principal (SPSS's principal-component extraction) and psych::fa loadings, and SPSS's
# "Total variance explained" computed here from its definitions:
#   initial     eigenvalues of R, % = 100 * eigenvalue / p, cumulative %
#   extraction  column sums of squares of the unrotated loadings (first k rows)
#   rotation    orthogonal: column sums of squares of the rotated loadings, % and cumulative %;
#               oblique: column sums of squares of the structure matrix (pattern %*% Phi), which
#               SPSS prints without % (correlated factors' variances do not add).
# Also the Heywood data set (heywood.csv): a 1-factor minres solution with a communality > 1.
# Regenerate from the repository root: Rscript tests/reference/validity/make_efa_spss.R
suppressPackageStartupMessages({library(psych); library(GPArotation)})
dir <- file.path("tests", "reference", "validity")
b <- read.csv(file.path(dir, "bfi_complete.csv"))
p <- ncol(b); k <- 5
ev <- eigen(cor(b))$values
vt <- function(unrot, L, Phi) {
  ext <- colSums(unrot^2)
  S <- if (is.null(Phi)) L else L %*% Phi
  rot <- colSums(S^2)
  pad <- function(v) c(v, rep(NA, p - length(v)))
  data.frame(initial_total = ev, initial_pct = 100 * ev / p, initial_cum_pct = cumsum(100 * ev / p),
             extraction_total = pad(ext), extraction_pct = pad(100 * ext / p), extraction_cum_pct = pad(cumsum(100 * ext / p)),
             rotation_total = pad(rot),
             rotation_pct = pad(if (is.null(Phi)) 100 * rot / p else rep(NA, k)),
             rotation_cum_pct = pad(if (is.null(Phi)) cumsum(100 * rot / p) else rep(NA, k)))
}
load_out <- list(); var_out <- list()
for (rot in c("none", "varimax", "promax", "oblimin")) for (fm in c("principal", "minres")) {
  if (fm == "principal" && rot == "promax") {
    # SPSS rotates by "Promax with Kaiser Normalization", which psych::fa uses (kaiser(, "Promax"));
    # psych::principal's "promax" is stats::promax without Kaiser normalization of the target step.
    # So: psych's Kaiser-normalised Promax of the principal components, then psych::principal's own
    # ordering (by column sums of squares of the pattern) and signs (positive column sums).
    u <- principal(b, nfactors = k, rotate = "none")
    pro <- kaiser(unclass(u$loadings), rotate = "Promax")
    L0 <- unclass(pro$loadings); o <- order(colSums(L0^2), decreasing = TRUE)
    s0 <- sign(colSums(L0)); L0 <- (L0 %*% diag(s0))[, o]
    f <- list(loadings = L0, communality = rowSums(unclass(u$loadings)^2),
              Phi = (diag(s0) %*% pro$Phi %*% diag(s0))[o, o])
    rownames(f$loadings) <- colnames(b)
  } else if (fm == "principal") {
    f <- principal(b, nfactors = k, rotate = rot); u <- principal(b, nfactors = k, rotate = "none")
  } else {
    f <- fa(b, nfactors = k, rotate = rot, fm = fm); u <- fa(b, nfactors = k, rotate = "none", fm = fm)
  }
  L <- unclass(f$loadings)
  load_out[[length(load_out) + 1]] <- data.frame(rotation = rot, method = fm, item = rownames(L),
    matrix(sprintf("%.12g", L), nrow = nrow(L), dimnames = list(NULL, paste0("F", 1:k))),
    communality = sprintf("%.12g", f$communality))
  v <- vt(unclass(u$loadings), L, f$Phi)
  var_out[[length(var_out) + 1]] <- data.frame(rotation = rot, method = fm, component = 1:p, v)
}
write.csv(do.call(rbind, load_out), file.path(dir, "efa_spss_loadings.csv"), row.names = FALSE)
write.csv(do.call(rbind, var_out), file.path(dir, "efa_spss_variance.csv"), row.names = FALSE, na = "")

# fa.parallel's default: observed factor eigenvalues against the 95th percentile of the simulated ones
set.seed(16)
pa <- fa.parallel(b, fa = "fa", fm = "minres", n.iter = 20, plot = FALSE)
writeLines(c(paste("nfact", pa$nfact), paste("quant 0.95")), file.path(dir, "parallel_bfi_q95.txt"))

# a Heywood case: one factor of four items whose correlations imply a loading above 1
# (r12 r13 / r23 = 0.9 * 0.85 / 0.6 > 1), drawn with exactly that correlation matrix
set.seed(16)
S <- matrix(c(1, .9, .85, .5,  .9, 1, .6, .45,  .85, .6, 1, .4,  .5, .45, .4, 1), 4, 4)
hw_data <- as.data.frame(MASS::mvrnorm(300, rep(0, 4), S, empirical = TRUE))
colnames(hw_data) <- paste0("h", 1:4)
write.csv(format(hw_data, digits = 15), file.path(dir, "heywood.csv"), row.names = FALSE, quote = FALSE)
hw <- suppressWarnings(fa(hw_data, nfactors = 1, rotate = "none", fm = "minres"))
writeLines(c(paste("max_communality", sprintf("%.12g", max(hw$communality))),
             paste("item", names(which.max(hw$communality)))), file.path(dir, "heywood.txt"))
writeLines(c(R.version.string, paste("psych", packageVersion("psych")), paste("GPArotation", packageVersion("GPArotation"))),
           file.path(dir, "efa_spss_versions.txt"))
