# Reference values for crm_research.reliability from R's psych and lavaan.
# Regenerate from the repository root: Rscript tests/reference/reliability/make_reference.R
suppressPackageStartupMessages({library(psych); library(psychTools); library(lavaan)})
dir <- file.path("tests", "reference", "reliability")
data(bfi, package = "psychTools")
data(HolzingerSwineford1939, package = "lavaan")
bfi_items <- bfi[, 1:25]
write.csv(bfi_items, file.path(dir, "bfi.csv"), row.names = FALSE, na = "")
hs <- HolzingerSwineford1939[, paste0("x", 1:9)]
write.csv(hs, file.path(dir, "hs1939.csv"), row.names = FALSE)

sets <- list(
  bfi_C = list(data = bfi_items[, paste0("C", 1:5)], keys = c(1, 1, 1, -1, -1)),
  bfi_A = list(data = bfi_items[, paste0("A", 1:5)], keys = c(-1, 1, 1, 1, 1)),
  bfi_N = list(data = bfi_items[, paste0("N", 1:5)], keys = c(1, 1, 1, 1, 1)),
  hs_visual = list(data = hs[, c("x1", "x2", "x3")], keys = c(1, 1, 1)),
  hs_speed = list(data = hs[, c("x7", "x8", "x9")], keys = c(1, 1, 1))
)
summ <- list(); items <- list()
for (nm in names(sets)) {
  d <- sets[[nm]]$data
  k <- sets[[nm]]$keys
  # reverse-key as psych does with keys: 7 - x for the 1..6 bfi scale (max + min - x)
  if (any(k < 0)) for (j in which(k < 0)) d[, j] <- 7 - d[, j]
  for (miss in c("pairwise", "listwise")) {
    dd <- if (miss == "listwise") d[complete.cases(d), ] else d
    a <- psych::alpha(dd, check.keys = FALSE, warnings = FALSE)
    n <- if (miss == "listwise") nrow(dd) else a$total$n.obs
    ci <- a$feldt
    summ[[length(summ) + 1]] <- data.frame(set = nm, missing = miss, n = nrow(dd),
      raw_alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha, G6 = a$total[["G6(smc)"]],
      average_r = a$total$average_r, feldt_lower = as.numeric(ci$lower.ci), feldt_upper = as.numeric(ci$upper.ci))
    st <- a$item.stats; dr <- a$alpha.drop
    items[[length(items) + 1]] <- data.frame(set = nm, missing = miss, item = rownames(st),
      n = st$n, raw_r = st$raw.r, std_r = st$std.r, r_cor = st$r.cor, r_drop = st$r.drop,
      mean = st$mean, sd = st$sd, alpha_drop = dr$raw_alpha, std_alpha_drop = dr$std.alpha)
  }
}
summ <- do.call(rbind, summ); items <- do.call(rbind, items)
write.csv(format(summ, digits = 15), file.path(dir, "alpha_summary.csv"), row.names = FALSE)
write.csv(format(items, digits = 15), file.path(dir, "alpha_items.csv"), row.names = FALSE)

# McDonald's omega total from a one-factor ML model (lavaan), (sum lambda)^2 / ((sum lambda)^2 + sum theta)
om <- list()
for (nm in names(sets)) {
  d <- sets[[nm]]$data
  k <- sets[[nm]]$keys
  if (any(k < 0)) for (j in which(k < 0)) d[, j] <- 7 - d[, j]
  d <- d[complete.cases(d), ]
  vars <- colnames(d)
  fit <- lavaan::cfa(paste("f =~", paste(vars, collapse = " + ")), data = d, std.lv = TRUE)
  pe <- parameterEstimates(fit)
  lam <- pe$est[pe$op == "=~"]; th <- pe$est[pe$op == "~~" & pe$lhs == pe$rhs & pe$lhs %in% vars]
  std <- standardizedSolution(fit)
  ls <- std$est.std[std$op == "=~"]
  om[[length(om) + 1]] <- data.frame(set = nm, n = nrow(d),
    omega_total = sum(lam)^2 / (sum(lam)^2 + sum(th)),
    omega_std = sum(ls)^2 / (sum(ls)^2 + sum(1 - ls^2)))
}
write.csv(format(do.call(rbind, om), digits = 15), file.path(dir, "omega.csv"), row.names = FALSE)

# split-half (odd/even items, Spearman-Brown) on complete cases
sh <- list()
for (nm in names(sets)) {
  d <- sets[[nm]]$data
  k <- sets[[nm]]$keys
  if (any(k < 0)) for (j in which(k < 0)) d[, j] <- 7 - d[, j]
  d <- d[complete.cases(d), ]
  odd <- rowSums(d[, seq(1, ncol(d), 2), drop = FALSE]); even <- rowSums(d[, seq(2, ncol(d), 2), drop = FALSE])
  r <- cor(odd, even)
  sh[[length(sh) + 1]] <- data.frame(set = nm, r_halves = r, spearman_brown = 2 * r / (1 + r))
}
write.csv(format(do.call(rbind, sh), digits = 15), file.path(dir, "split_half.csv"), row.names = FALSE)
writeLines(c(R.version.string, paste("psych", packageVersion("psych")), paste("lavaan", packageVersion("lavaan")),
             paste("psychTools", packageVersion("psychTools"))), file.path(dir, "versions.txt"))
