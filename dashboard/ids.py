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
# The wall's channels: each interval opens a gate that a still-running callback keeps shut.
WALL_TICK = {c: f"wall-tick-{c}" for c in ("pos", "map", "panels", "head", "tour")}
WALL_GO = {c: f"wall-go-{c}" for c in ("pos", "map", "panels", "head")}
WALL_BUSY = {c: f"wall-busy-{c}" for c in ("pos", "map", "panels", "head")}
WALL_READY = "wall-map-ready"
WALL_LAST_OK = "wall-last-ok"
WALL_BANNER_TEXT = "wall-banner-text"
WALL_UPDATED = "wall-updated"
WALL_FOCUS = "wall-focus"
WALL_TOUR_CAPTION = "wall-tour-caption"
WALL_LEGEND = "wall-legend"
WALL_WHISTLES = "wall-whistles"
WALL_TICKER = "wall-ticker"
# Patrol exceptions going on now, in the ticker panel's head.
WALL_EXCEPTIONS = "wall-exceptions"
# The /patrol link a click on a worker's dot or track resolves to (opened in a new tab).
WALL_OPEN = "wall-open"
WALL_CATEGORY = "wall-category"
WALL_CLOSURE = "wall-closure"
WALL_SOURCES = "wall-sources"
WALL_SCOPE = {p: f"wall-scope-{p}" for p in ("whistles", "category", "sources", "ticker")}

ANALYST_ROOT = "analyst-root"
LEADERS_ROOT = "leaders-root"
# The leaders' view (/leaders).
LEADERS_MONTH = "leaders-month"
# The leaders' own URL: the chosen period is written back into it, so a view can be linked to.
LEADERS_URL = "leaders-url"
LEADERS_RANGE = "leaders-range"
LEADERS_SCOPE = "leaders-scope"
LEADERS_HEADLINE = "leaders-headline"
LEADERS_TABS = "leaders-tabs"
LEADERS_DIMENSION = "leaders-dimension"
LEADERS_STREET = "leaders-street"
LEADERS_CONTENT = "leaders-content"
LEADERS_XLSX = "leaders-xlsx"
LEADERS_PDF = "leaders-pdf"
LEADERS_DRILL = "leaders-drill"
LEADERS_DIM_BAR = "leaders-dim-bar"
# The two tables whose rows open a drill-down: every whistle, and the 下考上 ranking.
LEADERS_WHISTLE_BOX = "leaders-whistle-box"
LEADERS_WHISTLE_GRID = "leaders-whistle-grid"
LEADERS_WHISTLE_COUNT = "leaders-whistle-count"
LEADERS_RANKING_BOX = "leaders-ranking-box"
LEADERS_RANKING_GRID = "leaders-ranking-grid"
ANALYST_HOT_LEGEND = "analyst-hot-legend"
# 下考上 rating round (street chiefs): the departments to rate, the submit button, the answer.
LEADERS_RATE_BOX = "leaders-rate-box"
LEADERS_RATE_TITLE = "leaders-rate-title"
LEADERS_RATE_GRID = "leaders-rate-grid"
LEADERS_RATE_SUBMIT = "leaders-rate-submit"
LEADERS_RATE_MSG = "leaders-rate-msg"
CASES_ROOT = "cases-root"

