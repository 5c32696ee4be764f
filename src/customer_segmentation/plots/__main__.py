"""Write every figure of a built warehouse as PNG, plus manifest.json.

python -m customer_segmentation.plots --db warehouse.duckdb --out reports/figures
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from customer_segmentation.plots.write import MANIFEST, write_figures
from customer_segmentation.warehouse import WarehouseError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("warehouse.duckdb"))
    parser.add_argument("--out", type=Path, default=Path("reports/figures"))
    args = parser.parse_args(argv)
    try:
        manifest = write_figures(args.db, args.out)
    except WarehouseError as error:
        print(error, file=sys.stderr)
        return 2
    for figure in manifest.figures:
        status = "" if figure.has_data else f"  (no data: {figure.no_data_reason})"
        print(f"{args.out / figure.file}{status}")
    empty = sum(not f.has_data for f in manifest.figures)
    print(
        f"{len(manifest.figures)} figure(s), {empty} without data, as of {manifest.as_of_date} "
        f"(data fingerprint {manifest.data_fingerprint}); manifest at {args.out / MANIFEST}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
