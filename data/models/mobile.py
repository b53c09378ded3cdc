"""The phone page's tables: long-lived device sessions and the photos workers send."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import Base, district_column, district_fk


class MobileSession(Base):
    """One signed-in phone: the cookie's token is stored only as its sha256 hash."""

    __tablename__ = "mobile_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_agent: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class MobilePhoto(Base):
    """A photo as the server re-encoded it (JPEG, no metadata), linked to its incident."""

    __tablename__ = "mobile_photos"
    __table_args__ = (CheckConstraint("byte_size > 0", name="size_positive"),
                      district_fk("mobile_photos", "incident_id", "incidents", "CASCADE"))

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    incident_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    district_code: Mapped[str] = district_column()
    purpose: Mapped[str] = mapped_column(String(12), default="report", server_default="report")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    byte_size: Mapped[int] = mapped_column(BigInteger)
    exif_lon: Mapped[float | None] = mapped_column(Float)
    exif_lat: Mapped[float | None] = mapped_column(Float)
    content: Mapped[bytes] = mapped_column(LargeBinary)
