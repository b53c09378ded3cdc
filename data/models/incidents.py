"""Incident categories, incidents with every lifecycle timestamp, and their event log."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import (
    DISTRICT_CODE,
    INCIDENT_STATUSES,
    SOURCES,
    Base,
    district_column,
    district_fk,
    geometry,
    in_lonlat,
    one_of,
)


class Category(Base):
    """Two levels: subjects (level 1) and the categories a worker picks (level 2)."""

    __tablename__ = "categories"
    __table_args__ = (CheckConstraint("level in (1, 2)", name="level_valid"),
                      CheckConstraint("deadline_hours > 0", name="deadline_positive"))

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("categories.code"))
    level: Mapped[int] = mapped_column(SmallInteger)
    name_zh: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(80))
    deadline_hours: Mapped[int] = mapped_column(Integer)
    department_code: Mapped[str | None] = mapped_column(ForeignKey("departments.code"))
    # Offered as an Open311 service (never for 0501-0503: workflow.open311.services).
    public: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")


class Incident(Base):
    __tablename__ = "incidents"
    __table_args__ = (
        one_of("status", INCIDENT_STATUSES),
        one_of("source", SOURCES),
        one_of("handled_by", ("department", "street", "community")),
        CheckConstraint("accepted_at is null or accepted_at >= reported_at", name="accept_order"),
        CheckConstraint("closed_at is null or closed_at >= reported_at", name="close_order"),
        CheckConstraint("char_length(description) <= 4000", name="description_length"),
        in_lonlat(),
        Index("ix_incidents_reported_street", "reported_at", "street_id"),
        Index("ix_incidents_open", "status", "deadline",
              postgresql_where="status not in ('closed', 'rejected')"),
        Index("ix_incidents_parent", "parent_id", postgresql_where="parent_id is not null"),
        CheckConstraint("parent_id is null or status = 'closed'", name="merged_closed"),
        # The target of the composite foreign keys of the distributed tables (0022).
        UniqueConstraint("district_code", "id", name="uq_incidents_district_code_id"),
        district_fk("incidents", "parent_id", "incidents"),
        # An imported case is one per old system and its code there (migration 0024); the
        # district leads so the key stays within one shard (docs/scaling.md).
        UniqueConstraint("district_code", "source_system", "source_code",
                         name="uq_incidents_district_source_ref"),
        CheckConstraint("(source_system is null) = (source_code is null)",
                        name="source_ref_whole"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    # Imported cases: the old system's name and its code there, the key of a safe re-import;
    # ``code`` is always the product's own HQ{day}-{id} (workflow/incidents/codes.py).
    source_system: Mapped[str | None] = mapped_column(String(40))
    source_code: Mapped[str | None] = mapped_column(String(40))
    district_code: Mapped[str] = mapped_column(String(6), default=DISTRICT_CODE, server_default=DISTRICT_CODE)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"), index=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"), index=True)
    source: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12), index=True)
    handled_by: Mapped[str | None] = mapped_column(String(12))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    reporter_contact: Mapped[str | None] = mapped_column(String(80))
    address: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    photo_url: Mapped[str | None] = mapped_column(String(300))
    idempotency_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rejected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reopen_count: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    # Set when an operator merges this case into another: it is closed as a duplicate and
    # left out of every count, rate and export (migration 0019).
    parent_id: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    geom = mapped_column(geometry("POINT"), nullable=False)


class IncidentEvent(Base):
    """Append-only: one row per transition, with who, when, from and to."""

    __tablename__ = "incident_events"
    __table_args__ = (
        one_of("to_status", INCIDENT_STATUSES + ("escalated", "commented")),
        # The ticker asks "was this already escalated?" for every overdue incident.
        Index("ix_incident_events_escalations", "incident_id", "at",
              postgresql_where="action = 'escalate'"),
        district_fk("incident_events", "incident_id", "incidents", "CASCADE"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    incident_id: Mapped[int] = mapped_column(BigInteger, index=True)
    district_code: Mapped[str] = district_column()
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Only a note its author marked for the public reaches Open311's status_notes.
    public: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    photo_url: Mapped[str | None] = mapped_column(String(300))
