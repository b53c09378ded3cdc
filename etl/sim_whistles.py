"""The demo's whistle loop: street chiefs whistle on stuck cases, summoned departments report
in and complete, the street verifies and rates, now and then a second whistle brings a leader.

Every write goes through the workflow services as the person who would make it (the same
rules, the same events and notices as people get); the choices come from a seeded generator.
"""
from __future__ import annotations

import logging
import math
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from data import directory, notices_store, whistle_store
from data.clock import Clock
from data.db import Database
from data.queries import whistle_play
from workflow.accounts import load_actor
from workflow.errors import WorkflowError
from workflow.whistles import steps
from workflow.whistles.service import NewWhistle, blow_whistle, second_whistle

log = logging.getLogger(__name__)
HOUR = 3600.0
# Mean waits (simulated seconds) before each step: acknowledging, arriving, finishing,
# the street's verification, its rating.
MEAN_S = {"acknowledged": 0.4 * HOUR, "arrived": 2 * HOUR, "complete": 20 * HOUR,
          "verify": 3 * HOUR, "rate": 2 * HOUR}

CHIEF_TITLES = ("party_secretary", "director")

@dataclass(frozen=True)
class PlayOptions:
    """How lively the loop is: whistles per day at 1×, how many to keep open at least."""

    seed: int = 20191115
    per_day: float = 4.0
    speedup: float = 1.0
    round_s: float = 60.0
    keep_open: int = 2
    # Of whistles the departments completed, the share the street is not satisfied with
    # and whistles again for (bringing a district leader).
    second_share: float = 0.15

    @property
    def prefix(self) -> str:
        return f"sim-whistle-{self.seed}-"


def chance(rng: np.random.Generator, mean_s: float, options: PlayOptions) -> bool:
    """Did a step with this mean wait happen within one round (at the simulator's speed)?"""
    return bool(rng.random() < 1 - math.exp(-options.round_s * options.speedup / mean_s))


