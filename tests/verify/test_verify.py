"""``prodready up`` / ``verify`` against the reference services, with real dependencies.

These run real servers and real app processes: each takes tens of seconds.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from prodready.spec import load_spec
from prodready.testing._ports import is_bound
from prodready.verify import Drill, LocalRun

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _group_alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _leftovers(run: LocalRun) -> list[str]:
    found = []
    if is_bound(run.host, run.port):
        found.append(f"app port {run.port}")
    for name, service in run.stack.services.items():
        if is_bound(service.server.host, service.server.port):
            found.append(f"{name} port {service.server.port}")
    for process in (run.web, *run.workers.values()):
        if process is not None and process.pid is not None and _group_alive(process.pid):
            found.append(f"process group {process.pid}")
    return found


@pytest.mark.parametrize("example", ["vision", "immune-core", "hitl-review", "pff", "hive-mind"])
def test_verify_passes_for_the_example(example: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "prodready", "verify", str(EXAMPLES / example), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.stdout, f"no report (exit {proc.returncode}):\n{proc.stderr[-3000:]}"
    report = json.loads(proc.stdout)
    failed = [step for step in report["steps"] if not step["passed"]]
    assert proc.returncode == 0, f"{failed}\n{proc.stderr[-3000:]}"
    names = {step["name"] for step in report["steps"]}
    for service in load_spec(EXAMPLES / example).services:
        assert f"{service} down → readiness 503" in names


def test_drill_fails_when_liveness_points_at_a_dependency_checking_endpoint() -> None:
    spec = load_spec(EXAMPLES / "vision")
    # model_copy skips validation on purpose: the spec itself refuses this liveness path.
    wrong = spec.probes.model_copy(update={"liveness": spec.probes.readiness})
    run = LocalRun(spec, EXAMPLES / "vision")
    try:
        run.start()
        drill = Drill(run, probes=wrong)
        assert drill.startup().passed
        steps = {step.name: step for step in drill.fault("redis")}
    finally:
        run.close()
    assert steps["redis down → readiness 503"].passed
    assert not steps["redis outage → liveness stays 200"].passed
    assert _leftovers(run) == []


def test_a_failing_start_leaves_nothing_running(tmp_path: Path) -> None:
    project = tmp_path / "broken"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[tool.prodready]\nname = "broken"\napp = "broken_app:app"\n'
        'migrate = "python -c \\"raise SystemExit(3)\\""\n'
        "[tool.prodready.services.redis]\n"
    )
    run = LocalRun(load_spec(project), project)
    with pytest.raises(Exception, match="migration failed with exit code 3"):
        run.start()
    assert _leftovers(run) == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_up_stops_everything_on_a_stop_signal(signum: signal.Signals) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "prodready", "--no-color", "up", str(EXAMPLES / "vision")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = []
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if "is up at" in line or not line:
                break
        up_line = next((line for line in lines if "is up at" in line), None)
        assert up_line is not None, "".join(lines) + (proc.stderr.read() if proc.stderr else "")
        port = int(up_line.rsplit(":", 1)[1])
        proc.send_signal(signum)
        proc.communicate(timeout=90)  # drains and closes both pipes
        assert proc.returncode == 0
        ports = [
            int(line.rsplit(" ", 1)[1].rsplit(":", 1)[1]) for line in lines if " on 127." in line
        ]
        assert not is_bound("127.0.0.1", port)
        assert all(not is_bound("127.0.0.1", p) for p in ports)
    finally:
        if proc.poll() is None:  # an assertion failed: Ctrl-C still cleans up
            proc.send_signal(signal.SIGINT)
            proc.communicate(timeout=90)


_NEVER_READY_APP = '''
async def app(scope, receive, send):
    """Serves 503 on every path: its startup probe never passes."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send({"type": "http.response.start", "status": 503, "headers": []})
    await send({"type": "http.response.body", "body": b""})
'''


def test_up_stops_everything_on_sigterm_while_still_starting(tmp_path: Path) -> None:
    project = tmp_path / "never-ready"
    project.mkdir()
    (project / "never_ready.py").write_text(_NEVER_READY_APP)
    (project / "pyproject.toml").write_text(
        '[tool.prodready]\nname = "never-ready"\napp = "never_ready:app"\n'
        "[tool.prodready.services.redis]\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "prodready", "--no-color", "up", str(project)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        redis_port = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if "ready on 127.0.0.1:" in line:
                redis_port = int(line.rsplit(":", 1)[1])
            if line.startswith("starting never-ready as") or not line:
                break
        assert redis_port is not None
        time.sleep(1.0)  # now inside the startup-probe wait, which would last 300 s
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=90)
        assert proc.returncode == 0
        assert time.monotonic() - started < 60
        assert not is_bound("127.0.0.1", redis_port)
    finally:
        if proc.poll() is None:  # the assertion failed: Ctrl-C still cleans up
            proc.send_signal(signal.SIGINT)
            proc.communicate(timeout=90)


def test_up_refuses_a_port_outside_1_to_65535(capsys: pytest.CaptureFixture[str]) -> None:
    from prodready.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["up", "--port", "0", str(EXAMPLES / "vision")])
    assert exc.value.code == 2
    assert "not a TCP port" in capsys.readouterr().err


def test_a_failing_build_step_is_a_failed_step_in_the_report_not_a_bare_error(
    tmp_path: Path,
) -> None:
    (tmp_path / "tiny.py").write_text("async def app(scope, receive, send): ...\n")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "tiny"\nversion = "0"\n\n'
        '[tool.prodready]\nname = "tiny"\napp = "tiny:app"\n\n'
        "[tool.prodready.build]\nrun = [\"python -c 'raise SystemExit(3)'\"]\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "prodready", "verify", str(tmp_path), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr[-3000:]
    (step,) = json.loads(proc.stdout)["steps"]
    assert step["name"] == "dependencies and app start"
    assert not step["passed"]
    assert "build step" in step["detail"]
