"""Write the segment report (HTML with embedded figures, and Markdown) from a built warehouse
and the figures made from it.

    python -m customer_segmentation.report --db warehouse.duckdb --figures reports/figures \
        --out reports
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from customer_segmentation.report.render import render_report
from customer_segmentation.warehouse import WarehouseError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("warehouse.duckdb"))
    parser.add_argument("--figures", type=Path, default=Path("reports/figures"))
    parser.add_argument("--out", type=Path, default=Path("reports"))
    parser.add_argument(
        "--dataset", default="", help="how the report names the data set (e.g. the raw folder)"
    )
    args = parser.parse_args(argv)
    try:
        html_path, md_path = render_report(args.db, args.figures, args.out, args.dataset)
    except WarehouseError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"Report: {html_path} (open it in a browser; figures embedded)")
    print(f"        {md_path} (Markdown, figures linked from {args.figures})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
