# Reference intervals for crm_research.frequencies from base R.
# Wilson = prop.test(correct = FALSE); Clopper-Pearson = binom.test.
# Regenerate from the repository root: Rscript tests/reference/frequencies/make_reference.R
cases <- data.frame(x = c(0, 3, 47, 235, 481, 49, 247), n = c(20, 20, 60, 481, 481, 481, 481))
res <- t(apply(cases, 1, function(r) {
  w <- prop.test(r[["x"]], r[["n"]], correct = FALSE)$conf.int
  cp <- binom.test(r[["x"]], r[["n"]])$conf.int
  c(w[1], w[2], cp[1], cp[2])
}))
colnames(res) <- c("wilson_low", "wilson_high", "cp_low", "cp_high")
out <- cbind(cases, apply(res, 2, function(v) sprintf("%.15g", v)))
write.csv(out, file.path("tests", "reference", "frequencies", "intervals.csv"), row.names = FALSE)
writeLines(R.version.string, file.path("tests", "reference", "frequencies", "versions.txt"))
