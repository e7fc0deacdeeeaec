"""Real services for the scaled tests and the load benchmark: PostgreSQL databases, Redis, Celery workers.

Everything here runs on 127.0.0.1 and is started and stopped by its owner: a database is created with a unique
name and dropped, a private redis-server or Celery worker is a child process killed by its own id.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import psycopg
from psycopg import sql

REPO = Path(__file__).resolve().parents[2]
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
REDIS_URL = "redis://127.0.0.1:6379"


class Unavailable(RuntimeError):
    """A service the scaled tests need cannot be reached."""


def in_ci() -> bool:
    """Tell whether this run is CI's, where the scaled tests must run and never skip."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _admin() -> psycopg.Connection:
    """Connect to the maintenance database as the superuser, outside any transaction."""
    try:
        return psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True,
                               connect_timeout=5)
    except psycopg.OperationalError as e:
        raise Unavailable(f"PostgreSQL is not reachable at {PG_HOST}:{PG_PORT} as {PG_USER}: {e}") from e


def check_redis(url: str = REDIS_URL) -> None:
    """Raise Unavailable unless Redis answers at ``url``."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    try:
        client.ping()
    except redis.RedisError as e:
        raise Unavailable(f"Redis is not reachable at {url}: {e}") from e
    finally:
        client.close()


class Database:
    """A PostgreSQL database of our own, created with a unique name and dropped at the end."""

    def __init__(self, purpose: str) -> None:
        _drop_orphans()
        self.name = f"portal_{purpose}_{os.getpid()}_{secrets.token_hex(3)}"
        with _admin() as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))

    def url(self, application_name: str | None = None) -> str:
        """Return the SQLAlchemy URL of the database, optionally naming the connecting application."""
        url = f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{self.name}"
        return f"{url}?application_name={application_name}" if application_name else url

    def connect(self, autocommit: bool = True) -> psycopg.Connection:
        """Open a plain connection to the database."""
        return psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=self.name,
                               autocommit=autocommit, connect_timeout=5)

    def empty(self) -> None:
        """Delete every row but the migration's version, as a new database would have (sequences go on)."""
        with self.connect() as connection:
            tables = [name for (name,) in connection.execute(
                "SELECT tablename FROM pg_tables"
                " WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            )]
            if tables:
                connection.execute(sql.SQL("TRUNCATE {} CASCADE").format(
                    sql.SQL(", ").join(sql.Identifier(name) for name in tables)))

    def drop(self) -> None:
        """Drop the database, ending any connection still open to it."""
        with _admin() as admin:
            admin.execute(sql.SQL(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
            )


def _drop_orphans() -> None:
    """Drop databases left by test or benchmark runs whose process is gone (a run that was killed)."""
    with _admin() as admin:
        names = admin.execute("SELECT datname FROM pg_database WHERE datname LIKE 'portal\\_%'").fetchall()
        for (name,) in names:
            match = re.fullmatch(r"portal_[a-z]+_(\d+)_[0-9a-f]{6}", name)
            if match and not _alive(int(match.group(1))):
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _alive(pid: int) -> bool:
    """Tell whether a process with this id exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float) -> None:
    """Wait until something accepts connections on 127.0.0.1:port."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s") from None
            time.sleep(0.1)


class RedisServer:
    """A private redis-server on 127.0.0.1 that keeps nothing on disk, like the machine's own."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        """Start the server and wait until it answers."""
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", str(self.folder), "--logfile", str(self.folder / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, 10)

    def stop(self) -> None:
        """Stop the server: everything it held in memory is gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None

    def restart(self) -> None:
        """Stop and start the server on the same port."""
        self.stop()
        self.start()


class Worker:
    """A real `celery worker` process for the portal, in its own process group, logging to a file."""

    def __init__(self, log: Path, env: Mapping[str, str], queue: str, concurrency: int = 1,
                 nice: int = 0) -> None:
        self.log = log
        self.queue = queue
        command = [sys.executable, "-m", "celery", "-A", "portal.celery_app", "worker", "-Q", queue,
                   "-c", str(concurrency), "-P", "prefork", "-n", f"{queue}-{secrets.token_hex(2)}@%h",
                   "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"]
        if nice:
            command = ["nice", "-n", str(nice), *command]
        with open(log, "ab") as out:
            self.process = subprocess.Popen(command, cwd=REPO, env=worker_env(env), stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        self.pid = self.process.pid
        autogroup = Path(f"/proc/{self.pid}/autogroup")
        if nice and autogroup.exists():  # its own session is its own scheduling group, whose nice is set here
            autogroup.write_text(str(nice))

    def wait_ready(self, timeout: float = 120) -> Worker:
        """Wait until the worker consumes from its queue; raise with its log when it does not."""
        deadline = time.monotonic() + timeout
        while " ready." not in self.log.read_text(errors="replace"):
            if self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited with {self.process.returncode}:\n{self.tail()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the Celery worker was not ready after {timeout} s:\n{self.tail()}")
            time.sleep(0.2)
        return self

    def alive(self) -> bool:
        """Tell whether the worker's main process still runs."""
        return self.process.poll() is None

    def pool_pids(self) -> list[int]:
        """Return the ids of the worker's pool processes (its children running the tasks)."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == self.pid:  # field 4 of stat: the parent's id
                children.append(int(stat.parent.name))
        return sorted(children)

    def kill(self) -> None:
        """Kill the worker and everything it started at once, with SIGKILL (a machine that died)."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(10)

    def stop(self, timeout: float = 30) -> None:
        """Shut the worker down warmly, or kill it when it does not stop in time."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.pid, signal.SIGKILL)  # pool processes or Tesseract left behind
        except ProcessLookupError:
            pass
        if self.process.poll() is None:
            self.process.wait(10)

    def tail(self, lines: int = 60) -> str:
        """Return the end of the worker's log."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def worker_env(settings: Mapping[str, str]) -> dict[str, str]:
    """Return the environment of a portal process: ours without PORTAL_* settings, then ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update(settings)
    return env


def wait_until(predicate: Callable[[], object], timeout: float, what: str, interval: float = 0.2) -> None:
    """Poll ``predicate`` until it returns true; raise TimeoutError naming ``what``."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {timeout} s")
        time.sleep(interval)


def migrate(settings: Mapping[str, object]) -> None:
    """Apply the migrations to the database the settings name, as `flask db upgrade` does."""
    import flask_migrate

    from portal import create_app
    from portal.extensions import db

    app = create_app({"TESTING": True, "SECRET_KEY": "migrate", "RESUME_JOBS": False, **settings})
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    queue = app.extensions["jobs"]
    if hasattr(queue, "close"):
        queue.close()


class Stack:
    """The scaled test stack of one pytest session: its own database, a Redis queue, one Celery worker."""

    def __init__(self, folder: Path) -> None:
        check_redis()
        self.database = Database("test")
        self.worker: Worker | None = None
        try:
            tag = f"{os.getpid()}-{secrets.token_hex(3)}"
            self.settings: dict[str, object] = {
                "DATABASE_URL": self.database.url(),
                "BROKER_URL": f"{REDIS_URL}/{1 + os.getpid() % 15}",
                "AUDIT_QUEUE": f"audit-test-{tag}",  # never shared with another session on this machine
                "AUDIT_LEASE": 60.0,
                "SWEEP_INTERVAL": 2.0,
                "RESEND_AFTER": 30.0,  # longer than a test: tests may leave submissions queued on purpose
                "VISIBILITY_TIMEOUT": 900,
            }
            migrate(self.settings)
            self.worker = Worker(folder / "worker.log", settings_env(
                {**self.settings, "DATABASE_URL": self.database.url("portal-test-worker")}
            ), str(self.settings["AUDIT_QUEUE"]), concurrency=2)
            self.worker.wait_ready()
        except BaseException:
            if self.worker is not None:
                self.worker.stop()
            self.database.drop()
            raise

    def empty(self) -> None:
        """Empty the database and forget the queue's marks, for the next test."""
        import redis

        self.database.empty()
        client = redis.Redis.from_url(str(self.settings["BROKER_URL"]))
        try:
            client.delete(f"portal:{self.settings['AUDIT_QUEUE']}:sent")
        finally:
            client.close()

    def stop(self) -> None:
        """Stop the worker and drop the database."""
        if self.worker is not None:
            self.worker.stop()
        self.database.drop()


def settings_env(settings: Mapping[str, object]) -> dict[str, str]:
    """Return portal settings as PORTAL_* environment variables, with a secret key for a non-test app."""
    env = {"PORTAL_SECRET_KEY": "scaled-test-secret"}
    env.update({f"PORTAL_{key}": v if isinstance(v, str) else json.dumps(v) for key, v in settings.items()})
    return env