# The case workbench (/cases).
CASES_USER = "cases-user"
CASES_KIND = "cases-kind"
CASES_STATUS = "cases-status"
CASES_WHISTLE_STATUS = "cases-whistle-status"
CASES_OVERDUE = "cases-overdue"
CASES_DEPARTMENT = "cases-department"
CASES_STREET = "cases-street"
CASES_LIST = "cases-list"
CASES_LIST_BOX = "cases-list-box"
CASES_COUNT = "cases-count"
CASES_DETAIL = "cases-detail"
CASES_TIMELINE = "cases-timeline"
CASES_MESSAGE = "cases-message"
CASES_WHISTLE_LINK = "cases-whistle-link"
CASES_INCIDENT_WHISTLES = "cases-incident-whistles"
CASES_AWAITING = "cases-awaiting"
CASES_REFRESH = "cases-refresh"
CASES_PENDING = "cases-pending"
# Intake on the workbench (dashboard/cases/intake.py).
CASES_DUP_PANEL = "cases-dup-panel"
CASES_DUP_PARENT = "cases-dup-parent"
CASES_DUP_MERGE = "cases-dup-merge"
CASES_DUP_MESSAGE = "cases-dup-message"
CASES_SUGG_PICK = "cases-sugg-pick"
CASES_SUGG_CONFIRM = "cases-sugg-confirm"
CASES_SUGG_DISMISS = "cases-sugg-dismiss"
CASES_SUGG_MESSAGE = "cases-sugg-message"
CASES_NOTE = "cases-note"
CASES_CONFIRM = "cases-confirm"
CASES_CANCEL = "cases-cancel"
CASES_ACTIONS = "cases-actions"
CASES_FORM_DISPATCH = "cases-form-dispatch"
CASES_DISPATCH_HANDLER = "cases-dispatch-handler"
CASES_DISPATCH_DEPT = "cases-dispatch-dept"
CASES_FORM_WHISTLE = "cases-form-whistle"
CASES_WHISTLE_DEPTS = "cases-whistle-depts"
CASES_WHISTLE_MATTER = "cases-whistle-matter"
CASES_WHISTLE_MEETING = "cases-whistle-meeting"
CASES_WHISTLE_PLACE = "cases-whistle-place"
CASES_WHISTLE_DAYS = "cases-whistle-days"
CASES_FORM_RATE = "cases-form-rate"
CASES_RATE_DEPT = "cases-rate-dept"
CASES_RATE_TIMELINESS = "cases-rate-timeliness"
CASES_RATE_QUALITY = "cases-rate-quality"
CASES_RATE_ATTITUDE = "cases-rate-attitude"
# One button per action, always in the layout and shown only when the user may take it.
CASES_ACTION_NAMES = (
    "accept", "dispatch", "start", "resolve", "verify", "close", "reject", "reopen", "whistle",
    "comment", "acknowledge", "arrive", "complete", "verify_whistle", "rate", "second",
    "comment_whistle",
)
CASES_ACT = {name: f"cases-act-{name.replace('_', '-')}" for name in CASES_ACTION_NAMES}

# The analyst view (/analyst): filters live in the page's own URL; the store holds their state.
ANALYST_URL = "analyst-url"
ANALYST_STATE = "analyst-state"
ANALYST_CRUMBS = "analyst-crumbs"
ANALYST_CRUMB = {lvl: f"analyst-crumb-{lvl}" for lvl in ("district", "street", "community", "grid")}
ANALYST_FILTER = {k: f"analyst-{k}" for k in (
    "street", "community", "grid", "range", "dates", "subject", "category", "sources", "statuses",
    "department", "overdue", "metric", "layers", "bucket", "by")}
ANALYST_MAP = "analyst-map"
ANALYST_SUMMARY = "analyst-summary"
ANALYST_HOT = "analyst-hot"
ANALYST_CHART = {k: f"analyst-chart-{k}" for k in (
    "series", "subject", "source", "place", "department", "close")}
ANALYST_DETAIL = "analyst-detail"
ANALYST_TABLE_BOX = "analyst-table-box"
ANALYST_TABLE = "analyst-table"
ANALYST_EXPORT = {k: f"analyst-export-{k}" for k in ("csv", "xlsx")}
ANALYST_DOWNLOAD = "analyst-download"
ANALYST_EXPORT_NOTE = "analyst-export-note"

# Phone health (/devices): the tiles and the table, refreshed by their own interval.
DEVICES_ROOT = "devices-root"
DEVICES_TICK = "devices-tick"
DEVICES_SUMMARY = "devices-summary"
DEVICES_TABLE = "devices-table"

