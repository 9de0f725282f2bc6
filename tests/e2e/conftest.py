"""End-to-end test helpers for ddbd.

Run with:  /usr/bin/python3 -m pytest tests/e2e
The binary defaults to <repo>/build/ddbd; override with DDBD_BIN.
"""

import atexit
import contextlib
import datetime
import http.client
import itertools
import json
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.parse
import uuid

import boto3
import botocore
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials


def find_aws_cli():
    """The AWS CLI's executable, or None (also when DDBD_E2E_NO_CLI=1: the
    ASan pass of `make test` skips the CLI tests, whose time goes to starting
    the CLI's Python, not to the server).  A pyenv shim is resolved to the
    interpreter's own `aws` once: the shim's bash and `pyenv exec` cost about
    1.4 s per call, which the CLI tests pay hundreds of times."""
    if os.environ.get("DDBD_E2E_NO_CLI") == "1":
        return None
    path = shutil.which("aws")
    if path and "/.pyenv/shims/" in path:
        try:
            real = subprocess.run(["pyenv", "which", "aws"], capture_output=True, text=True, timeout=60).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            real = ""
        if real and os.access(real, os.X_OK):
            return real
    return path


AWS_CLI = find_aws_cli()

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DDBD_BIN = os.environ.get("DDBD_BIN", os.path.join(REPO, "build", "ddbd"))

DEFAULT_AKID = "AKIDTEST"
DEFAULT_SECRET = "secret"
REGION = "us-east-1"
TARGET_PREFIX = "DynamoDB_20120810."


# ddbd's first line on stdout: "ddbd 0.14.0 listening on 127.0.0.1:8000, data in ./data".
LISTENING_LINE = re.compile(r"ddbd (?P<version>\S+) listening on (?P<host>\S+):(?P<port>\d+), data in (?P<data>.+)$")


# Each server's stderr goes to a temporary file that tests may read after the
# server stopped; they are removed when the test process exits.
_STDERR_FILES = []


@atexit.register
def _remove_stderr_files():
    for path in _STDERR_FILES:
        try:
            os.unlink(path)
        except OSError:
            pass


class DdbdServer:
    """One ddbd process bound to 127.0.0.1 on a kernel-chosen port."""

    def __init__(self, binary=DDBD_BIN):
        self.binary = binary
        self.proc = None
        self.port = None
        self.url = None
        self.args = []
        self.data_dir = None
        self.startup_seconds = None
        self._stderr_path = None

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def start(self, args=(), data_dir=None, timeout=10.0):
        """Spawn ddbd. data_dir=None means the caller passes --in-memory or
        its own --data-dir inside args."""
        if not os.path.exists(self.binary):
            pytest.skip(f"ddbd binary not found at {self.binary}")
        self.args = list(args)
        self.data_dir = data_dir
        cmd = [self.binary, "--port", "0", "--host", "127.0.0.1", "--log-level", "warn"]
        if data_dir is not None:
            cmd += ["--data-dir", str(data_dir)]
        cmd += self.args
        fd, self._stderr_path = tempfile.mkstemp(prefix="ddbd-stderr-", suffix=".log")
        os.close(fd)
        _STDERR_FILES.append(self._stderr_path)
        stderr_f = open(self._stderr_path, "wb")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=stderr_f,
                                     stdin=subprocess.DEVNULL)
        stderr_f.close()
        line = self._read_line(timeout)
        m = LISTENING_LINE.match(line)
        if not m:
            self.stop()
            raise RuntimeError(f"unexpected first line from ddbd: {line!r}; stderr: {self.stderr()}")
        self.port = int(m.group("port"))
        self.url = f"http://127.0.0.1:{self.port}"
        self.startup_seconds = time.monotonic() - t0
        return self

    def _read_line(self, timeout):
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        buf = b""
        while b"\n" not in buf:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill9()
                raise RuntimeError(f"ddbd did not print its listening line within {timeout}s; "
                                   f"got {buf!r}; stderr: {self.stderr()}")
            r, _, _ = select.select([fd], [], [], remaining)
            if not r:
                continue
            chunk = os.read(fd, 4096)
            if not chunk:
                rc = self.proc.wait(timeout=5)
                raise RuntimeError(f"ddbd exited (rc={rc}) before listening; got {buf!r}; "
                                   f"stderr: {self.stderr()}")
            buf += chunk
        return buf.split(b"\n", 1)[0].decode("utf-8", "replace")

    def stderr(self):
        try:
            with open(self._stderr_path, "rb") as f:
                return f.read()[-4000:].decode("utf-8", "replace")
        except (OSError, TypeError):
            return ""

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=10.0):
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        rc = self.proc.returncode
        self._close()
        return rc

    def kill9(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
        self._close()

    def _close(self):
        if self.proc is not None and self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None

    def restart(self, kill=False):
        if kill:
            self.kill9()
        else:
            self.stop()
        return self.start(self.args, self.data_dir)

    # ---- convenience ----
    def client(self, akid=DEFAULT_AKID, secret=DEFAULT_SECRET, region=REGION):
        return make_client(self.url, akid, secret, region)

    def resource(self, akid=DEFAULT_AKID, secret=DEFAULT_SECRET, region=REGION):
        return boto3.resource(
            "dynamodb", endpoint_url=self.url, region_name=region,
            aws_access_key_id=akid, aws_secret_access_key=secret,
            config=Config(retries={"max_attempts": 1}))


def make_client(url, akid=DEFAULT_AKID, secret=DEFAULT_SECRET, region=REGION):
    return boto3.client(
        "dynamodb", endpoint_url=url, region_name=region,
        aws_access_key_id=akid, aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30))


