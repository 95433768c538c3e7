"""Three app nodes behind nginx, on the test database and one Redis (ADR 0603).

Each node is gunicorn with the production settings (config.settings, DEBUG off, the
database task queue, Redis for the cache and the throttle's counters, `TRUSTED_PROXY_COUNT=1`)
on its own port; nginx from Debian's package balances them round-robin as docs/deploy.md
describes, serves the static files itself and names the node that answered in the
`X-Served-By` response header, so a test can show that its requests were spread. Redis is a
redis-server of the harness's own, so the nodes share it and nothing else does.

Ports: CLUSTER_PORT (default 8870) for nginx, the next three for the nodes, the one after
for Redis.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
NODES = 3
WORKERS = 2  # per node: three nodes of two sync workers, six processes
SECRET = "cluster-test-secret-key-" + "x" * 40
#: The nodes' throttle: a few wrong passwords of an account at an address, then it waits.
LOGIN_FAILURES = 6


def nginx_binary() -> str | None:
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


def _wait_for_port(port: int, process: subprocess.Popen[bytes], what: str, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited at start:\n{_tail(log)}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on {port} within 90 s:\n{_tail(log)}")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else ""


def database_url() -> str:
    """The test database as the tests' own connection reaches it (the application's role)."""
    db = connection.settings_dict
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    credentials = f"{user}{password}@" if user else ""
    return f"postgres://{credentials}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class Cluster:
    base_port: int
    folder: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.base_port}"

    @property
    def node_ports(self) -> list[int]:
        return [self.base_port + 1 + i for i in range(NODES)]

    @property
    def nodes(self) -> set[str]:
        """The nodes as nginx names them in X-Served-By."""
        return {f"127.0.0.1:{port}" for port in self.node_ports}

    @property
    def redis_port(self) -> int:
        return self.base_port + 1 + NODES

    # --- start and stop ------------------------------------------------------------------

    def node_env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DATABASE_", "DJANGO_", "PYTEST", "REDIS_", "THROTTLE_"))
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "DJANGO_DEBUG": "false",
                # One secret and one integrity key on every node: a session or a password
                # reset link signed by one node is checked by another (docs/deploy.md §7).
                "DJANGO_SECRET_KEY": settings.SECRET_KEY,
                "NMO_INTEGRITY_KEY": settings.INTEGRITY_KEY or settings.SECRET_KEY,
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SITE_URL": self.url,
                "DATABASE_URL": database_url(),
                "DATABASE_CONN_MAX_AGE": "60",
                "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
                "TASKS_BACKEND": "database",
                "TRUSTED_PROXY_COUNT": "1",
                "SESSION_COOKIE_SECURE": "false",
                "CSRF_COOKIE_SECURE": "false",
                "MEDIA_ROOT": str(self.folder / "media"),
                "EMAIL_FILE_PATH": str(self.folder / "mail"),
                "LOG_LEVEL": "WARNING",
                "THROTTLE_LOGIN_FAILURES": str(LOGIN_FAILURES),
            }
        )
        return env

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        env = self.node_env()
        # The hashed static files once, for nginx and WhiteNoise (docs/deploy.md §4).
        subprocess.run(  # noqa: S603 - our own arguments
            [BIN / "python", "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        self._spawn(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            self.redis_port,
        )
        for index, port in enumerate(self.node_ports, start=1):
            self._spawn(
                f"node{index}",
                [
                    str(BIN / "gunicorn"),
                    "config.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(WORKERS),
                    "--preload",
                    # Issues of documents queue for their register's row while each renders
                    # its PDFs; on a busy CI machine that outlasts gunicorn's default 30 s.
                    "--timeout",
                    "180",
                    "--log-level",
                    "warning",
                ],
                port,
                env=env,
            )
        self._spawn("nginx", self._nginx_command(), self.base_port)

    def _spawn(
        self, name: str, command: list[str], port: int, env: dict[str, str] | None = None
    ) -> None:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                raise RuntimeError(f"port {port} is taken: set CLUSTER_PORT to a free range")
        log = self.folder / f"{name}.log"
        process = subprocess.Popen(  # noqa: S603 - our own arguments
            command,
            cwd=ROOT,
            env=env or dict(os.environ),
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        _wait_for_port(port, process, name, log)

    def _nginx_command(self) -> list[str]:
        binary = nginx_binary()
        assert binary is not None
        temp = self.folder / "nginx"
        temp.mkdir(exist_ok=True)
        upstreams = "\n".join(f"    server 127.0.0.1:{port};" for port in self.node_ports)
        user = "user root;" if os.geteuid() == 0 else ""  # its workers read our 0700 folder
        conf = self.folder / "nginx.conf"
        conf.write_text(
            f"""{user}
worker_processes 1;
daemon off;
pid {temp}/nginx.pid;
error_log {self.folder}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
  access_log {self.folder}/nginx-access.log;
  client_body_temp_path {temp}/body;
  proxy_temp_path {temp}/proxy;
  fastcgi_temp_path {temp}/fastcgi;
  uwsgi_temp_path {temp}/uwsgi;
  scgi_temp_path {temp}/scgi;
  include /etc/nginx/mime.types;
  upstream nmo {{
{upstreams}
  }}
  server {{
    listen 127.0.0.1:{self.base_port};
    client_max_body_size 10m;
    location /static/ {{ alias {settings.STATIC_ROOT}/; expires 30d; }}
    location / {{
      proxy_pass http://nmo;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      add_header X-Served-By $upstream_addr always;
    }}
  }}
}}
"""
        )
        return [binary, "-p", str(temp), "-c", str(conf)]

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self.processes.clear()

    def flush_redis(self) -> None:
        import redis

        redis.Redis(port=self.redis_port).flushdb()

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{_tail(p)}" for p in sorted(self.folder.glob("*.log")))

    # --- requests through the balancer ---------------------------------------------------

    def session(self) -> requests.Session:
        return requests.Session()

    def get(
        self, path: str, client: requests.Session | None = None, **kw: Any
    ) -> requests.Response:
        return (client or requests).get(self.url + path, timeout=120, allow_redirects=False, **kw)

    def post(
        self, path: str, client: requests.Session | None = None, **kw: Any
    ) -> requests.Response:
        return (client or requests).post(self.url + path, timeout=120, allow_redirects=False, **kw)


def served_by(response: requests.Response) -> str:
    return response.headers.get("X-Served-By", "")


def race(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run work(0..n-1) in n threads released together; their results in thread order
    (an exception is returned, not raised)."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=60)
            results[index] = work(index)
        except Exception as exc:  # returned for the test to show
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a request hung"
    return results


def new_cluster() -> Cluster:
    base = int(os.environ.get("CLUSTER_PORT", "8870"))
    return Cluster(base_port=base, folder=Path(tempfile.mkdtemp(prefix="nmo-cluster-")))
