"""`max_body_bytes` (20 MiB by default) holds to the byte for every encoding and protocol, and every refusal is
counted (issue 17 item 9; issue 22, protocol edges): gzip bodies just under and just over the limit with
`requests`, a multi-member gzip body, a `Content-Length` of a petabyte, and over gRPC a 21 MiB message and a gzip
bomb sent by grpcio (the client the OpenTelemetry SDK brings), answered RESOURCE_EXHAUSTED with a message."""

import gzip
import re
import socket
import time

import grpc
import requests
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

LIMIT = 20 << 20
TRACE_EXPORT = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"
PROTOBUF = {"Content-Type": "application/x-protobuf"}


def varint(value):
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def padded_request(size, fill=b"a"):
    """An ExportTraceServiceRequest of exactly `size` bytes: one field (15) its schema does not know, skipped."""
    length = size - 1 - 4  # the tag, a 4-byte length (sizes here are 2 MiB..256 MiB)
    body = bytes([15 << 3 | 2]) + varint(length) + fill * length
    assert len(body) == size
    return body


def refused_count(lumen, protocol, reason):
    text = requests.get(f"{lumen.api}/metrics", timeout=10).text
    match = re.search(rf'lumen_ingest_refused_requests_total{{protocol="{protocol}",reason="{reason}"}} (\d+)', text)
    return int(match.group(1)) if match else 0


def post_gzip(lumen, body):
    return requests.post(f"{lumen.otlp}/v1/traces", data=gzip.compress(body, 1),
                         headers={**PROTOBUF, "Content-Encoding": "gzip"}, timeout=60)


def test_a_gzip_body_is_held_to_the_limit_to_the_byte_and_refusals_are_counted(lumen):
    assert post_gzip(lumen, padded_request(LIMIT)).status_code == 200
    over = post_gzip(lumen, padded_request(LIMIT + 1))
    assert over.status_code == 413
    # The body of the report: 22,020,506 bytes once inflated, accepted before the fix.
    assert post_gzip(lumen, padded_request(22_020_506)).status_code == 413
    assert refused_count(lumen, "otlp_http", "body_too_large") == 2


def test_a_multi_member_gzip_body_is_accepted_as_its_members_concatenated(lumen):
    request = ExportTraceServiceRequest()
    span = request.resource_spans.add().scope_spans.add().spans.add()
    span.trace_id, span.span_id, span.name = bytes(range(1, 17)), bytes(range(1, 9)), "multi-member"
    now = time.time_ns()
    span.start_time_unix_nano, span.end_time_unix_nano = now - 1_000_000, now
    body = request.SerializeToString()
    two_members = gzip.compress(body[:10]) + gzip.compress(body[10:])  # as `cat a.gz b.gz` makes
    answer = requests.post(f"{lumen.otlp}/v1/traces", data=two_members,
                           headers={**PROTOBUF, "Content-Encoding": "gzip"}, timeout=10)
    assert answer.status_code == 200, answer.text
    # The limit counts every member: two halves of a body one byte over it are refused.
    half = padded_request(LIMIT + 1)
    split = len(half) // 2
    answer = requests.post(f"{lumen.otlp}/v1/traces", data=gzip.compress(half[:split]) + gzip.compress(half[split:]),
                           headers={**PROTOBUF, "Content-Encoding": "gzip"}, timeout=60)
    assert answer.status_code == 413


def test_a_content_length_of_a_petabyte_is_answered_413_at_once(lumen):
    with socket.create_connection(("127.0.0.1", lumen.otlp_port), timeout=5) as sock:
        started = time.monotonic()
        sock.sendall(b"POST /v1/traces HTTP/1.1\r\nHost: lumen\r\nContent-Type: application/x-protobuf\r\n"
                     b"Content-Length: 1000000000000000\r\n\r\nabc")
        answer = sock.recv(4096).decode()
        assert answer.startswith("HTTP/1.1 413"), answer
        assert time.monotonic() - started < 2


def grpc_export(lumen, message, compression=None):
    with grpc.insecure_channel(f"127.0.0.1:{lumen.grpc_port}",
                               options=[("grpc.max_send_message_length", -1)]) as channel:
        export = channel.unary_unary(TRACE_EXPORT)
        return export(message, timeout=60, compression=compression)


def grpc_error(lumen, message, compression=None):
    try:
        grpc_export(lumen, message, compression)
    except grpc.RpcError as error:
        return error
    raise AssertionError("the call succeeded")


def test_a_grpc_message_over_the_limit_is_resource_exhausted_with_a_message(lumen):
    error = grpc_error(lumen, padded_request(21 << 20))
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, error
    assert f"over the limit of {LIMIT} bytes" in error.details()
    grpc_export(lumen, padded_request(LIMIT))  # exactly the limit passes
    assert refused_count(lumen, "otlp_grpc", "body_too_large") == 1


def test_a_gzip_bomb_over_grpc_is_resource_exhausted_with_a_message(lumen):
    bomb = padded_request(256 << 20, fill=b"\0")
    error = grpc_error(lumen, bomb, compression=grpc.Compression.Gzip)
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, error
    assert f"inflates to more than the limit of {LIMIT} bytes" in error.details()
    # Compressed, exactly the limit passes and one byte more does not.
    grpc_export(lumen, padded_request(LIMIT), compression=grpc.Compression.Gzip)
    error = grpc_error(lumen, padded_request(LIMIT + 1), compression=grpc.Compression.Gzip)
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, error
    assert refused_count(lumen, "otlp_grpc", "body_too_large") == 2
    assert requests.get(f"{lumen.api}/ready", timeout=5).status_code == 200


def test_a_field_of_the_wrong_wire_type_is_an_error_over_http_and_grpc(lumen):
    resource_spans_as_varint = bytes([1 << 3 | 0, 1])
    answer = requests.post(f"{lumen.otlp}/v1/traces", data=resource_spans_as_varint, headers=PROTOBUF, timeout=10)
    assert answer.status_code == 400
    assert "wire type 0" in answer.text
    error = grpc_error(lumen, resource_spans_as_varint)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error
    assert "wire type 0" in error.details()
    assert refused_count(lumen, "otlp_http", "invalid") == 1
    assert refused_count(lumen, "otlp_grpc", "invalid") == 1
