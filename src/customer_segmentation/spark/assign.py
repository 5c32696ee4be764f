"""Customers assigned to segments in Spark, for the distributed fit (`spark.fits`): every
customer standardised with the sample fit's treatment, then given a segment by the fit's rule
(the shared-covariance scores of methods 4 and 5, or the nearest centroid with Lloyd's
K-means), as Spark column expressions so no customer leaves the cluster."""

from __future__ import annotations

import numpy as np
import pandas as pd


def with_nearest_center(frame, z_names, weights, centers):
    """`frame` with `prediction` (nearest centre, ties to the lower index) and its
    `squared_distance`, the distance weighted as the fit weighs it."""
    from pyspark.sql import functions as F

    distances = [
        sum(
            (
                F.lit(float(weight)) * (F.col(name) - F.lit(float(value))) ** 2
                for name, weight, value in zip(z_names, weights, center, strict=True)
                if weight > 0
            ),
            F.lit(0.0),
        )
        for center in centers
    ]
    frame = frame.select("*", *[d.alias(f"d_{i}") for i, d in enumerate(distances)])
    nearest = F.least(*[F.col(f"d_{i}") for i in range(len(centers))])
    return frame.select(
        *[c for c in frame.columns if not c.startswith("d_")],
        _first_index_at("d", len(centers), nearest).alias("prediction"),
        nearest.alias("squared_distance"),
    )


def _first_index_at(prefix: str, count: int, value):
    """The lowest i whose column `<prefix>_<i>` equals `value` (ties to the lower index)."""
    from pyspark.sql import functions as F

    index = F.lit(count - 1)
    for position in reversed(range(count - 1)):
        index = F.when(F.col(f"{prefix}_{position}") == value, F.lit(position)).otherwise(index)
    return index


def with_discriminant(frame, z_names, coefficients, intercepts):
    """`frame` with `prediction`: the segment with the highest linear score (the fit's
    shared-covariance rule, segmentation.refine), ties to the lower index."""
    from pyspark.sql import functions as F

    scores = [
        sum(
            (F.lit(float(c)) * F.col(name) for name, c in zip(z_names, row, strict=True)),
            F.lit(float(intercept)),
        )
        for row, intercept in zip(coefficients, intercepts, strict=True)
    ]
    frame = frame.select("*", *[s.alias(f"s_{i}") for i, s in enumerate(scores)])
    best = F.greatest(*[F.col(f"s_{i}") for i in range(len(scores))])
    return frame.select(
        *[c for c in frame.columns if not c.startswith("s_")],
        _first_index_at("s", len(scores), best).alias("prediction"),
    )


def member_means_in_spark(predicted, z_names, fallback):
    """Each segment's mean z-scores over its members (`fallback` for one with none)."""
    from pyspark.sql import functions as F

    means = (
        predicted.groupBy("prediction")
        .agg(*[F.avg(name).alias(name) for name in z_names])
        .toPandas()
        .set_index("prediction")
    )
    centers = np.array(fallback, dtype=float)
    for cluster in means.index:
        centers[int(cluster)] = means.loc[cluster, z_names].to_numpy(float)
    return centers


def with_distance_to(predicted, z_names, weights, centers):
    """`predicted` with `squared_distance` to its own segment's centre, weighted as the fit
    weighs it."""
    from pyspark.sql import functions as F

    distance = F.lit(None).cast("double")
    for index, center in enumerate(centers):
        squared = sum(
            (
                F.lit(float(w)) * (F.col(name) - F.lit(float(value))) ** 2
                for name, w, value in zip(z_names, weights, center, strict=True)
                if w > 0
            ),
            F.lit(0.0),
        )
        distance = F.when(F.col("prediction") == index, squared).otherwise(distance)
    return predicted.withColumn("squared_distance", distance)


def lloyd_in_spark(frame, z_names, weights, start, max_iter=50, tolerance=1e-6):
    """Lloyd's K-means over every row of `frame` from the centres `start` (k x features, in
    standardised units): assign to the nearest centre, move each centre to its members' mean,
    until no centre moves more than `tolerance` (weighted units). A centre that loses every
    member stays where it was."""
    from pyspark.sql import functions as F

    centers = np.array(start, dtype=float)
    scale = np.sqrt(weights)
    for _ in range(max_iter):
        means = (
            with_nearest_center(frame, z_names, weights, centers)
            .groupBy("prediction")
            .agg(*[F.avg(name).alias(name) for name in z_names])
            .toPandas()
            .set_index("prediction")
        )
        updated = centers.copy()
        for cluster in means.index:
            updated[int(cluster)] = means.loc[cluster, z_names].to_numpy(float)
        shift = np.abs((updated - centers) * scale).max()
        centers = updated
        if shift < tolerance:
            break
    return centers


def standardised_column(feature):
    """A used feature in the fit's standardised units, in Spark: clipped to its fences (in the
    feature's own units), signed log1p when the fit used it, imputed, then scaled."""
    from pyspark.sql import functions as F

    value = F.col(feature.feature_name).cast("double")
    if not pd.isna(feature.clip_lower_value):
        value = F.greatest(value, F.lit(float(feature.clip_lower_value)))
    if not pd.isna(feature.clip_upper_value):
        value = F.least(value, F.lit(float(feature.clip_upper_value)))
    if feature.is_log_transformed:
        value = F.signum(value) * F.log1p(F.abs(value))
    value = F.coalesce(value, F.lit(float(feature.impute_value)))
    return (value - float(feature.scaler_mean)) / float(feature.scaler_scale)
