"""Intake: suggested duplicate pairs, and field tasks (核实 before dispatch, 核查 after the fix)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import Base, district_column, district_fk, geometry, one_of

SUGGESTION_STATUSES = ("open", "confirmed", "dismissed")
TASK_KINDS = ("verify", "check")
TASK_STATUSES = ("offered", "accepted", "done", "unassigned", "cancelled")


class DuplicateSuggestion(Base):
    """A pair the background pass thinks is one problem: the later case and its parent."""

    __tablename__ = "duplicate_suggestions"
    __table_args__ = (
        one_of("status", SUGGESTION_STATUSES),
        UniqueConstraint("incident_id", "parent_id", name="duplicate_pair"),
        CheckConstraint("incident_id <> parent_id", name="not_self"),
        Index("ix_duplicate_suggestions_open", "found_at", postgresql_where="status = 'open'"),
        district_fk("duplicate_suggestions", "incident_id", "incidents", "CASCADE"),
        district_fk("duplicate_suggestions", "parent_id", "incidents", "CASCADE"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    incident_id: Mapped[int] = mapped_column(BigInteger, index=True)
    parent_id: Mapped[int] = mapped_column(BigInteger, index=True)
    district_code: Mapped[str] = district_column()
    distance_m: Mapped[float] = mapped_column(Float)
    gap_s: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="open", server_default="open")
    found_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class FieldTask(Base):
    """One on-site check offered to the nearest on-duty worker; passed on when not taken."""

    __tablename__ = "field_tasks"
    __table_args__ = (
        one_of("kind", TASK_KINDS),
        one_of("status", TASK_STATUSES),
        Index("ix_field_tasks_live", "assignee_id", "status",
              postgresql_where="status in ('offered', 'accepted')"),
        # One live task of a kind per case: the case waits for exactly that one.
        Index("uq_field_tasks_live_kind", "incident_id", "kind", unique=True,
              postgresql_where="status in ('offered', 'accepted', 'unassigned')"),
        district_fk("field_tasks", "incident_id", "incidents", "CASCADE"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    incident_id: Mapped[int] = mapped_column(BigInteger, index=True)
    district_code: Mapped[str] = district_column()
    kind: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    offered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accept_by: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    passed: Mapped[list[int]] = mapped_column(ARRAY(Integer), default=list, server_default="{}")
    offers: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    outcome: Mapped[str | None] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    photo_url: Mapped[str | None] = mapped_column(String(300))
    geom = mapped_column(geometry("POINT"), nullable=True)
