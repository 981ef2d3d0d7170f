# Reference values for crm_research.regression.process (PROCESS models 4, 6, 7, 8, 14, 58, 59):
# every equation by lm() and each effect as the product of lm's coefficients, by the definitions
# in Hayes (2022), Introduction to Mediation, Moderation, and Conditional Process Analysis (3rd ed.).
# Regenerate from the repository root: Rscript tests/reference/regression/make_process.R
dir <- file.path("tests", "reference", "regression")
set.seed(20261126)
n <- 250
d <- data.frame(x = rnorm(n, 3, 1), w = rnorm(n, 4, 1.2), g = rbinom(n, 1, 0.4), c1 = rnorm(n))
d$m1 <- 1 + 0.5 * d$x + 0.2 * d$w + 0.15 * d$x * (d$w - 4) + 0.2 * d$c1 + rnorm(n)
d$m2 <- 0.5 + 0.3 * d$x + 0.4 * d$m1 + 0.1 * d$w + rnorm(n)
d$y <- 0.2 * d$x + 0.3 * d$m1 + 0.25 * d$m2 + 0.1 * d$m1 * (d$w - 4) + 0.3 * d$g + 0.1 * d$c1 + rnorm(n)
d$m1[c(3, 77)] <- NA; d$w[150] <- NA
write.csv(d, file.path(dir, "process.csv"), row.names = FALSE, na = "")
# each model on the cases complete on its own variables, as PROCESS does
dc <- d[complete.cases(d[, c("x", "m1", "w", "c1", "y")]), ]
dm <- d[complete.cases(d[, c("x", "m1", "m2", "c1", "y")]), ]

q <- function(v) unname(quantile(v, c(0.16, 0.5, 0.84)))      # type 7, the default
paths <- list(); effects <- list()
add_paths <- function(model, eq, fit) {
  cf <- summary(fit)$coefficients
  paths[[length(paths) + 1]] <<- data.frame(model = model, equation = eq, term = rownames(cf), b = cf[, 1], se = cf[, 2],
                                            t = cf[, 3], p = cf[, 4])
}
add_eff <- function(model, kind, path, w, effect, se = NA) {
  effects[[length(effects) + 1]] <<- data.frame(model = model, kind = kind, path = path, w = w, effect = effect, se = se)
}
lin <- function(fit, a, b, w) {        # b_a + b_b w with its SE from vcov
  V <- vcov(fit); cf <- coef(fit)
  if (is.null(b)) return(list(e = rep(cf[a], length(w)), s = rep(sqrt(V[a, a]), length(w))))
  list(e = cf[a] + cf[b] * w, s = sqrt(V[a, a] + 2 * w * V[a, b] + w^2 * V[b, b]))
}

# model 4, parallel mediators m1, m2, covariate c1
f1 <- lm(m1 ~ x + c1, dm); f2 <- lm(m2 ~ x + c1, dm); fy <- lm(y ~ x + m1 + m2 + c1, dm); ft <- lm(y ~ x + c1, dm)
for (e in list(list("m1", f1), list("m2", f2), list("y", fy))) add_paths(4, e[[1]], e[[2]])
i1 <- coef(f1)["x"] * coef(fy)["m1"]; i2 <- coef(f2)["x"] * coef(fy)["m2"]
add_eff(4, "indirect", "m1", NA, i1); add_eff(4, "indirect", "m2", NA, i2); add_eff(4, "indirect", "total", NA, i1 + i2)
sdr <- sd(dm$x) / sd(dm$y)
add_eff(4, "std_indirect", "m1", NA, i1 * sdr); add_eff(4, "std_indirect", "total", NA, (i1 + i2) * sdr)
l <- lin(fy, "x", NULL, NA); add_eff(4, "direct", "", NA, l$e, l$s)
l <- lin(ft, "x", NULL, NA); add_eff(4, "total", "", NA, l$e, l$s)

