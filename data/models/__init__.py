"""The GeoAlchemy2 models of the whole data model; import Base from here."""
from data.models.assets import Camera
from data.models.audit import AccessAudit, AdminAudit
from data.models.base import Base
from data.models.grids import Building, Community, District, Grid, Resident, Street
from data.models.incidents import Category, Incident, IncidentEvent
from data.models.intake import DuplicateSuggestion, FieldTask
from data.models.mobile import MobilePhoto, MobileSession
from data.models.open311 import Open311Client, Open311Request
from data.models.people import Department, Device, User, WorkerGrid, WorkerGridHistory
from data.models.positions import LatestPosition, Position, SetAsideFix
from data.models.ratings import StreetRating
from data.models.rollups import (
    IncidentRollup,
    IncidentRollupDayKind,
    IncidentRollupGridMonth,
    IncidentRollupMonth,
    IncidentRollupStreetMonth,
)
from data.models.sessions import WebSession
from data.models.whistles import Whistle, WhistleEvent, WhistleIncident, WhistleSummons

__all__ = [
    "Base", "Building", "Camera", "Category", "Community", "Department", "Device", "District",
    "Grid", "Incident", "IncidentEvent", "LatestPosition", "Position", "Resident", "Street",
    "User", "Whistle", "WhistleEvent", "WhistleIncident", "WhistleSummons", "WorkerGrid",
]
__all__ += ["MobilePhoto", "MobileSession"]
__all__ += ["Open311Client", "Open311Request"]
__all__ += ["IncidentRollup", "IncidentRollupDayKind", "IncidentRollupGridMonth",
            "IncidentRollupMonth", "IncidentRollupStreetMonth"]
__all__ += ["AccessAudit", "SetAsideFix"]
__all__ += ["WebSession"]
__all__ += ["AdminAudit", "WorkerGridHistory"]
__all__ += ["StreetRating"]
from data.models.patrol import (  # noqa: E402
    LeaveDay,
    PatrolException,
    PatrolPass,
    PatrolSheet,
    PatrolTrack,
)

__all__ += ["LeaveDay", "PatrolException", "PatrolPass", "PatrolSheet", "PatrolTrack"]
from data.models.notices import Notice, NoticeDelivery, NoticeRoute  # noqa: E402

__all__ += ["Notice", "NoticeDelivery", "NoticeRoute"]
__all__ += ["DuplicateSuggestion", "FieldTask"]
