"""The demo's live feed starts only once the server listens (its first fixes were refused and
retried 30 s later: the wall read "1,053 / 0" online, in red, after loading).
"""
import socket

from etl.demo import FeedWhenUp


class Launched:
    def __init__(self):
        self.terminated = False

    def terminate(self):
        self.terminated = True


def test_the_feed_waits_for_the_server_then_starts_once():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]           # free, and nobody listens on it yet
    launched = []
    feed = FeedWhenUp("127.0.0.1", port, lambda: launched.append(Launched()) or launched[-1])
    assert not feed.started.wait(0.5) and launched == []
    probe.listen()                          # the server is up
    assert feed.started.wait(10)
    assert len(launched) == 1 and feed.process is launched[0]
    feed.terminate()
    assert launched[0].terminated
    probe.close()


def test_a_feed_stopped_before_the_server_never_starts():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    feed = FeedWhenUp("127.0.0.1", probe.getsockname()[1], lambda: 1 / 0)
    feed.terminate()
    feed._thread.join(5)
    assert not feed._thread.is_alive() and feed.process is None
    probe.close()
