"""Departments, users with their role and scope, grid workers' grids, and devices."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import DEPARTMENT_KINDS, DISTRICT_CODE, ROLES, Base, one_of


class Department(Base):
    __tablename__ = "departments"
    __table_args__ = (one_of("kind", DEPARTMENT_KINDS),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_zh: Mapped[str] = mapped_column(String(60), unique=True)
    name_en: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(12))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    service_items: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A merged department stays (its whistle summons history stays attributed to it) but
    # is no longer offered: its officers and open cases moved to ``merged_into_id``.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))


class User(Base):
    """A person who signs in; the role and the scope columns decide what they may do."""

    __tablename__ = "users"
    __table_args__ = (
        one_of("role", ROLES),
        one_of("title", ("party_secretary", "director", "deputy", "officer", "member")),
        CheckConstraint("role <> 'street_chief' or street_id is not null", name="street_scope"),
        CheckConstraint(
            "role <> 'community_chief' or community_id is not null", name="community_scope"
        ),
        CheckConstraint(
            "role <> 'dept_officer' or department_id is not null", name="department_scope"
        ),
        CheckConstraint("username ~ '^[a-z0-9_.-]{3,40}$'", name="username_format"),
        CheckConstraint("(role = 'city_leader') = (district_code is null)", name="district_scope"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(20), default="member", server_default="member")
    street_id: Mapped[int | None] = mapped_column(ForeignKey("streets.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    # The district the account works in; only a city leader has none (sees them all).
    district_code: Mapped[str | None] = mapped_column(String(6), index=True, default=DISTRICT_CODE,
                                                      server_default=DISTRICT_CODE)
    phone_masked: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # A temporary password (new account, reset) must be replaced at the next sign-in.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False,
                                                       server_default="false")


class WorkerGrid(Base):
    """Which basic grids a grid worker covers: one grid, several workers; one worker, many skills."""

    __tablename__ = "worker_grids"
    __table_args__ = (UniqueConstraint("user_id", "grid_id", name="worker_grid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"), index=True)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")


class WorkerGridHistory(Base):
    """Every assignment of a worker to a grid with when it held: a move closes one row and
    opens another, so past figures stay with the grid they were made in.
    """

    __tablename__ = "worker_grid_history"
    __table_args__ = (CheckConstraint("valid_to is null or valid_to >= valid_from",
                                      name="valid_order"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"), index=True)
    valid_from: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    valid_to: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Device(Base):
    """A phone that streams positions; its token is stored only as a hash."""

    __tablename__ = "devices"
    __table_args__ = (CheckConstraint("device_id ~ '^[A-Za-z0-9_.:-]{1,64}$'", name="id_format"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(60), default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Measured phone clock minus server clock (seconds), and when it was last measured.
    clock_offset_s: Mapped[float | None] = mapped_column(Float)
    clock_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    replaced_by: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
