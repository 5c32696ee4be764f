"""The shallow decision tree that explains the segments, and each of its leaves as a readable
rule and a SQL predicate on `customer_features`.

The SQL reproduces the fitted tree exactly, NULLs included: the tree stores, per split,
where missing values go, and the predicate adds `or col is null` only on that side. The tree
also compares values after rounding them to float32, so each SQL threshold is the float64
cut-off that gives the same answer for every float64 value, not the tree's raw threshold.
Deterministic: the sample and the tree both take the configured seed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier

from customer_segmentation.segmentation.prepare import sample_rows

MAX_RULE_DEPTH = 3  # deeper trees stop being rules an analyst can read


@dataclass(frozen=True)
class RuleConfig:
    """How to fit the explaining tree."""

    max_depth: int = 3
    min_leaf_share: float = 0.01  # min_samples_leaf = max(1, ceil(share * fitted rows))
    sample_size: int = 20_000  # fit on a seeded sample of this size; fidelity uses all rows
    seed: int = 42

    def __post_init__(self) -> None:
        if not 1 <= self.max_depth <= MAX_RULE_DEPTH:
            raise ValueError(f"max_depth must be between 1 and {MAX_RULE_DEPTH}")
        if not 0 <= self.min_leaf_share <= 1:
            raise ValueError("min_leaf_share must be between 0 and 1")
        if self.sample_size < 1:
            raise ValueError("sample_size must be at least 1")


@dataclass(frozen=True)
class LeafRule:
    """One leaf of the tree: the segment it predicts and the path to it, in words and SQL."""

    node_id: int
    segment_id: int
    depth: int
    rule_text: str
    sql_predicate: str


@dataclass(frozen=True)
class RuleTree:
    """The fitted tree and the columns it reads, in the order it reads them.

    With no usable feature the model was fitted on one constant column (a root-only tree),
    because a tree cannot be fitted on zero columns; `apply` supplies that column.
    """

    model: DecisionTreeClassifier
    feature_names: tuple[str, ...]
    fit_row_count: int

    def apply(self, features: pd.DataFrame) -> np.ndarray:
        """The leaf node id each row of `features` reaches (raw values, NaN or NA allowed)."""
        return self.model.apply(feature_matrix(features, self.feature_names))


@dataclass
class _Bounds:
    """What one leaf's path requires of one feature: lower < value <= upper, in the tree's
    thresholds, and whether a missing value follows the path through every split on it."""

    lower: float = -math.inf
    upper: float = math.inf
    nulls: bool = True


def feature_matrix(features: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Raw feature values as float64 with NaN for every kind of missing (NaN, None, pd.NA)."""
    if not columns:
        return np.zeros((len(features), 1))
    return np.column_stack(
        [
            pd.to_numeric(features[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            for name in columns
        ]
    )


def _varies(values: np.ndarray) -> bool:
    """A column null for every customer, or with a single known value, cannot explain a
    segment (K-means dropped it too), so the tree is not offered it."""
    known = values[~np.isnan(values)]
    return known.size > 0 and np.ptp(known) > 0


def _segment_array(segment_ids: pd.Series | np.ndarray, n_rows: int) -> np.ndarray:
    """Segment ids as int64, matched to feature rows by position."""
    series = segment_ids if isinstance(segment_ids, pd.Series) else pd.Series(segment_ids)
    if len(series) != n_rows:
        raise ValueError(f"{len(series)} segment ids for {n_rows} feature rows")
    if series.isna().any():
        raise ValueError("segment ids must not be null")
    return series.to_numpy(dtype=np.int64)


def fit_rule_tree(
    features: pd.DataFrame,
    segment_ids: pd.Series | np.ndarray,
    feature_columns: Sequence[str],
    config: RuleConfig = RuleConfig(),  # noqa: B008 - frozen, so a shared default is safe
) -> RuleTree:
    """Fit the explaining tree on raw values, on a seeded sample when there are many rows.

    sklearn routes missing values itself (learned per split, or to the larger child when a
    split saw none), so nothing is imputed and the rules can speak about unknown values.
    """
    absent = [name for name in feature_columns if name not in features.columns]
    if absent:
        raise ValueError(f"features lack column(s): {absent}")
    labels = _segment_array(segment_ids, len(features))
    if len(features) == 0:
        raise ValueError("no customers to explain")
    usable = tuple(
        name for name in feature_columns if _varies(feature_matrix(features, [name])[:, 0])
    )
    rows = sample_rows(len(features), config.sample_size, config.seed)
    # Rounded first so that, say, 0.07 * 100 asks for 7 rows and not 8.
    min_leaf = max(1, math.ceil(round(config.min_leaf_share * len(rows), 9)))
    model = DecisionTreeClassifier(
        max_depth=config.max_depth, min_samples_leaf=min_leaf, random_state=config.seed
    )
    model.fit(feature_matrix(features, usable)[rows], labels[rows])
    return RuleTree(model=model, feature_names=usable, fit_row_count=len(rows))


def float32_cutoff(threshold: float) -> float:
    """The float64 `c` with `x <= c` exactly when the tree sends the value x left.

    The tree rounds x to float32 (to nearest, ties to even) before comparing it with its
    float64 threshold, so values a little above the threshold can still go left (123.46
    does for the threshold 123.4599990845, fitted between 123.45 and 123.47). Values go
    left up to the rounding edge above the largest float32 not above the threshold.
    """
    below = np.float32(threshold)
    if float(below) > threshold:
        below = np.nextafter(below, np.float32(-np.inf))
    with np.errstate(over="ignore"):
        above = np.nextafter(below, np.float32(np.inf))
    # Both are float32, so the half gap and the edge are exact in float64. Above the largest
    # float32 comes inf; values still round down to it up to half its ulp (2**104) above.
    half_gap = 2.0**103 if np.isinf(above) else (float(above) - float(below)) / 2
    edge = float(below) + half_gap
    ties_go_below = int(below.view(np.uint32)) % 2 == 0
    return edge if ties_go_below else float(np.nextafter(edge, -np.inf))


def _display_number(value: float) -> str:
    """Four significant digits, without scientific notation, for the readable rule."""
    return np.format_float_positional(float(f"{value:.4g}"), trim="-")


def _sql_number(threshold: float) -> str:
    """The exact cut-off; repr round-trips, so the database parses back the same double."""
    return repr(float32_cutoff(threshold))


def _condition(name: str, bounds: _Bounds) -> tuple[str, str] | None:
    """Readable text and SQL for one feature on one path; None when it constrains nothing.

    Comparisons are written as `col > t` rather than `not (col <= t)`, so a NULL never
    satisfies them, and `or col is null` is added only where the tree sends missing values.
    A threshold of +inf is sklearn's split of missing values (right) from all others.
    """
    if bounds.lower == math.inf:  # right of a missing-value split: only nulls remain
        return ("never", "false") if not bounds.nulls else (f"{name} is unknown", f"{name} is null")
    sqls = []
    if bounds.lower > -math.inf:
        sqls.append(f"{name} > {_sql_number(bounds.lower)}")
    if bounds.upper < math.inf:
        sqls.append(f"{name} <= {_sql_number(bounds.upper)}")
    if not sqls:
        return None if bounds.nulls else (f"{name} is known", f"{name} is not null")
    if len(sqls) == 2:
        text = f"{_display_number(bounds.lower)} < {name} <= {_display_number(bounds.upper)}"
        sql = f"({' and '.join(sqls)})" if bounds.nulls else " and ".join(sqls)
    elif bounds.lower > -math.inf:
        text, sql = f"{name} > {_display_number(bounds.lower)}", sqls[0]
    else:
        text, sql = f"{name} <= {_display_number(bounds.upper)}", sqls[0]
    if not bounds.nulls:
        return text, sql
    return f"{text} (or unknown)", f"({sql} or {name} is null)"


def leaf_rules(tree: DecisionTreeClassifier, feature_names: Sequence[str]) -> list[LeafRule]:
    """Every leaf of a fitted tree, left to right, with its path as text and SQL.

    Splits on the same feature along a path are merged into one range, so a rule reads
    "1.5 < x <= 4" rather than repeating x; missing values reach the leaf only if every one
    of those splits sends them along the path.
    """
    structure = tree.tree_
    rules: list[LeafRule] = []
    stack: list[tuple[int, tuple[tuple[int, float, bool, bool], ...]]] = [(0, ())]
    while stack:
        node, path = stack.pop()
        left, right = int(structure.children_left[node]), int(structure.children_right[node])
        if left == right:  # both are TREE_LEAF (-1)
            segment = int(tree.classes_[int(np.argmax(structure.value[node][0]))])
            rules.append(_leaf_rule(node, segment, path, feature_names))
            continue
        feature, threshold = int(structure.feature[node]), float(structure.threshold[node])
        nulls_left = bool(structure.missing_go_to_left[node])
        # Right is pushed first so that the left subtree is finished first.
        stack.append((right, (*path, (feature, threshold, False, not nulls_left))))
        stack.append((left, (*path, (feature, threshold, True, nulls_left))))
    return rules


def _leaf_rule(
    node: int,
    segment: int,
    path: tuple[tuple[int, float, bool, bool], ...],
    feature_names: Sequence[str],
) -> LeafRule:
    bounds: dict[int, _Bounds] = {}  # insertion order: the feature's first split on the path
    for feature, threshold, went_left, nulls_follow in path:
        entry = bounds.setdefault(feature, _Bounds())
        if went_left:
            entry.upper = min(entry.upper, threshold)
        else:
            entry.lower = max(entry.lower, threshold)
        entry.nulls = entry.nulls and nulls_follow
    conditions = [_condition(feature_names[f], b) for f, b in bounds.items()]
    conditions = [c for c in conditions if c is not None]
    if not conditions:
        return LeafRule(node, segment, len(path), "all customers", "true")
    text = " and ".join(c[0] for c in conditions)
    sql = " and ".join(c[1] for c in conditions)
    # Parenthesised so it can be OR-ed or AND-ed as it is (a lone nullable condition already is).
    if len(conditions) > 1 or not sql.startswith("("):
        sql = f"({sql})"
    return LeafRule(node, segment, len(path), text, sql)
