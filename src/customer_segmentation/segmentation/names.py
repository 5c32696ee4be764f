"""Business names for segments, derived from their centroids by a fixed, data-driven rule.

The vocabulary is two seeds, so marketing changes words without touching code:
- `segment_archetypes`: named profiles ("Champions", "At Risk High Spenders", ...) as
  conditions on centroid z-scores (0 = the average customer). An archetype matches when all
  conditions of any one of its rule groups hold; a condition on a feature this run did not use
  cannot hold. A segment takes the matching archetype with the lowest priority number; the
  archetype without conditions matches everything and is the fallback.
- `segment_descriptors`: a short descriptor per feature for a segment above or below average
  ("High Spend", "Web Active").

Names are unique within a run and never numbered. Segments are named in order (inherited
names first, then segment id); a segment whose archetype name is taken gets a second
descriptor, its most distinctive feature with a descriptor ("Loyal Regulars – High Spend"),
then two, then ordinal words ("Second Group") as a last resort.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations, product
from string import ascii_uppercase

import pandas as pd

FALLBACK_ARCHETYPE = "Customers"
SINGLE_SEGMENT_ARCHETYPE = "All Customers"
SEPARATOR = " – "
ORDINALS = ("Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth")

ARCHETYPE_COLUMNS = [
    "archetype",
    "priority",
    "rule_group",
    "feature_name",
    "min_z_score",
    "max_z_score",
]
DESCRIPTOR_COLUMNS = ["feature_name", "high_descriptor", "low_descriptor"]


@dataclass(frozen=True)
class NamingVocabulary:
    archetypes: pd.DataFrame | None = None
    descriptors: pd.DataFrame | None = None


@dataclass(frozen=True)
class SegmentName:
    segment_name: str
    archetype: str


def _is_blank(value) -> bool:
    return value is None or pd.isna(value) or (isinstance(value, str) and not value.strip())


def match_archetype(z_by_feature: Mapping[str, float], archetypes: pd.DataFrame) -> str:
    """The lowest-priority archetype whose conditions (any one rule group) all hold."""
    if archetypes is None or archetypes.empty:
        return FALLBACK_ARCHETYPE
    ordered = archetypes.sort_values(["priority", "archetype", "rule_group"], kind="mergesort")
    for (_, archetype, _), conditions in ordered.groupby(
        ["priority", "archetype", "rule_group"], sort=False
    ):
        if all(_holds(row, z_by_feature) for _, row in conditions.iterrows()):
            return str(archetype)
    return FALLBACK_ARCHETYPE


def _holds(condition: pd.Series, z_by_feature: Mapping[str, float]) -> bool:
    feature = condition["feature_name"]
    if _is_blank(feature):
        return True  # the unconditional fallback row
    if feature not in z_by_feature:
        return False
    z_score = z_by_feature[feature]
    if not _is_blank(condition["min_z_score"]) and z_score < float(condition["min_z_score"]):
        return False
    return _is_blank(condition["max_z_score"]) or z_score <= float(condition["max_z_score"])


def descriptors_for(z_by_feature: Mapping[str, float], descriptors: pd.DataFrame) -> list[str]:
    """Descriptor words, most distinctive feature first (largest |z|), each word once."""
    ranked = []
    if descriptors is not None and not descriptors.empty:
        for _, row in descriptors.iterrows():
            z_score = z_by_feature.get(row["feature_name"])
            if z_score is None or z_score == 0:
                continue
            word = row["high_descriptor"] if z_score > 0 else row["low_descriptor"]
            if not _is_blank(word):
                ranked.append((-abs(z_score), row["feature_name"], str(word)))
    words: list[str] = []
    for _, _, word in sorted(ranked):
        if word not in words:
            words.append(word)
    return words


def _candidate_names(archetype: str, words: list[str]):
    yield archetype
    for word in words:
        yield f"{archetype}{SEPARATOR}{word}"
    for first, second in combinations(words, 2):
        yield f"{archetype}{SEPARATOR}{first}, {second}"
    for ordinal in ORDINALS:
        yield f"{archetype}{SEPARATOR}{ordinal} Group"
    for letters in _letter_labels():  # beyond any sensible k, still without a digit
        yield f"{archetype}{SEPARATOR}Group {letters}"


def _letter_labels():
    width = 1
    while True:
        for combo in product(ascii_uppercase, repeat=width):
            yield "".join(combo)
        width += 1


def name_segments(
    centroids: pd.DataFrame,
    archetypes: pd.DataFrame | None = None,
    descriptors: pd.DataFrame | None = None,
    inherited: Mapping[int, SegmentName] | None = None,
) -> dict[int, SegmentName]:
    """{segment_id: SegmentName} from long centroids (segment_id, feature_name, centroid_z_score).

    `inherited` names (segments matched to an earlier run) are kept as they are; the others are
    named by the rule, unique against every name already given.
    """
    inherited = dict(inherited or {})
    names: dict[int, SegmentName] = dict(inherited)
    taken = {name.segment_name for name in names.values()}
    for segment_id, rows in centroids.groupby("segment_id", sort=True):
        segment_id = int(segment_id)
        if segment_id in names:
            continue
        z_by_feature = dict(zip(rows["feature_name"], rows["centroid_z_score"], strict=True))
        archetype = match_archetype(z_by_feature, archetypes)
        words = descriptors_for(z_by_feature, descriptors)
        name = next(n for n in _candidate_names(archetype, words) if n not in taken)
        names[segment_id] = SegmentName(name, archetype)
        taken.add(name)
    return dict(sorted(names.items()))
