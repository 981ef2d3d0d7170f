# Reference p values for crm_research.audit, from R's own distribution functions.
# Regenerate: Rscript tests/reference/audit/make_reference.R  (run from the repository root)
cases <- data.frame(
  kind = c("t", "t", "t", "F", "F", "F", "chi2", "chi2", "z"),
  stat = c(2.10, -3.456, 1.2, 29.31, 4.5, 85.306, 85.306, 3.84, 1.96),
  df1  = c(30, 478, 5, 10, 2, 3, 24, 1, NA),
  df2  = c(NA, NA, NA, 470, 100, 24, NA, NA, NA)
)
p <- numeric(nrow(cases))
for (i in seq_len(nrow(cases))) {
  s <- cases$stat[i]
  p[i] <- switch(cases$kind[i],
    t = 2 * pt(-abs(s), cases$df1[i]),
    F = pf(s, cases$df1[i], cases$df2[i], lower.tail = FALSE),
    chi2 = pchisq(s, cases$df1[i], lower.tail = FALSE),
    z = 2 * pnorm(-abs(s)))
}
cases$p <- sprintf("%.17g", p)
out <- file.path("tests", "reference", "audit", "p_values.csv")
write.csv(cases, out, row.names = FALSE, na = "")
writeLines(c(R.version.string), file.path("tests", "reference", "audit", "versions.txt"))
