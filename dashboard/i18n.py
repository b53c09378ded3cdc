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
    "wall_title": ("智慧红桥指挥中心", "Smart Hongqiao Command Centre"),
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

    asked = parse_qs((search or "").lstrip("?")).get("lang", [default])[0]
    return asked if asked in LANGS else default
