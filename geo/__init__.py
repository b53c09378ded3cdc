"""Pure geometry for the Hongqiao model: CRS, density, partitioning, validation, tracks."""
