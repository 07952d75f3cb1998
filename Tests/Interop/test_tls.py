"""TLS on every TCP listener (issue 22, item 7), with a CA, server and client certificates made by `openssl` for
the test: the real OpenTelemetry SDK exporters over HTTPS and gRPC-TLS, queries over HTTPS with requests and
promtool, syslog over TLS; plaintext refused on the TLS ports; client certificates required with
--tls-client-ca; new certificate files served after SIGHUP while an open connection keeps its own."""

import http.client
import os
import signal
import socket
import ssl
import subprocess
import time

import grpc
import pytest
import requests
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GRPCSpanExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter as HTTPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from conftest import LUMEN, LumenProcess, prometheus_writing_to, wait_for


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_ca(directory, name):
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
            "-subj", f"/CN={name}", "-keyout", f"{name}.key", "-out", f"{name}.pem", cwd=directory)
    return os.path.join(directory, f"{name}.pem")


def make_certificate(directory, name, ca, serial, usage):
    """A P-256 certificate for 127.0.0.1/localhost signed by `ca`, with the given serial number (hex)."""
    (directory / f"{name}.ext").write_text(
        f"subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage={usage}\n")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", f"/CN={name}",
            "-keyout", f"{name}.key", "-out", f"{name}.csr", cwd=directory)
    openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key", "-days", "2",
            "-set_serial", f"0x{serial}", "-extfile", f"{name}.ext", "-out", f"{name}.pem", cwd=directory)
    return str(directory / f"{name}.pem"), str(directory / f"{name}.key")


@pytest.fixture(autouse=True)
def no_ca_bundle_from_the_environment(monkeypatch):
    """requests (and the SDK's HTTP exporter on it) prefer a CA bundle named in the environment to the one given."""
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    directory = tmp_path_factory.mktemp("pki")
    files = {"ca": make_ca(directory, "ca"), "other_ca": make_ca(directory, "other_ca")}
    files["server"] = make_certificate(directory, "server", "ca", "1001", "serverAuth")
    files["renewed"] = make_certificate(directory, "renewed", "ca", "2002", "serverAuth")
    files["client"] = make_certificate(directory, "client", "ca", "3003", "clientAuth")
    files["stranger"] = make_certificate(directory, "stranger", "other_ca", "4004", "clientAuth")
    return files


class TLSLumen(LumenProcess):
    """`lumen serve` with --tls-cert/--tls-key (and --tls-client-ca), its URLs https."""

    def __init__(self, data_dir, certificate, key, extra_args=(), client=None):
        self.certificate, self.key = certificate, key
        super().__init__(data_dir, ["--tls-cert", certificate, "--tls-key", key, *extra_args])
        self.session = requests.Session()
        self.session.trust_env = False  # a CA bundle named in the environment would replace the test's CA
        self.session.cert = client

    @property
    def otlp(self):
        return f"https://127.0.0.1:{self.otlp_port}"

    @property
    def api(self):
        return f"https://127.0.0.1:{self.api_port}"

    def start(self, ca):
        self.session.verify = ca
        log = open(os.path.join(os.path.dirname(self.data_dir), "serve.log"), "a")
        self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT)

        def ready():
            assert self.process.poll() is None, "lumen serve exited: see serve.log"
            try:
                return self.session.get(f"{self.api}/ready", timeout=1).status_code == 200
            except requests.ConnectionError:
                return False

        try:
            wait_for(ready, timeout=30, interval=0.05)
        except AssertionError:
            self.process.kill()
            raise
        return self


def tls_context(ca, client=None, alpn=None):
    context = ssl.create_default_context(cafile=ca)
    if client:
        context.load_cert_chain(*client)
    if alpn:
        context.set_alpn_protocols(alpn)
    return context


def served_serial(port, ca, alpn=None):
    """The serial number (hex) of the certificate a new TLS connection to `port` is served."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with tls_context(ca, alpn=alpn).wrap_socket(raw, server_hostname="localhost") as secure:
            assert alpn is None or secure.selected_alpn_protocol() == alpn[0]
            return secure.getpeercert()["serialNumber"]


def export_span(exporter, name):
    provider = TracerProvider(resource=Resource.create({"service.name": "tls-shop"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with provider.get_tracer("interop").start_as_current_span(name) as span:
        trace_id = format(span.get_span_context().trace_id, "032x")
    provider.shutdown()
    return trace_id


def spans_of(lumen, trace_id):
    answer = lumen.session.get(f"{lumen.api}/lumen/v1/traces/{trace_id}", timeout=5)
    return [span["name"] for span in answer.json().get("spans", [])] if answer.ok else []


def plaintext_refused(port):
    """A plain HTTP request to a TLS port gets no HTTP answer: the server ends the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET /ready HTTP/1.1\r\nHost: x\r\n\r\n")
        received = b""
        try:
            while chunk := sock.recv(4096):
                received += chunk
        except ConnectionResetError:
            pass
        return not received.startswith(b"HTTP/")


