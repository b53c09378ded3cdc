"""The grid worker's phone: my work, reports with photos, checks."""
