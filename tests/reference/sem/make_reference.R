# Reference values for tests/test_sem.py, computed with lavaan (Rosseel 2012) and its defaults.
# Run from this folder:  Rscript make_reference.R
# Writes the datasets (CSV), and for each model <name>_estimates.csv (parameterEstimates with
# std.all), <name>_fit.csv (fitMeasures) and <name>_mi.csv (modindices), plus versions.txt.
suppressPackageStartupMessages({library(lavaan); library(semTools)})
options(digits = 15)
# lavaan's defaults throughout, except the optimizer: nlminb with its default tolerance stops with
# estimates precise to about 1e-6 (absolute), too coarse for 1e-5 relative checks of small
# parameters; quasi-Newton (BFGS) with a tight tolerance, restarted once from its solution, polishes them
# (same model, same optimum)
ctl <- list(reltol = 1e-16, maxit = 10000)
fitp <- function(FUN, ...) {   # fit, then restart BFGS from the solution
  f <- FUN(..., optim.method = "BFGS", control = ctl)
  FUN(..., start = f, optim.method = "BFGS", control = ctl)
}
here <- function(f) file.path(".", f)
wcsv <- function(x, f) write.csv(x, here(f), row.names = FALSE, na = "")

est_out <- function(fit, name) {
  pe <- parameterEstimates(fit, standardized = TRUE, rsquare = TRUE)
  wcsv(pe, paste0(name, "_estimates.csv"))
  fm <- fitMeasures(fit)
  wcsv(data.frame(measure = names(fm), value = as.numeric(fm)), paste0(name, "_fit.csv"))
}
std_out <- function(fit, name) {
  ss <- standardizedSolution(fit, type = "std.all")
  wcsv(ss[, c("lhs", "op", "rhs", "est.std", "se", "z", "pvalue")], paste0(name, "_std.csv"))
}
mi_out <- function(fit, name) {
  mi <- modindices(fit, sort. = TRUE)
  wcsv(as.data.frame(mi), paste0(name, "_mi.csv"))
}

# -- PoliticalDemocracy (Bollen 1989), the lavaan tutorial's SEM with correlated residuals --------
data(PoliticalDemocracy)
wcsv(PoliticalDemocracy, "political_democracy.csv")
poldem <- paste(readLines("poldem_model.lav"), collapse = "\n")   # read by tests/test_sem.py too
fit <- fitp(sem, poldem, data = PoliticalDemocracy)
est_out(fit, "poldem"); mi_out(fit, "poldem"); std_out(fit, "poldem")

# -- the same model with labelled paths and := indirect and total effects ----------------------
poldem_ind <- '
  ind60 =~ x1 + x2 + x3
  dem60 =~ y1 + y2 + y3 + y4
  dem65 =~ y5 + y6 + y7 + y8
  dem60 ~ a*ind60
  dem65 ~ c*ind60 + b*dem60
  y1 ~~ y5
  y2 ~~ y4 + y6
  y3 ~~ y7
  y4 ~~ y8
  y6 ~~ y8
  ind := a*b
  total := c + a*b
'
fit <- fitp(sem, poldem_ind, data = PoliticalDemocracy)
est_out(fit, "poldem_ind")

# -- HolzingerSwineford1939: three-factor CFA ---------------------------------------------------
data(HolzingerSwineford1939)
hs <- HolzingerSwineford1939[, c("id", "school", "grade", paste0("x", 1:9))]
wcsv(hs, "holzinger_swineford.csv")
hs_model <- '
  visual  =~ x1 + x2 + x3
  textual =~ x4 + x5 + x6
  speed   =~ x7 + x8 + x9
'
fit <- fitp(cfa, hs_model, data = hs)
est_out(fit, "hs_cfa"); mi_out(fit, "hs_cfa")

# second-order factor
fit <- fitp(cfa, paste(hs_model, "g =~ visual + textual + speed"), data = hs)
est_out(fit, "hs_second_order")

# -- invariance by school: configural, metric, scalar, strict -----------------------------------
levels <- list(configural = "", metric = c("loadings"),
               scalar = c("loadings", "intercepts"),
               strict = c("loadings", "intercepts", "residuals"))
