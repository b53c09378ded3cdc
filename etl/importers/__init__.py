"""File importers: grids, residents, incidents and cameras into the same tables as the synthetic world."""