def sign_headers(url, target, body, headers=None, akid=DEFAULT_AKID, secret=DEFAULT_SECRET,
                 region=REGION, timestamp=None):
    """Return a header dict SigV4-signed for a POST of body to url.
    timestamp: optional 'YYYYMMDDTHHMMSSZ' string to sign at (for expiry tests)."""
    h = {"Content-Type": "application/x-amz-json-1.0"}
    if target is not None:
        h["X-Amz-Target"] = target
    if headers:
        h.update(headers)
    req = AWSRequest(method="POST", url=url + "/", data=body, headers=h)
    auth = SigV4Auth(Credentials(akid, secret), "dynamodb", region)
    if timestamp is not None:
        req.context["timestamp"] = timestamp
        _sign_at(auth, req, timestamp)
    else:
        auth.add_auth(req)
    return dict(req.headers.items())


def _sign_at(auth, req, timestamp):
    """SigV4Auth.add_auth always uses utcnow(); reproduce it at a fixed time."""
    fixed = datetime.datetime.strptime(timestamp, "%Y%m%dT%H%M%SZ")

    class _FixedDatetime(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return fixed

        @classmethod
        def now(cls, tz=None):
            return fixed.replace(tzinfo=tz) if tz else fixed

    orig = botocore.auth.datetime.datetime
    botocore.auth.datetime.datetime = _FixedDatetime
    try:
        auth.add_auth(req)
    finally:
        botocore.auth.datetime.datetime = orig


def raw_request(url, method="POST", path="/", body=b"", headers=None, timeout=30):
    """Send one raw request; return (status, headers dict lower-cased, body bytes)."""
    u = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        hdrs = {k.lower(): v for k, v in resp.getheaders()}
        return resp.status, hdrs, data
    finally:
        conn.close()


def parse_body(data):
    try:
        return json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return data.decode("utf-8", "replace")


def raw_post(url, target, body_bytes, headers=None, sign=True, akid=DEFAULT_AKID,
             secret=DEFAULT_SECRET, region=REGION, timestamp=None):
    """POST body_bytes with X-Amz-Target target (None: no target header).
    Returns (status, headers, parsed JSON or text)."""
    if isinstance(body_bytes, str):
        body_bytes = body_bytes.encode()
    elif isinstance(body_bytes, (dict, list)):
        body_bytes = json.dumps(body_bytes).encode()
    if sign:
        h = sign_headers(url, target, body_bytes, headers, akid, secret, region, timestamp)
    else:
        h = {"Content-Type": "application/x-amz-json-1.0"}
        if target is not None:
            h["X-Amz-Target"] = target
        if headers:
            h.update(headers)
    status, hdrs, data = raw_request(url, "POST", "/", body_bytes, h)
    return status, hdrs, parse_body(data)


def error_type(body):
    """The short error code from a JSON error body ('...#Code' -> 'Code')."""
    t = body.get("__type", "") if isinstance(body, dict) else ""
    return t.rsplit("#", 1)[-1]


def error_message(body):
    if not isinstance(body, dict):
        return ""
    return body.get("message", body.get("Message", ""))


def wait_healthy(url, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _, _ = raw_request(url, "GET", "/", timeout=1)
            if status == 200:
                return True
        except OSError:
            pass
        time.sleep(0.01)
    return False


# ------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("ddbd-data")
    srv = DdbdServer()
    srv.start([], data_dir)
    yield srv
    srv.stop()


@contextlib.contextmanager
def credentials_server(tmp_path_factory, name, keys):
    """A server started with --credentials holding `keys` ({access key id:
    secret}) and a fresh data directory; stopped on exit."""
    d = tmp_path_factory.mktemp(name)
    creds = d / "credentials"
    creds.write_text("".join(f"{akid} {secret}\n" for akid, secret in keys.items()))
    data = d / "data"
    data.mkdir()
    srv = DdbdServer()
    srv.start(["--credentials", str(creds)], data)
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def server_factory(tmp_path):
    """Start extra servers inside a test; all stopped at teardown."""
    started = []

    def _start(args=(), data_dir=None):
        srv = DdbdServer()
        if data_dir is None and "--in-memory" not in args:
            data_dir = tmp_path / f"data{len(started)}"
            data_dir.mkdir()
        srv.start(list(args), data_dir)
        started.append(srv)
        return srv

    yield _start
    for s in started:
        s.stop()


@pytest.fixture
def client(server):
    return server.client()


@pytest.fixture
def resource(server):
    return server.resource()


def loose_client(server, akid=DEFAULT_AKID, region=REGION):
    """A client that skips botocore's own parameter validation, so the server sees bad input."""
    return boto3.client(
        "dynamodb", endpoint_url=server.url, region_name=region,
        aws_access_key_id=akid, aws_secret_access_key=DEFAULT_SECRET,
        config=Config(retries={"max_attempts": 1}, parameter_validation=False))


@pytest.fixture
def loose(server):
    return loose_client(server)


_counter = itertools.count()


@pytest.fixture
def table_name():
    """Factory: table_name() -> a unique valid table name."""
    def _make(prefix="t"):
        return f"{prefix}-{os.getpid()}-{next(_counter)}-{uuid.uuid4().hex[:8]}"
    return _make


def create_simple_table(client, name, hash_key="pk", hash_type="S", range_key=None,
                        range_type="S", billing="PAY_PER_REQUEST"):
    attrs = [{"AttributeName": hash_key, "AttributeType": hash_type}]
    schema = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key:
        attrs.append({"AttributeName": range_key, "AttributeType": range_type})
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    kw = dict(TableName=name, AttributeDefinitions=attrs, KeySchema=schema)
    if billing == "PAY_PER_REQUEST":
        kw["BillingMode"] = "PAY_PER_REQUEST"
    else:
        kw["ProvisionedThroughput"] = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    return client.create_table(**kw)


def err(excinfo):
    """(code, message) from a pytest.raises(ClientError) excinfo."""
    e = excinfo.value
    return e.response["Error"]["Code"], e.response["Error"].get("Message", "")


def rejected(fn, code="ValidationException", **kw):
    """Calls fn(**kw), which must fail with `code` and HTTP 400; returns the message."""
    with pytest.raises(botocore.exceptions.ClientError) as e:
        fn(**kw)
    c, msg = err(e)
    assert c == code, (c, msg)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return msg


@contextlib.contextmanager
def temp_table(client, prefix, **kw):
    """A create_simple_table table named `prefix`-<random>, deleted on exit."""
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    create_simple_table(client, name, **kw)
    try:
        yield name
    finally:
        client.delete_table(TableName=name)


def key_schema(hash_key, range_key=None):
    """A KeySchema: `hash_key` HASH, then `range_key` RANGE when given."""
    schema = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return schema


def index(name, hash_key, range_key=None, projection="KEYS_ONLY", non_key=None):
    """One GlobalSecondaryIndexes / LocalSecondaryIndexes element."""
    p = {"ProjectionType": projection}
    if non_key is not None:
        p["NonKeyAttributes"] = non_key
    return {"IndexName": name, "KeySchema": key_schema(hash_key, range_key), "Projection": p}


def make_orders(client, resource, name, n=60):
    """Orders table: pk/sk with a sparse KEYS_ONLY GSI (status), an INCLUDE GSI
    (customer) and an LSI (amount); n items, the first 40 in partition u1."""
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": t} for a, t in
                              [("pk", "S"), ("sk", "S"), ("status", "S"), ("customer", "S"), ("amount", "N")]],
        KeySchema=key_schema("pk", "sk"),
        GlobalSecondaryIndexes=[index("byStatus", "status", "sk"),
                                index("byCustomer", "customer", projection="INCLUDE", non_key=["note"])],
        LocalSecondaryIndexes=[index("byAmount", "pk", "amount")],
        BillingMode="PAY_PER_REQUEST")
    t = resource.Table(name)
    with t.batch_writer() as b:
        for i in range(n):
            item = {"pk": "u1" if i < 40 else "u2", "sk": f"2026-01-{i:02d}", "amount": (i * 7) % 50,
                    "customer": f"c{i % 3}", "note": f"n{i}", "big": "x" * 100}
            if i % 4 == 0:
                item["status"] = "open"
            b.put_item(Item=item)
    return t
