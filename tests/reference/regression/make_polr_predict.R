# Reference values for OrdinalResult.predict_proba: MASS::polr's predict(type = "probs") for the
# model of make_reference.R (likert ~ satisfaction + switching) on survey.csv, at the first 12
# complete cases and at three made-up customers.
# Regenerate from the repository root: Rscript tests/reference/regression/make_polr_predict.R
suppressPackageStartupMessages(library(MASS))
dir <- file.path("tests", "reference", "regression")
d <- read.csv(file.path(dir, "survey.csv"))
dc <- d[complete.cases(d), ]
dc$lk <- factor(dc$likert, ordered = TRUE)
# polr's default optim tolerance (reltol 1e-8) stops with the thresholds about 1e-4 short of the
# maximum (log-likelihood -435.6180132 against -435.6180129); a tight tolerance gives the maximum
po <- polr(lk ~ satisfaction + switching, data = dc, method = "logistic", Hess = TRUE,
           control = list(reltol = 1e-14, maxit = 1000))
stopifnot(abs(logLik(po) - (-435.618012897564)) < 1e-8)
new <- rbind(dc[1:12, c("satisfaction", "switching")],
             data.frame(satisfaction = c(-3, 0, 2.5), switching = c(1, 0, -2)))
pr <- predict(po, newdata = new, type = "probs")
out <- data.frame(satisfaction = new$satisfaction, switching = new$switching, pr, check.names = FALSE)
out[] <- lapply(out, function(v) sprintf("%.17g", v))
write.csv(out, file.path(dir, "polr_probs.csv"), row.names = FALSE)
writeLines(c(R.version.string, paste("MASS", packageVersion("MASS"))), file.path(dir, "make_polr_predict_versions.txt"))
