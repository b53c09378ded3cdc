"""Flask blueprints: health, device ingest, the workflow JSON API, Open311."""
