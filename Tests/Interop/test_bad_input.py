"""Bad input on every protocol — truncated, wrong types, invalid UTF-8, huge values, compression bombs — gets a
clear error, and the server stays up with its earlier data intact."""

import gzip
import socket
import time

import grpc
import requests

TRACE_ID = "5b8efff798038103d269b633813fc60c"
GOOD_SPAN = {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "steady"}}]},
             "scopeSpans": [{"spans": [{"traceId": TRACE_ID, "spanId": "eee19b7ec3c1b174", "name": "still here",
                                        "startTimeUnixNano": "1700000000000000000",
                                        "endTimeUnixNano": "1700000000100000000"}]}]}]}


def post(lumen, path, data, content_type, encoding=None):
    headers = {"Content-Type": content_type}
    if encoding:
        headers["Content-Encoding"] = encoding
    return requests.post(f"{lumen.otlp}{path}", data=data, headers=headers, timeout=30)


def test_every_protocol_refuses_bad_input_clearly_and_stays_up(lumen):
    assert requests.post(f"{lumen.otlp}/v1/traces", json=GOOD_SPAN, timeout=5).status_code == 200

    cases = [
        ("/v1/traces", b"\x0a\xff\xff\xff", "application/x-protobuf", None, 400),            # truncated protobuf
        ("/v1/traces", b'{"resourceSpans": "nope"}', "application/json", None, 400),       # wrong type
        ("/v1/logs", b'{"resourceLogs": [{"scopeLogs": [{"logRecords": [{"body": {"stringValue": "\xff\xfe"}}]}]}]}',
         "application/json", None, 400),                                                   # invalid UTF-8
        ("/v1/metrics", b"x" * (21 << 20), "application/x-protobuf", None, 413),           # over the body limit
        ("/v1/traces", gzip.compress(b"\0" * (64 << 20)), "application/x-protobuf", "gzip", 413),  # gzip bomb
        ("/v1/traces", b"\x1f\x8b\x08\x00garbage", "application/x-protobuf", "gzip", 400),  # corrupt gzip
        ("/v1/traces", b"{}", "text/plain", None, 415),
        ("/api/v1/write", b"not snappy at all", "application/x-protobuf", None, 400),
        ("/loki/api/v1/push", b'{"streams": [{"stream": {"a": 1}, "values": [["x", 5]]}]}', "application/json", None, 400),
        ("/loki/api/v1/push", b'{"streams": [', "application/json", None, 400),
        ("/api/v2/spans", b'[{"traceId": 5, "id": []}]', "application/json", None, 400),
    ]
    for path, body, content_type, encoding, expected in cases:
        response = post(lumen, path, body, content_type, encoding)
        assert response.status_code == expected, (path, response.status_code, response.text[:200])
        assert len(response.content) > 0, f"{path}: an error without a message"

    # gRPC: bytes that are not an ExportTraceServiceRequest.
    with grpc.insecure_channel(f"127.0.0.1:{lumen.grpc_port}") as channel:
        export = channel.unary_unary("/opentelemetry.proto.collector.trace.v1.TraceService/Export")
        try:
            export(b"\x0a\xff\xff\xff", timeout=5)
            raise AssertionError("garbage over gRPC was accepted")
        except grpc.RpcError as error:
            assert error.code() in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.INTERNAL), error

    # UDP and TCP listeners: garbage, invalid UTF-8, a datagram at the maximum size, a huge TCP line.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        for datagram in (b"\xff\xfe\xfd", b":::|||", b"x" * 60000, b"metric:1|zz|@x|#"):
            udp.sendto(datagram, ("127.0.0.1", lumen.statsd_port))
            udp.sendto(datagram, ("127.0.0.1", lumen.syslog_port))
    with socket.create_connection(("127.0.0.1", lumen.syslog_port)) as tcp:
        tcp.sendall(b"999999999999 <13>1 - - - - - - x\n" + b"y" * (1 << 20) + b"\n")
    time.sleep(1)

    assert requests.get(f"{lumen.api}/ready", timeout=5).status_code == 200
    trace = requests.get(f"{lumen.api}/lumen/v1/traces/{TRACE_ID}", timeout=5).json()
    assert [span["name"] for span in trace["spans"]] == ["still here"]
    metrics = requests.get(f"{lumen.api}/metrics", timeout=5).text
    assert 'protocol="statsd"' in metrics and 'protocol="syslog"' in metrics
