"""The OpenAPI description of /api/v1 and the ingest endpoints (/api/openapi.json)."""
