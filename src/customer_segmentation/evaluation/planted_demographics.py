"""The planted customers' demographic columns: one distribution for everyone, so they carry
no group structure and a method that leans on them is not rewarded; with the blanks real
customer files have."""

from __future__ import annotations

import numpy as np

_GENDERS = ("female", "male", "F", "M", "Female", "Male", "non-binary", "woman", "man")
_GENDER_P = (0.26, 0.26, 0.12, 0.12, 0.08, 0.08, 0.03, 0.025, 0.025)
_EDUCATION = ("basic", "high school", "graduation", "master", "phd")
_MARITAL = ("single", "married", "together", "divorced", "widow")
_PLACES = (
    ("United Kingdom", "London"), ("United Kingdom", "Leeds"), ("Germany", "Berlin"),
    ("Germany", "Hamburg"), ("France", "Paris"), ("France", "Lyon"), ("Netherlands", "Utrecht"),
    ("Spain", "Madrid"), ("Ireland", "Dublin"), ("Italy", "Milan"), ("Portugal", "Porto"),
)  # fmt: skip


def _blank(rng: np.random.Generator, values: np.ndarray, share: float) -> np.ndarray:
    values = values.astype(object)
    values[rng.random(len(values)) < share] = ""
    return values


def demographics(rng: np.random.Generator, n: int, as_of_year: int) -> dict[str, np.ndarray]:
    """Demographic columns drawn from one distribution for everyone: pure noise by design,
    so a method that leans on them is not rewarded."""
    birth = np.clip(np.round(rng.normal(1978, 14, n)), 1935, as_of_year - 18).astype(np.int64)
    income = np.round(np.exp(rng.normal(np.log(52_000), 0.5, n)), 2)
    places = np.array(_PLACES)[rng.integers(0, len(_PLACES), n)]
    return {
        "birth_year": _blank(rng, birth.astype(str), 0.04),
        "gender": _blank(rng, rng.choice(_GENDERS, n, p=_GENDER_P), 0.05),
        "annual_income": _blank(rng, np.char.mod("%.2f", income), 0.07),
        "education": _blank(rng, rng.choice(_EDUCATION, n, p=(0.1, 0.25, 0.4, 0.17, 0.08)), 0.05),
        "marital_status": _blank(rng, rng.choice(_MARITAL, n, p=(0.3, 0.35, 0.2, 0.1, 0.05)), 0.05),
        "country": _blank(rng, places[:, 0], 0.03),
        "city": _blank(rng, places[:, 1], 0.06),
    }
