"""Keep segment ids and names across runs.

K-means numbers its clusters arbitrarily, so a rebuild could swap "Champions" and
"Hibernating" while nothing changed. When an earlier run exists, the new clusters are matched
to the centroids of the latest run with an earlier as-of date: both sets of centroids are
expressed in this run's standardised units (the earlier centroids stored in transformed
feature units, rescaled with this run's scaler, on the features both runs used, and distances
weighted by this run's feature weights), and the Hungarian algorithm pairs them with the least
total distance. A pair is the same segment only
when the new centroid is closer to the earlier one than `max_match_distance_ratio` (default
one half) of the way from that earlier centroid to its nearest earlier neighbour: a scale-free
rule, since how far is "far" depends on how far apart the segments are. Otherwise the new
cluster gets a new id and the earlier one is reported as vanished. A new id is one no stored run
of another date has used (their highest + 1), so a date built between two stored ones cannot
give the later run's id to a different segment; rebuilding a date first reuses that date's own
stored ids for the clusters that match them, so rebuilding gives the same ids as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment


@dataclass(frozen=True)
class PreviousRun:
    """The stored runs new clusters take their ids from (see matching): the latest earlier
    run (as_of_date None and no centroids when every stored run is of this date or later)."""

    as_of_date: str | None
    centroids: pd.DataFrame  # segment_id, segment_name, segment_archetype, feature_name,
    #                          centroid_value (transformed feature units)
    highest_segment_id: int  # the highest id any stored run of another date used
    # This date's own stored slice, when the date is being rebuilt (same columns).
    same_date_centroids: pd.DataFrame = field(default_factory=pd.DataFrame)


PREVIOUS_COLUMNS = ["segment_id", "segment_name", "segment_archetype", "feature_name"]


@dataclass
class SegmentMatch:
    """Result for the current clusters (positions 0..k-1)."""

    previous_ids: list[int | None]  # matched earlier segment id, None for a new cluster
    distances: list[float | None]  # distance to the matched earlier centroid
    vanished: pd.DataFrame = field(default_factory=pd.DataFrame)  # earlier segments unmatched


def match_to_previous(
    centroids_z: np.ndarray,
    feature_names: list[str],
    scaler_mean: np.ndarray,
    scaler_scale: np.ndarray,
    weights: np.ndarray,
    previous: pd.DataFrame,
    max_match_distance_ratio: float,
) -> SegmentMatch:
    """Pair current centroids (rows of `centroids_z`, standardised with this run's scaler) with
    the earlier run's (`previous`: one row per segment and feature, with `centroid_value` in
    transformed feature units), in the space this run's segments live in (sqrt(weights)
    scaled)."""
    k = len(centroids_z)
    wide = previous.pivot_table(
        index="segment_id", columns="feature_name", values="centroid_value", aggfunc="first"
    ).sort_index()
    common = [name for name in feature_names if name in wide.columns]
    previous_segments = (
        previous.drop_duplicates("segment_id")
        .set_index("segment_id")
        .sort_index()[["segment_name", "segment_archetype"]]
    )
    if not common or wide.empty:
        return SegmentMatch([None] * k, [None] * k, previous_segments.reset_index())
    positions = [feature_names.index(name) for name in common]
    scale = np.sqrt(weights[positions])
    current = centroids_z[:, positions] * scale
    earlier = (wide[common].to_numpy(float) - scaler_mean[positions]) / scaler_scale[positions]
    earlier = np.nan_to_num(earlier) * scale  # a value the earlier run lacked: average
    cost = np.linalg.norm(current[:, None, :] - earlier[None, :, :], axis=2)
    gaps = np.linalg.norm(earlier[:, None, :] - earlier[None, :, :], axis=2)
    np.fill_diagonal(gaps, np.inf)
    allowed = max_match_distance_ratio * gaps.min(axis=1)  # inf with one earlier segment
    rows, columns = linear_sum_assignment(cost)
    previous_ids: list[int | None] = [None] * k
    distances: list[float | None] = [None] * k
    matched_previous = set()
    for row, column in zip(rows, columns, strict=True):
        if cost[row, column] <= allowed[column]:
            previous_ids[row] = int(wide.index[column])
            distances[row] = float(cost[row, column])
            matched_previous.add(int(wide.index[column]))
    vanished = previous_segments[~previous_segments.index.isin(matched_previous)].reset_index()
    return SegmentMatch(previous_ids, distances, vanished)


def read_previous_run(connection, schema: str, as_of_date: str):
    """The latest stored run with an as-of date before `as_of_date`, or None.

    Reads the warehouse's own history tables (`segmentation_runs`, `segment_centroids` in
    `schema`) through the build's connection. Runs of the same or a later date are ignored, so
    rebuilding a date gives the same answer whatever order the dates were built in.
    """
    cursor = connection.cursor()  # its own cursor: the build's connection may be mid-result
    present = cursor.execute(
        "select count(distinct table_name) from information_schema.tables "
        "where table_schema = ? and table_name in ('segmentation_runs', 'segment_centroids')",
        [schema],
    ).fetchall()[0][0]
    if present < 2:
        return None
    return previous_run_from(
        lambda sql, params: cursor.execute(sql, params).df(), schema, as_of_date
    )


def previous_run_from(query, schema: str, as_of_date: str):
    """The stored runs that new clusters take ids from, or None when no run is stored.
    `query(sql, params)` runs SQL with `?` parameters and returns a DataFrame, so the same SQL
    (valid on DuckDB and Spark) serves the dbt Python model and the Spark fit."""
    runs = query(
        f"select cast(as_of_date as string) as as_of_date, highest_segment_id "
        f"from {schema}.segmentation_runs order by as_of_date",
        [],
    )
    if runs.empty:
        return None
    runs["as_of_date"] = runs["as_of_date"].str[:10]
    earlier = runs[runs["as_of_date"] < as_of_date]
    others = runs[runs["as_of_date"] != as_of_date]
    run_date = str(earlier["as_of_date"].iloc[-1]) if len(earlier) else None

    def centroids_of(date: str | None) -> pd.DataFrame:
        if date is None:
            return pd.DataFrame()
        return query(
            "select segment_id, segment_name, segment_archetype, feature_name, centroid_value "
            f"from {schema}.segment_centroids where as_of_date = cast(? as date) "
            "order by segment_id, feature_name",
            [date],
        )

    return PreviousRun(
        as_of_date=run_date,
        centroids=centroids_of(run_date),
        highest_segment_id=int(others["highest_segment_id"].fillna(0).max()) if len(others) else 0,
        same_date_centroids=centroids_of(as_of_date if len(others) < len(runs) else None),
    )
