"""The one incident code format: HQ + the Beijing day it was reported + "-" + its id."""
from __future__ import annotations

import re
from datetime import datetime

from workflow.clock import beijing_day

# e.g. HQ20261203-290141: the day people speak of, and the id that makes it unique without
# a per-day counter (which concurrent reports would race for). The world and the API make
# it; migration 0016 rewrote the world's older HQ2026120300555 codes to it.
PATTERN = re.compile(r"^HQ\d{8}-\d+$")


def incident_code(reported_at: datetime, incident_id: int) -> str:
    """The code of an incident reported at ``reported_at`` with id ``incident_id``."""
    return f"HQ{beijing_day(reported_at)}-{incident_id}"
