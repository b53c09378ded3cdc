"""What leaders read: completion and timeliness figures, whistles, 下考上 scoring."""
