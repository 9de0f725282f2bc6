"""The command line as a new user meets it (issue 16, parts 2 and 5):
DynamoDB Local's whole command line (Java options included), its -dbPath and
-inMemory rules, -help beside ddbd's flags, the environment defaults, the
startup line, one line and exit 2 for a wrong flag, and --health-check."""

import os
import select
import signal
import socket
import subprocess
import time

import pytest

from conftest import DDBD_BIN, LISTENING_LINE, make_client

pytestmark = pytest.mark.skipif(not os.path.exists(DDBD_BIN), reason=f"ddbd binary not found at {DDBD_BIN}")

DYNAMODB_LOCAL = ["-Djava.library.path=./DynamoDBLocal_lib", "-jar", "DynamoDBLocal.jar"]


def env_without_ddbd(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DDBD_")}
    env.update(extra)
    return env


def run(args, **kw):
    kw.setdefault("env", env_without_ddbd())
    return subprocess.run([DDBD_BIN, *args], capture_output=True, text=True, timeout=20, **kw)


class Started:
    """ddbd started with exactly `args` (no flags added), stopped by SIGTERM."""

    def __init__(self, args, cwd=None, env=None):
        self.proc = subprocess.Popen([DDBD_BIN, *args], cwd=cwd, env=env or env_without_ddbd(),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        fd, buf, deadline = self.proc.stdout.fileno(), b"", time.monotonic() + 10
        while b"\n" not in buf:
            r, _, _ = select.select([fd], [], [], max(0, deadline - time.monotonic()))
            chunk = os.read(fd, 4096) if r else b""
            if not chunk:
                self.proc.kill()
                raise AssertionError(f"no listening line; stderr: {self.proc.stderr.read().decode()}")
            buf += chunk
        self.line = buf.split(b"\n", 1)[0].decode()
        m = LISTENING_LINE.match(self.line)
        assert m, self.line
        self.port = int(m.group("port"))
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=15)
        err = self.proc.stderr.read().decode()
        self.proc.stdout.close()
        self.proc.stderr.close()
        return rc, err


@pytest.fixture
def started():
    servers = []

    def start(args, **kw):
        s = Started(args, **kw)
        servers.append(s)
        return s
    yield start
    for s in servers:
        if s.proc.poll() is None:
            s.stop()


def test_dynamodb_local_command_line_is_accepted_whole(started, tmp_path):
    """The Developer Guide's command line, with the Java options and a JVM
    flag, starts and serves; the Java parts are named in one info line."""
    s = started([*DYNAMODB_LOCAL[:1], "-Xmx256m", *DYNAMODB_LOCAL[1:], "-sharedDb", "-inMemory", "-port", "0",
                 "-disableTelemetry"], cwd=tmp_path)
    assert LISTENING_LINE.match(s.line).group("data") == "memory"
    a = make_client(s.url, akid="AKIDONE", region="us-east-1")
    b = make_client(s.url, akid="AKIDTWO", region="eu-west-1")
    a.create_table(TableName="dl_shared", AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                   KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    assert "dl_shared" in b.list_tables()["TableNames"], "-sharedDb"
    rc, err = s.stop()
    assert rc == 0
    lines = [line for line in err.splitlines() if "ignored Java options" in line]
    assert len(lines) == 1, err
    assert lines[0].endswith("-Djava.library.path=./DynamoDBLocal_lib -Xmx256m -jar DynamoDBLocal.jar"), lines[0]
    assert os.listdir(tmp_path) == [], "-inMemory writes nothing to the working directory"


def test_db_path_is_relative_to_the_working_directory(started, tmp_path):
    """-dbPath ./data is the working directory's data/ (created when
    missing: DynamoDB Local refuses a missing one); it survives a restart;
    the startup line names version and place."""
    args = [*DYNAMODB_LOCAL, "-sharedDb", "-dbPath", "./data", "-port", "0"]
    s = started(args, cwd=tmp_path)
    m = LISTENING_LINE.match(s.line)
    version = run(["--version"]).stdout.split()[1]
    assert m.group("version") == version and m.group("data") == "./data", s.line
    c = make_client(s.url)
    c.create_table(TableName="kept", AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                   KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    c.put_item(TableName="kept", Item={"pk": {"S": "a"}})
    assert s.stop()[0] == 0
    assert os.path.exists(tmp_path / "data" / "data.mdb")
    s = started(args, cwd=tmp_path)
    assert "Item" in make_client(s.url).get_item(TableName="kept", Key={"pk": {"S": "a"}})


@pytest.mark.parametrize("args,message", [
    (["--bogus"], "ddbd: unknown option: --bogus (see ddbd --help)"),
    (["-port", "eighty"], "ddbd: invalid port: eighty (see ddbd --help)"),
    (["--port"], "ddbd: missing value for --port (see ddbd --help)"),
    (["--log-level", "loud"], "ddbd: invalid --log-level: loud (see ddbd --help)"),
    ([*DYNAMODB_LOCAL, "-dbPath", "d", "-inMemory"], "ddbd: -dbPath and -inMemory cannot be used together (see ddbd --help)"),
    (["-optimizeDbBeforeStartup", "-sharedDb"], "ddbd: -optimizeDbBeforeStartup needs -dbPath (see ddbd --help)"),
    (["-jar"], "ddbd: missing value for -jar (see ddbd --help)"),
    (["--health-check", "https://x/"],
     "ddbd: invalid --health-check URL (expected http://host[:port][/path]): https://x/ (see ddbd --help)"),
])
def test_a_wrong_command_line_is_one_line_and_exit_2(args, message, tmp_path):
    p = run(args, cwd=tmp_path)
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert p.stderr == message + "\n"
    assert p.stdout == ""
    assert os.listdir(tmp_path) == [], "nothing created"


def test_a_bad_environment_value_is_exit_2():
    p = run([], env=env_without_ddbd(DDBD_PORT="80x"))
    assert p.returncode == 2 and p.stderr == "ddbd: invalid DDBD_PORT: 80x (see ddbd --help)\n", p.stderr


def test_help_lists_dynamodb_local_options_beside_ours():
    for flag in ("--help", "-help"):
        p = run([flag])
        assert p.returncode == 0, p.stderr
        ours, _, local = p.stdout.partition("DynamoDB Local options")
        assert "--data-dir" in ours and "--health-check" in ours
        for name in ("-port", "-dbPath", "-inMemory", "-sharedDb", "-cors", "-delayTransientStatuses",
                     "-optimizeDbBeforeStartup", "-disableTelemetry", "-help", "-jar", "shared-local-instance.db",
                     "DDBD_DATA_DIR"):
            assert name in local, name


def test_version():
    for flag in ("--version", "-version"):
        p = run([flag])
        assert p.returncode == 0 and p.stdout.startswith("ddbd ") and "(git " in p.stdout, p


def test_environment_gives_defaults_that_flags_override(started, tmp_path):
    env = env_without_ddbd(DDBD_HOST="127.0.0.1", DDBD_PORT="0", DDBD_DATA_DIR=str(tmp_path / "envdata"))
    s = started([], env=env)
    assert LISTENING_LINE.match(s.line).group("data") == str(tmp_path / "envdata")
    assert s.stop()[0] == 0
    assert os.path.exists(tmp_path / "envdata" / "data.mdb")
    s = started(["-dbPath", str(tmp_path / "flagdata")], env=env)
    assert LISTENING_LINE.match(s.line).group("data") == str(tmp_path / "flagdata")
    # The environment's directory is no -dbPath: -inMemory goes with it.
    s2 = started(["-inMemory"], env=env)
    assert LISTENING_LINE.match(s2.line).group("data") == "memory"


def test_health_check(started):
    s = started(["--in-memory", "--port", "0", "--host", "127.0.0.1"])
    p = run(["--health-check", s.url + "/"])
    assert p.returncode == 0 and p.stderr == "" and p.stdout == "", p
    # The default URL is 127.0.0.1 on --port (or DDBD_PORT).
    assert run(["--health-check", "--port", str(s.port)]).returncode == 0
    assert run(["--health-check"], env=env_without_ddbd(DDBD_PORT=str(s.port))).returncode == 0
    # Not a 200: unhealthy, one line.
    p = run(["--health-check", s.url + "/no/such/path"])
    assert p.returncode == 1 and p.stderr.startswith("ddbd: health check failed: ") and p.stderr.count("\n") == 1, p
    assert " answered HTTP " in p.stderr
    s.stop()
    p = run(["--health-check", s.url + "/"])
    assert p.returncode == 1 and p.stderr.startswith("ddbd: health check failed: "), p
    assert p.stderr.count("\n") == 1


def test_health_check_gives_up_on_a_server_that_never_answers():
    """A listener that accepts and says nothing: unhealthy after the 2 s
    deadline, not a hang."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        port = listener.getsockname()[1]
        p = run(["--health-check", f"http://127.0.0.1:{port}/"])
    assert p.returncode == 1, p
    assert "no answer from" in p.stderr and "within 2000 ms" in p.stderr, p.stderr
