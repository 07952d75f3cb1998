"""Rules in a real `lumen serve --rules`: a recording rule's series is queryable, alerts over a metric, over
error logs and over error spans reach /api/v1/alerts and /api/v1/rules in Prometheus' shapes, and a reload with a
broken file (SIGHUP and POST /-/reload) keeps the old rules and their alerts; a broken file refuses the start."""

import json
import pathlib
import signal
import subprocess
import time

import requests

from conftest import LUMEN, LumenProcess, wait_for

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]

RULES = """
groups:
  - name: interop
    interval: 1s
    rules:
      - record: service:queue_depth:max
        expr: max by (service) (queue_depth)
        labels:
          source: rule
      - alert: QueueDeep
        expr: service:queue_depth:max > 100
        labels:
          severity: page
        annotations:
          summary: "queue at {{ $value }} on {{ $labels.service }}"
  - name: signals
    interval: 1s
    rules:
      - alert: ErrorLogs
        expr: sum by (service) (count_over_time({severity="error"}[5m])) > 0
      - alert: ErrorSpans
        expr: sum by (service) (count_over_time({status=error}[5m])) > 0
"""

BROKEN = """
groups:
  - name: interop
    rules:
      - alert: Broken
        expr: sum(rate(x[5m])
"""


def resource(kind, items):
    return {"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "checkout"}}]}, kind: items}


def send(lumen):
    now = time.time_ns()
    metric = {"name": "queue_depth", "gauge": {"dataPoints": [{"timeUnixNano": str(now), "asDouble": 250.0}]}}
    body = {"resourceMetrics": [resource("scopeMetrics", [{"metrics": [metric]}])]}
    assert requests.post(f"{lumen.otlp}/v1/metrics", json=body, timeout=10).status_code == 200
    log = {"timeUnixNano": str(now), "severityNumber": 17, "severityText": "ERROR", "body": {"stringValue": "boom"}}
    body = {"resourceLogs": [resource("scopeLogs", [{"logRecords": [log]}])]}
    assert requests.post(f"{lumen.otlp}/v1/logs", json=body, timeout=10).status_code == 200
    span = {"traceId": "4bf92f3577b34da6a3ce929d0e0e4736", "spanId": "00f067aa0ba902b7", "name": "POST /pay",
            "kind": 2, "startTimeUnixNano": str(now - 100_000_000), "endTimeUnixNano": str(now),
            "status": {"code": 2}}
    body = {"resourceSpans": [resource("scopeSpans", [{"spans": [span]}])]}
    assert requests.post(f"{lumen.otlp}/v1/traces", json=body, timeout=10).status_code == 200


def firing(lumen):
    alerts = requests.get(f"{lumen.api}/api/v1/alerts", timeout=10).json()["data"]["alerts"]
    return {alert["labels"]["alertname"]: alert for alert in alerts if alert["state"] == "firing"}


def test_rules_record_fire_and_survive_a_broken_reload(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES)
    lumen = LumenProcess(str(tmp_path / "data"), ["--rules", str(tmp_path / "*.yaml")]).start()
    try:
        send(lumen)
        # The recording rule's series, through the query API, with the rule's labels.
        def recorded():
            result = requests.get(f"{lumen.api}/api/v1/query", params={"query": "service:queue_depth:max"},
                                  timeout=10).json()["data"]["result"]
            return result
        [series] = wait_for(recorded, timeout=30)
        assert series["metric"] == {"__name__": "service:queue_depth:max", "service": "checkout", "source": "rule"}
        assert series["value"][1] == "250"

        alerts = wait_for(lambda: (a := firing(lumen)) and len(a) == 3 and a, timeout=30)
        queue = alerts["QueueDeep"]
        assert queue["labels"] == {"alertname": "QueueDeep", "service": "checkout", "source": "rule",
                                   "severity": "page"}
        assert queue["annotations"] == {"summary": "queue at 250 on checkout"}
        assert queue["value"] == "2.5e+02"
        assert alerts["ErrorLogs"]["labels"]["service"] == "checkout"
        assert alerts["ErrorSpans"]["labels"]["service"] == "checkout"

        # ALERTS is written like any series.
        def alerts_series():
            result = requests.get(f"{lumen.api}/api/v1/query", params={"query": 'ALERTS{alertstate="firing"}'},
                                  timeout=10).json()["data"]["result"]
            return {s["metric"]["alertname"] for s in result} >= {"QueueDeep", "ErrorLogs", "ErrorSpans"}
        wait_for(alerts_series, timeout=30)

        body = requests.get(f"{lumen.api}/api/v1/rules", params={"type": "alert"}, timeout=10).json()
        assert body["status"] == "success"
        groups = {g["name"]: g for g in body["data"]["groups"]}
        rule = groups["interop"]["rules"][0]
        assert (rule["type"], rule["name"], rule["health"], rule["state"]) == ("alerting", "QueueDeep", "ok", "firing")
        assert rule["duration"] == 0 and rule["keepFiringFor"] == 0 and rule["labels"] == {"severity": "page"}
        assert groups["interop"]["interval"] == 1 and groups["interop"]["file"] == str(rules)
        recording = requests.get(f"{lumen.api}/api/v1/rules", params={"type": "record"}, timeout=10).json()
        [only] = [r for g in recording["data"]["groups"] for r in g["rules"]]
        assert only["type"] == "recording" and "state" not in only

        # A broken file: /-/reload answers 500 with the file and line, SIGHUP logs it; the old rules keep firing.
        rules.write_text(BROKEN)
        response = requests.post(f"{lumen.api}/-/reload", timeout=10)
        assert response.status_code == 500 and f"{rules}:6: could not parse expression" in response.text
        lumen.process.send_signal(signal.SIGHUP)
        time.sleep(1.5)
        assert set(firing(lumen)) == {"QueueDeep", "ErrorLogs", "ErrorSpans"}
        # A good file again: the reload applies, and the unchanged group keeps its firing alert.
        rules.write_text(RULES.replace("summary: ", "description: "))
        assert requests.post(f"{lumen.api}/-/reload", timeout=10).status_code == 200
        after = wait_for(lambda: (a := firing(lumen)).get("QueueDeep", {}).get("annotations", {}).get("description") and a,
                         timeout=30)
        assert after["QueueDeep"]["activeAt"] == queue["activeAt"]
    finally:
        lumen.stop()


def test_a_broken_rule_file_refuses_the_start_with_its_line(tmp_path):
    rules = tmp_path / "bad.yaml"
    rules.write_text(BROKEN)
    result = subprocess.run([LUMEN, "serve", "--data-dir", str(tmp_path / "data"), "--rules", str(rules),
                             "--api", "127.0.0.1:0", "--otlp-http", "127.0.0.1:0", "--otlp-grpc", "off",
                             "--statsd", "off", "--syslog", "off"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert f"{rules}:6: could not parse expression" in result.stderr + result.stdout


TEAM_RULES = """
groups:
  - name: team
    interval: 1s
    rules:
      - alert: TeamAlways
        expr: vector(1)
        annotations:
          summary: "from {{ $externalLabels.cluster }} at {{ $externalURL }}"
"""


def test_rules_per_tenant_in_the_api_the_cli_and_a_dashboard(tmp_path):
    (tmp_path / "rules.yaml").write_text(RULES)
    team = tmp_path / "team" / "team.yaml"
    team.parent.mkdir()
    team.write_text(TEAM_RULES)
    lumen = LumenProcess(str(tmp_path / "data"), [
        "--rules", str(tmp_path / "rules.yaml"), "--rules", f"team-a={team}",
        "--external-url", "https://lumen.example.com", "--external-label", "cluster=eu-1"]).start()
    try:
        send(lumen)
        wait_for(lambda: len(firing(lumen)) == 3, timeout=30)

        # Each tenant sees its own rules and alerts; the team's rules read and write the team's data.
        team_header = {"X-Scope-OrgID": "team-a"}
        def team_alerts():
            return requests.get(f"{lumen.api}/api/v1/alerts", headers=team_header, timeout=10).json()["data"]["alerts"]
        [always] = wait_for(lambda: [a for a in team_alerts() if a["state"] == "firing"], timeout=30)
        assert always["labels"] == {"alertname": "TeamAlways"}
        assert always["annotations"]["summary"] == "from eu-1 at https://lumen.example.com"
        assert set(firing(lumen)) == {"QueueDeep", "ErrorLogs", "ErrorSpans"}
        team_groups = requests.get(f"{lumen.api}/api/v1/rules", headers=team_header, timeout=10).json()["data"]["groups"]
        assert [g["name"] for g in team_groups] == ["team"] and team_groups[0]["file"] == str(team)
        def team_alerts_series():
            result = requests.get(f"{lumen.api}/api/v1/query", params={"query": "ALERTS"}, headers=team_header,
                                  timeout=10).json()["data"]["result"]
            return {s["metric"]["alertname"] for s in result}
        assert wait_for(lambda: team_alerts_series() == {"TeamAlways"} and True, timeout=30)

        # `lumen alerts`: firing first, a selector, a state, each output format.
        table = lumen.cli("alerts")
        assert table.splitlines()[0].split()[:4] == ["STATE", "ALERT", "ACTIVE", "FOR"], table
        assert {line.split()[1] for line in table.splitlines()[2:]} == {"QueueDeep", "ErrorLogs", "ErrorSpans"}
        assert "queue at 250 on checkout" in table
        [only] = [line for line in lumen.cli("alerts", "QueueDeep{severity=\"page\"}", "--output", "csv").splitlines()[1:]]
        assert only.startswith("firing,QueueDeep,") and ",2.5e+02,service=checkout severity=page source=rule," in only
        document = json.loads(lumen.cli("alerts", "{service=\"checkout\"}", "--state", "firing", "--output", "json"))
        assert document["status"] == "success" and len(document["data"]["alerts"]) == 3
        assert "TeamAlways" in lumen.cli("alerts", "--tenant", "team-a")
        assert lumen.cli("alerts", "--state", "pending").strip() == "no alerts pending or firing"

        # `lumen rules`: every rule with its state, health and timing; filters by type and group.
        rules_table = lumen.cli("rules")
        rows = {line.split()[1]: line for line in rules_table.splitlines()[2:] if line.strip()}
        assert "firing (1)" in rows["QueueDeep"] and " ok " in rows["QueueDeep"], rules_table
        assert rows["service:queue_depth:max"].split()[2:4] == ["record", "-"], rules_table
        lines = [json.loads(line) for line in lumen.cli("rules", "--type", "record", "--output", "jsonl").splitlines()]
        assert [(r["group"], r["rule"], r["type"], r["health"]) for r in lines] == [
            ("interop", "service:queue_depth:max", "recording", "ok")]
        assert lines[0]["last_evaluation"] > 0 and lines[0]["evaluation_seconds"] >= 0
        assert "TeamAlways" in lumen.cli("rules", "list", "--group", "team", "--tenant", "team-a")

        # The shipped overview lists the alerts at its top.
        frame = lumen.cli("dash", str(REPOSITORY / "Dashboards" / "services.yaml"), "--format", "text", "--width", "160")
        box = frame.split("Alerts pending and firing", 1)[1].split("╰", 1)[0]
        assert "FIRING  QueueDeep" in box or "FIRING  ErrorLogs" in box, frame
        assert box.count("FIRING") == 3, box
    finally:
        lumen.stop()


def test_a_rules_entry_with_a_bad_tenant_is_refused(tmp_path):
    result = subprocess.run([LUMEN, "serve", "--data-dir", str(tmp_path / "data"), "--rules", "no tenant!=x.yaml"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "is not a valid tenant ID" in result.stderr + result.stdout
