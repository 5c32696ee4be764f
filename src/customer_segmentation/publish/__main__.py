"""Write-audit-publish for the embedded warehouse: a build never leaves it half old, half new.

    python -m customer_segmentation.publish --db warehouse.duckdb --vars '{"raw_dir": ...}'

`make build` runs this (so does anyone who wants plain dbt's build made atomic). It

1. takes the build lock `<db>.lock` (O_EXCL); a second build on the same file stops at once,
   naming the running one (process, start time, raw folder); a lock whose process is gone
   (a build that was killed) is cleared, saying so;
2. makes a work copy `.building/<db name>` beside the published file (same name, so DuckDB's
   catalog and every view keep their names; same file system, so the rename below is atomic),
   carrying over what must survive rebuilds: the segment history tables and `build_manifest`;
3. runs `dbt seed --full-refresh` and `dbt build` on the work copy (in assign mode, and when
   `segment_drift` says the stored segments are stale, a refit `dbt build`), each of which
   must succeed with every error-severity test passing;
4. appends this build's row to `build_manifest` and replaces the published file with the
   work copy in one `os.replace`.

A failed, interrupted or killed build leaves the published file exactly as it was (it is
never opened for writing), says so in one line, and leaves nothing the next build trips over.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path

from customer_segmentation.publish.build import build
from customer_segmentation.publish.manifest import latest_build, published_build
from customer_segmentation.publish.work_copy import BuildFailed, BuildRefused


def _interrupted(signum, _frame) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m customer_segmentation.publish", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--db", type=Path, default=Path(os.environ.get("DUCKDB_PATH", "warehouse.duckdb"))
    )
    parser.add_argument("--vars", default="{}", help="dbt vars as JSON, as for dbt --vars")
    parser.add_argument(
        "--describe", action="store_true", help="print the published file's latest build, and stop"
    )
    args = parser.parse_args(argv)
    db = args.db.resolve()
    if args.describe:
        print(latest_build(db) or "none recorded")
        return 0
    signal.signal(signal.SIGTERM, _interrupted)
    try:
        build(db, json.loads(args.vars))
    except BuildRefused as error:
        print(f"publish: refused: {error}", file=sys.stderr)
        return 3
    except BuildFailed as error:
        print(f"publish: {error}; {published_build(db)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as error:
        print(f"publish: interrupted ({error or 'SIGINT'}); {published_build(db)}", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
