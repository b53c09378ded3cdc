"""Notices: the outbox (one row per notice per channel), its delivery log, and the routes."""
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
)
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import Base, district_column, district_fk, one_of

NOTICE_CHANNELS = ("inbox", "wecom", "dingtalk", "sms", "email")
NOTICE_STATUSES = ("pending", "sent", "dead")
NOTICE_KINDS = ("dispatched", "due_soon", "overdue", "whistle_blown", "meeting_reminder",
                "second_whistle", "whistle_completed", "verify_fix", "open311_status",
                "parent_closed")


class NoticeRoute(Base):
    """Which department or person also gets notices on which outside channel (the in-app
    inbox needs no route); ``secret`` is a DingTalk robot's signing secret.
    """

    __tablename__ = "notice_routes"
    __table_args__ = (
        one_of("channel", NOTICE_CHANNELS[1:]),
        CheckConstraint("(department_id is null) <> (user_id is null)", name="one_party"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(12))
    address: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(200), default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")


class Notice(Base):
    """One notice to one recipient on one channel, written in the transaction of the event
    that caused it; ``key`` (unique) makes writing it twice a no-op.
    """

    __tablename__ = "notices"
    __table_args__ = (
        one_of("channel", NOTICE_CHANNELS),
        one_of("status", NOTICE_STATUSES),
        one_of("kind", NOTICE_KINDS),
        Index("ix_notices_due", "next_attempt_at", postgresql_where="status = 'pending'"),
        Index("ix_notices_inbox", "user_id", "created_at", postgresql_where="channel = 'inbox'"),
        UniqueConstraint("district_code", "id", name="uq_notices_district_code_id"),
        district_fk("notices", "incident_id", "incidents", "CASCADE"),
        district_fk("notices", "whistle_id", "whistles", "CASCADE"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(12))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    route_id: Mapped[int | None] = mapped_column(
        ForeignKey("notice_routes.id", ondelete="SET NULL"))
    address: Mapped[str] = mapped_column(String(500), default="", server_default="")
    incident_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    whistle_id: Mapped[int | None] = mapped_column(Integer, index=True)
    district_code: Mapped[str] = district_column()
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(8))
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(String(300), default="", server_default="")


class NoticeDelivery(Base):
    """Append-only: one row per delivery attempt of an outside-channel notice."""

    __tablename__ = "notice_deliveries"
    __table_args__ = (district_fk("notice_deliveries", "notice_id", "notices", "CASCADE"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    notice_id: Mapped[int] = mapped_column(BigInteger, index=True)
    district_code: Mapped[str] = district_column()
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempt: Mapped[int] = mapped_column(SmallInteger)
    ok: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[str] = mapped_column(String(300), default="", server_default="")
