"""The one catalogue of user-facing text: Simplified Chinese first, English second."""
from __future__ import annotations

CATALOGUE: dict[str, tuple[str, str]] = {
    "platform": ("智慧红桥指挥中心", "Smart Hongqiao Command Centre"),
    "platform_sub": ("红桥区网格化管理“街道吹哨、部门报到”平台",
                     "Hongqiao grid governance: streets whistle, departments report in"),
    "nav_wall": ("大屏", "Wall screen"),
    "nav_analyst": ("分析研判", "Analyst"),
    "nav_leaders": ("领导驾驶舱", "Leaders"),
    "nav_cases": ("案件工作台", "Cases"),
    "lang_switch": ("English", "中文"),
    "not_found": ("页面不存在", "Page not found"),
    "not_found_hint": ("请从上方导航进入。", "Use the navigation above."),
    "forbidden": ("无权访问此页面", "Not for your role"),
    "forbidden_hint": ("您的角色无权查看此页面，请从上方导航进入您的工作页面。",
                       "Your role may not see this page; use the navigation above."),
    "error_generic": ("出现错误，已记录，请稍后重试。", "Something went wrong; it was logged. "
                      "Please try again."),
    "wall_title": ("智慧红桥指挥中心", "Smart Hongqiao Command Centre"),
    "wall_title_of": ("智慧{name}指挥中心", "Smart {name} Command Centre"),
    "platform_sub_of": ("{name}网格化管理“街道吹哨、部门报到”平台",
                        "{name} grid governance: streets whistle, departments report in"),
    "city_sub": ("各区网格化管理一览 · 点击区名进入该区大屏",
                 "Every district at a glance · select a district to open its wall"),
    "city_title": ("天津市网格化指挥中心", "Tianjin City Command Centre"),
    "city_district": ("区", "District"),
    "city_workers": ("在岗 / 在线网格员", "Workers on duty / online"),
    "city_open_cases": ("在办事项", "Open cases"),
    "city_overdue": ("超期事项", "Overdue"),
    "city_whistles_active": ("在办吹哨", "Open whistles"),
    "city_closure_rate": ("本年办结率", "Closure rate this year"),
    "analyst_title": ("分析研判", "Analysis"),
    "analyst_intro": ("按街道、社区、网格、时间、类别、来源、状态筛选事件，发现热点并导出。",
                      "Filter incidents by street, community, grid, time, category, source and "
                      "status; find hot spots; export."),
    "leaders_title": ("领导驾驶舱", "Leaders' view"),
    "leaders_intro": ("按街道和部门查看办结率、按期率、吹哨报到与下考上排名。",
                      "Closure and on-time rates by street and department, whistles, and the "
                      "lower-evaluates-upper ranking."),
    "cases_title": ("案件工作台", "Case workbench"),
    "cases_intro": ("受理、派遣、处置、核查、结案；街道吹哨，部门报到。",
                    "Accept, dispatch, work, verify, close; streets whistle, departments "
                    "report in."),
    "streets": ("街道", "Streets"),
    "communities": ("社区", "Communities"),
    "grids": ("基础网格", "Basic grids"),
    "residents": ("常住人口", "Residents"),
    "workers": ("网格员", "Grid workers"),
    "cameras": ("技防设施", "Cameras"),
    "incidents_year": ("本年事件", "Incidents this year"),
    "whistles": ("吹哨", "Whistles"),
    "no_data": ("暂无数据：请运行 make demo 载入红桥数据", "No data yet: run make demo to load Hongqiao"),
    "db_down": ("数据连接中断", "Database connection lost"),
    "last_update": ("最后更新", "Last update"),
    # The wall screen (/wall).
    "wall_reports_today": ("今日上报", "Reported today"),
    "wall_closed_today": ("今日办结", "Closed today"),
    "wall_closure_rate": ("本年办结率", "Closure rate this year"),
    "wall_whistles_active": ("在办吹哨", "Open whistles"),
    "wall_overdue": ("超期事项", "Overdue"),
    "wall_workers": ("在岗 / 在线网格员", "Workers on duty / online"),
    "wall_coverage": ("今日网格巡查率", "Grids patrolled today"),
    "wall_vs_1": ("较昨日同时", "vs yesterday"),
    "wall_vs_7": ("较上周同日", "vs last week"),
    "wall_flat": ("持平", "no change"),
    "wall_no_baseline": ("暂无可比数据", "no baseline yet"),
    # The wall's legend: the subjects' short names, whole at 20 px in their column.
    "wall_cat_01": ("城市管理", "City"), "wall_cat_02": ("环境保护", "Environment"),
    "wall_cat_03": ("综治维稳", "Public order"), "wall_cat_04": ("安全隐患", "Safety"),
    "wall_cat_05": ("民生服务", "Welfare"),
    "wall_points": ("个百分点", " pts"),
    "wall_whistle_board": ("吹哨报到", "Whistles"),
    "wall_w_blown": ("本年吹哨", "This year"),
    "wall_w_second": ("二次吹哨", "Second"),
    "wall_w_closed": ("已验收", "Done"),
    "wall_w_avg": ("平均用时(天)", "Avg days"),
    "wall_whistle_none": ("当前无在办吹哨事项", "No open whistles"),
    "wall_whistle_closed": ("最近办结", "Recently closed"),
    "wall_second": ("二次吹哨", "2nd whistle"),
    "wall_left": ("剩余", "left"),
    "wall_late": ("超期", "late"),
    "wall_days": ("天", "d"),
    "wall_took": ("用时", "took"),
    "wall_leader": ("区领导", "leader"),
    "wall_category_30": ("近30日事件类别", "Categories, 30 days"),
    "wall_street_closure": ("各街道本年办结率", "Closure by street"),
    "wall_target": ("目标", "target"),
    "wall_sources": ("今日事件来源", "Sources today"),
    "wall_reports": ("今日上报", "reported"),
    "wall_ticker": ("最新事件", "Newest incidents"),
    "wall_metric_incidents_today": ("今日事件", "Incidents today"),
    "wall_metric_open_incidents": ("在办事件", "Open incidents"),
    "wall_metric_coverage": ("巡查覆盖", "Patrol coverage"),
    "wall_metric_note_incidents_today": ("每网格今日上报数", "reports per grid today"),
    "wall_metric_note_open_incidents": ("每网格在办事件数", "open incidents per grid"),
    "wall_metric_note_coverage": ("每网格今日巡查定位点", "patrol fixes per grid today"),
    "wall_low": ("少", "low"),
    "wall_high": ("多", "high"),
    "wall_layer_online": ("在线网格员", "Online workers"),
    "wall_layer_offline": ("离线网格员", "Offline workers"),
    "wall_layer_tracks": ("近15分钟轨迹", "Last 15 min tracks"),
    "wall_layer_heat": ("近7日事件热力", "7-day incident heat"),
    "wall_layer_whistles": ("吹哨点位", "Whistles"),
    "wall_layer_cameras": ("技防设施", "Cameras"),
    "wall_tour": ("巡览", "Tour"),
    "wall_district": ("红桥区全域", "All of Hongqiao"),
    "wall_reconnecting": ("正在自动重连", "reconnecting"),
    "wall_lag": ("数据延迟", "data"),
    "wall_lag_unit": ("秒", "s behind"),
    "wall_updated": ("数据更新", "Updated"),
    "wall_replay": ("回放", "Replay"),
}

