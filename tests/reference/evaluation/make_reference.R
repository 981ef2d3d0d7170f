# Reference values for tests/test_evaluation.py: DEA solved independently with R's lpSolve.
#
#   Rscript tests/reference/evaluation/make_reference.R    (from the repository root, or any directory)
#
# Writes, next to this script:
#   dea_units.csv       a 40-unit data set, 3 inputs × 3 outputs (generated here with set.seed)
#   hospital.csv        Cooper, Seiford & Tone (2007), Table 1.5: 12 hospitals, 2 inputs, 2 outputs
#   dea_<data>_<model>_<orientation>.csv   theta (phi for output), slacks, sum of slacks
#   dea_units_super_ccr_input.csv          Andersen–Petersen super-efficiency (CCR, input)
#   malmquist_panel.csv, malmquist_reference.csv   a 2-period panel and its CCR distance functions
#   versions.txt        R and lpSolve versions used
#
# Each unit's envelopment programme is written out in full over all n units (no column generation,
# no stacking, no scaling), in the textbook two-phase form (Cooper, Seiford & Tone 2007, ch. 3):
# phase 1 the radial score, phase 2 max sum of slacks with the score fixed.
suppressPackageStartupMessages(library(lpSolve))

args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(file_arg)) dirname(normalizePath(file_arg)) else getwd()

envelop <- function(X, Y, o, vrs, orientation, ref = seq_len(ncol(X)), phases = 2) {
  # X: m × n inputs, Y: s × n outputs; unit o evaluated against the columns `ref`
  m <- nrow(X); s <- nrow(Y); k <- length(ref)
  # variables: t, lambda_1..k, s-_1..m, s+_1..s
  nv <- 1 + k + m + s
  A <- matrix(0, m + s, nv)
  A[1:m, 2:(k + 1)] <- X[, ref, drop = FALSE]
  A[(m + 1):(m + s), 2:(k + 1)] <- Y[, ref, drop = FALSE]
  A[1:m, (k + 2):(k + 1 + m)] <- diag(m)
  A[(m + 1):(m + s), (k + 2 + m):nv] <- -diag(s)
  rhs <- numeric(m + s)
  if (orientation == "input") {
    A[1:m, 1] <- -X[, o]
    rhs[(m + 1):(m + s)] <- Y[, o]
  } else {
    A[(m + 1):(m + s), 1] <- -Y[, o]
    rhs[1:m] <- X[, o]
  }
  if (vrs) {
    A <- rbind(A, c(0, rep(1, k), rep(0, m + s)))
    rhs <- c(rhs, 1)
  }
  dirs <- rep("=", nrow(A))
  obj <- c(1, rep(0, nv - 1))
  r1 <- lp(if (orientation == "input") "min" else "max", obj, A, dirs, rhs)
  if (r1$status != 0) return(list(t = NA, sx = rep(NA, m), sy = rep(NA, s), status = r1$status))
  t <- r1$objval
  if (phases == 1) return(list(t = t, sx = rep(NA, m), sy = rep(NA, s), status = 0))
  # phase 2: t fixed by an extra equality row, maximise the sum of slacks
  A2 <- rbind(A, c(1, rep(0, nv - 1)))
  r2 <- lp("max", c(0, rep(0, k), rep(1, m + s)), A2, c(dirs, "="), c(rhs, t))
  z <- r2$solution
  list(t = t, sx = z[(k + 2):(k + 1 + m)], sy = z[(k + 2 + m):nv], status = r2$status)
}

run_all <- function(d, inputs, outputs, name) {
  X <- t(as.matrix(d[, inputs])); Y <- t(as.matrix(d[, outputs]))
  for (model in c("CCR", "BCC")) for (orientation in c("input", "output")) {
    rows <- lapply(seq_len(nrow(d)), function(o) {
      r <- envelop(X, Y, o, model == "BCC", orientation)
      c(t = r$t, setNames(r$sx, paste0("slack_", inputs)), setNames(r$sy, paste0("slack_", outputs)))
    })
    out <- data.frame(unit = d$unit, do.call(rbind, rows), check.names = FALSE)
    out$slack_sum <- rowSums(out[, grep("^slack_", names(out))])
    write.csv(out, file.path(here, sprintf("dea_%s_%s_%s.csv", name, model, orientation)), row.names = FALSE)
  }
}

