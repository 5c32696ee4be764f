"""The CDNOW sample through the whole warehouse: the SQL model inputs and the dbt Python fit
must reproduce the published BG/NBD (Fader, Hardie & Lee 2005) and Gamma-Gamma parameters,
and the holdout evaluation must score weeks 40-78."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import assert_succeeded, build_warehouse

from customer_segmentation.predicted_value.clv_data import write_cdnow_raw_folder

pytestmark = [pytest.mark.dbt, pytest.mark.usefixtures("dbt_available")]

PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "gamma": 15.44}


def _parameters(build, fit_purpose: str) -> dict:
    rows = build.query(
        "select model_name, fit_status, r, alpha, a, b, p, q, gamma, customers_used"
        f" from clv_model_parameters where fit_purpose = '{fit_purpose}'"
    )
    names = ["fit_status", "r", "alpha", "a", "b", "p", "q", "gamma", "customers_used"]
    return {row[0]: dict(zip(names, row[1:], strict=True)) for row in rows}


def _assert_published(parameters: dict) -> None:
    bgnbd, spend = parameters["bg_nbd"], parameters["gamma_gamma"]
    assert bgnbd["fit_status"] == spend["fit_status"] == "fitted"
    assert bgnbd["customers_used"] == 2357
    assert spend["customers_used"] == 946  # repeat buyers with positive spend
    for name, value in PUBLISHED_BGNBD.items():
        assert round(bgnbd[name], 3) == value, name
    for name, value in PUBLISHED_GAMMA_GAMMA.items():
        assert round(spend[name], 2) == value, name


def test_cdnow_calibration_reproduces_published_parameters(cdnow, tmp_path):
    raw_dir = write_cdnow_raw_folder(cdnow, tmp_path / "raw")
    build = build_warehouse(raw_dir, tmp_path / "build", extra_vars={"as_of_date": "1997-10-01"})
    assert_succeeded(build)
    _assert_published(_parameters(build, "production"))
    [(scored,)] = build.query("select count(*) from customer_predicted_value")
    assert scored == 2357
    [(nulls,)] = build.query(
        "select count(*) from customer_predicted_value"
        " where expected_purchases is null or probability_alive is null"
        " or predicted_clv_amount is null"
    )
    assert nulls == 0


def test_cdnow_holdout_evaluation_scores_weeks_40_to_78(cdnow, tmp_path):
    raw_dir = write_cdnow_raw_folder(cdnow, tmp_path / "raw")
    # 1998-07-01 - 273 days = 1997-10-01: the evaluation fit is the papers' calibration.
    build = build_warehouse(
        raw_dir,
        tmp_path / "build",
        extra_vars={"as_of_date": "1998-07-01", "clv_holdout_days": 273},
    )
    assert_succeeded(build)
    _assert_published(_parameters(build, "holdout_evaluation"))
    [(customers, predicted, actual, mae, correlation)] = build.query(
        "select customer_count, predicted_purchases_total, actual_purchases_total,"
        " mean_absolute_error, purchase_correlation from clv_model_evaluation"
        " where model_name = 'bg_nbd' and evaluation_group = 'all'"
    )
    print(f"\nCDNOW weeks 40-78: predicted {predicted:.1f}, actual {actual},", end=" ")
    print(f"MAE {mae:.3f}, correlation {correlation:.3f}")
    assert customers == 2357
    assert actual == 1882  # repeat purchase days in weeks 40-78, counted from the raw rows
    assert abs(predicted - actual) / actual < 0.15
    assert correlation > 0.5
    deciles = build.query(
        "select predicted_decile, predicted_purchases_mean, actual_purchases_mean"
        " from clv_model_evaluation where model_name = 'bg_nbd' and predicted_decile is not null"
        " order by predicted_decile"
    )
    assert [d for d, _, _ in deciles] == list(range(1, 11))
    # Calibration: customers predicted to buy more did buy more.
    assert deciles[-1][2] > deciles[0][2]

    # The baseline beside it, recomputed here from the raw transactions: rank by repeat
    # purchase days before the cut-off, deciles ordered by that count and then customer id.
    days = cdnow.assign(
        customer_id=cdnow["customer_index"].map(lambda i: f"{int(i):04d}"),
        day=cdnow["date"].dt.normalize(),
    )[["customer_id", "day"]].drop_duplicates()
    cut = pd.Timestamp("1997-10-01")
    customers = pd.DataFrame(
        {
            "repeats": days[days["day"] < cut].groupby("customer_id").size() - 1,
            "actual": days[days["day"] >= cut].groupby("customer_id").size(),
        }
    ).fillna({"actual": 0})
    ranked = customers.reset_index().sort_values(["repeats", "customer_id"])
    top_decile = np.array_split(ranked["actual"].to_numpy(), 10)[-1]
    expected = {
        "rank": customers["repeats"].rank().corr(customers["actual"].rank()),
        "top": top_decile.sum() / customers["actual"].sum(),
    }
    scores = {
        model: (rank, top, calibration)
        for model, rank, top, calibration in build.query(
            "select model_name, purchase_rank_correlation, top_decile_purchase_share,"
            " decile_calibration_error from clv_model_evaluation where evaluation_group = 'all'"
        )
    }
    assert scores["past_repeat_count"][0] == pytest.approx(expected["rank"], abs=1e-9)
    assert scores["past_repeat_count"][1] == pytest.approx(expected["top"], abs=1e-9)
    # What the model adds (bench/results/2026-12-04-predicted-value-study.md): the count ranks
    # with more ties and a higher Spearman (0.488 against 0.449), but BG/NBD's top decile holds
    # more of the holdout's purchases and its deciles are calibrated; the count's are not.
    assert round(scores["bg_nbd"][0], 3) == 0.449 and round(expected["rank"], 3) == 0.488
    assert scores["bg_nbd"][1] > scores["past_repeat_count"][1]
    assert scores["bg_nbd"][2] < 0.2 < scores["past_repeat_count"][2]
