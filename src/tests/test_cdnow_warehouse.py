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


@pytest.fixture(scope="module")
def holdout_build(cdnow, tmp_path_factory):
    """The papers' split: 1998-07-01 - 273 days = 1997-10-01, so the evaluation fit is their
    calibration and its holdout weeks 40-78."""
    work = tmp_path_factory.mktemp("cdnow_holdout")
    raw_dir = write_cdnow_raw_folder(cdnow, work / "raw")
    build = build_warehouse(
        raw_dir, work / "build", extra_vars={"as_of_date": "1998-07-01", "clv_holdout_days": 273}
    )
    assert_succeeded(build)
    return build


def test_cdnow_holdout_evaluation_scores_weeks_40_to_78(cdnow, holdout_build):
    build = holdout_build
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

    # Spend, on the same customers and holdout: the past repeat spend recomputed here from the
    # raw transactions (everything spent after the first purchase day and before the cut-off).
    spend = cdnow.assign(
        customer_id=cdnow["customer_index"].map(lambda i: f"{int(i):04d}"),
        day=cdnow["date"].dt.normalize(),
    )
    first_day = spend[spend["day"] < cut].groupby("customer_id")["day"].min()
    spend = spend[spend["customer_id"].isin(first_day.index)]
    after_first = spend["day"] > spend["customer_id"].map(first_day)
    before_cut = after_first & (spend["day"] < cut)
    spend_customers = pd.DataFrame(
        {
            "past": spend[before_cut].groupby("customer_id")["amount"].sum(),
            "actual": spend[spend["day"] >= cut].groupby("customer_id")["amount"].sum(),
        },
        index=first_day.index,
    ).fillna(0.0)
    ranked = spend_customers.reset_index().sort_values(["past", "customer_id"])
    top_decile = np.array_split(ranked["actual"].to_numpy(), 10)[-1]
    spend_scores = {
        model: (customers_scored, actual_total, rank, top, calibration, mae)
        for model, customers_scored, actual_total, rank, top, calibration, mae in build.query(
            "select model_name, customer_count, actual_spend_total_amount,"
            " spend_rank_correlation, top_decile_spend_share, decile_calibration_error,"
            " mean_absolute_error_amount from clv_spend_evaluation where evaluation_group = 'all'"
        )
    }
    assert set(spend_scores) == {"bg_nbd", "gradient_boosting", "past_repeat_spend"}
    for customers_scored, actual_total, *_ in spend_scores.values():
        assert customers_scored == 2357
        assert float(actual_total) == pytest.approx(spend_customers["actual"].sum(), abs=0.01)
    baseline = spend_scores["past_repeat_spend"]
    expected_rank = spend_customers["past"].rank().corr(spend_customers["actual"].rank())
    assert baseline[2] == pytest.approx(expected_rank, abs=1e-6)
    assert baseline[3] == pytest.approx(top_decile.sum() / ranked["actual"].sum(), abs=1e-6)
    # The same picture as for purchases (bench/results/2026-12-04-predicted-value-study.md):
    # the past spend ranks with more ties and a higher Spearman (0.479 against 0.426), BG/NBD x
    # Gamma-Gamma's top decile holds more of the holdout's revenue, its error is smaller and its
    # deciles are calibrated.
    model = spend_scores["bg_nbd"]
    assert round(model[2], 3) == 0.426 and round(baseline[2], 3) == 0.479
    assert model[3] > baseline[3]
    assert model[5] < baseline[5]
    assert model[4] < 0.2 < baseline[4]


