"""The escalation job as the operator runs it: the CLI command and the server's ticker thread."""
import time

from click.testing import CliRunner

from cli.workflow import workflow_cli
from data.db import Database
from workflow.escalation.ticker import start_ticker


def test_the_cli_ticks_at_a_given_moment(test_settings):
    runner = CliRunner()
    result = runner.invoke(workflow_cli, ["tick", "--at", "2026-11-26T10:00+08:00"],
                           obj=test_settings)
    assert result.exit_code == 0, result.output
    assert "escalated incidents=0 whistles=0" in result.output
    naive = runner.invoke(workflow_cli, ["tick", "--at", "2026-11-26T10:00"], obj=test_settings)
    assert naive.exit_code != 0 and "time zone" in naive.output


def test_the_ticker_thread_runs_and_stops(test_settings):
    db = Database(test_settings)
    ticker = start_ticker(db, test_settings.clock, interval_s=0.05)
    try:
        deadline = time.monotonic() + 5
        while ticker.rounds < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ticker.rounds >= 2
    finally:
        ticker.stop()
        ticker.join(timeout=5)
        db.dispose()
    assert not ticker.is_alive()


def test_the_ticker_survives_a_database_outage(test_settings):
    db = Database(test_settings.with_overrides(database_url="postgresql://postgres@127.0.0.1:1/x"))
    ticker = start_ticker(db, test_settings.clock, interval_s=3600)
    try:
        assert ticker.run_once() is None and ticker.is_alive()
    finally:
        ticker.stop()
        db.dispose()
