"""A real server process for tests that race requests against it: gunicorn with worker processes and threads."""
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args: str, env: dict, timeout: int = 300) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=timeout, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args[:1])} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


class ServerProcess:
    """``gunicorn config.wsgi`` on a free loopback port with the given environment, until ``stop``."""

    def __init__(self, env: dict, *, workers: int = 2, threads: int = 8):
        self.env = env
        self.port = free_port()
        self.log = open(os.devnull, "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "config.wsgi", "-w", str(workers), "--threads", str(threads),
             "-b", f"127.0.0.1:{self.port}", "--graceful-timeout", "5", "--timeout", "120"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("the server process exited at start") from None
                time.sleep(0.2)
        raise RuntimeError("the server did not start within 60 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()

    def call(self, method: str, path: str, *, token: str | None = None, body=None, headers: dict | None = None,
             cookies: dict | None = None, form: dict | None = None) -> tuple[int, dict | str, dict]:
        """(status, JSON body or text, response headers) of one request on a fresh connection."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        sent = {**(headers or {})}
        payload = None
        if token:
            sent["Authorization"] = f"Token {token}"
        if body is not None:
            payload, sent["Content-Type"] = json.dumps(body), "application/json"
        if form is not None:
            payload, sent["Content-Type"] = urlencode(form), "application/x-www-form-urlencoded"
        if cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        try:
            connection.request(method, path, body=payload, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            answer_headers = {name.lower(): value for name, value in response.getheaders()}
            answer_headers["set-cookie"] = [value for name, value in response.getheaders()
                                            if name.lower() == "set-cookie"]
        finally:
            connection.close()
        try:
            data = json.loads(text) if text and answer_headers.get("content-type", "").startswith(
                "application/json") else text
        except ValueError:
            data = text
        return response.status, data, answer_headers


def cookies_from(headers: dict) -> dict:
    jar = SimpleCookie()
    for value in headers.get("set-cookie", []):
        jar.load(value)
    return {name: morsel.value for name, morsel in jar.items()}