# Administration (/admin): tabs, and per tab its form fields, buttons, message and table.
ADMIN_ROOT = "admin-root"
ADMIN_TABS = "admin-tabs"
ADMIN_VERSION = {k: f"admin-version-{k}" for k in ("people", "departments", "categories")}
ADMIN_USER = {k: f"admin-user-{k.replace('_', '-')}" for k in (
    "username", "display_name", "role", "title", "street_code", "community_code",
    "department_code", "grid_codes", "phone")}
ADMIN_USER_CREATE = "admin-user-create"
ADMIN_USER_EDIT = "admin-user-edit"
ADMIN_USER_ACTION = "admin-user-action"
ADMIN_USER_GO = "admin-user-go"
ADMIN_USER_MESSAGE = "admin-user-message"
ADMIN_USER_SEARCH = "admin-user-search"
ADMIN_USER_TABLE = "admin-user-table"
ADMIN_DEPT = {k: f"admin-dept-{k.replace('_', '-')}" for k in ("code", "name_zh", "name_en", "into")}
ADMIN_DEPT_CREATE = "admin-dept-create"
ADMIN_DEPT_RENAME = "admin-dept-rename"
ADMIN_DEPT_MERGE = "admin-dept-merge"
ADMIN_DEPT_MESSAGE = "admin-dept-message"
ADMIN_DEPT_TABLE = "admin-dept-table"
ADMIN_CAT = {k: f"admin-cat-{k.replace('_', '-')}" for k in (
    "code", "name_zh", "name_en", "deadline_hours", "department_code", "public")}
ADMIN_CAT_SAVE = "admin-cat-save"
ADMIN_CAT_MESSAGE = "admin-cat-message"
ADMIN_CAT_TABLE = "admin-cat-table"
ADMIN_GRID_CODE = "admin-grid-code"
ADMIN_GRID_SHOW = "admin-grid-show"
ADMIN_GRID_TABLE = "admin-grid-table"
ADMIN_AUDIT_TABLE = "admin-audit-table"
# Patrol supervision (/patrol): the area and day, the player, the map, the day's sheet and
# exceptions. Replay data goes to the browser once (PATROL_DATA); the player runs there.
PATROL_ROOT = "patrol-root"
PATROL_STREET = "patrol-street"
PATROL_COMMUNITY = "patrol-community"
PATROL_GRID = "patrol-grid"
PATROL_WORKER = "patrol-worker"
PATROL_DAY = "patrol-day"
PATROL_PLAY = "patrol-play"
PATROL_SPEED = "patrol-speed"
PATROL_FOLLOW = "patrol-follow"
PATROL_SLIDER = "patrol-slider"
PATROL_TICK = "patrol-tick"
PATROL_CLOCK = "patrol-clock"
PATROL_MAP = "patrol-map"
PATROL_DATA = "patrol-data"
PATROL_STATUS = "patrol-status"
PATROL_SHEET = "patrol-sheet"
PATROL_EXCEPTIONS = "patrol-exceptions"
PATROL_DISCOVERY = "patrol-discovery"
PATROL_MONTH = "patrol-month"
PATROL_ATTENDANCE = "patrol-attendance"
# Acknowledging an exception from the list (rendered with it, for those who may).
PATROL_ACK_PICK = "patrol-ack-pick"
PATROL_ACK_NOTE = "patrol-ack-note"
PATROL_ACK_GO = "patrol-ack-go"
PATROL_ACK_STATUS = "patrol-ack-status"
# Recording a leave day from the sheet (rendered with it, for those who may).
PATROL_LEAVE_WORKER = "patrol-leave-worker"
PATROL_LEAVE_DAY = "patrol-leave-day"
PATROL_LEAVE_GO = "patrol-leave-go"
PATROL_LEAVE_STATUS = "patrol-leave-status"

# The city wall (/wall/city): one row of headline figures per loaded district.
CITY_TABLE = "city-table"
CITY_TICK = "city-tick"
CITY_UPDATED = "city-updated"
