"""The leaders' view (/leaders): closure and timeliness, whistles, 下考上, reports."""
