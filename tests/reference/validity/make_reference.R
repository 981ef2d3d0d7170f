# Reference values for crm_research.validity from R's psych, lavaan and semTools.
# Regenerate from the repository root: Rscript tests/reference/validity/make_reference.R
suppressPackageStartupMessages({library(psych); library(psychTools); library(lavaan); library(semTools); library(GPArotation)})
dir <- file.path("tests", "reference", "validity")
data(bfi, package = "psychTools")
b <- bfi[complete.cases(bfi[, 1:25]), 1:25]
write.csv(b, file.path(dir, "bfi_complete.csv"), row.names = FALSE)
hs <- read.csv(file.path(dir, "hs1939.csv"))

k <- KMO(b)
write.csv(data.frame(item = c("overall", names(k$MSAi)), msa = sprintf("%.15g", c(k$MSA, k$MSAi))),
          file.path(dir, "kmo_bfi.csv"), row.names = FALSE)
bt <- cortest.bartlett(cor(b), n = nrow(b))
write.csv(data.frame(chi2 = sprintf("%.15g", bt$chisq), df = bt$df, p = sprintf("%.15g", bt$p.value)),
          file.path(dir, "bartlett_bfi.csv"), row.names = FALSE)

efa_out <- list()
for (rot in c("varimax", "promax", "oblimin")) for (fm in c("minres", "ml")) {
  f <- fa(b, nfactors = 5, rotate = rot, fm = fm)
  L <- unclass(f$loadings)
  efa_out[[length(efa_out) + 1]] <- data.frame(rotation = rot, method = fm, item = rownames(L),
    matrix(sprintf("%.12g", L), nrow = nrow(L), dimnames = list(NULL, paste0("F", 1:5))),
    communality = sprintf("%.12g", f$communality))
}
write.csv(do.call(rbind, efa_out), file.path(dir, "efa_bfi.csv"), row.names = FALSE)

model <- "visual =~ x1 + x2 + x3\n textual =~ x4 + x5 + x6\n speed =~ x7 + x8 + x9"
fit <- cfa(model, data = hs)
fm <- fitMeasures(fit, c("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper",
                         "srmr", "gfi", "agfi", "baseline.chisq", "baseline.df"))
write.csv(data.frame(measure = names(fm), value = sprintf("%.15g", unclass(fm))), file.path(dir, "cfa_hs_fit.csv"), row.names = FALSE)
ss <- standardizedSolution(fit)
ss <- ss[ss$op %in% c("=~", "~~"), c("lhs", "op", "rhs", "est.std", "se", "z", "pvalue")]
write.csv(ss, file.path(dir, "cfa_hs_std.csv"), row.names = FALSE)
pe <- parameterEstimates(fit)[, c("lhs", "op", "rhs", "est", "se")]
write.csv(pe, file.path(dir, "cfa_hs_est.csv"), row.names = FALSE)
h <- htmt(model, data = hs)
write.csv(format(as.data.frame(unclass(h)), digits = 15), file.path(dir, "htmt_hs.csv"))
# CR and AVE from standardised loadings: CR = (sum l)^2 / ((sum l)^2 + sum(1 - l^2)); AVE = mean(l^2)
l <- ss[ss$op == "=~", ]
cr <- tapply(l$est.std, l$lhs, function(v) sum(v)^2 / (sum(v)^2 + sum(1 - v^2)))
ave <- tapply(l$est.std, l$lhs, function(v) mean(v^2))
write.csv(data.frame(construct = names(cr), cr = sprintf("%.15g", cr), ave = sprintf("%.15g", ave[names(cr)])),
          file.path(dir, "cr_ave_hs.csv"), row.names = FALSE)
set.seed(1)
pa <- fa.parallel(b, fa = "fa", fm = "minres", n.iter = 20, plot = FALSE)
writeLines(c(paste("nfact", pa$nfact), paste("eigen_gt_1", sum(eigen(cor(b))$values > 1))), file.path(dir, "parallel_bfi.txt"))
writeLines(c(R.version.string, paste("psych", packageVersion("psych")), paste("lavaan", packageVersion("lavaan")),
             paste("semTools", packageVersion("semTools")), paste("GPArotation", packageVersion("GPArotation"))),
           file.path(dir, "versions.txt"))
