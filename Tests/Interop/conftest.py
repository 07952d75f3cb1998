"""Shared fixtures: a real `lumen serve` process on free loopback ports over a fresh data directory."""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time

import pytest
import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LUMEN = os.environ.get("LUMEN_BIN", os.path.join(ROOT, ".build", "debug", "lumen"))


# Every port handed out in this session: a node's ports are picked before it binds them, so a later pick (the
# next node's) could otherwise get one of them back from the kernel.
_handed_out = set()


def free_ports(count):
    """Ports the kernel picks for sockets held open together, none handed out before in this session: picked one
    at a time, two could be the same port, and then a listener of `lumen serve` fails to bind."""
    sockets = []
    ports = []
    try:
        while len(ports) < count:
            sock = socket.socket()
            sockets.append(sock)
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
            if port not in _handed_out:
                ports.append(port)
        _handed_out.update(ports)
        return ports
    finally:
        for sock in sockets:
            sock.close()


def free_port():
    return free_ports(1)[0]


class LumenProcess:
    """`lumen serve` as a child process. Restartable over the same data directory."""

    def __init__(self, data_dir, extra_args=()):
        self.data_dir = data_dir
        self.extra_args = list(extra_args)
        self.otlp_port, self.api_port, self.statsd_port, self.syslog_port, self.grpc_port = free_ports(5)
        self.process = None

    @property
    def otlp(self):
        return f"http://127.0.0.1:{self.otlp_port}"

    @property
    def api(self):
        return f"http://127.0.0.1:{self.api_port}"

    def command(self):
        return [LUMEN, "serve", "--data-dir", self.data_dir,
                "--otlp-http", f"127.0.0.1:{self.otlp_port}", "--api", f"127.0.0.1:{self.api_port}",
                "--statsd", f"127.0.0.1:{self.statsd_port}", "--syslog", f"127.0.0.1:{self.syslog_port}",
                "--otlp-grpc", f"127.0.0.1:{self.grpc_port}", "--statsd-flush-interval", "1s", *self.extra_args]

    def start(self):
        log = open(os.path.join(os.path.dirname(self.data_dir), "serve.log"), "a")
        self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            assert self.process.poll() is None, "lumen serve exited: see serve.log"
            try:
                if requests.get(f"{self.api}/ready", timeout=1).status_code == 200:
                    return self
            except requests.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("lumen serve did not become ready in 30 s")

    def resident_bytes(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            assert self.process.wait(timeout=30) == 0, "lumen serve did not stop cleanly on SIGTERM"

    def cli(self, *args):
        """Runs a `lumen` command against this server and returns its standard output."""
        result = subprocess.run([LUMEN, *args, "--api", self.api], capture_output=True, text=True, timeout=60,
                                env={**os.environ, "NO_COLOR": "1", "COLUMNS": "160"})
        assert result.returncode == 0, result.stderr
        return result.stdout


def wait_for(check, timeout=15, interval=0.2):
    """Polls `check` until it returns something truthy, or fails after `timeout` seconds."""
    deadline = time.time() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.time() > deadline:
            raise AssertionError(f"gave up waiting after {timeout} s")
        time.sleep(interval)


def keep_posting(url, stop):
    """POSTs to `url` back to back until `stop` is set or the server is gone: maintenance (a flush, a compaction)
    running all the time, so that a `kill -9` lands in the middle of one."""
    session = requests.Session()
    while not stop.is_set():
        try:
            session.post(url, timeout=30)
        except requests.RequestException:
            return


@pytest.fixture
def lumen(tmp_path):
    server = LumenProcess(str(tmp_path / "data")).start()
    yield server
    server.stop()


@contextlib.contextmanager
def prometheus_writing_to(lumen, tmp_path, remote_write_options):
    """Prometheus 2.42 (Debian's) scraping itself every second and remote-writing to `lumen` with
    `remote_write_options` (YAML flow mappings, e.g. `queue_config: {batch_send_deadline: 1s}`); yields its URL."""
    prometheus = shutil.which("prometheus")
    if prometheus is None:
        pytest.fail("prometheus is not installed: Scripts/bootstrap.sh --test-peers installs it")
    port = free_port()
    config = tmp_path / "prometheus.yml"
    options = "".join(f"\n    {option}" for option in remote_write_options)
    config.write_text(f"""
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ["127.0.0.1:{port}"]
remote_write:
  - url: {lumen.otlp}/api/v1/write{options}
""")
    log = open(tmp_path / "prometheus.log", "w")
    process = subprocess.Popen(
        [prometheus, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'tsdb'}",
         f"--web.listen-address=127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def ready():
        assert process.poll() is None, "prometheus exited: see prometheus.log"
        try:
            return requests.get(f"{url}/-/ready", timeout=1).ok
        except requests.ConnectionError:
            return False

    try:
        wait_for(ready, timeout=30)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
