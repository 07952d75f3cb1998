"""Connections are a budgeted resource: idle connections by the thousand on every TCP listener, several times the
process's open-file limit, leave the server alive and answering, with what it acknowledged intact. Before the
budget, a process out of descriptors died of signal 4 (libdispatch traps when it cannot read /proc) or stopped
answering until the connections closed."""

import resource
import socket
import time

import requests

from conftest import LumenProcess, wait_for

OPEN_FILE_LIMIT = 256


class LimitedLumen(LumenProcess):
    """`lumen serve` under a small open-file limit (util-linux's prlimit execs it), so a test exhausts it fast."""

    def command(self):
        return ["prlimit", f"--nofile={OPEN_FILE_LIMIT}:{OPEN_FILE_LIMIT}", *super().command()]


def flood(port, count):
    held = []
    for _ in range(count):
        sock = socket.socket()
        sock.settimeout(2)
        try:
            sock.connect(("127.0.0.1", port))
        except OSError:
            sock.close()
            continue
        held.append(sock)
    return held


def push(server, line):
    body = {"streams": [{"stream": {"service": "flooded"}, "values": [[str(time.time_ns()), line]]}]}
    return requests.post(f"{server.otlp}/loki/api/v1/push", json=body, timeout=10).status_code


def refused_or(check):
    """`check()`, or False when the server refused the connection (reset it or never accepted it)."""
    try:
        return check()
    except requests.ConnectionError:
        return False


def test_idle_connections_beyond_the_open_file_limit_never_take_the_server_down(tmp_path):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 20000)), hard))
    server = LimitedLumen(str(tmp_path / "data")).start()
    held = []
    try:
        assert push(server, "before the flood") == 204
        # Three times the open-file limit on each ingest listener: the query API keeps its own share.
        for port in (server.otlp_port, server.grpc_port, server.syslog_port):
            held += flood(port, 3 * OPEN_FILE_LIMIT)
        assert requests.get(f"{server.api}/ready", timeout=5).status_code == 200
        metrics = requests.get(f"{server.api}/metrics", timeout=5).text
        assert 'lumen_connections_refused_total{listener="otlp_http"}' in metrics, metrics
        assert 'lumen_connections_refused_total{listener="syslog_tcp"}' in metrics, metrics
        assert 'lumen_connections{listener="otlp_http"}' in metrics, metrics
        # And the API itself flooded: the process lives on.
        held += flood(server.api_port, 3 * OPEN_FILE_LIMIT)
        assert server.process.poll() is None
    finally:
        for sock in held:
            sock.close()
    # Once the flood is gone, everything answers again and nothing acknowledged was lost. Until the server has
    # seen every close, its budget may still be full and a new connection is reset: that is a refusal, so retry.
    wait_for(lambda: refused_or(lambda: requests.get(f"{server.api}/ready", timeout=5).status_code == 200))
    assert wait_for(lambda: refused_or(lambda: push(server, "after the flood") == 204))
    # Each request is a new connection, which the API refuses while its budget is still full (its event loops, at
    # the queries' lower priority, may see the closes later than the ingest listener's).
    lines = wait_for(lambda: refused_or(lambda: requests.get(
        f"{server.api}/lumen/v1/query", params={"query": '{service="flooded"}', "since": "5m"}, timeout=10).json()))
    bodies = sorted(record["body"] for record in lines["logs"])
    assert bodies == ["after the flood", "before the flood"], lines
    assert server.process.poll() is None
    server.stop()
