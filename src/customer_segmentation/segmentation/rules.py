"""Explain K-means segments to analysts as rules on the raw customer features.

A shallow decision tree (depth at most 3) is fitted on the original, untransformed columns
of `customer_features` to predict each customer's segment (`rule_tree`). Every leaf becomes a
readable rule and a SQL predicate that can be pasted into a `where` clause on that table, and
every rule reports its fidelity to the K-means labels, so analysts can see how far a simple
description of a segment can be trusted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from customer_segmentation.segmentation.rule_tree import (
    LeafRule,
    RuleConfig,
    _segment_array,
    fit_rule_tree,
    leaf_rules,
)

# pandas dtypes of the returned frame's columns.
RULE_COLUMN_TYPES = {
    "rule_id": "string",
    "rule_scope": "string",
    "segment_id": "Int64",
    "segment_name": "string",
    "rule_text": "string",
    "sql_predicate": "string",
    "customers_matched": "Int64",
    "customers_correct": "Int64",
    "precision": "Float64",
    "segment_recall": "Float64",
    "depth": "Int64",
    "feature_count": "Int64",
    "fit_row_count": "Int64",
}


def _scores(matched: int, correct: int, segment_size: int) -> dict:
    """Counts and their shares; a share of nobody is unknown, not zero."""
    return {
        "customers_matched": matched,
        "customers_correct": correct,
        "precision": correct / matched if matched else None,
        "segment_recall": correct / segment_size if segment_size else None,
    }


def _record(
    rule_id: str,
    scope: str,
    segment: int | None,
    text: str,
    sql: str,
    depth: int | None,
    scores: dict,
) -> dict:
    return {
        "rule_id": rule_id,
        "rule_scope": scope,
        "segment_id": segment,
        "rule_text": text,
        "sql_predicate": sql,
        **scores,
        "depth": depth,
    }


def _segment_record(segment: int, rules: list[LeafRule], claimed, labels, size: int) -> dict:
    """A segment's rule is the OR of the leaves that predict it, scored as one union."""
    scores = _scores(int(claimed.sum()), int((claimed & (labels == segment)).sum()), size)
    if not rules:
        text = "no rule predicts this segment"
        return _record(f"segment|{segment}", "segment", segment, text, "false", None, scores)
    sqls = [rule.sql_predicate for rule in rules]
    return _record(
        f"segment|{segment}",
        "segment",
        segment,
        " OR ".join(rule.rule_text for rule in rules),
        sqls[0] if len(sqls) == 1 else "(" + " or ".join(sqls) + ")",
        max(rule.depth for rule in rules),
        scores,
    )


def explain_segments(
    features: pd.DataFrame,
    segment_ids: pd.Series | np.ndarray,
    feature_columns: Sequence[str],
    config: RuleConfig = RuleConfig(),  # noqa: B008 - frozen, so a shared default is safe
    segment_names: Mapping[int, str] | None = None,
) -> pd.DataFrame:
    """Rules per leaf, per segment (the union of its leaves) and overall, with fidelity.

    The tree may be fitted on a sample, but every count is over all rows, because analysts
    will run the predicates on the whole table. Segment ids match feature rows by position.
    """
    rule_tree = fit_rule_tree(features, segment_ids, feature_columns, config)
    labels = _segment_array(segment_ids, len(features))
    leaves = rule_tree.apply(features)
    rules = leaf_rules(rule_tree.model, rule_tree.feature_names)
    leaf_segment = np.zeros(rule_tree.model.tree_.node_count, dtype=np.int64)
    for rule in rules:
        leaf_segment[rule.node_id] = rule.segment_id
    predicted = leaf_segment[leaves]
    segments, sizes = np.unique(labels, return_counts=True)
    size_of = dict(zip(segments.tolist(), sizes.tolist(), strict=True))

    records = []
    for number, rule in enumerate(rules, start=1):
        in_leaf = leaves == rule.node_id
        correct = int((in_leaf & (labels == rule.segment_id)).sum())
        scores = _scores(int(in_leaf.sum()), correct, size_of[rule.segment_id])
        text, sql = rule.rule_text, rule.sql_predicate
        records.append(
            _record(f"leaf|{number}", "leaf", rule.segment_id, text, sql, rule.depth, scores)
        )
    for segment, size in size_of.items():
        own = [rule for rule in rules if rule.segment_id == segment]
        records.append(_segment_record(segment, own, predicted == segment, labels, size))
    fidelity = float((predicted == labels).mean())
    scores = {
        **_scores(len(labels), int((predicted == labels).sum()), 0),
        # Macro average, so a small segment the rules miss is not hidden by large ones.
        "segment_recall": float(np.mean([r["segment_recall"] for r in records[len(rules) :]])),
    }
    depth, feature_count = rule_tree.model.get_depth(), len(rule_tree.feature_names)
    plural = "" if feature_count == 1 else "s"
    text = f"depth-{depth} tree on {feature_count} feature{plural}, fidelity {fidelity:.2f}"
    records.append(_record("overall", "overall", None, text, "true", depth, scores))

    frame = pd.DataFrame.from_records(records)
    names = segment_names or {}
    frame["segment_name"] = [
        None if pd.isna(segment) else names.get(int(segment)) for segment in frame["segment_id"]
    ]
    frame["feature_count"] = feature_count
    frame["fit_row_count"] = rule_tree.fit_row_count
    return frame.astype(RULE_COLUMN_TYPES)[list(RULE_COLUMN_TYPES)]
