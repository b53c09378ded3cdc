"""Patrol supervision: each worker's daily sheet, exceptions as events, and leave days."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import Base, district_column, district_fk, one_of

EXCEPTION_KINDS = ("off_beat", "no_fix", "idle", "low_battery")


class PatrolSheet(Base):
    """One worker's patrol on one Beijing day, computed from trusted fixes only.

    ``track`` keeps a simplified track (compact JSON of [lon, lat, seconds]) so replay of a
    day whose raw fixes were dropped by retention still works; it is never queried spatially.
    """

    __tablename__ = "patrol_sheets"
    __table_args__ = (Index("ix_patrol_sheets_day_street", "day", "street_id"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    grid_id: Mapped[int | None] = mapped_column(Integer)
    street_id: Mapped[int | None] = mapped_column(Integer)
    community_id: Mapped[int | None] = mapped_column(Integer)
    district_code: Mapped[str] = district_column()
    first_fix: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_fix: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    fixes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    km: Mapped[float] = mapped_column(Float, default=0, server_default="0")
    minutes_on_beat: Mapped[float] = mapped_column(Float, default=0, server_default="0")
    minutes_off_beat: Mapped[float] = mapped_column(Float, default=0, server_default="0")
    beat_covered: Mapped[float] = mapped_column(Float, default=0, server_default="0")
    stops: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reports: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    set_aside: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    track: Mapped[str | None] = mapped_column(Text)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True),
                                                  server_default=func.now())


class PatrolException(Base):
    """A rule broken during a shift (off the beat, silent, idle, battery low), start to end."""

    __tablename__ = "patrol_exceptions"
    __table_args__ = (
        one_of("kind", EXCEPTION_KINDS),
        UniqueConstraint("user_id", "kind", "started_at", name="uq_patrol_exceptions_event"),
        Index("ix_patrol_exceptions_day_street", "day", "street_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(12))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    grid_id: Mapped[int | None] = mapped_column(Integer)
    street_id: Mapped[int | None] = mapped_column(Integer)
    community_id: Mapped[int | None] = mapped_column(Integer)
    district_code: Mapped[str] = district_column()
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(String(500))


class LeaveDay(Base):
    """A day a worker is on leave: attendance counts it as leave, not absence."""

    __tablename__ = "leave_days"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True),
                                                  server_default=func.now())


class PatrolTrack(Base):
    """A closed day's track of one worker as replay serves it (``step_s`` 1: every fix; 30: one
    per 30 s for a street), compact JSON [[epoch s, lon, lat], ...] rounded to 1e-5 like the
    raw read; stored once (the key and ON CONFLICT) so replay of a closed day reads one row a
    worker instead of the day's fixes. Rows go when retention drops the day's raw fixes.
    """

    __tablename__ = "patrol_tracks"

    district_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    step_s: Mapped[int] = mapped_column(Integer, primary_key=True)
    track: Mapped[str] = mapped_column(Text)
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True),
                                                server_default=func.now())


class PatrolPass(Base):
    """A worker who came within 30 m of a public incident in the 3 days before it was
    reported (the discovery rate's raw pair), kept from a day's fixes before retention drops
    them: the nearest distance and latest time over the stored days. Whether the worker
    filed it is decided when read.
    """

    __tablename__ = "patrol_passes"
    __table_args__ = (district_fk("patrol_passes", "incident_id", "incidents", "CASCADE"),)

    district_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    incident_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    last_pass: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    metres: Mapped[float] = mapped_column(Float)
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True),
                                                server_default=func.now())
