"""下考上 rating rounds: each street rates each department it worked with, per period."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import Base


def _score(column: str) -> CheckConstraint:
    return CheckConstraint(f"{column} between 0 and 100", name=f"{column}_range")


class StreetRating(Base):
    """One street's rating of one department for one period (a month or a quarter) [from, to),
    beside the ratings its whistles gave: both count in the department's street evaluation.
    """

    __tablename__ = "street_ratings"
    __table_args__ = (
        # One rating per street, department and period: a second round replaces it.
        UniqueConstraint("street_id", "department_id", "period_from", "period_to"),
        CheckConstraint("period_to > period_from", name="period_order"),
        _score("timeliness"), _score("quality"), _score("attitude"),
        Index("ix_street_ratings_rated_at", "rated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    timeliness: Mapped[int] = mapped_column(SmallInteger)
    quality: Mapped[int] = mapped_column(SmallInteger)
    attitude: Mapped[int] = mapped_column(SmallInteger)
    note: Mapped[str | None] = mapped_column(Text)
    rated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
