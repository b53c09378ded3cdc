"""The analyst's rollups: incident counts by day (and month) x grid x category x source x status."""
from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import Base, district_column
from data.models.incidents import Incident


class _Sums:
    """The sums kept per key: incidents, closed ones, and their seconds from report to close;
    and the district, set from the street on insert (0022); not in the key, see docs/scaling.md.
    """

    district_code: Mapped[str] = district_column()
    n: Mapped[int] = mapped_column(Integer)
    n_closed: Mapped[int] = mapped_column(Integer)
    close_s: Mapped[int] = mapped_column(BigInteger)


class _Kind:
    """What kind of work: category, source, status and department, all part of the key.

    ``department_id`` is 0 for work handled by a street or community (a key cannot be null).
    """

    category_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    source: Mapped[str] = mapped_column(String(12), primary_key=True)
    status: Mapped[str] = mapped_column(String(12), primary_key=True)
    department_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class _Place:
    """Street and community follow from the grid; kept so that filters need no join."""

    street_id: Mapped[int] = mapped_column(SmallInteger)
    community_id: Mapped[int] = mapped_column(Integer)


class _RollupValues(_Kind, _Place, _Sums):
    """The key after the time bucket (grid and kind), the place, and the sums."""

    grid_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class IncidentRollup(_RollupValues, Base):
    """Per Beijing calendar day; kept right by statement triggers on incidents (0004)."""

    __tablename__ = "incident_rollup"
    __table_args__ = (Index("ix_incident_rollup_street_day", "street_id", "day"),
                      Index("ix_incident_rollup_category_day", "category_code", "day"))

    day: Mapped[date] = mapped_column(Date, primary_key=True)


class IncidentRollupMonth(_RollupValues, Base):
    """The same per calendar month (``month`` is its first day): long ranges read this."""

    __tablename__ = "incident_rollup_month"
    __table_args__ = (Index("ix_incident_rollup_month_street", "street_id", "month"),
                      Index("ix_incident_rollup_month_category", "category_code", "month"),
                      Index("ix_incident_rollup_month_department", "department_id", "month"))

    month: Mapped[date] = mapped_column(Date, primary_key=True)


class IncidentRollupStreetMonth(_Kind, _Sums, Base):
    """Per month and street, without grids: ~7x fewer rows for everything not drawn by grid."""

    __tablename__ = "incident_rollup_street_month"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    street_id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)


class IncidentRollupDayKind(_Kind, _Sums, Base):
    """Per day without place: daily series and short ranges for the whole district."""

    __tablename__ = "incident_rollup_day_kind"

    day: Mapped[date] = mapped_column(Date, primary_key=True)


class IncidentRollupGridMonth(_Place, _Sums, Base):
    """Per month and grid only: the map's counts when nothing but place and time is chosen."""

    __tablename__ = "incident_rollup_grid_month"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    grid_id: Mapped[int] = mapped_column(Integer, primary_key=True)


# What the rollups cannot answer (overdue, time to close, bins, points, the table) reads the
# incidents by time; carrying the filter columns (and geom, for the heat bins) lets those
# reads skip the wide rows (0009).
ANALYST_INCIDENT_INDEX = Index(
    "ix_incidents_analyst", Incident.reported_at,
    postgresql_include=["grid_id", "street_id", "community_id", "category_code", "source",
                        "status", "department_id", "closed_at", "geom"])
# Per category over time, with the filter columns: time to close reads each category's
# range already grouped, instead of sorting a large selection by category (0011).
CATEGORY_INCIDENT_INDEX = Index(
    "ix_incidents_category_time", Incident.category_code, Incident.reported_at,
    postgresql_include=["grid_id", "street_id", "community_id", "source", "status",
                        "department_id", "closed_at"])
