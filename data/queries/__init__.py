"""Read-only queries: each takes a connection and returns plain data or DataFrames."""
