"""The warehouse over time: backfilled snapshots, the stale-model check, the stability figure."""
