"""/api/v1/admin/...: the administration's JSON API (admin only), described in OpenAPI."""
