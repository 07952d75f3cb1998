"""A listener that cannot bind stops `lumen serve` with an error naming the cause, whichever listener it is,
instead of leaving the others running (or hanging on their way down)."""

import socket
import subprocess

import pytest

from conftest import LumenProcess


@pytest.mark.parametrize("taken", ["otlp_port", "api_port", "grpc_port"])
def test_a_port_in_use_stops_the_server_with_an_error(tmp_path, taken):
    server = LumenProcess(str(tmp_path / "data"))
    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.bind(("127.0.0.1", getattr(server, taken)))
        holder.listen()
        result = subprocess.run(server.command(), capture_output=True, text=True, timeout=30)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Address already in use" in output or "no listening address bound" in output, output
