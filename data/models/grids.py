"""The four levels of grid (district, street, community, basic grid), buildings, residents."""
from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import DISTRICT_CODE, Base, geometry, in_lonlat, one_of


class District(Base):
    __tablename__ = "districts"
    __table_args__ = (CheckConstraint("code ~ '^[0-9]{6}$'", name="code_format"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    name_zh: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(80))
    area_km2: Mapped[float] = mapped_column(Float)
    geom = mapped_column(geometry("MULTIPOLYGON"), nullable=False)


class Street(Base):
    __tablename__ = "streets"
    __table_args__ = (CheckConstraint("code ~ '^[0-9]{9}$'", name="code_format"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(9), unique=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    name_zh: Mapped[str] = mapped_column(String(40), unique=True)
    name_en: Mapped[str] = mapped_column(String(80))
    area_km2: Mapped[float] = mapped_column(Float)
    geom = mapped_column(geometry("MULTIPOLYGON"), nullable=False)


class Community(Base):
    __tablename__ = "communities"
    __table_args__ = (CheckConstraint("code ~ '^[0-9]{12}$'", name="code_format"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id"), index=True)
    name_zh: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(80))
    area_km2: Mapped[float] = mapped_column(Float)
    geom = mapped_column(geometry("MULTIPOLYGON"), nullable=False)


class Grid(Base):
    __tablename__ = "grids"
    __table_args__ = (CheckConstraint("code ~ '^[0-9]{15}$'", name="code_format"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(15), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id"), index=True)
    name_zh: Mapped[str] = mapped_column(String(60))
    area_km2: Mapped[float] = mapped_column(Float)
    population: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    geom = mapped_column(geometry("MULTIPOLYGON"), nullable=False)


class Building(Base):
    __tablename__ = "buildings"
    __table_args__ = (in_lonlat(),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"), index=True)
    address: Mapped[str] = mapped_column(String(120))
    households: Mapped[int] = mapped_column(Integer)
    geom = mapped_column(geometry("POINT"), nullable=False)


class Resident(Base):
    """A resident: personal identifiers are only ever stored hashed or masked."""

    __tablename__ = "residents"
    __table_args__ = (
        one_of("age_band", ("0-17", "18-39", "40-59", "60-79", "80+")),
        one_of("sex", ("F", "M")),
        in_lonlat(),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(6), default=DISTRICT_CODE, server_default=DISTRICT_CODE)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"), index=True)
    household_no: Mapped[int] = mapped_column(Integer)
    name_masked: Mapped[str] = mapped_column(String(20))
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    age_band: Mapped[str] = mapped_column(String(5))
    sex: Mapped[str] = mapped_column(String(1))
    elderly_alone: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    low_income: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    special_care: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    floor: Mapped[int | None] = mapped_column(SmallInteger)
    geom = mapped_column(geometry("POINT"), nullable=False)
