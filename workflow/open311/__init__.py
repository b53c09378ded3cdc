"""Open311 GeoReport v2: the service catalogue, requests and their public status."""
