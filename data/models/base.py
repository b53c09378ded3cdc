"""Declarative base, naming convention and the enumerations the schema checks."""
from __future__ import annotations

from geoalchemy2 import Geometry
from sqlalchemy import CheckConstraint, ForeignKeyConstraint, MetaData, String
from sqlalchemy.orm import DeclarativeBase, MappedColumn, mapped_column

# Named constraints so that Alembic migrations can refer to them and errors name them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SRID = 4326
DISTRICT_CODE = "120106"

ROLES = (
    "district_leader", "operator", "analyst", "street_chief", "community_chief",
    "dept_officer", "supervisor", "grid_worker", "wall", "admin",
    # Reads every district of the city (migration 0021); every other role has one district.
    "city_leader",
)
INCIDENT_STATUSES = (
    "reported", "accepted", "dispatched", "in_progress", "resolved", "verified", "closed",
    "rejected", "reopened",
)
SOURCES = ("patrol", "resident", "hotline", "app", "superior", "petition")
WHISTLE_STATUSES = ("summoned", "reported_in", "completed", "closed", "escalated")
DEPARTMENT_KINDS = ("functional", "oversight", "leadership")
# Why a fix was set aside instead of stored with the trusted ones (migration 0013).
SET_ASIDE_REASONS = ("impossible_speed", "outside_district", "stale_timestamp",
                     "future_timestamp", "inaccurate", "mock_location", "not_valid")
CAMERA_KINDS = ("street", "kindergarten", "school", "hospital", "worksite", "community")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def geometry(kind: str, indexed: bool = True) -> Geometry:
    """A geometry column type: explicit type, SRID 4326, GiST-indexed unless told not."""
    return Geometry(geometry_type=kind, srid=SRID, spatial_index=indexed)


def one_of(column: str, values: tuple[str, ...], name: str | None = None) -> CheckConstraint:
    """A check constraint that keeps an enumeration column honest."""
    listed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} in ({listed})", name=name or f"{column}_valid")


def in_lonlat(column: str = "geom") -> CheckConstraint:
    """A check that a point lies on the Earth (guards swapped or projected coordinates)."""
    return CheckConstraint(
        f"ST_X({column}) between -180 and 180 and ST_Y({column}) between -90 and 90",
        name=f"{column}_lonlat",
    )


def district_column() -> MappedColumn:
    """The district of a row the Citus plan distributes; a trigger of migration 0022 sets it
    from the parent row (or the street) on insert, so writers need not know it.
    """
    return mapped_column(String(6), server_default=DISTRICT_CODE)


def district_fk(table: str, column: str, parent: str,
                ondelete: str | None = None) -> ForeignKeyConstraint:
    """A foreign key to a distributed parent that carries the district on both sides, so on
    Citus it stays inside one shard (0022).
    """
    return ForeignKeyConstraint(["district_code", column],
                                [f"{parent}.district_code", f"{parent}.id"],
                                name=f"fk_{table}_{column}_{parent}", ondelete=ondelete)