@pytest.fixture
def tls_lumen(tmp_path, pki):
    # The certificate files the server reads, replaced in place later by the reload test.
    certificate, key = tmp_path / "tls.pem", tmp_path / "tls.key"
    certificate.write_bytes(open(pki["server"][0], "rb").read())
    key.write_bytes(open(pki["server"][1], "rb").read())
    server = TLSLumen(str(tmp_path / "data"), str(certificate), str(key)).start(pki["ca"])
    yield server
    server.stop()


def test_otel_sdk_promtool_and_syslog_work_over_tls_and_plaintext_is_refused(tls_lumen, pki, tmp_path):
    ca = pki["ca"]
    over_https = export_span(HTTPSpanExporter(endpoint=f"{tls_lumen.otlp}/v1/traces", certificate_file=ca), "https")
    credentials = grpc.ssl_channel_credentials(root_certificates=open(ca, "rb").read())
    over_grpc = export_span(
        GRPCSpanExporter(endpoint=f"localhost:{tls_lumen.grpc_port}", credentials=credentials), "grpc-tls")
    assert wait_for(lambda: spans_of(tls_lumen, over_https)) == ["https"]
    assert wait_for(lambda: spans_of(tls_lumen, over_grpc)) == ["grpc-tls"]

    # Syslog over TLS, newline-framed (RFC 5425's octet counting works the same way).
    with socket.create_connection(("127.0.0.1", tls_lumen.syslog_port), timeout=5) as raw:
        with tls_context(ca).wrap_socket(raw, server_hostname="localhost") as secure:
            secure.sendall(b"<11>1 2026-01-01T00:00:00Z host billing - - - invoice 79 sent over tls\n")

    def syslog_lines():
        answer = tls_lumen.session.get(f"{tls_lumen.api}/lumen/v1/query",
                                       params={"query": '{service="billing"}', "since": "1000d"}, timeout=5)
        return [entry["body"] for entry in answer.json().get("logs", [])]

    assert wait_for(syslog_lines) == ["invoice 79 sent over tls"]

    # Prometheus remote-writes its own metrics over HTTPS with tls_config's CA file; promtool 2.42 (which has no
    # --http.config.file yet) reads them back over HTTPS with the CA as Go's trust store (SSL_CERT_FILE).
    with prometheus_writing_to(tls_lumen, tmp_path, [f"tls_config: {{ca_file: {ca}}}",
                                                    "queue_config: {batch_send_deadline: 1s}"]):
        def promtool():
            result = subprocess.run(
                ["promtool", "query", "instant", f"https://localhost:{tls_lumen.api_port}",
                 'prometheus_build_info{job="prometheus"}'],
                capture_output=True, text=True, timeout=30, env={**os.environ, "SSL_CERT_FILE": ca})
            assert result.returncode == 0, result.stderr
            return "=> 1 @" in result.stdout

        wait_for(promtool, timeout=30, interval=0.5)

    # Plaintext on every TLS port: no HTTP answer; the SDK's insecure gRPC export fails.
    assert plaintext_refused(tls_lumen.otlp_port) and plaintext_refused(tls_lumen.api_port)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{tls_lumen.api_port}/ready", timeout=5)
    insecure = GRPCSpanExporter(endpoint=f"127.0.0.1:{tls_lumen.grpc_port}", insecure=True, timeout=3)
    provider = TracerProvider()
    with provider.get_tracer("interop").start_as_current_span("refused") as span:
        pass
    assert insecure.export([span]).name == "FAILURE"
    insecure.shutdown()


