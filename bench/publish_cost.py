"""What write-audit-publish adds to a build, measured on a built warehouse and its raw folder.

    .venv/bin/python bench/publish_cost.py --db <built warehouse> --raw-dir <its raw folder>

A build through `customer_segmentation.publish` does the same `dbt seed` and `dbt build` as a
plain one; what it adds is (1) the work copy with the carried history tables, (2) the raw
folder's fingerprint for build_manifest, (3) the rename, and while it runs a second file as big
as the warehouse. This times each on copies in a scratch folder beside --db (same file
system, so the rename is the one publish does); --db itself is only read.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from customer_segmentation.publish.manifest import raw_fingerprint  # noqa: E402
from customer_segmentation.publish.work_copy import Paths, prepare_work_copy, publish  # noqa: E402


def _mb(path: Path) -> float:
    return path.stat().st_size / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--raw-dir", type=Path, required=True)
    args = parser.parse_args(argv)

    scratch = args.db.parent / ".publish_cost"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    try:
        published = scratch / args.db.name
        start = time.perf_counter()
        shutil.copyfile(args.db, published)
        copy_seconds = time.perf_counter() - start
        paths = Paths.for_database(published)

        start = time.perf_counter()
        carried = prepare_work_copy(paths)
        carry_seconds = time.perf_counter() - start
        with duckdb.connect(str(paths.work), read_only=True) as work:
            carried_rows = {
                name: work.execute(f"select count(*) from {name}").fetchone()[0] for name in carried
            }
        work_mb = _mb(paths.work)

        start = time.perf_counter()
        fingerprint, files, size = raw_fingerprint(args.raw_dir)
        fingerprint_seconds = time.perf_counter() - start

        # The rename publish does, with the work copy standing in for a finished build.
        shutil.copyfile(args.db, paths.work)
        rename_seconds = publish(paths)

        warehouse_mb = _mb(args.db)
        print(f"warehouse {args.db}: {warehouse_mb:,.0f} MB")
        print(
            f"carry history into the work copy: {carry_seconds:.2f} s, "
            f"{work_mb:,.1f} MB, rows {carried_rows}"
        )
        print(
            f"raw fingerprint: {fingerprint_seconds:.2f} s over {files} files, "
            f"{size / 1e6:,.0f} MB ({fingerprint})"
        )
        print(f"rename (os.replace): {rename_seconds:.4f} s")
        print(
            f"disk while building: {2 * warehouse_mb:,.0f} MB (published file + work copy); "
            f"copying the warehouse instead of building into a fresh file would take "
            f"{copy_seconds:.1f} s"
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
