"""The audience export on a small hand-made warehouse: file names, rows, order, consent,
manifest, stale files, errors and byte-identical reruns."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from customer_segmentation.export import COLUMNS, main, segment_file_name, slugify

AT_RISK = "segment_03_at_risk_high_spenders.csv"
LOYAL = "segment_01_loyal_regulars_high_spend_web_active.csv"
CHAMPIONS = "segment_10_champions.csv"

# customer_id, segment_id, segment_name, archetype, action, channel, consent
ROWS = [
    (30, 3, "At Risk High Spenders", "At Risk High Spenders", "Win-back", "email", True),
    (4, 3, "At Risk High Spenders", "At Risk High Spenders", "Win-back", "email", None),
    (12, 3, "At Risk High Spenders", "At Risk High Spenders", "Win-back", "email", False),
    (7, 3, "At Risk High Spenders", "At Risk High Spenders", "Win-back", "email", True),
    (9, 1, "Loyal Regulars – High Spend, Web Active", "Loyal Regulars", "Cross-sell, AOV", "email",
     True),
    (2, 1, "Loyal Regulars – High Spend, Web Active", "Loyal Regulars", "Cross-sell, AOV", "email",
     False),
    (100, 10, "Champions", "Champions", "Early access", "email", True),
    (11, 10, "Champions", "Champions", "Early access", "email", True),
]  # fmt: skip


def _warehouse(path: Path, rows=ROWS) -> Path:
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "create table segment_audiences (customer_id integer, segment_id integer, "
            "segment_name varchar, segment_archetype varchar, recommended_action varchar, "
            "channel varchar, has_marketing_consent boolean, "
            "as_of_date date)"
        )
        connection.executemany(
            "insert into segment_audiences values (?, ?, ?, ?, ?, ?, ?, date '2024-06-30')",
            [list(row) for row in rows],
        )
    return path


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def db(tmp_path) -> Path:
    return _warehouse(tmp_path / "warehouse.duckdb")


def test_slugs_are_ascii_lowercase_underscored():
    assert (
        slugify("Loyal Regulars – High Spend, Web Active") == "loyal_regulars_high_spend_web_active"
    )
    assert slugify("  Café / Crème!  ") == "cafe_creme"
    assert segment_file_name(3, "At Risk High Spenders") == AT_RISK
    assert segment_file_name(12, "–") == "segment_12.csv"


def test_one_file_per_segment_sorted_and_without_refused_consent(db, tmp_path, capsys):
    out = tmp_path / "reports" / "audiences"
    assert main(["--db", str(db), "--out", str(out)]) == 0

    assert sorted(p.name for p in out.iterdir()) == sorted(
        [AT_RISK, LOYAL, CHAMPIONS, "manifest.csv"]
    )
    at_risk = _read(out / AT_RISK)
    assert list(at_risk[0]) == list(COLUMNS)
    # 12 refused consent; 4 has unknown consent and stays. Numeric order, not text order.
    assert [row["customer_id"] for row in at_risk] == ["4", "7", "30"]
    assert at_risk[0]["has_marketing_consent"] == ""
    assert at_risk[1]["has_marketing_consent"] == "true"
    assert at_risk[1]["as_of_date"] == "2024-06-30"
    assert [row["customer_id"] for row in _read(out / CHAMPIONS)] == ["11", "100"]
    loyal = _read(out / LOYAL)
    assert [row["customer_id"] for row in loyal] == ["9"]
    assert loyal[0]["segment_name"] == "Loyal Regulars – High Spend, Web Active"
    assert loyal[0]["recommended_action"] == "Cross-sell, AOV"

    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 4
    assert printed[0].startswith(LOYAL) and "1 rows written, 1 left out" in printed[0]
    assert printed[1].startswith(AT_RISK) and "3 rows written, 1 left out" in printed[1]
    assert printed[-1].startswith("Total: 6 rows in 3 file(s), 2 left out for consent")


def test_manifest_lists_every_file_with_counts(db, tmp_path):
    out = tmp_path / "out"
    assert main(["--db", str(db), "--out", str(out)]) == 0
    assert _read(out / "manifest.csv") == [
        {"file": LOYAL, "segment_id": "1",
         "segment_name": "Loyal Regulars – High Spend, Web Active",
         "rows": "1", "excluded_no_consent": "1", "campaign_id": "", "campaign_group": ""},
        {"file": AT_RISK, "segment_id": "3", "segment_name": "At Risk High Spenders",
         "rows": "3", "excluded_no_consent": "1", "campaign_id": "", "campaign_group": ""},
        {"file": CHAMPIONS, "segment_id": "10", "segment_name": "Champions",
         "rows": "2", "excluded_no_consent": "0", "campaign_id": "", "campaign_group": ""},
    ]  # fmt: skip


def test_include_no_consent_keeps_everyone(db, tmp_path):
    out = tmp_path / "out"
    assert main(["--db", str(db), "--out", str(out), "--include-no-consent"]) == 0
    at_risk = _read(out / AT_RISK)
    assert [row["customer_id"] for row in at_risk] == ["4", "7", "12", "30"]
    assert at_risk[2]["has_marketing_consent"] == "false"
    manifest = _read(out / "manifest.csv")
    assert [row["rows"] for row in manifest] == ["2", "4", "2"]
    assert {row["excluded_no_consent"] for row in manifest} == {"0"}


def test_stale_segment_files_are_removed_and_others_kept(db, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "segment_07_vanished_segment.csv").write_text("customer_id\n1\n")
    (out / "manifest.csv").write_text("old\n")
    (out / "notes.txt").write_text("keep me\n")
    assert main(["--db", str(db), "--out", str(out)]) == 0
    assert not (out / "segment_07_vanished_segment.csv").exists()
    assert (out / "notes.txt").read_text() == "keep me\n"
    assert len(_read(out / "manifest.csv")) == 3

    # A later export where a segment has gone leaves no file for it.
    later = _warehouse(tmp_path / "later.duckdb", [row for row in ROWS if row[1] != 10])
    assert main(["--db", str(later), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.glob("*.csv")) == sorted([AT_RISK, LOYAL, "manifest.csv"])


def test_two_runs_are_byte_identical(db, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    assert main(["--db", str(db), "--out", str(first)]) == 0
    assert main(["--db", str(db), "--out", str(second)]) == 0
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes()
    # Plain LF line ends, header first, quoting only where a field needs it.
    assert (first / LOYAL).read_bytes() == (
        b"customer_id,segment_id,segment_name,segment_archetype,recommended_action,channel,"
        b"has_marketing_consent,as_of_date\n"
        + '9,1,"Loyal Regulars – High Spend, Web Active",Loyal Regulars,"Cross-sell, AOV",email,'
        "true,2024-06-30\n".encode()
    )


def test_missing_database_is_exit_2_naming_the_file(tmp_path, capsys):
    missing = tmp_path / "nowhere.duckdb"
    assert main(["--db", str(missing), "--out", str(tmp_path / "out")]) == 2
    assert str(missing) in capsys.readouterr().err
    assert not missing.exists()
    assert not (tmp_path / "out").exists()


def test_missing_table_is_exit_2_and_keeps_the_previous_export(db, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["--db", str(db), "--out", str(out)]) == 0
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    capsys.readouterr()
    assert main(["--db", str(empty), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert str(empty) in error and "segment_audiences" in error
    assert (out / AT_RISK).exists() and (out / "manifest.csv").exists()


def test_export_opens_the_warehouse_read_only(db, tmp_path):
    # A read-only connection can coexist with another read-only one; a writer could not.
    with duckdb.connect(str(db), read_only=True):
        assert main(["--db", str(db), "--out", str(tmp_path / "out")]) == 0


def test_a_segment_id_with_two_names_is_exit_2(tmp_path, capsys):
    renamed = (5, 3, "At Risk", "At Risk High Spenders", "Win-back", "email", True)
    db = _warehouse(tmp_path / "two_names.duckdb", [*ROWS, renamed])
    assert main(["--db", str(db), "--out", str(tmp_path / "out")]) == 2
    assert "several names to segment_id(s) [3]" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def _plan_campaign(db: Path) -> None:
    """campaign_audiences as the warehouse freezes it: customers 30, 12 and 9 treated, 4 and 100
    held out (12 refused consent since)."""
    with duckdb.connect(str(db)) as connection:
        connection.execute(
            "create table campaign_audiences as select * from (values"
            " ('WIN-BACK Q4', 30, 3, 'At Risk High Spenders', 'treatment'),"
            " ('WIN-BACK Q4', 12, 3, 'At Risk High Spenders', 'treatment'),"
            " ('WIN-BACK Q4', 9, 1, 'Loyal Regulars', 'treatment'),"
            " ('WIN-BACK Q4', 4, 3, 'At Risk High Spenders', 'control'),"
            " ('WIN-BACK Q4', 100, 10, 'Champions', 'control')"
            ") as t(campaign_id, customer_id, segment_id, segment_name, campaign_group)"
        )
        connection.execute(
            "alter table campaign_audiences add column segment_snapshot_date date"
            " default date '2024-06-30'"
        )
        connection.execute(
            "alter table campaign_audiences add column planned_send_date date"
            " default date '2024-07-07'"
        )


def test_each_campaign_gets_a_treatment_and_a_control_list_in_the_manifest(db, tmp_path):
    _plan_campaign(db)
    out = tmp_path / "out"
    (out).mkdir()
    (out / "control_old_campaign.csv").write_text("customer_id\n1\n")
    assert main(["--db", str(db), "--out", str(out)]) == 0
    assert not (out / "control_old_campaign.csv").exists()
    treatment = _read(out / "treatment_win_back_q4.csv")
    control = _read(out / "control_win_back_q4.csv")
    # 12 refused consent: not sent to, and counted; control keeps everyone it must suppress.
    assert [row["customer_id"] for row in treatment] == ["9", "30"]
    assert [row["customer_id"] for row in control] == ["4", "100"]
    assert treatment[0] == {
        "customer_id": "9", "campaign_id": "WIN-BACK Q4", "campaign_group": "treatment",
        "segment_id": "1", "segment_name": "Loyal Regulars",
        "segment_snapshot_date": "2024-06-30", "planned_send_date": "2024-07-07",
    }  # fmt: skip
    manifest = {row["file"]: row for row in _read(out / "manifest.csv")}
    assert manifest["treatment_win_back_q4.csv"] == {
        "file": "treatment_win_back_q4.csv", "segment_id": "", "segment_name": "",
        "rows": "2", "excluded_no_consent": "1",
        "campaign_id": "WIN-BACK Q4", "campaign_group": "treatment",
    }  # fmt: skip
    assert manifest["control_win_back_q4.csv"]["rows"] == "2"
    assert manifest["control_win_back_q4.csv"]["excluded_no_consent"] == "0"