for (lv in names(levels)) {
  fit <- fitp(cfa, hs_model, data = hs, group = "school", group.equal = levels[[lv]])
  est_out(fit, paste0("hs_", lv))
  if (lv == "metric") mi_out(fit, "hs_metric")
}
fit <- fitp(cfa, hs_model, data = hs, group = "school", group.equal = c("loadings", "lv.covariances"))
est_out(fit, "hs_lvcov")

# -- FIML on HolzingerSwineford with answers set missing deterministically ----------------------
hs_na <- hs
for (i in seq_len(nrow(hs_na))) for (j in 1:9) {
  if ((i * 7 + j * 13) %% 17 == 0) hs_na[i, paste0("x", j)] <- NA
}
wcsv(hs_na, "holzinger_swineford_missing.csv")
fit <- fitp(cfa, hs_model, data = hs_na, missing = "ml")
est_out(fit, "hs_fiml"); mi_out(fit, "hs_fiml")
cat("fiml information:", lavInspect(fit, "options")$information, "\n")
fit <- fitp(cfa, hs_model, data = hs_na, missing = "ml", group = "school", group.equal = "loadings")
est_out(fit, "hs_fiml_metric")
fit <- fitp(cfa, hs_model, data = hs_na)   # listwise
est_out(fit, "hs_listwise")
writeLines(as.character(nobs(fit)), "hs_listwise_n.txt")

# -- observed covariates (fixed.x, lavaan's default for exogenous observed variables) -----------
# (one BFGS run: restarting from a solution makes lavaan count the fixed.x moments as parameters)
fit <- sem(optim.method = "BFGS", control = ctl, model = '
  visual  =~ x1 + x2 + x3
  textual =~ x4 + x5 + x6
  visual  ~ grade + x9
  textual ~ visual + grade
', data = hs)
est_out(fit, "hs_covariates"); mi_out(fit, "hs_covariates")

# FIML with exogenous covariates: lavaan drops the cases missing a covariate (fixed.x)
fit <- sem(optim.method = "BFGS", control = ctl, missing = "ml", model = '
  visual  =~ x1 + x2 + x3
  textual =~ x4 + x5 + x6
  visual  ~ x9
  textual ~ visual + x7
', data = hs_na)
est_out(fit, "hs_fiml_covariates"); mi_out(fit, "hs_fiml_covariates")
writeLines(as.character(nobs(fit)), "hs_fiml_covariates_n.txt")

# -- a path model on observed variables with an indirect effect (PROCESS-style mediation) --------
fit <- sem(optim.method = "BFGS", control = ctl, model = '
  x4 ~ a*x1 + x2
  x7 ~ b*x4 + c*x1
  ind := a*b
', data = hs)
est_out(fit, "path_observed"); mi_out(fit, "path_observed")

# -- the sample firm's structural model (sample wave 2025Q1, screened, reverse items keyed) -----
# service quality (second order) -> perceived value -> satisfaction -> loyalty, with switching cost
wave <- read.csv("sample_wave_2025Q1.csv")
firm <- paste(readLines("../../../src/crm_research/instruments/logistics_csl.sem.lav"), collapse = "\n")
fit <- fitp(sem, firm, data = wave)
est_out(fit, "firm"); mi_out(fit, "firm"); std_out(fit, "firm")
writeLines(as.character(nobs(fit)), "firm_n.txt")

# the 13-factor CFA of the survey page on wave 2026Q2 (screened, keyed): a start that once led our
# optimiser to an indefinite implied covariance matrix with a positive determinant
wave2 <- read.csv("sample_wave_2026Q2.csv")
cfa13 <- paste(readLines("cfa13_model.lav"), collapse = "\n")
fit <- fitp(cfa, cfa13, data = wave2)
est_out(fit, "cfa13_2026Q2")

# measurement invariance of the firm's satisfaction/loyalty constructs across customer types
firm_cfa <- '
  value    =~ PV1 + PV2 + PV3
  satisfaction =~ SAT1 + SAT2 + SAT3 + SAT4
  switching =~ SW1 + SW2 + SW3
  loyalty  =~ LCG1 + LCG2 + LAF1 + LAF2 + LCN1 + LCN2 + LAC1 + LAC2
'
for (lv in names(levels)) {
  fit <- fitp(cfa, firm_cfa, data = wave, group = "customer_type", group.equal = levels[[lv]])
  est_out(fit, paste0("firm_", lv))
}

writeLines(c(R.version.string, paste("lavaan", packageVersion("lavaan")),
             paste("semTools", packageVersion("semTools"))), "versions.txt")
