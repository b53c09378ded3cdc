"""The clock-offset estimate alone: live pairs, backlogs, retries, agreement, hysteresis."""
import pytest

from geo.clock_skew import APPLY_MIN_S, ClockWatch

T0 = 1_800_000_000.0


def feed(watch: ClockWatch, samples):
    return [watch.observe(a, d) for a, d in samples]


def test_a_correct_clock_is_measured_as_zero_and_not_applied():
    watch = ClockWatch()
    feed(watch, [(T0 + 10 * k, T0 + 10 * k - 0.3) for k in range(6)])
    assert watch.estimate == pytest.approx(-0.3) and watch.applied == 0.0
    assert watch.correct(T0) == T0


@pytest.mark.parametrize("skew", [600.0, -365 * 86400.0, -180.0])
def test_a_steady_offset_is_applied_after_three_live_pairs(skew):
    watch = ClockWatch()
    changed = feed(watch, [(T0 + 10 * k, T0 + 10 * k + skew) for k in range(5)])
    assert changed == [False, False, False, True, False]
    assert watch.applied == pytest.approx(skew) and watch.correct(T0 + skew) == pytest.approx(T0)


def test_a_backlog_drain_and_a_retry_make_no_live_pairs():
    watch = ClockWatch()
    drain = [(T0 + 0.05 * k, T0 - 3600 + 10 * k) for k in range(12)]     # 10 s of fixes / 0.05 s
    retry = [(T0 + 1 + 30 * k, T0 - 3600) for k in range(4)]                 # the same fix again
    feed(watch, drain + retry)
    assert watch.live_leads() == [] and watch.estimate is None and watch.applied == 0.0


def test_leads_that_disagree_are_not_trusted():
    watch = ClockWatch()
    # A phone on a very bad network: each fix arrives 0 to 60 s late, never twice alike.
    feed(watch, [(T0 + 10 * k + 20 * (k % 3), T0 + 10 * k) for k in range(12)])
    assert watch.estimate is None


def test_small_changes_do_not_move_the_applied_offset():
    watch = ClockWatch()
    feed(watch, [(T0 + 10 * k, T0 + 10 * k + 600) for k in range(5)])
    feed(watch, [(T0 + 50 + 10 * k, T0 + 50 + 10 * k + 601) for k in range(12)])
    assert watch.estimate == pytest.approx(601) and watch.applied == pytest.approx(600)


def test_a_stored_offset_applies_at_once_and_a_fixed_clock_undoes_it():
    watch = ClockWatch(600.0)
    assert watch.applied == 600.0
    feed(watch, [(T0 + 10 * k, T0 + 10 * k) for k in range(12)])     # NTP set it right
    assert watch.estimate == pytest.approx(0) and watch.applied == 0.0
    assert abs(ClockWatch(APPLY_MIN_S / 2).applied) == 0.0
