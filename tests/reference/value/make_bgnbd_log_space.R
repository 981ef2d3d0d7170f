# BG/NBD P(alive) and conditional expected purchases (Fader, Hardie & Lee 2005a, eqs. 10 and 11)
# at the published CDNOW estimates, for ordinary and very frequent buyers (issue #16: overflow).
# Independent of crm_research: the Gaussian hypergeometric function is summed here term by term in
# log space (no Euler transformation, no special-function library), and P(alive) uses the
# log of the odds ratio delta(x>0) a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x).
# Regenerate from the repository root: Rscript tests/reference/value/make_bgnbd_log_space.R
dir <- file.path("tests", "reference", "value")
r <- 0.243; al <- 4.414; a <- 0.793; b <- 2.426
logsumexp <- function(v) { m <- max(v); m + log(sum(exp(v - m))) }
log2f1 <- function(p, q, s, z, K = 200000) {        # all of p, q, s > 0 and 0 <= z < 1 here
  k <- 0:K
  lt <- lgamma(p + k) - lgamma(p) + lgamma(q + k) - lgamma(q) - lgamma(s + k) + lgamma(s) - lgamma(k + 1) + k * log(z)
  stopifnot(lt[K + 1] < max(lt) - 60)               # the series has converged
  logsumexp(lt)
}
cust <- data.frame(
  t = c(39, 10, 39, 52, 52, 52, 26, 4, 52),
  x = c(2, 2, 0, 50, 200, 1000, 5000, 1000, 300),
  t_x = c(30.43, 30.43, 0, 38, 100, 100, 100, 1, 30),
  T = c(38.86, 38.86, 38.86, 38.86, 100, 100, 100, 1.2, 100))
lodds <- with(cust, ifelse(x > 0, log(a) - log(b + x - 1) + (r + x) * (log(al + T) - log(al + t_x)), -Inf))
cust$p_alive <- 1 / (1 + exp(lodds))
cust$expected <- NA
for (i in seq_len(nrow(cust))) {
  with(cust[i, ], {
    z <- t / (al + T + t)
    lp <- (r + x) * log((al + T) / (al + T + t)) + log2f1(r + x, b + x, a + b + x - 1, z)
    cust$expected[i] <<- (a + b + x - 1) / (a - 1) * (1 - exp(lp)) / (1 + exp(lodds[i]))
  })
}
write.csv(format(cust, digits = 15), file.path(dir, "bgnbd_conditional.csv"), row.names = FALSE)
writeLines(R.version.string, file.path(dir, "bgnbd_conditional_versions.txt"))
