"""The test suite: pytest against a real PostGIS, browser tests in headless Chromium."""
