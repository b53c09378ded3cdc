"""Open311 clients (api keys, stored hashed) and the requests they filed, one per incident."""
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
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import Base, district_column, district_fk


class Open311Client(Base):
    """A civic app or back office allowed to file requests; only the key's hash is kept."""

    __tablename__ = "open311_clients"
    __table_args__ = (CheckConstraint("char_length(name) between 1 and 60", name="name_length"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_hint: Mapped[str] = mapped_column(String(8))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Open311Request(Base):
    """What came with an incident filed through Open311: its client, token, idempotency
    identity, the service attributes and the citizen's contact details.
    """

    __tablename__ = "open311_requests"
    __table_args__ = (
        UniqueConstraint("client_id", "idempotency_key", name="uq_open311_requests_client_key"),
        Index("ix_open311_requests_client_hash", "client_id", "request_hash", "created_at"),
        district_fk("open311_requests", "incident_id", "incidents", "CASCADE"),
    )

    incident_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    district_code: Mapped[str] = district_column()
    client_id: Mapped[int] = mapped_column(ForeignKey("open311_clients.id"))
    token: Mapped[str] = mapped_column(String(40), unique=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(80))
    request_hash: Mapped[str] = mapped_column(String(64))
    attributes: Mapped[dict] = mapped_column(JSONB, default=dict, server_default="{}")
    contact: Mapped[dict] = mapped_column(JSONB, default=dict, server_default="{}")
    # The client's own photo link (http(s), elsewhere): kept here, never as the incident's
    # photo_url, which holds only photos this server stored.
    media_url: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