# -- data ------------------------------------------------------------------------------------------
set.seed(20261124)
n <- 40
units <- data.frame(unit = sprintf("u%02d", 1:n),
                    x1 = round(runif(n, 10, 100), 1), x2 = round(runif(n, 5, 50), 1), x3 = round(runif(n, 1, 9), 2),
                    y1 = round(runif(n, 50, 500), 1), y2 = round(runif(n, 1, 30), 2), y3 = round(runif(n, 100, 900)))
# a few dominated copies create weakly efficient units and non-zero slacks
units$x1[5] <- units$x1[3] * 1.5; units$x2[5] <- units$x2[3]; units$x3[5] <- units$x3[3]
units[5, c("y1", "y2", "y3")] <- units[3, c("y1", "y2", "y3")]
write.csv(units, file.path(here, "dea_units.csv"), row.names = FALSE)

hospital <- data.frame(unit = LETTERS[1:12],
                       doctors = c(20, 19, 25, 27, 22, 55, 33, 31, 30, 50, 53, 38),
                       nurses = c(151, 131, 160, 168, 158, 255, 235, 206, 244, 268, 306, 284),
                       outpatients = c(100, 150, 160, 180, 94, 230, 220, 152, 190, 250, 260, 250),
                       inpatients = c(90, 50, 55, 72, 66, 90, 88, 80, 100, 100, 147, 120))
write.csv(hospital, file.path(here, "hospital.csv"), row.names = FALSE)

run_all(units, c("x1", "x2", "x3"), c("y1", "y2", "y3"), "units")
run_all(hospital, c("doctors", "nurses"), c("outpatients", "inpatients"), "hospital")

# -- super-efficiency (CCR, input): each unit against all the others --------------------------------
X <- t(as.matrix(units[, c("x1", "x2", "x3")])); Y <- t(as.matrix(units[, c("y1", "y2", "y3")]))
sup <- sapply(seq_len(n), function(o) envelop(X, Y, o, FALSE, "input", ref = setdiff(seq_len(n), o), phases = 1)$t)
write.csv(data.frame(unit = units$unit, super_efficiency = sup),
          file.path(here, "dea_units_super_ccr_input.csv"), row.names = FALSE)

# -- Malmquist: two periods, CCR input distance functions -------------------------------------------
p2 <- units
p2$y1 <- round(p2$y1 * runif(n, 0.9, 1.3), 1); p2$x2 <- round(p2$x2 * runif(n, 0.8, 1.1), 1)
panel <- rbind(cbind(units, period = 1), cbind(p2, period = 2))
write.csv(panel, file.path(here, "malmquist_panel.csv"), row.names = FALSE)
XY <- function(d) list(X = t(as.matrix(d[, c("x1", "x2", "x3")])), Y = t(as.matrix(d[, c("y1", "y2", "y3")])))
P <- list(XY(units), XY(p2))
D <- function(ref, ev, o) {  # unit o's period-`ev` data against the period-`ref` frontier
  X <- cbind(P[[ref]]$X, P[[ev]]$X[, o]); Y <- cbind(P[[ref]]$Y, P[[ev]]$Y[, o])
  envelop(X, Y, n + 1, FALSE, "input", ref = seq_len(n), phases = 1)$t
}
mq <- data.frame(unit = units$unit,
                 d_tt = sapply(1:n, function(o) D(1, 1, o)), d_ss = sapply(1:n, function(o) D(2, 2, o)),
                 d_ts = sapply(1:n, function(o) D(1, 2, o)), d_st = sapply(1:n, function(o) D(2, 1, o)))
