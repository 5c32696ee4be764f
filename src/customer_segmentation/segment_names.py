"""Plain descriptive names for segments, derived from their centroids by a fixed rule.

Vocabulary lives in the seed `segment_name_terms` (feature, part of the name, word when the
segment is high on it, word when low), so marketing can change words without touching code.

Rule, per segment (centroid z-scores, 0 = the average customer):
  recency word  `recency` row: its low term (Active) when z <= -0.4, its high term (Lapsed)
                when z >= 0.6, else "Fading";
  value word    `value` row: high term when z >= 0.5, low term when z <= -0.5, else "mid-value";
  trait         the `trait` feature the segment stands out on most (largest |z|, at least
                0.5, with a word for that direction); "customers" when none does.
Names must be unique within a run and carry no numbers: a segment whose name is taken uses its
next most distinctive trait, then two traits joined with "and".
"""

from __future__ import annotations

from itertools import combinations

import pandas as pd

DEFAULT_TERMS = pd.DataFrame(
    [
        ("recency_days", "recency", "Lapsed", "Active"),
        ("monetary_amount", "value", "high-value", "low-value"),
    ],
    columns=["feature_name", "name_part", "high_term", "low_term"],
)
TRAIT_THRESHOLD = 0.5


def _term(row: pd.Series, z_score: float) -> str | None:
    word = row["high_term"] if z_score > 0 else row["low_term"]
    return word if isinstance(word, str) and word.strip() else None


def _prefix(z_by_feature: dict[str, float], terms: pd.DataFrame) -> str:
    words = []
    for part, feature_row in terms.set_index("name_part", drop=False).iterrows():
        if part not in ("recency", "value") or feature_row["feature_name"] not in z_by_feature:
            continue
        z_score = z_by_feature[feature_row["feature_name"]]
        if part == "recency":
            if z_score <= -0.4:
                words.append(feature_row["low_term"])
            elif z_score >= 0.6:
                words.append(feature_row["high_term"])
            else:
                words.append("Fading")
        else:
            if z_score >= 0.5:
                words.append(feature_row["high_term"])
            elif z_score <= -0.5:
                words.append(feature_row["low_term"])
            else:
                words.append("mid-value")
    prefix = " ".join(words)
    return prefix[:1].upper() + prefix[1:] if prefix else ""


def _traits(z_by_feature: dict[str, float], terms: pd.DataFrame) -> list[str]:
    """Trait words, most distinctive first, each word once."""
    ranked = []
    for _, row in terms[terms["name_part"] == "trait"].iterrows():
        z_score = z_by_feature.get(row["feature_name"])
        if z_score is None or abs(z_score) < TRAIT_THRESHOLD:
            continue
        word = _term(row, z_score)
        if word:
            ranked.append((-abs(z_score), row["feature_name"], word))
    words: list[str] = []
    for _, _, word in sorted(ranked):
        if word not in words:
            words.append(word)
    return words


def name_segments(centroids: pd.DataFrame, terms: pd.DataFrame | None = None) -> dict[int, str]:
    """{segment_id: name} from long centroids (segment_id, feature_name, centroid_z_score)."""
    terms = DEFAULT_TERMS if terms is None or terms.empty else terms
    names: dict[int, str] = {}
    for segment_id, rows in centroids.groupby("segment_id", sort=True):
        z_by_feature = dict(zip(rows["feature_name"], rows["centroid_z_score"], strict=True))
        prefix = _prefix(z_by_feature, terms)
        traits = _traits(z_by_feature, terms)
        options = traits + [f"{a} and {b}" for a, b in combinations(traits, 2)] + ["customers"]
        taken = set(names.values())
        name = next(
            (
                f"{prefix} {option}".strip()
                for option in options
                if f"{prefix} {option}".strip() not in taken
            ),
            None,
        )
        if name is None:
            # Identical descriptions: say what the segment is closest to, still without a number.
            nearest = rows.loc[rows["centroid_z_score"].abs().idxmax(), "feature_name"]
            direction = "high" if z_by_feature[nearest] > 0 else "low"
            name = f"{prefix} customers, {nearest.replace('_', ' ')} {direction}"
        names[int(segment_id)] = name[:1].upper() + name[1:]
    return names
