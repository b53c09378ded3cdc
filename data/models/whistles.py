"""Whistles (吹哨), the incidents they concern, the summoned departments, their event log."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import (
    DISTRICT_CODE,
    WHISTLE_STATUSES,
    Base,
    district_column,
    district_fk,
    geometry,
    in_lonlat,
    one_of,
)


def _rating(column: str) -> CheckConstraint:
    return CheckConstraint(f"{column} is null or {column} between 0 and 100", name=f"{column}_range")


class Whistle(Base):
    __tablename__ = "whistles"
    __table_args__ = (
        one_of("status", WHISTLE_STATUSES),
        CheckConstraint("level in (1, 2)", name="level_valid"),
        CheckConstraint("level = 1 or parent_id is not null", name="second_has_parent"),
        CheckConstraint("deadline > blown_at", name="deadline_after_blow"),
        in_lonlat(),
        UniqueConstraint("district_code", "id", name="uq_whistles_district_code_id"),
        district_fk("whistles", "parent_id", "whistles"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    district_code: Mapped[str] = mapped_column(String(6), default=DISTRICT_CODE, server_default=DISTRICT_CODE)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id"), index=True)
    blown_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    level: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1")
    parent_id: Mapped[int | None] = mapped_column(Integer, index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    matter: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    meeting_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    meeting_place: Mapped[str] = mapped_column(String(200))
    blown_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    deadline: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(12), index=True)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    feedback: Mapped[str] = mapped_column(Text, default="", server_default="")
    geom = mapped_column(geometry("POINT"), nullable=False)


class WhistleIncident(Base):
    __tablename__ = "whistle_incidents"
    __table_args__ = (district_fk("whistle_incidents", "whistle_id", "whistles", "CASCADE"),
                      district_fk("whistle_incidents", "incident_id", "incidents"))

    whistle_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)
    district_code: Mapped[str] = district_column()



class WhistleSummons(Base):
    """One summoned party: a department, or (level 2) a district leader; and its rating."""

    __tablename__ = "whistle_summons"
    __table_args__ = (
        CheckConstraint("(department_id is null) <> (leader_id is null)", name="one_party"),
        CheckConstraint("arrived_at is null or acknowledged_at is not null", name="ack_first"),
        UniqueConstraint("whistle_id", "department_id", "leader_id", name="party_once"),
        _rating("rating_timeliness"), _rating("rating_quality"), _rating("rating_attitude"),
        district_fk("whistle_summons", "whistle_id", "whistles", "CASCADE"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    whistle_id: Mapped[int] = mapped_column(Integer, index=True)
    district_code: Mapped[str] = district_column()
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    arrived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rating_timeliness: Mapped[int | None] = mapped_column(SmallInteger)
    rating_quality: Mapped[int | None] = mapped_column(SmallInteger)
    rating_attitude: Mapped[int | None] = mapped_column(SmallInteger)
    rated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class WhistleEvent(Base):
    """Append-only log of a whistle's steps."""

    __tablename__ = "whistle_events"
    __table_args__ = (Index("ix_whistle_events_overdue", "whistle_id",
                            postgresql_where="action = 'overdue'"),
                      district_fk("whistle_events", "whistle_id", "whistles", "CASCADE"))

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    whistle_id: Mapped[int] = mapped_column(Integer, index=True)
    district_code: Mapped[str] = district_column()
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
