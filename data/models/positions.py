"""GPS positions (partitioned by day, BRIN on time) and each device's latest position."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import (
    DISTRICT_CODE,
    SET_ASIDE_REASONS,
    Base,
    district_column,
    geometry,
    in_lonlat,
    one_of,
)


class Position(Base):
    """One fix. The table is partitioned by range of device_time, one partition per day."""

    __tablename__ = "positions"
    __table_args__ = (
        in_lonlat(),
        CheckConstraint("accuracy_m is null or accuracy_m >= 0", name="accuracy_positive"),
        CheckConstraint("battery is null or battery between 0 and 100", name="battery_range"),
        Index("ix_positions_device_time_brin", "device_time", postgresql_using="brin"),
        {"postgresql_partition_by": "RANGE (device_time)"},
    )

    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    device_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    server_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    district_code: Mapped[str] = mapped_column(String(6), default=DISTRICT_CODE, server_default=DISTRICT_CODE)
    grid_id: Mapped[int | None] = mapped_column(Integer)
    speed_mps: Mapped[float | None] = mapped_column(Float)
    bearing: Mapped[float | None] = mapped_column(Float)
    altitude: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    battery: Mapped[int | None] = mapped_column(SmallInteger)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    # What the phone said when its clock was off and device_time was corrected (else null).
    raw_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # No spatial index: every read selects fixes by time and device, and the grid of a fix
    # is found once when it is written (grid_id). A GiST over millions of fixes a day only
    # slowed every insert and the world load (0009).
    geom = mapped_column(geometry("POINT", indexed=False), nullable=False)


class LatestPosition(Base):
    """The newest fix of each device, updated in the same transaction as the insert."""

    __tablename__ = "latest_positions"
    __table_args__ = (in_lonlat(),)

    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    device_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    server_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    grid_id: Mapped[int | None] = mapped_column(Integer)
    district_code: Mapped[str] = district_column()
    speed_mps: Mapped[float | None] = mapped_column(Float)
    battery: Mapped[int | None] = mapped_column(SmallInteger)
    fixes_today: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    geom = mapped_column(geometry("POINT"), nullable=False)


class SetAsideFix(Base):
    """A fix acknowledged to the phone but kept out of dots, tracks and coverage, with why.

    Keyed by the time the phone sent (a retry is the same fix); ``corrected_time`` is that
    time moved by the device's measured clock offset, when one was applied.
    """

    __tablename__ = "set_aside_fixes"
    __table_args__ = (in_lonlat(), one_of("reason", SET_ASIDE_REASONS),)

    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    device_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    corrected_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    server_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                  index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    district_code: Mapped[str] = mapped_column(String(6), default=DISTRICT_CODE, server_default=DISTRICT_CODE)
    reason: Mapped[str] = mapped_column(String(20))
    speed_mps: Mapped[float | None] = mapped_column(Float)
    bearing: Mapped[float | None] = mapped_column(Float)
    altitude: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    battery: Mapped[int | None] = mapped_column(SmallInteger)
    # Read by device and arrival time only, like positions: no spatial index.
    geom = mapped_column(geometry("POINT", indexed=False), nullable=False)
