"""The container image, proven without Docker (issue 16).

There is no Docker engine here, so the image's root filesystem is built the
way the Dockerfile builds it (docker/image-rootfs.sh, what `make image-rootfs`
runs) from the tested binary, and ddbd runs from it in an empty root: chroot
into that tree, working directory, user and environment as the Dockerfile's
runtime stage sets them (this file reads ENV, USER, WORKDIR, ENTRYPOINT, CMD
and HEALTHCHECK from the Dockerfile, so the two cannot drift apart).  The
root holds nothing but what the image holds: no shell, no /proc.

Checked: it serves boto3, its HEALTHCHECK exits 0 (and 1 when nothing
listens), it runs as uid 65532, data in /data survives a restart, DynamoDB
Local's documented command lines work through the entrypoint, and the
examples' compose service and GitHub Actions service run as written.

Each server binds 127.0.0.1 on a free port: DDBD_HOST and DDBD_PORT in its
environment, as `docker run -e` would set them, override the image's
0.0.0.0:8000.

Needs root (chroot, setuid); skipped in the ASan pass (DDBD_E2E_NO_CLI=1):
the image ships the release binary.
"""

import json
import os
import select
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest
import yaml

from conftest import AWS_CLI, DDBD_BIN, LISTENING_LINE, REPO, make_client

DOCKERFILE = os.path.join(REPO, "Dockerfile")
ROOTFS_SCRIPT = os.path.join(REPO, "docker", "image-rootfs.sh")
COMPOSE_EXAMPLE = os.path.join(REPO, "examples", "compose", "compose.yaml")
GITHUB_ACTIONS_EXAMPLE = os.path.join(REPO, "examples", "github-actions", "dynamodb-service.yml")
REPO_COMPOSE = os.path.join(REPO, "docker", "compose.yaml")

# What the Docker engine puts in every container's environment.
DOCKER_ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME": "ddbd-test"}

pytestmark = [
    pytest.mark.skipif(os.environ.get("DDBD_E2E_NO_CLI") == "1",
                       reason="the ASan pass: the image ships the release binary, tested in the release pass"),
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root: chroot into the image's root filesystem as uid 65532"),
]


# ---- the Dockerfile's runtime stage ------------------------------------------

def dockerfile_instructions(path):
    """(INSTRUCTION, arguments) pairs of a Dockerfile: comments dropped,
    continuation lines joined."""
    out, current = [], ""
    with open(path) as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not current and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if line.endswith("\\"):
                current += line[:-1] + " "
                continue
            current += line
            word, _, rest = current.strip().partition(" ")
            out.append((word.upper(), rest.strip()))
            current = ""
    return out


def exec_form(text):
    """The JSON array of an exec-form ENTRYPOINT, CMD or HEALTHCHECK CMD;
    the shell form cannot run in an image without a shell."""
    value = json.loads(text)
    assert isinstance(value, list) and all(isinstance(a, str) for a in value), text
    return value


class RuntimeStage:
    """What the Dockerfile's last stage sets, as the engine applies it."""

    def __init__(self, path):
        instructions = dockerfile_instructions(path)
        froms = [i for i, (word, _) in enumerate(instructions) if word == "FROM"]
        assert len(froms) >= 2, "a build stage and a runtime stage"
        build_stage = instructions[froms[-2]:froms[-1]]
        stage = instructions[froms[-1]:]
        self.base = stage[0][1]
        self.copies = [rest for word, rest in stage if word == "COPY"]
        self.build_runs = [rest for word, rest in build_stage if word == "RUN"]
        self.env, self.user, self.workdir = {}, None, "/"
        self.entrypoint, self.cmd, self.healthcheck, self.volumes, self.exposed = [], [], None, [], []
        for word, rest in stage[1:]:
            if word == "ENV":
                for pair in shlex.split(rest):
                    k, _, v = pair.partition("=")
                    self.env[k] = v
            elif word == "USER":
                self.user = rest
            elif word == "WORKDIR":
                self.workdir = os.path.join(self.workdir, rest)
            elif word == "ENTRYPOINT":
                self.entrypoint = exec_form(rest)
            elif word == "CMD":
                self.cmd = exec_form(rest)
            elif word == "HEALTHCHECK":
                options, _, command = rest.partition("CMD ")
                self.healthcheck = exec_form(command)
            elif word == "VOLUME":
                self.volumes += json.loads(rest) if rest.startswith("[") else rest.split()
            elif word == "EXPOSE":
                self.exposed += rest.split()

    def uid_gid(self):
        uid, _, gid = self.user.partition(":")
        return int(uid), int(gid or uid)


STAGE = RuntimeStage(DOCKERFILE)


