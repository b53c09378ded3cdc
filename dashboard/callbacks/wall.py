"""Wall screen wiring: the Beijing-time clock runs in the browser (no server round trip)."""
from __future__ import annotations

from dash import Dash, Input, Output

from dashboard import ids
from dashboard.context import AppContext

CLOCK_JS = """
function(n) {
  const now = new Date();
  const fmt = new Intl.DateTimeFormat('zh-CN', {timeZone: 'Asia/Shanghai', year: 'numeric',
    month: '2-digit', day: '2-digit', weekday: 'short', hour: '2-digit', minute: '2-digit',
    second: '2-digit', hour12: false});
  return fmt.format(now);
}
"""


def register(app: Dash, ctx: AppContext) -> None:
    app.clientside_callback(CLOCK_JS, Output(ids.WALL_CLOCK, "children"),
                            Input(ids.WALL_CLOCK_TICK, "n_intervals"))
