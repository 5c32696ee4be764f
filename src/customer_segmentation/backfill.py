"""Kept for the documented command `python -m customer_segmentation.backfill` (what `make
backfill` runs); the backfill itself is `customer_segmentation.history.backfill`."""

from customer_segmentation.history.backfill import main

if __name__ == "__main__":
    raise SystemExit(main())
