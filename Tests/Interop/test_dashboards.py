"""Every shipped dashboard rendered against a real `lumen serve` fed by `lumen load`: no panel in error, plain
text without escape sequences, and the panels backed by data `lumen load` sends actually show it.

The services overview and parts of the others query span metrics (`rate({kind=server}[1m])`,
`quantile_over_time(… | unwrap duration …)`), log metrics, span answers and `/lumen/v1/service-graph`: those
tests pass once the query work that adds them is merged (all pass on a trial merge of the `query` branch)."""

import glob
import json
import os
import shutil
import subprocess

import pytest
import requests

from conftest import LUMEN, ROOT, LumenProcess, wait_for

DASHBOARDS = sorted(glob.glob(os.path.join(ROOT, "Dashboards", "*.yaml")))
VARIABLES = {"service.yaml": ["-v", "service=checkout"]}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    server = LumenProcess(str(tmp_path_factory.mktemp("dash") / "data")).start()
    subprocess.run([LUMEN, "load", "--endpoint", server.otlp, "--rate", "40", "--duration", "15s", "--quiet"],
                   check=True, capture_output=True, timeout=120)
    # Metrics arrive on the workload's push interval; wait until the histogram the service dashboard uses is in.
    wait_for(lambda: "checkout" in requests.get(f"{server.api}/api/v1/query", timeout=5, params={
        "query": "count by (service) (http_server_request_duration_seconds_count)"}).text, timeout=30)
    yield server
    server.stop()


def render(server, path, fmt):
    name = os.path.basename(path)
    return server.cli("dash", path, *VARIABLES.get(name, []), "--since", "10m", "--format", fmt,
                      "--width", "160", "--height", "70")


def test_every_dashboard_is_shipped():
    assert [os.path.basename(path) for path in DASHBOARDS] == [
        "cluster.yaml", "host.yaml", "logs.yaml", "lumen.yaml", "service.yaml", "services.yaml"]


@pytest.mark.parametrize("path", DASHBOARDS, ids=os.path.basename)
def test_shipped_dashboard_renders_as_text_with_no_panel_in_error(loaded, path):
    text = render(loaded, path, "text")
    assert "\x1b" not in text
    lines = text.split("\n")
    assert len(lines) >= 60
    assert all(len(line) <= 160 for line in lines)
    assert "│ error: " not in text, text
    document = json.loads(render(loaded, path, "json"))
    errors = {panel["title"]: panel["data"].get("error") for panel in document["panels"]
              if panel["data"]["kind"] == "error"}
    assert errors == {}


def panels(server, path):
    document = json.loads(render(server, os.path.join(ROOT, "Dashboards", path), "json"))
    return {panel["title"]: panel["data"] for panel in document["panels"]}


def test_service_dashboard_shows_the_load_workloads_data(loaded):
    data = panels(loaded, "service.yaml")
    heatmap = data["checkout latency heatmap (HTTP server buckets per minute)"]
    assert {series["labels"]["le"] for series in heatmap["series"]} >= {"0.005", "+Inf"}
    assert data["checkout slowest server spans"]["table"]["rows"]
    trace = data["Slowest trace through checkout (critical path solid, the rest shaded)"]
    assert {span["service"] for span in trace["spans"]} >= {"frontend", "checkout"}


def test_services_overview_shows_every_service_and_the_graph(loaded):
    data = panels(loaded, "services.yaml")
    rate = data["Requests per second (server spans)"]
    assert {series["name"] for series in rate["series"]} >= {"frontend", "checkout", "cart", "payment"}
    graph = data["Service graph (calls between services, from parent/child spans)"]["serviceGraph"]
    assert {(edge["caller"], edge["callee"]) for edge in graph["edges"]} >= {("frontend", "checkout")}


def test_lumen_health_reads_its_own_metrics(loaded):
    data = panels(loaded, "lumen.yaml")
    accepted = data["Items accepted since start by protocol"]["series"]
    assert any(series["name"] == "otlp_http" for series in accepted)
    head = {series["name"]: series["points"][-1]["v"] for series in data["Head contents"]["series"]}
    assert head["spans"] > 0


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_watch_redraws_in_place_follows_a_resize_and_quits_on_q(loaded, tmp_path):
    """`lumen dash --watch` in a real terminal (tmux): the frame fills the window, follows a resize, and `q`
    leaves the alternate screen with the shell's screen as it was."""
    session = f"lumen-dash-{os.getpid()}"
    marker = tmp_path / "exited"
    command = (f"env LUMEN_API={loaded.api} {LUMEN} dash {ROOT}/Dashboards/lumen.yaml --watch 1s; "
               f"touch {marker}; sleep 60")
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", command], check=True)
    try:
        def screen():
            return subprocess.run(["tmux", "capture-pane", "-t", session, "-p"], capture_output=True,
                                  text=True, check=True).stdout.rstrip("\n").split("\n")

        first = wait_for(lambda: (lines := screen()) and lines[0].startswith("Lumen's own health") and lines)
        assert len(first) == 40
        assert first[1].startswith("╭─ Items accepted per second by signal") and first[1].endswith("╮")
        assert first[-1].startswith("╰") and len(first[-1]) == 120

        subprocess.run(["tmux", "resize-window", "-t", session, "-x", "90", "-y", "30"], check=True)
        # The old frame, clipped by tmux, loses its right-hand corners; the redrawn one has them at column 90.
        resized = wait_for(lambda: (lines := screen()) and len(lines) == 30 and lines[-1].endswith("╯") and lines)
        assert len(resized[-1]) == 90 and resized[1].endswith("╮")

        subprocess.run(["tmux", "send-keys", "-t", session, "q"], check=True)
        wait_for(marker.exists, timeout=10)
        assert not any("╭─" in line for line in screen())
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