# model 6, serial m1 -> m2, covariate c1
f1 <- lm(m1 ~ x + c1, dm); f2 <- lm(m2 ~ x + m1 + c1, dm); fy <- lm(y ~ x + m1 + m2 + c1, dm); ft <- lm(y ~ x + c1, dm)
for (e in list(list("m1", f1), list("m2", f2), list("y", fy))) add_paths(6, e[[1]], e[[2]])
a1 <- coef(f1)[["x"]]; a2 <- coef(f2)[["x"]]; d21 <- coef(f2)[["m1"]]; b1 <- coef(fy)[["m1"]]; b2 <- coef(fy)[["m2"]]
ind <- c(m1 = a1 * b1, m2 = a2 * b2, m1.m2 = a1 * d21 * b2)
for (k in names(ind)) { add_eff(6, "indirect", k, NA, ind[[k]]); add_eff(6, "std_indirect", k, NA, ind[[k]] * sdr) }
add_eff(6, "indirect", "total", NA, sum(ind)); add_eff(6, "std_indirect", "total", NA, sum(ind) * sdr)
l <- lin(fy, "x", NULL, NA); add_eff(6, "direct", "", NA, l$e, l$s)
l <- lin(ft, "x", NULL, NA); add_eff(6, "total", "", NA, l$e, l$s)
stopifnot(abs(coef(ft)["x"] - (coef(fy)["x"] + sum(ind))) < 1e-10)    # c = c' + total indirect

# moderated models, mediator m1, moderator w (percentiles) or g (binary), covariate c1
spec <- list(
  list(7, "w", m1 ~ x + w + x:w + c1, y ~ x + m1 + c1),
  list(8, "w", m1 ~ x + w + x:w + c1, y ~ x + m1 + w + x:w + c1),
  list(14, "w", m1 ~ x + c1, y ~ x + m1 + w + m1:w + c1),
  list(58, "w", m1 ~ x + w + x:w + c1, y ~ x + m1 + w + m1:w + c1),
  list(59, "w", m1 ~ x + w + x:w + c1, y ~ x + m1 + w + m1:w + x:w + c1),
  list(14, "g", m1 ~ x + c1, y ~ x + m1 + g + m1:g + c1),
  list(59, "g", m1 ~ x + g + x:g + c1, y ~ x + m1 + g + m1:g + x:g + c1))
for (s in spec) {
  model <- s[[1]]; W <- s[[2]]; key <- paste0(model, W)
  dd <- d[complete.cases(d[, c("x", "m1", W, "c1", "y")]), ]
  fm <- lm(s[[3]], dd); fy <- lm(s[[4]], dd)
  add_paths(key, "m1", fm); add_paths(key, "y", fy)
  ws <- if (W == "g") c(0, 1) else q(dd[[W]])
  xw <- paste0("x:", W); mw <- paste0("m1:", W)
  a <- coef(fm)["x"] + (if (xw %in% names(coef(fm))) coef(fm)[xw] else 0) * ws
  b <- coef(fy)["m1"] + (if (mw %in% names(coef(fy))) coef(fy)[mw] else 0) * ws
  add_eff(key, "indirect", "m1", ws, a * b)
  if (model %in% c(7, 8)) add_eff(key, "index", "m1", NA, coef(fm)[xw] * coef(fy)["m1"])
  if (model == 14) add_eff(key, "index", "m1", NA, coef(fm)["x"] * coef(fy)[mw])
  l <- if (xw %in% names(coef(fy))) lin(fy, "x", xw, ws) else lin(fy, "x", NULL, NA)
  add_eff(key, "direct", "", if (xw %in% names(coef(fy))) ws else NA, l$e, l$s)
}
# model 7 probed at the mean and +/- 1 SD
ws <- mean(dc$w) + c(-1, 0, 1) * sd(dc$w)
fm <- lm(m1 ~ x + w + x:w + c1, dc); fy <- lm(y ~ x + m1 + c1, dc)
add_eff("7sd", "indirect", "m1", ws, (coef(fm)["x"] + coef(fm)["x:w"] * ws) * coef(fy)["m1"])

num17 <- function(df) { num <- sapply(df, is.numeric); df[num] <- lapply(df[num], function(v) ifelse(is.na(v), NA, sprintf("%.17g", v))); df }
write.csv(num17(do.call(rbind, paths)), file.path(dir, "process_paths.csv"), row.names = FALSE, na = "")
write.csv(num17(do.call(rbind, effects)), file.path(dir, "process_effects.csv"), row.names = FALSE, na = "")
writeLines(R.version.string, file.path(dir, "make_process_versions.txt"))
