"""Start-up refuses what would break a running server: a listener that cannot bind stops `lumen serve` with an
error naming the listener and its address before anything is announced as listening, and a data directory in
use by another process is refused at once, naming the directory and the process."""

import os
import socket
import subprocess
import time

import pytest
import requests

from conftest import LumenProcess

LISTENERS = {
    "otlp_port": ("OTLP/HTTP", socket.SOCK_STREAM),
    "api_port": ("query API", socket.SOCK_STREAM),
    "grpc_port": ("OTLP/gRPC", socket.SOCK_STREAM),
    "syslog_port": ("syslog", socket.SOCK_STREAM),
    "statsd_port": ("StatsD/UDP", socket.SOCK_DGRAM),
}


@pytest.mark.parametrize("taken", sorted(LISTENERS))
def test_a_port_in_use_stops_the_server_with_an_error_naming_the_listener(tmp_path, taken):
    server = LumenProcess(str(tmp_path / "data"))
    name, kind = LISTENERS[taken]
    port = getattr(server, taken)
    with socket.socket(socket.AF_INET, kind) as holder:
        # SO_REUSEADDR as a second Lumen used to set it: on UDP, Linux then lets both sockets share the port.
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.bind(("127.0.0.1", port))
        if kind == socket.SOCK_STREAM:
            holder.listen()
        result = subprocess.run(server.command(), capture_output=True, text=True, timeout=30)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert f"cannot listen for {name}" in output and f"127.0.0.1:{port}" in output, output
    assert "Address already in use" in output, output
    assert "listening on" not in output, output
    assert "CancellationError" not in output, output


def test_a_second_server_on_a_data_directory_in_use_exits_at_once_naming_the_holder(tmp_path):
    first = LumenProcess(str(tmp_path / "data")).start()
    try:
        second = LumenProcess(first.data_dir)
        started = time.monotonic()
        result = subprocess.run(second.command(), capture_output=True, text=True, timeout=30)
        output = result.stdout + result.stderr
        assert result.returncode != 0, output
        assert time.monotonic() - started < 10
        assert first.data_dir in output and f"process {first.process.pid}" in output, output
        assert "listening on" not in output, output
        # The first server's log is untouched: a rotation (a flush makes one) still finds its prepared segment.
        assert requests.post(f"{first.api}/api/v1/admin/flush", timeout=30).status_code == 200
        assert requests.get(f"{first.api}/ready", timeout=5).status_code == 200
    finally:
        first.kill9()
    # The kernel released the lock with the process: no stale lock after kill -9.
    third = LumenProcess(first.data_dir).start()
    third.stop()


def test_a_store_that_stopped_accepting_writes_is_not_ready(tmp_path):
    server = LumenProcess(str(tmp_path / "data")).start()
    try:
        spare = os.path.join(server.data_dir, "wal", "next-segment.tmp")
        # What a second process used to do to a running server: take its prepared segment away. The first
        # rotation (a flush makes one) that finds the spare ready cannot rename it, and from then on the log
        # refuses every write. The spare is prepared in the background, so repeat until a rotation met it.
        ready = None
        for _ in range(40):
            if os.path.exists(spare):
                os.remove(spare)
            line = {"streams": [{"stream": {"service": "s"}, "values": [[str(time.time_ns()), "a line"]]}]}
            requests.post(f"{server.otlp}/loki/api/v1/push", json=line, timeout=10)
            requests.post(f"{server.api}/api/v1/admin/flush", timeout=30)
            ready = requests.get(f"{server.api}/ready", timeout=5)
            if ready.status_code == 503:
                break
            time.sleep(0.25)
        assert ready is not None and ready.status_code == 503, ready and ready.text
        assert "refuses writes" in ready.text, ready.text
        metrics = requests.get(f"{server.api}/metrics", timeout=5).text
        assert "lumen_storage_writable 0" in metrics, metrics
    finally:
        server.kill9()
