"""The workflow JSON API (/api/v1): incidents, whistles, oversight, reports, residents."""
