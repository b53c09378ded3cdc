"""The PostGIS store: settings, engine, models, migrations, queries and bulk writers."""
