"""The load bench with two app "hosts": two gunicorns on their own ports sharing one Redis
(REDIS_URL), the phones and viewers of one client pool spread over both.

`python -m bench load --hosts 2 ...` runs the usual single host first, then the same step on
two hosts, and prints the phones' p95 of each side by side (same world, same run).
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np


def add_options(parser) -> None:
    parser.add_argument("--hosts", type=int, choices=(1, 2), default=1,
                        help="2: after the single host, the same load on two app hosts "
                             "sharing a Redis (REDIS_URL, else a private redis-server)")


@contextmanager
def shared_redis():
    """REDIS_URL if set, else a private redis-server in a temp folder on a free port."""
    from bench.bench_ingest import free_port
    from data import shared_state

    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    port, root = free_port(), Path(tempfile.mkdtemp(prefix="bench-redis-"))
    if shared_state.run_script("up", port=port, root=root).returncode != 0:
        raise RuntimeError("redis-server did not start (scripts/redis.sh)")
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        shared_state.run_script("down", port=port, root=root)


def start_hosts(url: str, redis_url: str, phones_to: str,
                replica: str = "") -> tuple[list, list[str], list[int]]:
    """Two hosts (each the app, and the OsmAnd-only app unless phones go to the main app):
    (processes, the hosts' base URLs, the ports phones post to). With ``replica`` both hosts
    read the wall, analysts and leaders from that standby.
    """
    from bench.bench_ingest import free_port, start_gunicorn
    from bench.load_replica import replica_env

    procs, bases, phone_ports = [], [], []
    before = os.environ.get("REDIS_URL")
    os.environ["REDIS_URL"] = redis_url     # start_gunicorn passes the environment on
    try:
        for _ in range(2):
            port = free_port()
            procs.append(start_gunicorn(url, port, "app:server", **replica_env(replica)))
            bases.append(f"http://127.0.0.1:{port}")
            phone_port = port
            if phones_to == "port":
                phone_port = free_port()
                procs.append(start_gunicorn(url, phone_port, "api.ingest.osmand_server:wsgi()"))
            phone_ports.append(phone_port)
    finally:
        if before is None:
            os.environ.pop("REDIS_URL", None)
        else:
            os.environ["REDIS_URL"] = before
    return procs, bases, phone_ports


def run_hosts_step(bases: list[str], phone_ports: list[int], devices: list, viewers: dict,
                   args, seconds: float, meter) -> dict:
    """bench_load.run_step over two hosts: phone process k posts to host k % 2, wall k and
    analyst k watch host k % 2 (a load balancer's round robin, by client).
    """
    from bench.load_clients import merge, run_phones, run_viewers

    n, procs = len(devices), max(2, args.client_processes)
    phased = [(*d, args.interval * k / n) for k, d in enumerate(devices)]
    threads = max(8, min(256, -(-n // (procs * 8))))
    start_at = time.time() + 5.0
    with multiprocessing.get_context("spawn").Pool(procs + 2) as pool:
        jobs = [pool.apply_async(run_phones, (phone_ports[k % 2], phased[k::procs], start_at,
                                              seconds, args.interval, threads))
                for k in range(procs)]
        jobs += [pool.apply_async(run_viewers, (
            bases[h], viewers["walls"][h::2], viewers["analysts"][h::2], viewers["deps"],
            start_at, seconds, args.think, False)) for h in range(2)]
        time.sleep(max(0.0, start_at - time.time()))
        meter.start()
        while not all(j.ready() for j in jobs):
            meter.sample()
            time.sleep(1.0)
        meter.sample()
        result = merge([j.get() for j in jobs])
    result["cpu"] = meter.cores(time.time() - start_at)
    result["seconds"], result["devices"], result["start_at"] = seconds, n, start_at
    return result


def phones_p95(step: dict) -> float:
    values = step["latency"].get("osmand", [])
    return float(np.percentile(values, 95)) if values else float("nan")


def two_hosts(url: str, phones: list, viewers: dict, args, one_host: dict,
              limit_ms: float, replica: str = "", settings=None) -> bool:
    """The main run's load again on two hosts sharing Redis (and the standby, if given);
    prints one host vs two, and the standby's staleness during the two-host run.
    """
    from bench.load_replica import StalenessSampler
    from bench.load_report import CpuMeter, errors, print_step, warm_p95

    with shared_redis() as redis_url:
        procs, bases, phone_ports = start_hosts(url, redis_url, args.phones_to, replica)
        try:
            print(f"\n== two hosts: {bases[0]} and {bases[1]} sharing {redis_url}, "
                  f"{args.devices} phones and {args.walls} walls spread over both")
            meter = CpuMeter(tuple(p.pid for p in procs), url.rsplit("/", 1)[-1])
            with StalenessSampler(replica, settings) as staleness:
                step = run_hosts_step(bases, phone_ports, phones[:args.devices], viewers, args,
                                      args.minutes * 60, meter)
            print_step(step)
            staleness.report()
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                proc.wait(timeout=60)
    one, two = phones_p95(one_host), phones_p95(step)
    warm_one, warm_two = (warm_p95(s).get("osmand", float("nan")) for s in (one_host, step))
    print(f"\n== phones p95, same run: one host {one:.1f} ms (warm {warm_one:.1f}), two hosts "
          f"{two:.1f} ms (warm {warm_two:.1f}); limit {limit_ms:.0f} ms")
    return two <= limit_ms and not errors(step)
