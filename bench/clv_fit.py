"""Fit time of BG/NBD + Gamma-Gamma on customers simulated from the published CDNOW
parameters. Prints one line per size; run under /usr/bin/time -v for peak memory:

    /usr/bin/time -v .venv/bin/python bench/clv_fit.py 1000000
"""

from __future__ import annotations

import sys
import time

from customer_segmentation.predicted_value.bgnbd import fit_bgnbd
from customer_segmentation.predicted_value.clv_data import simulate_customers
from customer_segmentation.predicted_value.gamma_gamma import fit_gamma_gamma

PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "p": 6.25, "q": 3.74, "v": 15.44}


def main(sizes: list[int]) -> None:
    for n in sizes:
        customers = simulate_customers(n, seed=1, **PUBLISHED)
        start = time.perf_counter()
        bgnbd = fit_bgnbd(customers.frequency, customers.recency, customers.age)
        bgnbd_s = time.perf_counter() - start
        repeat = (customers.frequency > 0) & (customers.monetary_value > 0)
        start = time.perf_counter()
        fit_gamma_gamma(customers.frequency[repeat], customers.monetary_value[repeat])
        gamma_gamma_s = time.perf_counter() - start
        print(
            f"customers={n} bgnbd_fit_s={bgnbd_s:.2f} gamma_gamma_fit_s={gamma_gamma_s:.2f} "
            f"r={bgnbd.r:.3f} alpha={bgnbd.alpha:.3f} a={bgnbd.a:.3f} b={bgnbd.b:.3f} "
            f"converged={bgnbd.converged}"
        )


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [100_000])
