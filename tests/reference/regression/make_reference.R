# Reference values for crm_research.regression from base R (lm, anova) and psych::describe.
# Regenerate from the repository root: Rscript tests/reference/regression/make_reference.R
suppressPackageStartupMessages({library(psych); library(MASS)})
dir <- file.path("tests", "reference", "regression")
set.seed(20261124)
n <- 300
d <- data.frame(
  quality = rnorm(n), value = rnorm(n), switching = rnorm(n),
  type = sample(c("manufacturer", "distributor", "retailer"), n, replace = TRUE))
d$satisfaction <- 0.5 * d$quality + 0.3 * d$value + rnorm(n, sd = 0.8)
d$loyalty <- 0.4 * d$satisfaction + 0.2 * d$switching + 0.3 * (d$type == "retailer") + 0.25 * d$quality * d$switching + rnorm(n, sd = 0.8)
d$likert <- cut(d$loyalty, breaks = c(-Inf, -1, -0.3, 0.3, 1, Inf), labels = FALSE)
d$satisfaction[c(5, 17)] <- NA
write.csv(d, file.path(dir, "survey.csv"), row.names = FALSE, na = "")
dc <- d[complete.cases(d), ]
dc$type <- relevel(factor(dc$type), ref = "manufacturer")

# hierarchical regression: block 1 controls (type), block 2 + quality + value, block 3 + satisfaction
m1 <- lm(loyalty ~ type, data = dc)
m2 <- lm(loyalty ~ type + quality + value, data = dc)
m3 <- lm(loyalty ~ type + quality + value + satisfaction, data = dc)
# F change of each step against the one before, as SPSS reports it: anova() of the two nested
# models (anova(m1, m2, m3) at once would use the largest model's residual variance throughout)
a2 <- anova(m1, m2); a3 <- anova(m2, m3)
steps <- data.frame(step = 1:3, r2 = sapply(list(m1, m2, m3), function(m) summary(m)$r.squared),
                    adj_r2 = sapply(list(m1, m2, m3), function(m) summary(m)$adj.r.squared),
                    f_change = c(NA, a2$F[2], a3$F[2]), df1 = c(NA, a2$Df[2], a3$Df[2]),
                    df2 = c(m1$df.residual, m2$df.residual, m3$df.residual),
                    p_change = c(NA, a2$`Pr(>F)`[2], a3$`Pr(>F)`[2]))
f1 <- summary(m1)$fstatistic
steps$f_change[1] <- f1[1]; steps$df1[1] <- f1[2]; steps$p_change[1] <- pf(f1[1], f1[2], f1[3], lower.tail = FALSE)
write.csv(format(steps, digits = 17), file.path(dir, "hierarchical_steps.csv"), row.names = FALSE)
coefs <- do.call(rbind, lapply(1:3, function(s) {
  m <- list(m1, m2, m3)[[s]]; cf <- summary(m)$coefficients
  data.frame(step = s, term = rownames(cf), b = cf[, 1], se = cf[, 2], t = cf[, 3], p = cf[, 4])
}))
write.csv(format(coefs, digits = 17), file.path(dir, "hierarchical_coefs.csv"), row.names = FALSE)
# standardised betas via lm on z-scored variables (dummies z-scored too, as SPSS does)
X <- model.matrix(m3)[, -1]
zb <- coef(lm(scale(dc$loyalty) ~ scale(X)))[-1]
write.csv(data.frame(term = colnames(X), beta = sprintf("%.17g", zb)), file.path(dir, "betas_step3.csv"), row.names = FALSE)
# HC3 standard errors by hand: (X'X)^-1 X' diag(e^2/(1-h)^2) X (X'X)^-1
Xf <- model.matrix(m3); e <- resid(m3); h <- hatvalues(m3); XtXi <- solve(crossprod(Xf))
V <- XtXi %*% t(Xf) %*% diag(e^2 / (1 - h)^2) %*% Xf %*% XtXi
write.csv(data.frame(term = colnames(Xf), se_hc3 = sprintf("%.17g", sqrt(diag(V)))), file.path(dir, "hc3_step3.csv"), row.names = FALSE)
# VIF by definition: 1 / (1 - R2_j)
vif <- sapply(colnames(X), function(v) 1 / (1 - summary(lm(X[, v] ~ X[, colnames(X) != v]))$r.squared))
write.csv(data.frame(term = names(vif), vif = sprintf("%.17g", vif)), file.path(dir, "vif_step3.csv"), row.names = FALSE)

