"""GPS ingest: OsmAnd (Traccar Client) and batch fixes, the ingestor, partitions upkeep."""
