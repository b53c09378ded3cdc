"""Cameras (技防设施): points owned by a department or a street."""
from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import CAMERA_KINDS, DISTRICT_CODE, Base, geometry, in_lonlat, one_of


class Camera(Base):
    __tablename__ = "cameras"
    __table_args__ = (
        one_of("kind", CAMERA_KINDS),
        CheckConstraint(
            "(owner_department_id is null) <> (owner_street_id is null)", name="one_owner"
        ),
        in_lonlat(),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    district_code: Mapped[str] = mapped_column(String(6), default=DISTRICT_CODE, server_default=DISTRICT_CODE)
    name_zh: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(16))
    owner_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    owner_street_id: Mapped[int | None] = mapped_column(ForeignKey("streets.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    geom = mapped_column(geometry("POINT"), nullable=False)