def test_cdnow_purchase_intervals_hold_what_they_claim_on_the_holdout(holdout_build):
    """BG/NBD's 80% intervals over weeks 40-78: the mart's coverage is the share of customers
    whose holdout purchase days fell inside their own interval, recomputed here from the
    predictions, and it is at least the 80% the intervals claim."""
    rows = holdout_build.query(
        "select predicted_purchases_p10, predicted_purchases_p90, actual_purchases"
        " from main_intermediate.int_clv_holdout_predictions"
        " where fit_purpose = 'holdout_evaluation' and model_name = 'bg_nbd'"
    )
    assert len(rows) == 2357 and all(low <= high for low, high, _ in rows)
    inside = np.mean([low <= actual <= high for low, high, actual in rows])
    coverage = dict(
        holdout_build.query(
            "select model_name, purchase_interval_coverage from clv_model_evaluation"
            " where evaluation_group = 'all'"
        )
    )
    print(f"\nCDNOW weeks 40-78: 80% intervals held {coverage['bg_nbd']:.3f} of customers")
    assert coverage["bg_nbd"] == pytest.approx(inside, abs=1e-9)
    assert coverage["bg_nbd"] >= 0.8
    # The other models give means, not distributions.
    assert coverage["gradient_boosting"] is None and coverage["past_repeat_count"] is None


def test_cdnow_learned_model_learns_only_from_the_past_and_is_chosen_without_the_holdout(
    cdnow, holdout_build
):
    build = holdout_build
    # The training examples of the evaluation fit's latest window, recomputed here from the raw
    # transactions: features from the purchase days before the cut-off only, labels from the
    # clv_selection_holdout_days (91) after it, every window closed by the fit's cut-off.
    cut_off, label_end = pd.Timestamp("1997-07-02"), pd.Timestamp("1997-10-01")
    fit_end = pd.Timestamp("1997-10-01")
    windows = build.query(
        "select customer_id, frequency, recency_time_units, age_time_units,"
        " holdout_purchase_count, holdout_end_date from main_intermediate.int_clv_training_windows"
        f" where fit_purpose = 'holdout_evaluation' and calibration_end_date = '{cut_off.date()}'"
    )
    assert len(windows) == 2357  # every customer: the sample keeps up to 10,000
    assert {pd.Timestamp(row[5]) for row in windows} == {label_end}
    assert label_end <= fit_end
    days = cdnow.assign(
        customer_id=cdnow["customer_index"].map(lambda i: f"{int(i):04d}"),
        day=cdnow["date"].dt.normalize(),
    )[["customer_id", "day"]].drop_duplicates()
    before = days[days["day"] < cut_off].groupby("customer_id")["day"]
    first, last = before.min(), before.max()
    label = days[(days["day"] >= cut_off) & (days["day"] < label_end)].groupby("customer_id").size()
    for customer_id, frequency, recency, age, purchases, _ in windows:
        assert frequency == before.size()[customer_id] - 1, customer_id
        assert recency == pytest.approx((last[customer_id] - first[customer_id]).days / 7)
        assert age == pytest.approx(((cut_off - first[customer_id]).days - 1) / 7)
        assert purchases == label.get(customer_id, 0), customer_id

    # The choice is made on the selection window (history before 1997-07-02, 91 days held out),
    # which ends where the evaluation's holdout begins. There the learned model ranks better
    # but is far from calibrated (it learned from younger customers), so BG/NBD stands.
    choice = dict(
        build.query(
            "select model_name, is_production_model from main_intermediate.int_clv_model_selection"
        )
    )
    assert choice == {"bg_nbd": True, "gradient_boosting": False}
    [(published, reason)] = build.query(
        "select model_name, selection_reason from clv_model_parameters"
        " where is_production_model and model_name <> 'gamma_gamma'"
    )
    assert published == "bg_nbd"
    assert reason.startswith("BG/NBD stands: on the selection window (history before 1997-07-02")
    [(models, differing)] = build.query(
        "select string_agg(distinct prediction_model_name, ','),"
        " count(*) filter (where expected_purchases <> bg_nbd_expected_purchases)"
        " from customer_predicted_value"
    )
    assert (models, differing) == ("bg_nbd", 0)
    # Every model is still reported on the evaluation's holdout, the learned one included.
    reported = {
        model: (rank, top, mae)
        for model, rank, top, mae in build.query(
            "select model_name, purchase_rank_correlation, top_decile_purchase_share,"
            " mean_absolute_error from clv_model_evaluation where evaluation_group = 'all'"
        )
    }
    assert set(reported) == {"bg_nbd", "gradient_boosting", "past_repeat_count"}
    print("\nCDNOW weeks 40-78 (Spearman, top decile, MAE):", reported)
