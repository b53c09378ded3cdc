"""Desk sign-ins kept server-side, so sign-out and a password change end them everywhere."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import Base


class WebSession(Base):
    """One signed-in browser (``hq_session``): only the sha256 of its id is stored.

    A session is live while ``revoked_at`` is null and ``expires_at`` (sign-in plus the
    absolute lifetime, never extended) lies ahead.
    """

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
