"""A full disk is a state, not a crash: Lumen on a small tmpfs refuses writes with 507 and Retry-After while the
disk is full, says why on /ready, leaves no half-written block behind, takes writes again on its own once space
is freed, and every write it acknowledged is read back exactly once after a kill -9 and a restart."""

import contextlib
import errno
import os
import subprocess
import time
import uuid

import grpc
import pytest
import requests
from google.protobuf import json_format
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2, logs_service_pb2_grpc

from conftest import LumenProcess, wait_for

DISK = "8m"
RECORDS_PER_REQUEST = 200
RESOURCE = {"attributes": [{"key": "service.name", "value": {"stringValue": "disk-full"}}]}


@contextlib.contextmanager
def small_tmpfs(path):
    """A tmpfs of `DISK` mounted at `path`, unmounted however the test ends. Needs root (CI runs as root)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; CI runs as root")
    path.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK}", "tmpfs", str(path)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (a container without CAP_SYS_ADMIN?): {mounted.stderr.strip()}")
    try:
        yield path
    finally:
        if subprocess.run(["umount", str(path)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill(path):
    """Writes a filler file until the file system is full (ENOSPC); returns its path."""
    filler = path / f"filler-{uuid.uuid4().hex}"
    chunk = b"\xff" * 65536
    with open(filler, "wb", buffering=0) as file:
        while True:
            try:
                file.write(chunk)
            except OSError as error:
                assert error.errno == errno.ENOSPC, error
                break
    # Whatever a whole chunk did not fit, a smaller write still may: take the last pages too.
    with open(filler, "ab", buffering=0) as file:
        for size in (16384, 4096, 512, 1):
            while True:
                try:
                    file.write(b"\xff" * size)
                except OSError:
                    break
    return filler


def logs_request(batch_id):
    """RECORDS_PER_REQUEST log records (about 120 KB) sharing the trace ID `batch_id`, so one read finds them."""
    now = time.time_ns()
    records = [{"timeUnixNano": str(now + n), "severityNumber": 9, "traceId": batch_id,
                "body": {"stringValue": f"record {n} of {batch_id} " + uuid.uuid4().hex * 16}}
               for n in range(RECORDS_PER_REQUEST)]
    return {"resourceLogs": [{"resource": RESOURCE, "scopeLogs": [{"logRecords": records}]}]}


def test_a_full_disk_refuses_writes_with_507_and_they_resume_once_space_returns(tmp_path):
    with small_tmpfs(tmp_path / "disk") as disk:
        server = LumenProcess(str(disk)).start()  # starts on 8 MiB: the WAL's spare shrinks to fit
        session = requests.Session()
        acknowledged, refused = [], []

        def send():
            batch_id = uuid.uuid4().hex
            response = session.post(f"{server.otlp}/v1/logs", json=logs_request(batch_id), timeout=30)
            (acknowledged if response.status_code == 200 else refused).append(batch_id)
            return response

        try:
            for _ in range(5):
                assert send().status_code == 200
            filler = fill(disk)

            # The log's prepared segment still takes records; once it is used up, the disk is full.
            for _ in range(400):
                response = send()
                if response.status_code != 200:
                    break
            assert response.status_code == 507, (response.status_code, response.text)
            assert int(response.headers["Retry-After"]) > 0
            assert response.headers["Content-Type"].startswith("application/json")
            status = response.json()  # OTLP's google.rpc.Status, in the client's JSON
            assert status["code"] == 8, status  # RESOURCE_EXHAUSTED
            assert "full" in status["message"]

            loki = session.post(f"{server.otlp}/loki/api/v1/push", json={"streams": [{
                "stream": {"service": "disk-full"}, "values": [[str(time.time_ns()), "x" * 200_000]]}]}, timeout=30)
            assert loki.status_code == 507 and "Retry-After" in loki.headers, (loki.status_code, loki.text)

            fill(disk)  # what the undone writes gave back
            export = json_format.ParseDict(logs_request(uuid.uuid4().hex), logs_service_pb2.ExportLogsServiceRequest())
            for record in export.resource_logs[0].scope_logs[0].log_records:
                record.trace_id = bytes.fromhex(uuid.uuid4().hex)  # protobuf's JSON read the hex ID as base64
            with grpc.insecure_channel(f"127.0.0.1:{server.grpc_port}") as channel:
                with pytest.raises(grpc.RpcError) as refusal:
                    logs_service_pb2_grpc.LogsServiceStub(channel).Export(export, timeout=30)
            assert refusal.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, refusal.value
            assert "full" in refusal.value.details()
            assert any(key == "grpc-status-details-bin" for key, _ in refusal.value.trailing_metadata())  # RetryInfo

            ready = session.get(f"{server.api}/ready", timeout=10)
            assert ready.status_code == 503 and "full" in ready.text, (ready.status_code, ready.text)

            # A flush on a full disk leaves no partial block and is answered 507, not 500.
            fill(disk)
            flush = session.post(f"{server.api}/api/v1/admin/flush", timeout=60)
            assert flush.status_code == 507 and "Retry-After" in flush.headers, (flush.status_code, flush.text)
            assert [name for name in os.listdir(disk / "blocks") if name != "checkpoint"] == []

            metrics = session.get(f"{server.api}/metrics", timeout=10).text
            refusals = [line for line in metrics.splitlines()
                        if line.startswith("lumen_ingest_refused_requests_total") and 'reason="disk_full"' in line]
            assert sum(float(line.rsplit(" ", 1)[1]) for line in refusals) >= 2, refusals

            # Space returns: no restart, /ready recovers by the log's probe, writes are taken again.
            for name in os.listdir(disk):
                if name.startswith("filler-"):
                    os.remove(disk / name)
            wait_for(lambda: session.get(f"{server.api}/ready", timeout=10).status_code == 200, timeout=20)
            for _ in range(5):
                assert send().status_code == 200
            flush = session.post(f"{server.api}/api/v1/admin/flush", timeout=60)
            assert flush.status_code == 200, flush.text
            for _ in range(3):
                assert send().status_code == 200

            server.kill9()
            server.start()
            lost, doubled, stored_refused = [], [], []
            for batch_id in acknowledged + refused:
                document = session.get(f"{server.api}/lumen/v1/traces/{batch_id}", timeout=10)
                stored = len(document.json()["logs"]) if document.status_code == 200 else 0
                if batch_id in refused and stored:
                    stored_refused.append((batch_id, stored))
                elif batch_id in acknowledged and stored < RECORDS_PER_REQUEST:
                    lost.append((batch_id, stored))
                elif stored > RECORDS_PER_REQUEST:
                    doubled.append((batch_id, stored))
            assert not lost, f"acknowledged records lost: {lost[:3]}"
            assert not doubled, f"records stored twice: {doubled[:3]}"
            assert not stored_refused, f"a refused request was stored: {stored_refused[:3]}"
            assert len(acknowledged) >= 20, "too few writes acknowledged to prove anything"
            print(f"\ndisk full: {len(acknowledged)} requests acknowledged ({len(acknowledged) * RECORDS_PER_REQUEST}"
                  f" records), {len(refused)} refused with 507, 0 lost")
        finally:
            if server.process and server.process.poll() is None:
                server.kill9()
