"""How good the suggested duplicates are against a known answer (the world's planted groups)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Score:
    pairs: int          # suggestions made
    correct: int        # of those, both cases in one planted group
    planted: int        # planted reports (each should be linked into its group)
    found: int          # planted reports linked to a member of their own group

    @property
    def precision(self) -> float:
        return self.correct / self.pairs if self.pairs else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.planted if self.planted else 0.0


def group_of(planted: dict[int, int]) -> dict[int, int]:
    """Every case of a planted group mapped to the group (its parent's id)."""
    groups = {child: parent for child, parent in planted.items()}
    groups.update({parent: parent for parent in planted.values()})
    return groups


def score(suggested: list[tuple[int, int]], planted: dict[int, int]) -> Score:
    """Score (case, suggested parent) pairs against ``planted`` (planted report -> parent)."""
    groups = group_of(planted)

    def same(a: int, b: int) -> bool:
        return a in groups and groups.get(b) == groups[a]

    correct = sum(1 for a, b in suggested if same(a, b))
    linked = {a for a, b in suggested if same(a, b)} | {b for a, b in suggested if same(a, b)}
    found = sum(1 for child in planted if child in linked)
    return Score(len(suggested), correct, len(planted), found)
