"""The world's geography: the real outline partitioned into coded streets, communities, grids."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from etl.world.names import community_names
from geo.crs import to_metric
from geo.density import DensitySurface, density_surface
from geo.partition import partition_district

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference"
OUTLINE = REFERENCE / "hongqiao_outline.geojson"
DISTRICT = {"code": "120106", "name_zh": "红桥区", "name_en": "Hongqiao District"}
BASE_COUNTS = (10, 123, 992)
# Every district the world generator can build, with its shipped real outline
# (data/reference/README.md) and its real streets (街道); Hongqiao's come from geo.partition.
DISTRICTS = {
    "120106": {**DISTRICT, "outline": OUTLINE, "prefix": "", "streets": None},
    "120105": {"code": "120105", "name_zh": "河北区", "name_en": "Hebei District",
               "outline": REFERENCE / "hebei_outline.geojson", "prefix": "hb_",
               "streets": (("光复道", "Guangfudao"), ("望海楼", "Wanghailou"),
                           ("鸿顺里", "Hongshunli"), ("新开河", "Xinkaihe"),
                           ("铁东路", "Tiedonglu"), ("建昌道", "Jianchangdao"),
                           ("宁园", "Ningyuan"), ("王串场", "Wangchuanchang"),
                           ("江都路", "Jiangdulu"), ("月牙河", "Yueyahe"))},
}
# A further district is far smaller than Hongqiao's (a demo of several districts, not a
# second full load): streets stay 10, communities and grids as below at scale 1.
OTHER_COUNTS = (10, 30, 90)


@dataclass
class Geography:
    outline: shapely.Geometry          # WGS84
    outline_metric: shapely.Geometry
    density: DensitySurface
    streets: gpd.GeoDataFrame
    communities: gpd.GeoDataFrame
    grids: gpd.GeoDataFrame


def read_outline(path: Path = OUTLINE) -> shapely.Geometry:
    """The district outline from the shipped GeoJSON, as one shapely geometry (WGS84)."""
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    return shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in features])


def scaled_counts(scale: float, base: tuple[int, int, int] = BASE_COUNTS) -> tuple[int, int, int]:
    """Streets stay 10; communities and grids shrink with small scales (tests use them)."""
    if scale >= 1:
        return base
    communities = max(20, int(round(base[1] * scale)))
    grids = max(communities * 2, int(round(base[2] * scale)))
    return (10, communities, grids)


def build_geography(rng: np.random.Generator, scale: float = 1.0,
                    district_code: str = DISTRICT["code"]) -> Geography:
    """Partition the real outline and give every unit its code and name.

    Parameters
    ----------
    rng : Generator
    scale : float
        1 for the full 10/123/992; smaller for quick test worlds.
    district_code : str
        Which district of DISTRICTS (Hongqiao by default; others get OTHER_COUNTS).

    Returns
    -------
    Geography
    """
    district = DISTRICTS[district_code]
    outline = read_outline(district["outline"])
    outline_m = to_metric(outline)
    density = density_surface(outline_m, rng)
    base = BASE_COUNTS if district["streets"] is None else OTHER_COUNTS
    streets, communities, grids = partition_district(outline, scaled_counts(scale, base),
                                                     density, rng)
    if district["streets"] is not None:
        # geo.partition names Hongqiao's streets; another district's are its own. Its
        # anchors are Hongqiao's bounding-box fractions (moved into this outline).
        streets["name_zh"] = [z for z, _ in district["streets"]]
        streets["name_en"] = [e for _, e in district["streets"]]
    streets["code"] = [f"{district_code}{s:03d}" for s in streets["seq"]]
    counts = np.bincount(communities["street_idx"], minlength=len(streets))
    names = community_names([f"{n}街道" for n in streets["name_zh"]], list(counts), rng)
    communities["code"] = [streets["code"].iat[s] + f"{q:03d}"
                           for s, q in zip(communities["street_idx"], communities["seq"])]
    communities["name_zh"] = [names[s][q - 1] for s, q in zip(communities["street_idx"],
                                                               communities["seq"])]
    communities["name_en"] = [f"Community {c}" for c in communities["code"]]
    grids["code"] = [communities["code"].iat[c] + f"{q:03d}"
                     for c, q in zip(grids["community_idx"], grids["seq"])]
    grids["name_zh"] = [f"{communities['name_zh'].iat[c]}第{q}网格"
                        for c, q in zip(grids["community_idx"], grids["seq"])]
    streets["name_zh"] = [f"{n}街道" for n in streets["name_zh"]]
    return Geography(outline, outline_m, density, streets, communities, grids)
