"""Maximum likelihood for the CLV models: L-BFGS-B from several starts, and the convergence check.

Why scipy and not pymc-marketing or lifetimes: the likelihoods are a few lines, maximum
likelihood is all the warehouse needs, and a fit on a million customers then takes seconds and
little memory, with no PyMC/PyTensor stack to install (lifetimes is unmaintained).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize

FloatArray = NDArray[np.float64]

# Log-parameters are bounded so every likelihood term stays finite; a fit that ends on a bound
# is reported as not converged (the data cannot pin that parameter down).
_LOG_BOUND = 20.0
# Largest |gradient| of the mean log-likelihood (in log-parameters) accepted as converged.
_GRADIENT_TOLERANCE = 1e-4
# Smallest Hessian eigenvalue of the mean log-likelihood (per customer, log-parameters) taken
# as identified: below it a parameter's standard error would exceed ~1/sqrt(n * 1e-6).
_MIN_CURVATURE = 1e-6


@dataclass(frozen=True)
class _Optimum:
    x: FloatArray
    fun: float
    success: bool
    iterations: int
    message: str


def _as_float_arrays(*values: ArrayLike) -> list[FloatArray]:
    arrays = [np.asarray(v, dtype=np.float64).ravel() for v in values]
    if len({a.size for a in arrays}) > 1:
        raise ValueError("inputs must have the same length")
    return arrays


def _minimise(
    objective: Callable[..., tuple[float, FloatArray]],
    starts: list[FloatArray],
    args: tuple,
    maxiter: int,
) -> _Optimum:
    """L-BFGS-B from each deterministic start, then a tight L-BFGS-B polish of the best.

    Several starts guard against the flat ridges of these likelihoods; the polish tightens the
    tolerances so the optimum matches published estimates to their precision. Success is the
    best start's: a polish that stops on a failed line search has merely hit the floating-point
    floor (its gradient is checked separately), and it is kept only if it did not get worse.
    """
    bounds = [(-_LOG_BOUND, _LOG_BOUND)] * len(starts[0])

    def run(start: FloatArray, **tolerances: float) -> optimize.OptimizeResult:
        options = {"maxiter": maxiter, **tolerances}
        return optimize.minimize(
            objective, start, args=args, jac=True, method="L-BFGS-B", bounds=bounds, options=options
        )

    runs = [run(start) for start in starts]
    finite = [r for r in runs if np.isfinite(r.fun)] or runs
    best = min(finite, key=lambda r: r.fun)
    polish = run(best.x, ftol=1e-15, gtol=1e-10)
    iterations = int(sum(r.nit for r in runs) + polish.nit)
    final = polish if np.isfinite(polish.fun) and polish.fun <= best.fun else best
    return _Optimum(
        x=np.asarray(final.x, dtype=np.float64),
        fun=float(final.fun),
        success=bool(best.success),
        iterations=iterations,
        message=f"{best.message}; polish: {polish.message}",
    )


def _check_optimum(
    objective: Callable[..., tuple[float, FloatArray]], optimum: _Optimum, args: tuple
) -> tuple[bool, float, str]:
    """(converged, max |gradient|, message) of an optimum.

    Converged means: the optimiser reported success, the likelihood is finite, the gradient is
    below tolerance, no parameter is on its bound, and the Hessian (central differences of the
    analytic gradient) is positive definite. The last catches what the others miss on thin
    data: the likelihood drifting along a flat ridge towards infinity, where the gradient is
    tiny but the parameters are not identified (e.g. no repeat customers at all).
    """
    _, gradient = objective(optimum.x, *args)
    max_gradient = float(np.max(np.abs(gradient)))
    problems = []
    if not optimum.success:
        problems.append("optimiser did not report success")
    if not np.isfinite(optimum.fun):
        problems.append("log-likelihood is not finite")
    if not max_gradient < _GRADIENT_TOLERANCE:
        problems.append(f"gradient {max_gradient:.2g} above {_GRADIENT_TOLERANCE:g}")
    if np.any(np.abs(optimum.x) >= _LOG_BOUND - 1e-6):
        problems.append("a parameter is on its bound")
    if not problems:
        step = 1e-5
        columns = [
            objective(optimum.x + step * unit, *args)[1]
            - objective(optimum.x - step * unit, *args)[1]
            for unit in np.eye(optimum.x.size)
        ]
        hessian = np.array(columns) / (2.0 * step)
        smallest = float(np.linalg.eigvalsh((hessian + hessian.T) / 2.0).min())
        if not smallest > _MIN_CURVATURE:
            problems.append(f"parameters not identified (Hessian eigenvalue {smallest:.2g})")
    message = optimum.message + "".join(f"; NOT CONVERGED: {p}" for p in problems)
    return not problems, max_gradient, message