def test_sighup_serves_the_new_certificate_and_keeps_open_connections(tls_lumen, pki):
    ca = pki["ca"]
    ports = {"otlp": tls_lumen.otlp_port, "api": tls_lumen.api_port, "syslog": tls_lumen.syslog_port}
    assert {name: served_serial(port, ca) for name, port in ports.items()} == dict.fromkeys(ports, "1001")
    assert served_serial(tls_lumen.grpc_port, ca, alpn=["h2"]) == "1001"

    # A keep-alive connection opened before the reload.
    kept = http.client.HTTPSConnection("localhost", tls_lumen.api_port, context=tls_context(ca), timeout=5)
    kept.request("GET", "/ready")
    assert kept.getresponse().read() is not None
    kept_socket = kept.sock

    # Replace the files (each by a rename, as a certificate manager does), then SIGHUP.
    for source, target in zip(pki["renewed"], (tls_lumen.certificate, tls_lumen.key)):
        with open(source, "rb") as new, open(target + ".new", "wb") as staged:
            staged.write(new.read())
        os.replace(target + ".new", target)
    tls_lumen.process.send_signal(signal.SIGHUP)
    wait_for(lambda: served_serial(tls_lumen.api_port, ca) == "2002", timeout=10, interval=0.05)
    assert {name: served_serial(port, ca) for name, port in ports.items()} == dict.fromkeys(ports, "2002")
    assert served_serial(tls_lumen.grpc_port, ca, alpn=["h2"]) == "2002"

    # The connection from before goes on, on the same socket, with the certificate it was given.
    kept.request("GET", "/ready")
    assert kept.getresponse().status == 200
    assert kept.sock is kept_socket
    assert kept.sock.getpeercert()["serialNumber"] == "1001"
    kept.close()

    # Files that cannot be used are refused and the certificate in use stays.
    with open(tls_lumen.key, "w") as broken:
        broken.write("not a key\n")
    tls_lumen.process.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    assert tls_lumen.process.poll() is None
    assert served_serial(tls_lumen.api_port, ca) == "2002"
    assert tls_lumen.session.get(f"{tls_lumen.api}/ready", timeout=5).status_code == 200


def test_client_certificates_are_required_with_a_client_ca(tmp_path, pki):
    ca, client = pki["ca"], pki["client"]
    server = TLSLumen(str(tmp_path / "data"), *pki["server"], extra_args=["--tls-client-ca", ca],
                      client=client).start(ca)
    try:
        # Trusted client certificate: the SDK's exporters and requests get through.
        exporter = HTTPSpanExporter(endpoint=f"{server.otlp}/v1/traces", certificate_file=ca,
                                    client_certificate_file=client[0], client_key_file=client[1])
        over_https = export_span(exporter, "mutual-https")
        credentials = grpc.ssl_channel_credentials(
            root_certificates=open(ca, "rb").read(), private_key=open(client[1], "rb").read(),
            certificate_chain=open(client[0], "rb").read())
        over_grpc = export_span(
            GRPCSpanExporter(endpoint=f"localhost:{server.grpc_port}", credentials=credentials), "mutual-grpc")
        assert wait_for(lambda: spans_of(server, over_https)) == ["mutual-https"]
        assert wait_for(lambda: spans_of(server, over_grpc)) == ["mutual-grpc"]

        # No certificate, or one from another CA: the handshake fails, on HTTP and gRPC alike.
        for stranger in (None, pki["stranger"]):
            with pytest.raises(requests.exceptions.SSLError):
                requests.get(f"{server.api}/ready", verify=ca, cert=stranger, timeout=5)
            with pytest.raises(requests.exceptions.SSLError):
                requests.post(f"{server.otlp}/v1/traces", data=b"", verify=ca, cert=stranger, timeout=5)
        no_certificate = GRPCSpanExporter(
            endpoint=f"localhost:{server.grpc_port}", timeout=3,
            credentials=grpc.ssl_channel_credentials(root_certificates=open(ca, "rb").read()))
        provider = TracerProvider()
        with provider.get_tracer("interop").start_as_current_span("refused") as span:
            pass
        assert no_certificate.export([span]).name == "FAILURE"
        no_certificate.shutdown()
    finally:
        server.stop()


def test_unusable_tls_files_stop_the_start_naming_the_file(tmp_path, pki):
    def serve(*args):
        return subprocess.run([LUMEN, "serve", "--data-dir", str(tmp_path / "data"), *args],
                              capture_output=True, text=True, timeout=30)

    missing = serve("--tls-cert", pki["server"][0], "--tls-key", str(tmp_path / "absent.key"))
    assert missing.returncode != 0 and "absent.key" in missing.stderr
    alone = serve("--tls-cert", pki["server"][0])
    assert alone.returncode != 0 and "a certificate needs its key" in alone.stderr
