"""The analyst view (/analyst): filters in the URL, map, hot spots, charts, table, export."""
