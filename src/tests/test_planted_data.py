"""The planted evaluation data: contract shape, determinism, planted groups and dirt.

Fast (no dbt): each data set is generated once per module into pytest's tmp folders and read
back from the CSV files, so the tests check what the warehouse would read, not the
generator's internals. The header constants below are copied from RAW_CONTRACT.md on purpose
rather than imported from the generator: a test that shares the generator's constants could
not catch the generator drifting from the contract.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from customer_segmentation.evaluation.planted import generate_planted, main

# In the contract's order; the files may order them differently.
CONTRACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "customers.csv": (
        "customer_id", "signup_date", "birth_year", "gender", "annual_income", "education",
        "marital_status", "country", "city",
    ),
    "order_lines.csv": (
        "order_id", "line_number", "customer_id", "ordered_at", "product_id", "quantity",
        "unit_price", "currency", "channel", "promotion_id",
    ),
    "products.csv": ("product_id", "product_name", "category", "brand", "unit_cost"),
    "web_sessions.csv": (
        "session_id", "customer_id", "started_at", "duration_seconds", "page_views", "device",
    ),
    "marketing_events.csv": (
        "event_id", "customer_id", "campaign_id", "channel", "event_type", "occurred_at",
    ),
    "support_tickets.csv": (
        "ticket_id", "customer_id", "opened_at", "resolved_at", "category", "csat_score",
    ),
    "survey_responses.csv": ("response_id", "customer_id", "responded_at", "nps_score"),
    "product_reviews.csv": ("review_id", "customer_id", "product_id", "reviewed_at", "rating"),
}  # fmt: skip
REQUIRED = ("customers.csv", "order_lines.csv", "products.csv")
OPTIONAL = tuple(name for name in CONTRACT_COLUMNS if name not in REQUIRED)
# Each optional file's key and its one required timestamp.
EVENT_KEYS = {
    "web_sessions.csv": ("session_id", "started_at"),
    "marketing_events.csv": ("event_id", "occurred_at"),
    "support_tickets.csv": ("ticket_id", "opened_at"),
    "survey_responses.csv": ("response_id", "responded_at"),
    "product_reviews.csv": ("review_id", "reviewed_at"),
}
SALES_CHANNELS = {"web", "store", "catalog", "app", "phone"}
MARKETING_CHANNELS = {"email", "sms", "push", "social"}
EVENT_TYPES = {
    "sent", "opened", "clicked", "converted", "unsubscribed", "liked", "shared", "commented",
}  # fmt: skip
TIMESTAMP = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"
MONEY = r"^\d+\.\d{2}$"

CUSTOMERS = 1200
SEED = 20240611


def _generate(root: Path, seed: int, customers: int = CUSTOMERS, dirt: bool = False) -> dict:
    meta = generate_planted(root / "raw", customers, seed, key_path=root / "key.csv", dirt=dirt)
    return {"root": root, "raw": root / "raw", "key": root / "key.csv", "meta": meta}


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return _generate(tmp_path_factory.mktemp("clean"), SEED)


@pytest.fixture(scope="module")
def clean_again(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return _generate(tmp_path_factory.mktemp("clean_again"), SEED)


@pytest.fixture(scope="module")
def dirty(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return _generate(tmp_path_factory.mktemp("dirty"), SEED, dirt=True)


def _read(folder: Path, name: str) -> pd.DataFrame:
    """A raw file as the warehouse reads it: every column text, empty cells as ''."""
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


def _present(folder: Path) -> list[str]:
    return [name for name in CONTRACT_COLUMNS if (folder / name).exists()]


def _bad_timestamps(values: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(values, format="%Y-%m-%d %H:%M:%S", errors="coerce")
    return parsed.isna() | ~values.str.match(TIMESTAMP)


def test_same_seed_gives_identical_bytes(clean: dict, clean_again: dict) -> None:
    written = sorted(p.name for p in clean["raw"].iterdir())
    assert written == sorted(p.name for p in clean_again["raw"].iterdir())
    for name in written:
        assert (clean["raw"] / name).read_bytes() == (clean_again["raw"] / name).read_bytes(), name
    assert clean["key"].read_bytes() == clean_again["key"].read_bytes()
    assert (clean["root"] / "key.json").read_bytes() == (
        clean_again["root"] / "key.json"
    ).read_bytes()


def test_different_seeds_give_different_group_mixes(tmp_path: Path) -> None:
    mixes = set()
    for seed in range(5):
        meta = _generate(tmp_path / str(seed), seed, customers=300)["meta"]
        mixes.add(tuple(sorted((g["name"], g["customers"]) for g in meta["groups"])))
    assert len(mixes) == 5
    # The number of groups varies too, so a method cannot assume a fixed k.
    counts = {len(mix) for mix in mixes}
    assert counts <= {4, 5, 6, 7}
    assert len(counts) >= 2


def test_files_and_headers_follow_the_contract(clean: dict) -> None:
    present = _present(clean["raw"])
    assert set(REQUIRED) <= set(present)
    assert sorted(p.name for p in clean["raw"].iterdir()) == sorted(present)
    shuffled = 0
    for name in present:
        header = (clean["raw"] / name).read_text(encoding="utf-8").split("\n", 1)[0].split(",")
        assert len(header) == len(set(header)), name
        assert set(header) == set(CONTRACT_COLUMNS[name]), name
        shuffled += header != list(CONTRACT_COLUMNS[name])
    assert shuffled >= 1, "column order is never shuffled"
    assert not (clean["raw"] / "exchange_rates.csv").exists()


def test_value_formats(clean: dict) -> None:
    lines = _read(clean["raw"], "order_lines.csv")
    assert lines["unit_price"].str.match(MONEY).all()
    assert lines["currency"].isin({"USD", ""}).all()
    assert (lines["quantity"].astype(int) != 0).all()
    products = _read(clean["raw"], "products.csv")
    assert 200 <= len(products) <= 500
    assert 8 <= products["category"].nunique() <= 12
    assert products["product_id"].is_unique
    assert products["unit_cost"].str.match(MONEY).mean() > 0.9
    assert products["unit_cost"].isin({""}).any(), "unit_cost is never empty"
    customers = _read(clean["raw"], "customers.csv")
    assert customers["signup_date"].str.match(r"^(\d{4}-\d{2}-\d{2})?$").all()
    for column in ("signup_date", "birth_year", "gender", "annual_income", "city"):
        assert (customers[column] == "").any(), f"{column} is never empty"


def test_key_covers_every_customer_once(clean: dict) -> None:
    key = pd.read_csv(clean["key"], dtype=str)
    customers = _read(clean["raw"], "customers.csv")
    assert list(key.columns) == ["customer_id", "planted_group", "is_outlier"]
    assert key["customer_id"].is_unique
    assert set(key["customer_id"]) == set(customers["customer_id"])
    assert len(key) == len(customers) == CUSTOMERS
    assert key["is_outlier"].isin({"true", "false"}).all()
    # The key lives outside the raw folder, which dbt reads.
    assert not clean["key"].resolve().is_relative_to(clean["raw"].resolve())


def test_group_shares_stay_between_3_and_40_percent(clean: dict) -> None:
    key = pd.read_csv(clean["key"], dtype=str)
    shares = key["planted_group"].value_counts(normalize=True)
    assert 4 <= len(shares) <= 7
    assert shares.min() >= 0.03
    assert shares.max() <= 0.40
    meta_counts = {g["name"]: g["customers"] for g in clean["meta"]["groups"]}
    assert meta_counts == key["planted_group"].value_counts().to_dict()


def _customer_summary(folder: Path) -> pd.DataFrame:
    lines = _read(folder, "order_lines.csv")
    lines = lines[lines["quantity"].astype(int) > 0]
    lines = lines.assign(amount=lines["quantity"].astype(int) * lines["unit_price"].astype(float))
    summary = lines.groupby("customer_id").agg(
        orders=("order_id", "nunique"), spend=("amount", "sum")
    )
    summary["order_value"] = summary["spend"] / summary["orders"]
    if (folder / "web_sessions.csv").exists():
        sessions = _read(folder, "web_sessions.csv").groupby("customer_id").size()
        summary["sessions"] = sessions.reindex(summary.index).fillna(0)
    return summary


def test_outliers_are_flagged_and_extreme_within_their_group(clean: dict) -> None:
    key = pd.read_csv(clean["key"], dtype=str).set_index("customer_id")
    outliers = key.index[key["is_outlier"] == "true"]
    assert 3 <= len(outliers) <= 0.006 * CUSTOMERS
    assert clean["meta"]["outliers"] == len(outliers)
    summary = _customer_summary(clean["raw"]).join(key)
    typical = (
        summary[summary["is_outlier"] == "false"].groupby("planted_group").median(numeric_only=True)
    )
    for customer in outliers:
        row = summary.loc[customer]
        ratios = row[typical.columns] / typical.loc[row["planted_group"]].clip(lower=1e-9)
        assert ratios.max() >= 10, f"outlier {customer} is not extreme: {ratios.to_dict()}"


def test_every_customer_has_a_purchase(clean: dict) -> None:
    # Customers without a purchase are not scored, so the key would hold unjudgeable rows.
    summary = _customer_summary(clean["raw"])
    customers = _read(clean["raw"], "customers.csv")
    assert set(customers["customer_id"]) == set(summary.index)


def test_optional_files_are_partly_omitted(clean: dict, tmp_path: Path) -> None:
    for data in (clean, _generate(tmp_path, SEED + 1, customers=300)):
        present = set(_present(data["raw"])) - set(REQUIRED)
        omitted = set(OPTIONAL) - present
        assert 1 <= len(omitted) <= 3
        assert len(present) >= 2
        assert sorted(omitted) == sorted(data["meta"]["omitted_files"])


def test_data_end_on_the_recorded_end_date(clean: dict) -> None:
    end = pd.Timestamp(clean["meta"]["end_date"])
    start = pd.Timestamp(clean["meta"]["start_date"])
    assert 2 * 365 <= (end - start).days + 1 <= 3 * 365 + 1
    assert pd.Timestamp(clean["meta"]["as_of_date"]) == end + pd.Timedelta(days=1)
    ordered = pd.to_datetime(_read(clean["raw"], "order_lines.csv")["ordered_at"])
    assert ordered.max().normalize() == end
    assert ordered.min() >= start
    for name in _present(clean["raw"]):
        if name in EVENT_KEYS:
            moments = pd.to_datetime(_read(clean["raw"], name)[EVENT_KEYS[name][1]])
            assert moments.max() < end + pd.Timedelta(days=1), name


def _dirt_found(data: dict) -> dict[str, int]:
    """Count every kind of contract-breaking row the raw folder holds, read from the files."""
    folder, found = data["raw"], {}
    customers = _read(folder, "customers.csv")
    known = set(customers["customer_id"])
    as_of_year = pd.Timestamp(data["meta"]["as_of_date"]).year
    years = pd.to_numeric(customers["birth_year"].replace("", np.nan))
    found["birth_year_out_of_range"] = int(((years < 1900) | (years > as_of_year)).sum())
    found["customers_duplicate"] = int(customers.duplicated().sum())
    lines = _read(folder, "order_lines.csv")
    found["lines_duplicate"] = int(lines.duplicated().sum())
    found["lines_bad_timestamp"] = int(_bad_timestamps(lines["ordered_at"]).sum())
    found["lines_guest"] = int((lines["customer_id"] == "").sum())
    named = lines["customer_id"] != ""
    found["lines_unknown_customer"] = int((named & ~lines["customer_id"].isin(known)).sum())
    found["negative_unit_price"] = int(lines["unit_price"].str.startswith("-").sum())
    canonical = lines["channel"].isin(SALES_CHANNELS)
    spelled = lines["channel"].str.strip().str.lower().isin(SALES_CHANNELS)
    found["channel_spelling"] = int((~canonical & spelled).sum())
    for name in _present(folder):
        if name not in EVENT_KEYS:
            continue
        table = _read(folder, name)
        stamp = EVENT_KEYS[name][1]
        found[f"{name}_duplicate"] = int(table.duplicated().sum())
        found[f"{name}_bad_timestamp"] = int(_bad_timestamps(table[stamp]).sum())
        found[f"{name}_unknown_customer"] = int((~table["customer_id"].isin(known)).sum())
    return found


def test_clean_data_hold_no_dirt(clean: dict) -> None:
    found = _dirt_found(clean)
    assert found and all(count == 0 for count in found.values()), found
    lines = _read(clean["raw"], "order_lines.csv")
    assert not lines.duplicated(["order_id", "line_number"]).any()
    assert lines.groupby("order_id")["customer_id"].nunique().max() == 1
    optional = _present(clean["raw"])
    if "marketing_events.csv" in optional:
        events = _read(clean["raw"], "marketing_events.csv")
        assert events["channel"].isin(MARKETING_CHANNELS).all()
        assert events["event_type"].isin(EVENT_TYPES).all()
    ranges = {
        "survey_responses.csv": ("nps_score", 0, 10),
        "product_reviews.csv": ("rating", 1, 5),
        "support_tickets.csv": ("csat_score", 1, 5),
        "web_sessions.csv": ("duration_seconds", 0, 10**7),
    }
    for name, (column, low, high) in ranges.items():
        if name in optional:
            values = pd.to_numeric(_read(clean["raw"], name)[column].replace("", np.nan))
            assert values.dropna().between(low, high).all(), name


def test_dirt_adds_every_kind(dirty: dict) -> None:
    found = _dirt_found(dirty)
    missing = [kind for kind, count in found.items() if count == 0]
    assert not missing, f"no dirt of kind {missing}: {found}"
    # Dirt stays a few percent of each file.
    lines = _read(dirty["raw"], "order_lines.csv")
    assert found["lines_bad_timestamp"] + found["negative_unit_price"] < 0.05 * len(lines)


def test_dirt_leaves_the_planted_answer_alone(clean: dict, dirty: dict) -> None:
    assert clean["key"].read_bytes() == dirty["key"].read_bytes()
    assert (clean["raw"] / "products.csv").read_bytes() == (
        dirty["raw"] / "products.csv"
    ).read_bytes()
    clean_meta, dirty_meta = clean["meta"], dirty["meta"]
    assert clean_meta["groups"] == dirty_meta["groups"]
    assert clean_meta["omitted_files"] == dirty_meta["omitted_files"]
    assert dirty_meta["dirt_rows"] and not clean_meta["dirt_rows"]


def test_key_inside_the_raw_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="outside the raw folder"):
        generate_planted(tmp_path / "raw", 300, 1, key_path=tmp_path / "raw" / "key.csv")


def test_stale_files_of_an_earlier_run_are_removed(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in (*OPTIONAL, "exchange_rates.csv"):
        (raw / name).write_text("stale\n")
    meta = generate_planted(raw, 300, 3, key_path=tmp_path / "key.csv")
    for name in meta["omitted_files"]:
        assert not (raw / name).exists(), name
    assert not (raw / "exchange_rates.csv").exists()


def test_command_line_writes_data_key_and_metadata(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, key = tmp_path / "raw", tmp_path / "answers" / "key.csv"
    argv = ["--customers", "300", "--seed", "5", "--out", str(out), "--key", str(key)]
    assert main(argv) == 0
    meta = json.loads(key.with_suffix(".json").read_text())
    assert meta["seed"] == 5 and meta["customers"] == 300
    assert set(REQUIRED) <= {p.name for p in out.iterdir()}
    assert len(pd.read_csv(key)) == 300
    assert "300 customers" in capsys.readouterr().out


PURCHASING_FIELDS = {
    "orders_per_year", "start", "stop", "lines_per_order", "units_per_line", "price_tiers",
}  # fmt: skip


@pytest.fixture(scope="module")
def purchasing(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("purchasing")
    meta = generate_planted(
        root / "raw", CUSTOMERS, SEED, key_path=root / "key.csv", group_catalogue="purchasing"
    )
    return {"raw": root / "raw", "key": root / "key.csv", "meta": meta}


def test_purchasing_groups_differ_in_purchasing_alone(purchasing: dict) -> None:
    definitions = list(purchasing["meta"]["group_definitions"].values())
    assert purchasing["meta"]["group_catalogue"] == "purchasing" and len(definitions) >= 4
    differing = {
        field
        for field in definitions[0]
        if field not in ("name", "summary") and len({json.dumps(d[field]) for d in definitions}) > 1
    }
    assert differing and differing <= PURCHASING_FIELDS, differing
    # What the files show: orders per customer far apart between groups, the sales channel mix
    # alike in every group.
    key = pd.read_csv(purchasing["key"], dtype=str)
    lines = _read(purchasing["raw"], "order_lines.csv").merge(key, on="customer_id")
    orders = lines.drop_duplicates("order_id")
    per_customer = orders.groupby(["planted_group", "customer_id"]).size()
    medians = per_customer.groupby("planted_group").median()
    assert medians.max() >= 3 * medians.min(), medians
    web_share = orders.assign(web=orders["channel"] == "web").groupby("planted_group")["web"]
    assert web_share.mean().max() - web_share.mean().min() < 0.1, web_share.mean()


def test_required_files_only_keeps_the_minimal_delivery(clean: dict, tmp_path: Path) -> None:
    from customer_segmentation.evaluation.run import required_files_only

    out = tmp_path / "minimal"
    required_files_only(clean["raw"], out)
    assert sorted(p.name for p in out.iterdir()) == sorted(REQUIRED)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["minimal"]  # nothing partial left
    customers, source = _read(out, "customers.csv"), _read(clean["raw"], "customers.csv")
    assert list(customers.columns) == list(source.columns)
    assert customers["customer_id"].tolist() == source["customer_id"].tolist()
    assert (customers.drop(columns="customer_id") == "").all().all()
    for name in REQUIRED[1:]:
        assert (out / name).read_bytes() == (clean["raw"] / name).read_bytes()