LANGS = ("zh", "en")


def t(key: str, lang: str = "zh") -> str:
    """The text for ``key`` in ``lang`` (falls back to Chinese, then to the key itself)."""
    pair = CATALOGUE.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def pick_lang(search: str | None, default: str = "zh") -> str:
    """The language asked for by a ``?lang=`` query string, else the default."""
    from urllib.parse import parse_qs

    if not isinstance(search, str):
        return default      # a forged callback may send anything
    asked = parse_qs(search.lstrip("?")).get("lang", [default])[0]
    return asked if asked in LANGS else default


# The case workbench keeps its many texts in its own module, merged here into the one catalogue.
from dashboard.i18n.cases import CASES_TEXT  # noqa: E402

CATALOGUE.update(CASES_TEXT)
from dashboard.i18n.analyst import ANALYST_TEXT  # noqa: E402
from dashboard.i18n.leaders import LEADERS_TEXT  # noqa: E402

CATALOGUE.update(ANALYST_TEXT)
CATALOGUE.update(LEADERS_TEXT)
from dashboard.i18n.devices import DEVICES_TEXT  # noqa: E402

CATALOGUE.update(DEVICES_TEXT)
from dashboard.i18n.admin import ADMIN_TEXT  # noqa: E402

CATALOGUE.update(ADMIN_TEXT)
from dashboard.i18n.controls import CONTROLS_TEXT  # noqa: E402

CATALOGUE.update(CONTROLS_TEXT)
from dashboard.i18n.patrol import PATROL_TEXT  # noqa: E402

CATALOGUE.update(PATROL_TEXT)
from dashboard.i18n.notices import NOTICES_TEXT  # noqa: E402

CATALOGUE.update(NOTICES_TEXT)
from dashboard.i18n.intake import INTAKE_TEXT  # noqa: E402

CATALOGUE.update(INTAKE_TEXT)