def test_dockerfile_runtime_stage_is_the_rootfs():
    """The runtime stage is the tree make image-rootfs writes and nothing
    else: FROM scratch, one COPY of build/image-rootfs, made by the build
    stage's `make image-rootfs`."""
    assert STAGE.base == "scratch"
    assert len(STAGE.copies) == 1, STAGE.copies
    parts = STAGE.copies[0].split()
    assert parts[0].startswith("--from=") and parts[-1] == "/", parts
    assert parts[-2].rstrip("/").endswith("/build/image-rootfs"), parts
    assert any("make image-rootfs" in run for run in STAGE.build_runs), STAGE.build_runs
    with open(os.path.join(REPO, "Makefile")) as f:
        makefile = f.read()
    assert "docker/image-rootfs.sh build/ddbd build/image-rootfs" in makefile
    assert STAGE.uid_gid() == (65532, 65532)
    assert STAGE.volumes == ["/data"] and STAGE.exposed == ["8000"]
    assert STAGE.entrypoint == ["/usr/local/bin/ddbd"]
    assert STAGE.healthcheck[:2] == ["/usr/local/bin/ddbd", "--health-check"]


# ---- the root filesystem -------------------------------------------------------

@pytest.fixture(scope="module")
def rootfs():
    if not os.path.exists(DDBD_BIN):
        pytest.skip(f"ddbd binary not found at {DDBD_BIN}")
    top = tempfile.mkdtemp(prefix="ddbd-image-")
    root = os.path.join(top, "rootfs")
    p = subprocess.run(["bash", ROOTFS_SCRIPT, DDBD_BIN, root], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    print("\n" + p.stdout.strip())
    try:  # root without CAP_SYS_CHROOT (some CI containers) cannot run this file
        subprocess.run(["/usr/local/bin/ddbd", "--version"], preexec_fn=lambda: os.chroot(root),
                       capture_output=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError) as e:
        shutil.rmtree(top, ignore_errors=True)
        pytest.skip(f"cannot run a program in a chroot here: {e}")
    yield root
    shutil.rmtree(top, ignore_errors=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Container:
    """ddbd started from `root` as the runtime stage (and a compose service's
    overrides) say: argv = ENTRYPOINT + (command or CMD), chroot, WORKDIR,
    USER, ENV."""

    def __init__(self, root, command=None, environment=None, working_dir=None):
        self.root = root
        self.argv = STAGE.entrypoint + (STAGE.cmd if command is None else list(command))
        self.workdir = working_dir or STAGE.workdir
        self.uid, self.gid = STAGE.uid_gid()
        self.port = None
        self.env = {**DOCKER_ENV, "HOME": pwd_home(root, self.uid), **STAGE.env, **(environment or {})}
        self.proc = None
        self.line = None
        self.stderr_path = None
        self.last_stderr = ""

    def _enter(self):
        os.chroot(self.root)
        os.chdir(self.workdir)
        os.setgroups([])
        os.setgid(self.gid)
        os.setuid(self.uid)

    def run(self, argv, timeout=10):
        """A command run in the container (docker exec), e.g. the health check."""
        return subprocess.run(argv, env=self.env, preexec_fn=self._enter, capture_output=True, text=True,
                              timeout=timeout)

    def start(self, port=None):
        for attempt in range(3):
            self.port = port or free_port()
            self.env.update({"DDBD_HOST": "127.0.0.1", "DDBD_PORT": str(self.port)})
            fd, self.stderr_path = tempfile.mkstemp(prefix="ddbd-image-stderr-")
            self.proc = subprocess.Popen(self.argv, env=self.env, preexec_fn=self._enter, stdout=subprocess.PIPE,
                                         stderr=fd, stdin=subprocess.DEVNULL)
            os.close(fd)
            self.line = self._first_line(10)
            if self.line is not None:
                return self
            rc = self.proc.wait(timeout=5)
            if rc != 3 or port:  # 3: the port was taken meanwhile; pick another
                break
        raise AssertionError(f"{self.argv} did not start (rc={self.proc.returncode}): {self.stderr()}")

    def _first_line(self, timeout):
        fd = self.proc.stdout.fileno()
        buf, deadline = b"", time.monotonic() + timeout
        while b"\n" not in buf:
            r, _, _ = select.select([fd], [], [], max(0, deadline - time.monotonic()))
            if not r:
                raise AssertionError(f"no listening line within {timeout}s: {self.stderr()}")
            chunk = os.read(fd, 4096)
            if not chunk:
                return None
            buf += chunk
        return buf.split(b"\n", 1)[0].decode()

    def stderr(self):
        with open(self.stderr_path, errors="replace") as f:
            return f.read()

    def uids(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("Uid:"):
                    return {int(x) for x in line.split()[1:]}
        return set()

    def health(self, command=None):
        return self.run(command or STAGE.healthcheck)

    def client(self):
        return make_client(f"http://127.0.0.1:{self.port}")

    def stop(self):
        """SIGTERM (docker stop); the exit status.  stderr stays readable in
        `last_stderr`."""
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=15)
        self.proc.stdout.close()
        self.last_stderr = self.stderr()
        os.unlink(self.stderr_path)
        return rc


def pwd_home(root, uid):
    """HOME as Docker sets it: the user's home from the image's /etc/passwd."""
    with open(os.path.join(root, "etc", "passwd")) as f:
        for line in f:
            fields = line.strip().split(":")
            if len(fields) >= 6 and fields[2] == str(uid):
                return fields[5]
    return "/"


def write_and_read(client, table):
    client.create_table(TableName=table, AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    client.put_item(TableName=table, Item={"pk": {"S": "k"}, "v": {"N": "1"}})
    return client.get_item(TableName=table, Key={"pk": {"S": "k"}})["Item"]


def owners(path):
    """uid of every file under path (path included)."""
    found = {os.stat(path).st_uid}
    for top, dirs, files in os.walk(path):
        found |= {os.stat(os.path.join(top, n)).st_uid for n in dirs + files}
    return found


def test_rootfs_holds_only_the_image(rootfs):
    files = sorted(os.path.relpath(os.path.join(t, n), rootfs) for t, _, ns in os.walk(rootfs) for n in ns)
    assert "usr/local/bin/ddbd" in files
    assert not any(f.startswith(("bin/", "usr/bin/", "sbin/")) for f in files), "no shell, no tools"
    size = sum(os.lstat(os.path.join(rootfs, f)).st_size for f in files)
    assert size <= 15 * 1000 * 1000, f"{size} bytes"
    assert os.stat(os.path.join(rootfs, "data")).st_uid == 65532
    assert os.stat(os.path.join(rootfs, "tmp")).st_mode & 0o7777 == 0o1777


def test_default_command_serves_and_keeps_data_in_the_volume(rootfs):
    """`docker run ddbd`: no arguments, data in /data, uid 65532, a health
    check that passes while it serves and fails once it is gone, data that
    survives a restart."""
    c = Container(rootfs).start()
    try:
        m = LISTENING_LINE.match(c.line)
        assert m and m.group("data") == "/data", c.line
        assert c.uids() == {65532}
        assert write_and_read(c.client(), "image_default")["v"] == {"N": "1"}
        h = c.health()
        assert h.returncode == 0, h.stderr
    finally:
        assert c.stop() == 0
    assert owners(os.path.join(rootfs, "data")) == {65532}
    assert os.path.exists(os.path.join(rootfs, "data", "data.mdb"))
    h = c.health()
    assert h.returncode == 1 and "health check failed" in h.stderr, (h.returncode, h.stderr)
    c = Container(rootfs).start(port=c.port)
    try:
        item = c.client().get_item(TableName="image_default", Key={"pk": {"S": "k"}})["Item"]
        assert item["v"] == {"N": "1"}
    finally:
        assert c.stop() == 0


@pytest.mark.parametrize("command,data", [
    (["-jar", "DynamoDBLocal.jar", "-sharedDb", "-inMemory"], "memory"),
    (["-Xmx256m", "-jar", "DynamoDBLocal.jar", "-inMemory", "-sharedDb", "-disableTelemetry"], "memory"),
    (["-Djava.library.path=./DynamoDBLocal_lib", "-jar", "DynamoDBLocal.jar", "-sharedDb", "-dbPath", "./data"],
     "./data"),
])
def test_dynamodb_local_command_lines(rootfs, command, data):
    """The Developer Guide's command lines through the entrypoint: the Java
    parts are named in one info line and ignored; -dbPath ./data is the
    working directory's data/, as in DynamoDB Local's image."""
    c = Container(rootfs, command=command).start()
    try:
        assert LISTENING_LINE.match(c.line).group("data") == data, c.line
        assert write_and_read(c.client(), "image_dl")["v"] == {"N": "1"}
        # -sharedDb: another access key and region see the same table.
        other = make_client(f"http://127.0.0.1:{c.port}", akid="OTHERKEY", region="eu-west-1")
        assert "image_dl" in other.list_tables()["TableNames"]
        assert c.health().returncode == 0
    finally:
        assert c.stop() == 0
    ignored = [line for line in c.last_stderr.splitlines() if "ignored Java options" in line]
    assert len(ignored) == 1 and "-jar DynamoDBLocal.jar" in ignored[0], ignored
    if data == "./data":
        assert os.path.exists(os.path.join(rootfs, "home", "dynamodblocal", "data", "data.mdb"))


def compose_service(path, image_part):
    doc = yaml.safe_load(open(path))
    services = doc["services"]
    names = [n for n, s in services.items() if image_part in str(s.get("image", ""))]
    assert len(names) == 1, (path, list(services))
    return doc, names[0], services[names[0]]


def compose_command(service):
    command = service.get("command")
    if command is None:
        return None
    return shlex.split(command) if isinstance(command, str) else list(command)


def healthcheck_command(test):
    """A compose healthcheck `test` that needs no shell: ["CMD", argv...]."""
    assert isinstance(test, list) and test[0] == "CMD", f"needs a shell, which the image lacks: {test}"
    return test[1:]


@pytest.mark.parametrize("path", [COMPOSE_EXAMPLE, REPO_COMPOSE])
def test_compose_service_runs_as_written(rootfs, path):
    """The compose files' ddbd service: its command, working_dir and
    environment, and its healthcheck test, run as compose would run them.
    examples/compose's app service (the AWS CLI) talks to it too."""
    doc, name, service = compose_service(path, "ddbd")
    env = service.get("environment") or {}
    c = Container(rootfs, command=compose_command(service), environment=dict(env),
                  working_dir=service.get("working_dir")).start()
    try:
        assert write_and_read(c.client(), "image_compose")["v"] == {"N": "1"}
        h = c.health(healthcheck_command(service["healthcheck"]["test"]))
        assert h.returncode == 0, h.stderr
        for other_name, other in doc["services"].items():
            if other_name == name or "aws-cli" not in str(other.get("image")) or AWS_CLI is None:
                continue
            assert other["depends_on"][name]["condition"] == "service_healthy"
            args = [a.replace(f"http://{name}:8000", f"http://127.0.0.1:{c.port}") for a in compose_command(other)]
            p = subprocess.run([AWS_CLI, *args, "--output", "json"], capture_output=True, text=True, timeout=60,
                               env={**os.environ, **other["environment"], "AWS_CONFIG_FILE": os.devnull,
                                    "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_PAGER": ""})
            assert p.returncode == 0, p.stderr
            assert "AccountMaxReadCapacityUnits" in json.loads(p.stdout)
    finally:
        assert c.stop() == 0
    if "-dbPath" in (compose_command(service) or []):
        workdir = service.get("working_dir", STAGE.workdir)
        db_path = compose_command(service)[compose_command(service).index("-dbPath") + 1]
        data = os.path.normpath(os.path.join(rootfs, workdir.lstrip("/"), db_path))
        assert owners(data) == {65532} and os.path.exists(os.path.join(data, "data.mdb")), data
        # The service's volume is mounted where -dbPath writes.
        assert [v.split(":")[1] for v in service["volumes"]] == ["/" + os.path.relpath(data, rootfs)]


def test_github_actions_service_runs_as_written(rootfs):
    """The workflow's service container: no command (services take none),
    the image's own HEALTHCHECK (no --health-cmd, which needs /bin/sh), and
    the steps' AWS CLI command against it."""
    doc = yaml.safe_load(open(GITHUB_ACTIONS_EXAMPLE))
    jobs = list(doc["jobs"].values())
    assert len(jobs) == 1
    job = jobs[0]
    (name, service), = job["services"].items()
    assert "ddbd" in service["image"]
    assert "command" not in service and "entrypoint" not in service
    options = service.get("options", "")
    assert "--health-cmd" not in options and "--entrypoint" not in options, options
    assert service["ports"] == ["8000:8000"]
    c = Container(rootfs, environment=service.get("env")).start()
    try:
        assert c.health().returncode == 0
        # The steps' credentials and region: without -sharedDb each access key
        # and region has its own tables, as in DynamoDB Local.
        client = make_client(f"http://127.0.0.1:{c.port}", akid=job["env"]["AWS_ACCESS_KEY_ID"],
                             region=job["env"]["AWS_DEFAULT_REGION"])
        assert write_and_read(client, "image_gha")["v"] == {"N": "1"}
        runs = [s["run"] for s in job["steps"] if "run" in s and s["run"].startswith("aws ")]
        assert runs, "a step that uses the service"
        if AWS_CLI is not None:
            for run in runs:
                args = shlex.split(run.replace("localhost:8000", f"127.0.0.1:{c.port}"))[1:]
                p = subprocess.run([AWS_CLI, *args, "--output", "json"], capture_output=True, text=True, timeout=60,
                                   env={**os.environ, **job["env"], "AWS_CONFIG_FILE": os.devnull,
                                        "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_PAGER": ""})
                assert p.returncode == 0, p.stderr
                assert "image_gha" in json.loads(p.stdout)["TableNames"]
    finally:
        assert c.stop() == 0
