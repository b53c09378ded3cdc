"""Every component id, declared once and used by layouts and callbacks alike."""

URL = "app-url"
PAGE = "app-page"
NAV = "app-nav"

WALL_ROOT = "wall-root"
WALL_MAP = "wall-map"
WALL_CLOCK = "wall-clock"
WALL_CLOCK_TICK = "wall-clock-tick"
WALL_STATS = "wall-stats"
WALL_BANNER = "wall-banner"
WALL_DATA_TICK = "wall-data-tick"

ANALYST_ROOT = "analyst-root"
LEADERS_ROOT = "leaders-root"
CASES_ROOT = "cases-root"