# mediation paths (model 4): quality -> satisfaction -> loyalty, covariate switching
ma <- lm(satisfaction ~ quality + switching, data = dc)
mb <- lm(loyalty ~ quality + satisfaction + switching, data = dc)
mc <- lm(loyalty ~ quality + switching, data = dc)
med <- data.frame(a = coef(ma)["quality"], b = coef(mb)["satisfaction"], direct = coef(mb)["quality"],
                  total = coef(mc)["quality"], indirect = coef(ma)["quality"] * coef(mb)["satisfaction"])
write.csv(format(med, digits = 17), file.path(dir, "mediation_paths.csv"), row.names = FALSE)

# moderation (model 1): loyalty ~ quality * switching with mean-centred predictors
dc$qc <- dc$quality - mean(dc$quality); dc$sc <- dc$switching - mean(dc$switching)
mm <- lm(loyalty ~ qc * sc, data = dc)
V <- vcov(mm); b <- coef(mm); sdw <- sd(dc$sc)
ws <- c(-sdw, 0, sdw)
slopes <- data.frame(w = ws, slope = b["qc"] + b["qc:sc"] * ws,
                     se = sqrt(V["qc", "qc"] + ws^2 * V["qc:sc", "qc:sc"] + 2 * ws * V["qc", "qc:sc"]))
slopes$t <- slopes$slope / slopes$se; slopes$p <- 2 * pt(-abs(slopes$t), df.residual(mm))
write.csv(format(slopes, digits = 17), file.path(dir, "moderation_slopes.csv"), row.names = FALSE)
tc <- qt(0.975, df.residual(mm))
A <- b["qc:sc"]^2 - tc^2 * V["qc:sc", "qc:sc"]; B <- 2 * (b["qc"] * b["qc:sc"] - tc^2 * V["qc", "qc:sc"]); C <- b["qc"]^2 - tc^2 * V["qc", "qc"]
jn <- sort((-B + c(-1, 1) * sqrt(B^2 - 4 * A * C)) / (2 * A))
write.csv(data.frame(jn = sprintf("%.17g", jn), b_int = sprintf("%.17g", b["qc:sc"])), file.path(dir, "moderation_jn.csv"), row.names = FALSE)

# describe (type 2 = SPSS/Excel skewness and kurtosis)
ds <- describe(d[, c("quality", "value", "satisfaction", "loyalty")], type = 2)
write.csv(format(data.frame(var = rownames(ds), n = ds$n, mean = ds$mean, sd = ds$sd, skew = ds$skew, kurtosis = ds$kurtosis), digits = 17),
          file.path(dir, "describe.csv"), row.names = FALSE)
# ordinal logistic regression (MASS::polr): likert ~ satisfaction + switching
dc$lk <- factor(dc$likert, ordered = TRUE)
po <- polr(lk ~ satisfaction + switching, data = dc, method = "logistic", Hess = TRUE)
write.csv(data.frame(term = c(names(coef(po)), names(po$zeta)), estimate = sprintf("%.12g", c(coef(po), po$zeta))),
          file.path(dir, "polr.csv"), row.names = FALSE)
writeLines(c(R.version.string, paste("psych", packageVersion("psych")), paste("MASS", packageVersion("MASS"))),
           file.path(dir, "versions.txt"))