class WhistlePlayer:
    """Plays one round at a time (``play_round``); each write is its own transaction."""

    def __init__(self, db: Database, options: PlayOptions) -> None:
        self.db, self.options = db, options
        self.rng = np.random.default_rng(options.seed)
        self.counts: dict[str, int] = {}

    def _do(self, what: str, call) -> bool:
        try:
            with self.db.begin() as conn:
                call(conn)
        except WorkflowError as err:       # a person got there first: fine, next round
            log.info("whistle play %s skipped: %s", what, err.message)
            return False
        self.counts[what] = self.counts.get(what, 0) + 1
        return True

    def play_round(self, now: datetime) -> dict[str, int]:
        """Maybe blow a whistle, then move each of the player's whistles a step on."""
        with self.db.connect() as conn:
            played = whistle_play.played_whistles(conn, self.options.prefix)
        open_now = len(played)
        per_round = self.options.per_day * self.options.speedup * self.options.round_s / 86400
        if open_now < self.options.keep_open or self.rng.random() < per_round:
            self.blow(now)
        for whistle_id in played:
            self.advance(whistle_id, now)
        return dict(self.counts)

    def _actor(self, conn, user_id: int | None):
        return load_actor(conn, user_id) if user_id else None

    def blow(self, now: datetime) -> bool:
        """A street chief whistles on a stuck case, summoning its department and others."""
        with self.db.connect() as conn:
            stuck = whistle_play.stuck_incidents(conn, now, now + timedelta(days=1),
                                                 now - timedelta(days=3))
            if not stuck:
                return False
            case = stuck[int(self.rng.integers(len(stuck)))]
            chiefs = notices_store.users_where(conn, "street_chief", street_id=case["street_id"],
                                               titles=CHIEF_TITLES)
            # Only departments with someone to answer: a summons nobody can read stays open.
            others = [d for d in directory.departments(conn) if d["id"] != case["department_id"]
                      and notices_store.users_where(conn, "dept_officer", department_id=d["id"])]
            own = [d["code"] for d in directory.departments(conn)
                   if d["id"] == case["department_id"]]
            number = whistle_play.played_count(conn, self.options.prefix)
        if not chiefs or not own:
            return False
        extra = self.rng.choice(len(others), size=int(self.rng.integers(1, 3)), replace=False)
        codes = tuple(own + [others[int(i)]["code"] for i in extra])
        meeting = now + timedelta(minutes=30 * int(self.rng.integers(2, 7)))
        new = NewWhistle(
            matter=f"{case['category_name']}久拖未决，{len(codes)} 个部门联合处置"[:200],
            meeting_at=meeting, meeting_place=(case["address"] or case["street_name"])[:200],
            deadline=now + timedelta(days=int(self.rng.integers(3, 11))),
            incident_ids=(case["id"],), department_codes=codes,
            description="街道多次协调未果，吹哨召集相关部门现场会商。")
        chief = chiefs[int(self.rng.integers(len(chiefs)))]
        key = f"{self.options.prefix}{number + 1}"
        return self._do("blow", lambda conn: blow_whistle(
            conn, load_actor(conn, chief), new, now, key))

    def advance(self, whistle_id: int, now: datetime) -> None:
        """One step for each party that is due for one, then the street's part."""
        with self.db.connect() as conn:
            whistle = whistle_store.whistle(conn, whistle_id)
            parties = whistle_store.summonses(conn, whistle_id)
            chiefs = notices_store.users_where(conn, "street_chief",
                                               street_id=whistle["street_id"] if whistle else 0,
                                               titles=CHIEF_TITLES)
            officers = {p["id"]: (p["leader_id"] or next(iter(notices_store.users_where(
                conn, "dept_officer", department_id=p["department_id"])), None))
                for p in parties}
        if whistle is None or not chiefs:
            return
        chief = chiefs[int(self.rng.integers(len(chiefs)))]
        if whistle["status"] in ("summoned", "reported_in"):
            for party in parties:
                self._party_step(whistle_id, party, officers[party["id"]], now)
        elif whistle["status"] == "completed":
            self._street_decides(whistle, chief, now)
        for party in parties:
            done = party["completed_at"] is not None or whistle["status"] == "escalated"
            if (party["department_id"] and party["rated_at"] is None and done
                    and whistle["status"] in ("closed", "escalated")
                    and chance(self.rng, MEAN_S["rate"], self.options)):
                scores = {k: int(self.rng.integers(70, 101))
                          for k in ("timeliness", "quality", "attitude")}
                self._do("rate", lambda conn, p=party, s=scores: steps.rate(
                    conn, load_actor(conn, chief), whistle_id, p["department_code"], s, now))

    def _party_step(self, whistle_id: int, party: dict, user_id: int | None,
                    now: datetime) -> None:
        if user_id is None or party["completed_at"] is not None:
            return
        stage = ("acknowledged" if party["acknowledged_at"] is None else
                 "arrived" if party["arrived_at"] is None else "complete")
        if not chance(self.rng, MEAN_S[stage], self.options):
            return
        if stage == "complete":
            self._do("complete", lambda conn: steps.complete(
                conn, load_actor(conn, user_id), whistle_id, now, note="已按会商意见办结"))
        else:
            self._do(stage, lambda conn: steps.report_in(
                conn, load_actor(conn, user_id), whistle_id, now, stage=stage))

    def _street_decides(self, whistle: dict, chief: int, now: datetime) -> None:
        if not chance(self.rng, MEAN_S["verify"], self.options):
            return
        if whistle["level"] == 1 and self.rng.random() < self.options.second_share:
            new = NewWhistle(matter="", meeting_at=now + timedelta(hours=2),
                             meeting_place=whistle["meeting_place"],
                             deadline=now + timedelta(days=7))
            self._do("second_whistle", lambda conn: second_whistle(
                conn, load_actor(conn, chief), whistle["id"], new, now,
                f"{self.options.prefix}{whistle['id']}-2"))
            return
        self._do("verify", lambda conn: steps.verify(
            conn, load_actor(conn, chief), whistle["id"], now, "问题已解决，街道验收通过"))


class PlayerThread(threading.Thread):
    """Plays a round every ``round_s`` real seconds until stopped."""

    def __init__(self, player: WhistlePlayer, clock: Clock) -> None:
        super().__init__(name="whistle-player", daemon=True)
        self.player, self.clock = player, clock
        self._stop_event = threading.Event()

    def run(self) -> None:
        while True:
            try:
                self.player.play_round(self.clock())
            except Exception:  # noqa: BLE001 - the demo's loop must outlive a bad round
                log.exception("whistle play round failed")
            if self._stop_event.wait(self.player.options.round_s):
                return

    def stop(self) -> None:
        self._stop_event.set()
