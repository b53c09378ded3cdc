"""Under load: 1,000 phones every 10 s and 50 viewers against gunicorn, then a ramp of phones.

`python -m bench load [--minutes 10] [--devices 1000] [--walls 40] [--analysts 10]
[--ramp 1000,2000,4000,8000] [--step-seconds 60] [--phones-to port|main] [--scale 1]
[--url URL --keep] [--replica] [--hosts 2]`

A scratch database gets the synthetic world (as of now) and extra phones; gunicorn serves
the whole app (`app:server`, HQ_BENCH_WORKERS workers, gthread), and a second one the
OsmAnd-only app (`api.ingest.osmand_server:wsgi()`, as deployed). Phones send OsmAnd GETs on
a fixed schedule (device k at phase k/n of the interval) from client processes; wall
screens post the wall's real Dash callbacks on their intervals, analysts the cases list
callback and the workflow API's list endpoints. Reports p50/p95/max per endpoint kind,
errors, whether every accepted fix is in the database, and the CPU each side used; then
ramps the phones to find the most the machine sustains with every p95 under 500 ms.
With --replica the app reads the wall, analysts and leaders from the local hot standby
(`db up --replica`) and the standby's staleness, sampled every second, follows the main run.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import sys
import time

import requests

from bench.load_replica import StalenessSampler, replica_env, standby_url
from bench.load_report import CpuMeter, print_step, summary, sustained

# Ten minutes and a ramp: `python -m bench` alone skips it (see bench/__main__.py).
ONLY_WHEN_NAMED = True
OPERATORS = ("operator1", "operator2", "operator3", "operator4", "analyst1", "analyst2",
             "analyst3")
P95_LIMIT_MS = 500.0
MAX_RAMP_STEPS = 8
RESOLUTION = 250


def options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench load", description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="the main run (10)")
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between fixes")
    parser.add_argument("--walls", type=int, default=40)
    parser.add_argument("--analysts", type=int, default=10)
    parser.add_argument("--think", type=float, default=5.0, help="analysts' mean pause, s")
    parser.add_argument("--ramp", default="1000,2000,4000,8000",
                        help="device counts to try after the main run ('' skips the ramp)")
    parser.add_argument("--step-seconds", type=float, default=60.0)
    parser.add_argument("--phones-to", choices=("port", "main"), default="port",
                        help="phones post to the OsmAnd-only app on its own port, as "
                             "docs/operating.md deploys it (port), or to the main app's /osmand")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--scale", type=float, default=1.0, help="world scale (1 = Hongqiao)")
    parser.add_argument("--url", default="", help="reuse this scratch database (world loaded)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--dump", default="", help="write the main run's samples (kind -> "
                        "[sent epoch s, latency ms]) to this JSON file (ramp step k to "
                        "FILE.rampK), to look for stalls")
    parser.add_argument("--replica", action="store_true", help="the viewers' reads on the "
                        "local hot standby (started if need be); prints its staleness")
    from bench.load_hosts import add_options

    add_options(parser)
    return parser.parse_known_args(argv)[0]


def run_step(base: str, port: int, devices: list, viewers: dict, args, seconds: float,
             meter: CpuMeter, opened: bool = False) -> dict:
    """Phones and viewers together for ``seconds``; returns the merged results and CPU."""
    from bench.load_clients import merge, run_phones, run_viewers

    n, procs = len(devices), args.client_processes
    phased = [(*d, args.interval * k / n) for k, d in enumerate(devices)]
    threads = max(8, min(256, -(-n // (procs * 8))))
    start_at = time.time() + 5.0          # spawning the client processes takes a moment
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(procs + 1) as pool:
        phones = [pool.apply_async(run_phones, (port, phased[k::procs], start_at, seconds,
                                                args.interval, threads)) for k in range(procs)]
        watch = pool.apply_async(run_viewers, (base, viewers["walls"], viewers["analysts"],
                                               viewers["deps"], start_at, seconds, args.think,
                                               opened))
        time.sleep(max(0.0, start_at - time.time()))
        meter.start()
        while not all(r.ready() for r in [*phones, watch]):
            meter.sample()
            time.sleep(1.0)
        meter.sample()
        result = merge([r.get() for r in [*phones, watch]])
    result["cpu"] = meter.cores(time.time() - start_at)
    result["seconds"], result["devices"], result["start_at"] = seconds, n, start_at
    return result


def dump_samples(step: dict, path: str) -> None:
    import json

    with open(path, "w", encoding="utf-8") as out:
        json.dump({kind: list(zip(step["sent"][kind], values))
                   for kind, values in step["latency"].items()}, out)


def sign_in_viewers(base: str, args, password: str) -> dict:
    from bench.load_fleet import signed_in

    wall = signed_in(base, "wall", password)
    desks = [signed_in(base, name, password) for name in OPERATORS]
    deps = requests.get(f"{base}/_dash-dependencies", cookies=wall["cookies"], timeout=60).json()
    return {"walls": [wall] * args.walls,
            "analysts": [desks[k % len(desks)] for k in range(args.analysts)], "deps": deps}


def ramp(base, port, phones, viewers, args, meter) -> None:
    """Try the counts in order; after the first failure, bisect (to 250 devices) between the
    best count sustained and the failing one (from half of it when none was sustained).
    """
    counts = [int(c) for c in args.ramp.split(",") if c.strip()]
    if not counts:
        return
    print(f"\n== ramp: {args.step_seconds:.0f} s per step, p95 limit {P95_LIMIT_MS:.0f} ms")
    best, best_all, steps = 0, 0, 0
    while counts and steps < MAX_RAMP_STEPS:
        n = min(counts.pop(0), len(phones))
        step = run_step(base, port, phones[:n], viewers, args, args.step_seconds, meter,
                        opened=True)
        ok, steps = sustained(step, P95_LIMIT_MS, ("osmand",)), steps + 1
        print_step(step, ok)
        if args.dump:
            dump_samples(step, f"{args.dump}.ramp{steps}")
        if sustained(step, P95_LIMIT_MS):
            best_all = max(best_all, n)
        if ok:
            best = max(best, n)
            continue
        low = best if best else n // 4
        mid = (low + n) // 2 // RESOLUTION * RESOLUTION
        counts = [mid] if low < mid < n and n - mid >= RESOLUTION else []
    print(f"highest device count with the phones' p95 < {P95_LIMIT_MS:.0f} ms, no failed fix, "
          f"schedule kept: {best or 'none of those tried'}")
    print(f"highest device count with every polling kind's p95 < {P95_LIMIT_MS:.0f} ms and no "
          f"error at all: {best_all or 'none of those tried'}")


def compare_two_hosts(procs: list, url: str, phones: list, viewers: dict, args,
                      main_run: dict, replica: str = "", settings=None) -> bool:
    """Stop the single host (the two share these cores), then the same load on two."""
    from bench.load_hosts import two_hosts

    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    for proc in procs:
        proc.wait(timeout=60)
    procs.clear()
    return two_hosts(url, phones, viewers, args, main_run, P95_LIMIT_MS, replica, settings)


def main(argv: list[str] | None = None) -> bool:
    from bench.bench_ingest import free_port, start_gunicorn
    from bench.load_fleet import add_phones, load_world
    from data import local_server
    from data.db import Database
    from data.positions import ensure_current_partitions
    from data.scratch import create_database, drop_database
    from data.settings import Settings

    args = options(sys.argv[1:] if argv is None else argv)
    settings = Settings.from_env()
    local_server.up(settings, do_migrate=False)
    url = args.url or create_database(settings, "bench_load")
    procs, ok = [], False
    try:
        if not args.url:
            started = time.time()
            print(f"loading the world at scale {args.scale:g} into {url.rsplit('/', 1)[-1]} ...")
            load_world(url, args.scale, settings.demo_password)
            print(f"  loaded in {time.time() - started:.0f} s")
        phones = add_phones(url, max([args.devices] + [int(c) for c in args.ramp.split(",")
                                                        if c.strip()]))
        db = Database(settings.with_overrides(database_url=url))
        ensure_current_partitions(db, now=settings.now())
        db.dispose()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        replica = standby_url(settings, url) if args.replica else ""
        procs.append(start_gunicorn(url, port, "app:server", **replica_env(replica)))
        phone_port = port
        if args.phones_to == "port":
            phone_port = free_port()
            procs.append(start_gunicorn(url, phone_port, "api.ingest.osmand_server:wsgi()"))
        viewers = sign_in_viewers(base, args, settings.demo_password)
        meter = CpuMeter(tuple(p.pid for p in procs), url.rsplit("/", 1)[-1])
        print(f"== main run: {args.devices} phones every {args.interval:g} s (to the "
              f"{'OsmAnd-only app on its own port' if args.phones_to == 'port' else 'main app'}),"
              f" {args.walls} walls, {args.analysts} analysts, {args.minutes:g} min, "
              f"{os.cpu_count()} CPUs")
        with StalenessSampler(replica, settings) as staleness:
            main_run = run_step(base, phone_port, phones[:args.devices], viewers, args,
                                args.minutes * 60, meter)
        ok = summary(main_run, url, P95_LIMIT_MS)
        staleness.report()
        if args.dump:
            dump_samples(main_run, args.dump)
        ramp(base, phone_port, phones, viewers, args, meter)
        if args.hosts == 2:
            ok = compare_two_hosts(procs, url, phones, viewers, args, main_run, replica,
                                   settings) and ok
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=60)
        if not args.keep and not args.url:
            drop_database(settings, url)
        elif args.keep:
            print(f"kept {url}")
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
