"""pytest fixtures that run ddbd, a DynamoDB-compatible server, for a test session.

Copy this file into your tests' folder (or merge it into your conftest.py).
The first test that asks for `dynamodb` (or `ddbd_endpoint`) starts one ddbd
for the whole session; it is stopped, by its PID, when the session ends.

- The binary is $DDBD_BIN, else `ddbd` on PATH.
- It runs with --in-memory (a throwaway store, gone when the process ends,
  even after kill -9) on 127.0.0.1 and a port the kernel picks (--port 0);
  the port is read from ddbd's startup line ("... listening on HOST:PORT ..."),
  and the server is ready once GET / answers 200.
- For the session, the environment points the AWS SDKs at it:
  AWS_ENDPOINT_URL_DYNAMODB (and _DYNAMODB_STREAMS), test credentials and
  region us-east-1; AWS_PROFILE and AWS_SESSION_TOKEN are removed, so a test
  can never reach a real AWS account. boto3 >= 1.28 reads
  AWS_ENDPOINT_URL_DYNAMODB; older ones ignore it, so the `dynamodb` fixture
  also passes endpoint_url= explicitly and works with any boto3.
- Tables outlive a test (one store per session): give each test its own
  table, as `table_name` helps to.

Thread-safety: fixtures run on pytest's main thread; the server serves any
number of concurrent clients.
"""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
import uuid
import warnings

import boto3
import pytest

STARTUP_SECONDS = 10
STARTUP_LINE = re.compile(r"listening on \[?([^\s\]]*)\]?:(\d+)")


def find_ddbd():
    path = os.environ.get("DDBD_BIN") or shutil.which("ddbd")
    if not path or not os.access(path, os.X_OK):
        pytest.fail("ddbd not found: set DDBD_BIN to its path or put it on PATH "
                    f"(DDBD_BIN={os.environ.get('DDBD_BIN')!r})", pytrace=False)
    return path


def start_ddbd(binary, args=()):
    """Starts ddbd and returns (process, endpoint URL) once it answers GET /.
    Its stdout goes to a file, not a pipe, so nothing can block it later."""
    out = tempfile.NamedTemporaryFile(prefix="ddbd-stdout-", delete=False)
    cmd = [binary, "--in-memory", "--host", "127.0.0.1", "--port", "0", "--log-level", "warn", *args]
    proc = subprocess.Popen(cmd, stdout=out, stdin=subprocess.DEVNULL)
    out.close()
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        port = None
        while port is None:
            with open(out.name, encoding="utf-8", errors="replace") as f:
                printed = f.read()
            m = STARTUP_LINE.search(printed)
            if m and printed.find("\n", m.end()) >= 0:
                port = int(m.group(2))
            elif proc.poll() is not None:
                raise RuntimeError(f"ddbd exited with status {proc.returncode} before listening: {' '.join(cmd)}")
            elif time.monotonic() > deadline:
                raise RuntimeError(f"ddbd printed no startup line within {STARTUP_SECONDS} s")
            else:
                time.sleep(0.02)
        endpoint = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(endpoint + "/", timeout=STARTUP_SECONDS) as answer:
            if answer.status != 200:
                raise RuntimeError(f"GET / answered {answer.status}")
        return proc, endpoint
    except BaseException:
        stop_ddbd(proc)
        raise
    finally:
        os.unlink(out.name)


def stop_ddbd(proc):
    """SIGTERM to ddbd's PID (it finishes requests in flight and exits 0); SIGKILL after 10 s."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc.returncode


@pytest.fixture(scope="session")
def ddbd_endpoint():
    """The endpoint URL of the session's ddbd; the AWS_* environment points at it."""
    proc, endpoint = start_ddbd(find_ddbd())
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
        env.setenv("AWS_ENDPOINT_URL_DYNAMODB_STREAMS", endpoint)
        env.setenv("AWS_ACCESS_KEY_ID", "test")
        env.setenv("AWS_SECRET_ACCESS_KEY", "test")
        env.setenv("AWS_DEFAULT_REGION", "us-east-1")
        env.setenv("AWS_REGION", "us-east-1")
        env.delenv("AWS_PROFILE", raising=False)
        env.delenv("AWS_SESSION_TOKEN", raising=False)
        try:
            yield endpoint
        finally:
            crashed = proc.poll() is not None
            status = stop_ddbd(proc)
            if crashed or status != 0:
                warnings.warn(f"ddbd exited with status {status}" + (" during the tests" if crashed else ""))


@pytest.fixture(scope="session")
def dynamodb(ddbd_endpoint):
    """A boto3 DynamoDB client for the session's ddbd."""
    return boto3.client("dynamodb", endpoint_url=ddbd_endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


@pytest.fixture
def table_name(request):
    """A table name of this test's own: its name plus a random suffix."""
    base = re.sub(r"[^A-Za-z0-9_.-]", "_", request.node.name)[:200]
    return f"{base}-{uuid.uuid4().hex[:8]}"
