# Reference values for regression.logistic and regression.relative_importance (issue #16), base R only.
# Regenerate from the repository root: Rscript tests/reference/regression/make_logistic.R
# - logistic: glm(family = binomial); Wald CIs of the odds ratios as confint.default (b ± z·se,
#   exponentiated); McFadden R² = 1 − logL/logL0; Nagelkerke R² = (1 − exp(2(logL0 − logL)/n)) /
#   (1 − exp(2 logL0/n)); Hosmer–Lemeshow as ResourceSelection::hoslem.test(y, fitted, g = 10)
#   defines it (that package is not installed here): groups cut at the deciles of the fitted
#   probabilities (quantile type 7, include.lowest), χ² = Σ (observed − expected)² / expected over
#   both outcome columns, df = g − 2; classification table at the cut-off 0.5.
# - relative importance: LMG (Lindeman, Merenda & Gold 1980) by its definition — the R² increase of
#   each predictor averaged over all k! orderings of entry — as relaimpo's calc.relimp(type = "lmg")
#   (relaimpo is not installed here); rela = FALSE, so the values add up to R².
dir <- file.path("tests", "reference", "regression")
set.seed(16)
n <- 400
d <- data.frame(tenure = rpois(n, 30) / 10, complaints = rpois(n, 1.2), price_index = rnorm(n, 100, 10),
                type = sample(c("manufacturer", "distributor", "retailer"), n, replace = TRUE))
eta <- -1.2 - 0.35 * d$tenure + 0.55 * d$complaints + 0.03 * (d$price_index - 100) + 0.6 * (d$type == "retailer")
d$churned <- rbinom(n, 1, plogis(eta))
d$tenure[c(3, 77)] <- NA
write.csv(d, file.path(dir, "churn.csv"), row.names = FALSE, na = "")
dc <- d[complete.cases(d), ]
dc$type <- relevel(factor(dc$type), ref = "manufacturer")
# a tight convergence criterion, so that the SEs (from the last IRLS weights) are those at the MLE
m <- glm(churned ~ tenure + complaints + price_index + type, family = binomial, data = dc,
         control = glm.control(epsilon = 1e-14, maxit = 100))
m0 <- glm(churned ~ 1, family = binomial, data = dc)
s <- summary(m)$coefficients
ci <- confint.default(m)
term <- sub("^type", "type[", rownames(s)); term <- ifelse(grepl("^type\\[", term), paste0(term, "]"), term)
term[1] <- "(intercept)"
write.csv(data.frame(term = term, b = s[, 1], se = s[, 2], z = s[, 3], p = s[, 4], odds_ratio = exp(s[, 1]),
                     or_ci_low = exp(ci[, 1]), or_ci_high = exp(ci[, 2])),
          file.path(dir, "logistic_coefs.csv"), row.names = FALSE)
ll <- as.numeric(logLik(m)); ll0 <- as.numeric(logLik(m0)); nn <- nrow(dc)
yhat <- fitted(m); y <- dc$churned
cuty <- cut(yhat, breaks = quantile(yhat, probs = seq(0, 1, 1 / 10)), include.lowest = TRUE)
obs <- xtabs(cbind(1 - y, y) ~ cuty); expct <- xtabs(cbind(1 - yhat, yhat) ~ cuty)
hl <- sum((obs - expct)^2 / expct)
pred <- as.integer(yhat >= 0.5)
fit <- data.frame(measure = c("n", "loglik", "aic", "bic", "mcfadden_r2", "nagelkerke_r2",
                              "hosmer_lemeshow_chi2", "hosmer_lemeshow_p", "n00", "n01", "n10", "n11"),
                  value = c(nn, ll, AIC(m), BIC(m), 1 - ll / ll0,
                            (1 - exp(2 * (ll0 - ll) / nn)) / (1 - exp(2 * ll0 / nn)),
                            hl, pchisq(hl, 10 - 2, lower.tail = FALSE),
                            sum(y == 0 & pred == 0), sum(y == 0 & pred == 1), sum(y == 1 & pred == 0), sum(y == 1 & pred == 1)))
write.csv(format(fit, digits = 15), file.path(dir, "logistic_fit.csv"), row.names = FALSE)

# LMG on the regression survey data (tests/reference/regression/survey.csv), satisfaction complete cases
sv <- read.csv(file.path(dir, "survey.csv"))
xs <- c("quality", "value", "switching", "satisfaction")
sc <- sv[complete.cases(sv[, c("loyalty", xs)]), ]
r2 <- function(vars) if (length(vars) == 0) 0 else summary(lm(reformulate(vars, "loyalty"), data = sc))$r.squared
perms <- function(v) if (length(v) <= 1) list(v) else do.call(c, lapply(seq_along(v), function(i) lapply(perms(v[-i]), function(p) c(v[i], p))))
contrib <- setNames(numeric(length(xs)), xs)
for (o in perms(xs)) for (i in seq_along(o)) contrib[o[i]] <- contrib[o[i]] + r2(o[seq_len(i)]) - r2(o[seq_len(i - 1)])
lmg <- contrib / length(perms(xs))
write.csv(data.frame(predictor = xs, lmg = sprintf("%.15g", lmg), r2 = sprintf("%.15g", r2(xs))),
          file.path(dir, "lmg.csv"), row.names = FALSE)
writeLines(R.version.string, file.path(dir, "make_logistic_versions.txt"))
