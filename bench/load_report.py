"""The load benchmark's measurements: CPU per side (psutil) and latency/error summaries."""
from __future__ import annotations

import os

import numpy as np
import psutil

OK = (200, 204)
# A wall screen's first map (the 992 polygons, ~400 KB) comes once per screen opening: it is
# reported, but the steady-state p95 limit is about the polling that goes on all day.
ONCE = ("wall_first_map",)
# Every screen opens in the same ten seconds and asks every question cold; the column "p95
# warm" leaves out the requests sent in a step's first WARM_S seconds to show the steady state.
WARM_S = 30.0


class CpuMeter:
    """CPU used by the gunicorns (masters and workers), this database's PostgreSQL backends,
    the load generator (this process and its client processes) and the whole machine.
    """

    def __init__(self, gunicorn_pids: tuple[int, ...], dbname: str):
        self.gunicorn_pids, self.dbname = gunicorn_pids, dbname
        self.base: dict = {}
        self.last: dict = {}

    def _groups(self) -> dict[int, tuple[str, float]]:
        found = {}
        server = set()
        for pid in self.gunicorn_pids:
            try:
                tree = psutil.Process(pid)
                server |= {tree.pid} | {p.pid for p in tree.children(recursive=True)}
            except psutil.NoSuchProcess:
                continue
        me = psutil.Process()
        clients = {me.pid} | {p.pid for p in me.children(recursive=True)}
        for p in psutil.process_iter(["cmdline", "username"]):
            try:
                if p.pid in server:
                    group = "gunicorn"
                elif p.pid in clients:
                    group = "load generator"
                elif p.info["username"] == "postgres" and self.dbname in " ".join(
                        p.info["cmdline"] or []):
                    group = "postgres"
                else:
                    continue
                times = p.cpu_times()
                found[p.pid] = (group, times.user + times.system)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        machine = psutil.cpu_times()
        found[-1] = ("machine", sum(machine) - machine.idle - getattr(machine, "iowait", 0.0))
        return found

    def start(self) -> None:
        self.base = {pid: cpu for pid, (_, cpu) in self._groups().items()}
        self.last = {}

    def sample(self) -> None:
        self.last.update(self._groups())

    def cores(self, seconds: float) -> dict[str, float]:
        used: dict[str, float] = {}
        for pid, (group, cpu) in self.last.items():
            used[group] = used.get(group, 0.0) + cpu - self.base.get(pid, 0.0)
        return {group: total / max(seconds, 1e-9) for group, total in used.items()}


def errors(step: dict) -> dict:
    return {f"{kind} {status}": n for (kind, status), n in step["status"].items()
            if status not in OK}


def stats(step: dict) -> dict[str, tuple]:
    """kind -> (requests, p50, p95, max) in ms."""
    out = {}
    for kind, values in sorted(step["latency"].items()):
        a = np.asarray(values)
        out[kind] = (len(a), *np.percentile(a, [50, 95]), a.max()) if len(a) else (0, 0, 0, 0)
    return out


def warm_p95(step: dict) -> dict[str, float]:
    """kind -> p95 in ms of the requests sent after the step's first WARM_S seconds."""
    out = {}
    start = step.get("start_at")
    for kind, values in step["latency"].items():
        sent = step.get("sent", {}).get(kind, [])
        warm = [v for v, t in zip(values, sent) if start is not None and t >= start + WARM_S]
        out[kind] = float(np.percentile(warm, 95)) if warm else float("nan")
    return out


def sustained(step: dict, limit_ms: float, kinds: tuple[str, ...] | None = None) -> bool:
    """The kinds' p95 under the limit (every polling kind when None), none of their requests
    failed, and the phones kept their schedule.
    """
    chosen = {k: v for k, v in stats(step).items()
              if (kinds is None and k not in ONCE) or (kinds is not None and k in kinds)}
    failed = {k for k in errors(step) if kinds is None or k.split(" ")[0] in kinds}
    phones = len(step["latency"].get("osmand", []))
    return (all(p95 < limit_ms for _, _, p95, _ in chosen.values()) and not failed
            and step["late"] <= 0.01 * max(phones, 1))


def print_step(step: dict, ok: bool | None = None) -> None:
    rate = len(step["latency"].get("osmand", [])) / step["seconds"]
    head = f"  {step['devices']} devices ({rate:.0f} fixes/s)"
    print(head + ("" if ok is None else f": phones {'sustained' if ok else 'NOT sustained'}"))
    print(f"    {'endpoint kind':<16}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
          f"{'p95 warm':>10}")
    warm = warm_p95(step)
    for kind, (n, p50, p95, top) in stats(step).items():
        print(f"    {kind:<16}{n:>9}{p50:>9.1f}{p95:>9.1f}{top:>9.0f}{warm[kind]:>10.1f}")
    found = errors(step)
    print(f"    errors: {sum(found.values())} {found if found else ''}".rstrip())
    late = step["late"] / max(len(step["latency"].get("osmand", [])), 1)
    print(f"    phones sent late (> 1 s after due): {late:.1%}; viewers' requests sent again "
          f"after a keep-alive connection closed: {step['reconnects']}")
    cpu = step["cpu"]
    print(f"    CPU (cores of {os.cpu_count()}): " + ", ".join(
        f"{g} {cpu.get(g, 0.0):.2f}" for g in ("gunicorn", "postgres", "load generator",
                                              "machine")))
    print(f"    limit: {limiter(cpu)}")


def limiter(cpu: dict) -> str:
    """Which side ran out, read from the CPU each used."""
    cores = os.cpu_count() or 1
    ours = {g: cpu.get(g, 0.0) for g in ("gunicorn", "postgres", "load generator")}
    others = max(0.0, cpu.get("machine", 0.0) - sum(ours.values()))
    top = max(ours, key=ours.get)
    if cpu.get("machine", 0.0) < 0.85 * cores:
        return (f"CPU not saturated ({cpu.get('machine', 0.0):.2f} of {cores}): waits "
                "(connections, locks, I/O) rather than CPU")
    note = f"; other processes took {others:.2f} cores" if others > 0.25 else ""
    return f"the machine's CPU is saturated, the largest share is {top}'s{note}"


def summary(step: dict, url: str, limit_ms: float) -> bool:
    """Print the main run and check every accepted fix against the database."""
    from bench.load_fleet import stored_keys

    print_step(step)
    accepted = set(step["accepted"])
    missing = accepted - stored_keys(url)
    print(f"    accepted fixes {len(accepted)}, missing from the database {len(missing)}"
          + (f" e.g. {sorted(missing)[:3]}" if missing else ""))
    ok = not errors(step) and not missing
    worst = max((p95 for kind, (_, _, p95, _) in stats(step).items() if kind not in ONCE),
                default=0.0)
    print(f"    worst p95 of the polling kinds {worst:.0f} ms (limit {limit_ms:.0f}); "
          f"{'PASS' if ok else 'FAIL'}: no errors and nothing lost")
    return ok