mq$efficiency_change <- mq$d_ss / mq$d_tt
mq$technical_change <- sqrt((mq$d_ts / mq$d_ss) * (mq$d_tt / mq$d_st))
mq$malmquist <- mq$efficiency_change * mq$technical_change
write.csv(mq, file.path(here, "malmquist_reference.csv"), row.names = FALSE)

# -- TOPSIS, grey relational analysis, entropy/CRITIC weights, fuzzy operators (base R) ---------------
crit <- units[1:15, c("unit", "x1", "x2", "y1", "y3")]   # x1, x2 costs; y1, y3 benefits
write.csv(crit, file.path(here, "criteria.csv"), row.names = FALSE)
M <- as.matrix(crit[, -1]); benefit <- c(FALSE, FALSE, TRUE, TRUE)
Z <- sapply(1:4, function(j) { z <- (M[, j] - min(M[, j])) / (max(M[, j]) - min(M[, j])); if (benefit[j]) z else 1 - z })
P <- sweep(Z, 2, colSums(Z), "/")
e <- -colSums(ifelse(P > 0, P * log(P), 0)) / log(nrow(Z))
w_entropy <- (1 - e) / sum(1 - e)
C <- apply(Z, 2, sd) * colSums(1 - cor(Z)); w_critic <- C / sum(C)
topsis_r <- function(M, w, benefit) {
  V <- sweep(sweep(M, 2, sqrt(colSums(M^2)), "/"), 2, w, "*")
  best <- ifelse(benefit, apply(V, 2, max), apply(V, 2, min))
  worst <- ifelse(benefit, apply(V, 2, min), apply(V, 2, max))
  dp <- sqrt(rowSums(sweep(V, 2, best)^2)); dm <- sqrt(rowSums(sweep(V, 2, worst)^2))
  data.frame(d_plus = dp, d_minus = dm, closeness = dm / (dp + dm))
}
w_given <- c(0.3, 0.2, 0.3, 0.2)
grey_r <- function(Z, w, rho = 0.5) {
  D <- abs(1 - Z); xi <- (min(D) + rho * max(D)) / (D + rho * max(D)); as.vector(xi %*% w)
}
rank_out <- data.frame(unit = crit$unit,
                       setNames(topsis_r(M, w_entropy, benefit), paste0("entropy_", c("d_plus", "d_minus", "closeness"))),
                       setNames(topsis_r(M, w_given, benefit), paste0("given_", c("d_plus", "d_minus", "closeness"))),
                       grey_equal = grey_r(Z, rep(0.25, 4)), grey_given = grey_r(Z, w_given),
                       grey_rho03 = grey_r(Z, rep(0.25, 4), 0.3))
write.csv(rank_out, file.path(here, "ranking_reference.csv"), row.names = FALSE)
write.csv(data.frame(criterion = colnames(M), entropy = w_entropy, critic = w_critic),
          file.path(here, "weights_reference.csv"), row.names = FALSE)

A <- c(0.25, 0.35, 0.15, 0.25)
R <- matrix(c(0.1, 0.3, 0.4, 0.2, 0.0,
              0.3, 0.4, 0.2, 0.1, 0.0,
              0.0, 0.2, 0.5, 0.2, 0.1,
              0.2, 0.2, 0.3, 0.2, 0.1), nrow = 4, byrow = TRUE)
fz <- rbind(weighted_average = as.vector(A %*% R),
            max_min = apply(pmin(matrix(A, 4, 5), R), 2, max),
            max_product = apply(A * R, 2, max),
            bounded_sum = pmin(1, colSums(pmin(matrix(A, 4, 5), R))))
write.csv(data.frame(operator = rownames(fz), fz), file.path(here, "fuzzy_reference.csv"), row.names = FALSE)

writeLines(c(R.version.string, paste("lpSolve", as.character(packageVersion("lpSolve"))),
             paste("generated", format(Sys.time(), "%Y-%m-%d %H:%M:%S %Z"))),
           file.path(here, "versions.txt"))
