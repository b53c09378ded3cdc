"""Positions from phones: day partitions, batched writes, and what the wall and analysts read."""
from data.positions.partitions import (
    ensure_current_partitions,
    ensure_partition,
    local_day,
    prune_set_aside,
)
from data.positions.queries import (
    district_outline,
    patrol_coverage,
    recent_tracks,
    track_arrays,
    worker_history,
    worker_status,
)
from data.positions.writes import Fix, WriteResult, write_fixes

__all__ = [
    "Fix", "WriteResult", "district_outline", "ensure_current_partitions", "ensure_partition",
    "local_day", "patrol_coverage", "prune_set_aside", "recent_tracks", "track_arrays",
    "worker_history", "worker_status", "write_fixes",
]
