"""deploy/: nginx accepts the shipped configuration (nginx -t), and gunicorn's child_exit hook
removes a dead worker's live samples from the Prometheus multiprocess folder."""
import importlib.util
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_nginx_accepts_the_shipped_configuration(tmp_path):
    if not shutil.which("nginx") or not shutil.which("openssl"):
        pytest.skip("NGINX CONFIG TEST SKIPPED: nginx or openssl is not installed "
                    "(.ci/native-packages lists nginx as optional)")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=t",
                    "-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem")],
                   check=True, capture_output=True)
    (tmp_path / "rakor-upstream.conf").write_text("server 127.0.0.1:8000 max_fails=2 fail_timeout=10s;\n")
    site = (DEPLOY / "nginx" / "rakor.conf").read_text()
    site = site.replace("/etc/nginx/rakor-upstream.conf", str(tmp_path / "rakor-upstream.conf"))
    site = site.replace("/etc/ssl/rakor/", f"{tmp_path}/").replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    client_body_temp_path {tmp_path};\n    proxy_temp_path {tmp_path};\n{site}\n}}\n")
    result = subprocess.run(["nginx", "-t", "-q", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _gunicorn_conf():
    spec = importlib.util.spec_from_file_location("rakor_gunicorn_conf", DEPLOY / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    return conf


def test_gunicorn_gives_every_connection_room_for_a_whole_page():
    """The listeners' send buffer (when_ready) is what every accepted connection gets: a worker
    hands over a 100 KiB page without waiting for the reader."""
    conf = _gunicorn_conf()
    with socket.create_server(("127.0.0.1", 0)) as listening:
        default = listening.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)

        class Listener:
            sock = listening

        if default >= conf.send_buffer_bytes:
            pytest.skip(f"this kernel's default send buffer ({default} B) is already as large")
        conf.when_ready(type("Arbiter", (), {"LISTENERS": [Listener()]}))
        with socket.create_connection(listening.getsockname()) as _client:
            accepted, _address = listening.accept()
            with accepted:
                # Linux reports twice the asked size (its own bookkeeping).
                assert accepted.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF) >= conf.send_buffer_bytes


def test_gunicorn_child_exit_marks_the_worker_dead(tmp_path, monkeypatch):
    conf = _gunicorn_conf()
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    for name in ("gauge_livesum_4242.db", "gauge_liveall_4242.db", "counter_4242.db"):
        (tmp_path / name).write_bytes(b"")

    class Worker:
        pid = 4242

    conf.child_exit(None, Worker())
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == ["counter_4242.db"]  # counters stay (they add up); live gauges of the dead pid go
