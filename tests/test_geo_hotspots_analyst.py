"""Gi* hot spots against esda called directly, on a lattice and on the world's grids."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from esda.getisord import G_Local
from libpysal.weights import lat2W

from data.queries import analyst as analyst_queries
from data.queries import analyst_raw as raw
from data.queries.analyst_filter import AnalystFilter
from geo import hotspots


def test_gi_star_matches_esda_on_a_lattice():
    rng = np.random.default_rng(7)
    w = lat2W(12, 12, rook=False)
    w.transform = "B"
    y = rng.poisson(3, 144).astype(float)
    y[:20] += 12  # a hot corner
    got = hotspots.gi_star(y, w, permutations=499, seed=11)
    ref = G_Local(y, w, transform="B", permutations=499, star=True, seed=11, n_jobs=1)
    assert np.allclose(got["z"], ref.Zs) and np.allclose(got["p"], np.minimum(1, 2 * ref.p_sim))
    assert (got.loc[got["p"] <= 0.01, "confidence"] == 99).all()
    fast = hotspots.gi_star(y, w)
    assert np.allclose(fast["z"], ref.Zs)
    assert list(fast["confidence"]) == [99 if abs(z) >= 2.576 else 95 if abs(z) >= 1.96 else
                                        90 if abs(z) >= 1.645 else 0 for z in ref.Zs]
    assert set(got.loc[got["confidence"] > 0, "kind"]) <= {"hot", "cold"}
    assert (got.loc[:19, "kind"] == "hot").sum() >= 10
    again = hotspots.gi_star(y, w, permutations=499, seed=11)
    pd.testing.assert_frame_equal(got, again)


def test_flat_counts_have_no_hot_spots():
    w = lat2W(4, 4)
    out = hotspots.gi_star(np.ones(16), w)
    assert (out["kind"] == "").all() and (out["confidence"] == 0).all()


def test_trend_classes():
    now = pd.Series(["hot", "hot", "", "cold"])
    before = pd.Series(["hot", "", "hot", ""])
    assert list(hotspots.trend(now, before)) == ["persistent", "emerging", "diminishing", ""]


def test_world_hot_spots_match_esda_with_queen_contiguity(world_conn):
    shapes = raw.grid_shapes(world_conn)
    w = hotspots.queen_weights(shapes)
    assert w.n == len(shapes) and min(w.cardinalities.values()) >= 1
    f = AnalystFilter(date(2026, 8, 29), date(2026, 11, 26))
    counts = analyst_queries.grid_counts(world_conn, f)
    assert list(counts["code"]) == list(shapes["code"])
    before = analyst_queries.grid_counts(world_conn, f.shifted(f.days))
    out = hotspots.hot_spots(counts["n"].to_numpy(), before["n"].to_numpy(), w, 199, 5)
    ref = G_Local(counts["n"].to_numpy(float), w, transform="B", permutations=199, star=True,
                  seed=5, n_jobs=1)
    assert np.allclose(out["z"], ref.Zs) and np.allclose(out["p"], np.minimum(1, 2 * ref.p_sim))
    from libpysal.weights import Queen
    queen = Queen.from_dataframe(shapes, use_index=False, silence_warnings=True)
    assert {k: sorted(v) for k, v in queen.neighbors.items()} == {
        k: sorted(v) for k, v in w.neighbors.items()}
    assert (out["kind"] == "hot").any()
    assert set(out["trend"]) <= {"", "emerging", "persistent", "diminishing"}
