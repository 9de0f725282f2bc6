"""README.md's examples, run verbatim, in order, against one fresh server.

Every fenced block of README.md tagged ```sh, ```bash, ```python or ```js is a
test item, in the order the README gives them: sh and bash blocks run with
`bash -e -o pipefail`, python blocks with /usr/bin/python3 and js blocks with
node (as an ES module, beside tests/e2e/js's node_modules), each in a process
of its own. Blocks without one of those tags (output, file trees, `make`
lines) are prose and not run.

One change is made to a block's text, and only one: the README's commands name
DynamoDB Local's usual endpoint, `localhost:8000` (or `127.0.0.1:8000`); the
test substitutes the port of its own server, a release binary started with
`--in-memory` on a free port, so that CI never depends on port 8000 being free.

The environment is what the README's "Using it" section tells a reader to
export (AWS_ACCESS_KEY_ID=test, AWS_SECRET_ACCESS_KEY=test,
AWS_DEFAULT_REGION=us-east-1), with the reader's own AWS configuration hidden
(AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE point at nothing, AWS_PROFILE
and session tokens are dropped) and AWS_ENDPOINT_URL set to a closed local
port, so a block that forgets its endpoint fails here instead of reaching AWS.
The AWS CLI on PATH is the one conftest.find_aws_cli resolves (a pyenv shim
costs ~1.4 s a call), and `ddbd` on PATH is the binary under test ($DDBD_BIN),
for blocks such as `ddbd --version`.

A block whose fence is preceded (blank lines aside) by the line
`<!-- readme-test: skip (REASON) -->` is not run: it is reported as skipped,
with its line and reason, in the output of every run. A failing block is named
by its line in README.md, and so is one that leaves a process running (each
block runs in a session of its own, killed afterwards); the blocks after it are
skipped, since each may build on the ones before. The module is skipped in the ASan pass (DDBD_E2E_NO_CLI=1),
whose CLI-free run would test nothing new, and when the AWS CLI is missing.
"""

import os
import re
import shutil
import signal
import subprocess
import sys

import pytest

from conftest import AWS_CLI, DDBD_BIN, REPO, DdbdServer

README = os.path.join(REPO, "README.md")
RUNNERS = {"sh": "bash", "bash": "bash", "python": "python", "js": "node"}
SKIP_MARK = re.compile(r"^<!--\s*readme-test:\s*skip\s*\((?P<reason>.+)\)\s*-->\s*$")
FENCE = re.compile(r"^```(?P<lang>[A-Za-z0-9_+-]*)\s*$")
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
JS_MODULES = os.path.join(REPO, "tests", "e2e", "js", "node_modules")

pytestmark = pytest.mark.skipif(
    AWS_CLI is None, reason="AWS CLI not installed, or DDBD_E2E_NO_CLI=1 (the ASan pass)")


class Block:
    def __init__(self, line, lang, code, skip_reason):
        self.line = line            # 1-based line of the opening fence
        self.lang = lang
        self.code = code
        self.skip_reason = skip_reason

    def __repr__(self):
        return f"README.md:{self.line}-{self.lang}"


def readme_blocks(path=README):
    """The runnable fenced blocks of `path`, in order."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    blocks = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start, lang = i, m.group("lang")
        i += 1
        body = []
        while i < len(lines) and lines[i].rstrip() != "```":
            body.append(lines[i])
            i += 1
        i += 1  # the closing fence
        if lang not in RUNNERS:
            continue
        prev = start - 1
        while prev >= 0 and not lines[prev].strip():
            prev -= 1
        mark = SKIP_MARK.match(lines[prev].strip()) if prev >= 0 else None
        blocks.append(Block(start + 1, lang, "\n".join(body) + "\n", mark.group("reason") if mark else None))
    return blocks


BLOCKS = readme_blocks()


@pytest.fixture(scope="module")
def readme_run(tmp_path_factory):
    """One fresh server for all blocks, the blocks' environment, and the line
    of the first block that failed (later blocks are not run)."""
    server = DdbdServer()
    server.start(["--in-memory"])
    home = tmp_path_factory.mktemp("readme")
    bin_dir = home / "bin"
    bin_dir.mkdir()
    (bin_dir / "ddbd").symlink_to(os.path.abspath(DDBD_BIN))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and k not in ("PYTHONPATH", "NODE_OPTIONS")}
    env.update({
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(home / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_PAGER": "",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "PATH": os.pathsep.join([str(bin_dir), os.path.dirname(AWS_CLI), os.environ.get("PATH", "")]),
    })
    state = {"server": server, "env": env, "dir": home, "failed": None}
    try:
        yield state
    finally:
        server.stop()


def substitute_port(code, port):
    """The one change made to a block: port 8000 on the local host becomes the test server's."""
    return re.sub(r"\b(localhost|127\.0\.0\.1):8000\b", rf"\g<1>:{port}", code)


def run_block(block, state):
    code = substitute_port(block.code, state["server"].port)
    if block.lang in ("sh", "bash"):
        cmd = ["bash", "-e", "-o", "pipefail", "-c", code]
    elif block.lang == "python":
        cmd = [PYTHON, "-c", code]
    else:
        if not shutil.which("node"):
            pytest.skip(f"README.md:{block.line}: node is not installed")
        if not os.path.isdir(JS_MODULES):
            pytest.skip(f"README.md:{block.line}: tests/e2e/js has no node_modules (make test-js installs them)")
        js_dir = os.path.join(REPO, "tests", "e2e", "js")
        script = os.path.join(js_dir, f".readme-block-{os.getpid()}-{block.line}.mjs")
        with open(script, "w", encoding="utf-8") as f:
            f.write(code)
        cmd = ["node", script]
    # Output goes to files, not pipes, and the block runs in a session of its
    # own: a process it leaves in the background can neither hold the test up
    # nor outlive it.
    out_path = state["dir"] / f"block-{block.line}.out"
    err_path = state["dir"] / f"block-{block.line}.err"
    try:
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            proc = subprocess.Popen(cmd, cwd=REPO, env=state["env"], stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=err, start_new_session=True)
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        left_behind = kill_session(proc.pid)
    finally:
        if block.lang == "js":
            os.unlink(script)
    return BlockRun(proc.returncode, out_path.read_text(errors="replace"),
                    err_path.read_text(errors="replace"), left_behind)


class BlockRun:
    def __init__(self, returncode, stdout, stderr, left_behind):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.left_behind = left_behind


def kill_session(pgid):
    """Kills what is left of the block's process group; True if anything was."""
    try:
        os.killpg(pgid, signal.SIGKILL)
        return True
    except ProcessLookupError:
        return False


@pytest.mark.parametrize("block", BLOCKS, ids=repr)
def test_readme_block(block, readme_run, capsys):
    if block.skip_reason is not None:
        with capsys.disabled():
            print(f"\nREADME.md:{block.line} ({block.lang}) not run: {block.skip_reason}")
        pytest.skip(f"README.md:{block.line}: {block.skip_reason}")
    if readme_run["failed"] is not None:
        pytest.skip(f"README.md:{block.line}: not run, the block at README.md:{readme_run['failed']} failed")
    if not readme_run["server"].alive():
        readme_run["failed"] = block.line
        pytest.fail(f"README.md:{block.line}: the server died before this block; "
                    f"stderr: {readme_run['server'].stderr()}")
    p = run_block(block, readme_run)
    if p.returncode != 0 or p.left_behind:
        readme_run["failed"] = block.line
        what = (f"exited {p.returncode}" if p.returncode != 0 else
                "left processes running (killed now); mark a block that starts servers as skipped")
        pytest.fail(f"README.md:{block.line}: the {block.lang} block {what}\n"
                    f"--- block (port substituted) ---\n{substitute_port(block.code, readme_run['server'].port)}"
                    f"--- stdout ---\n{p.stdout[-4000:]}\n--- stderr ---\n{p.stderr[-4000:]}",
                    pytrace=False)


def test_skip_marks_precede_runnable_blocks():
    """A skip mark stands right before (blank lines aside) the fence of a block
    the test would run; one anywhere else marks nothing and is a mistake."""
    with open(README, encoding="utf-8") as f:
        lines = f.read().split("\n")
    misplaced = []
    for i, line in enumerate(lines):
        if not (line.lstrip().startswith("<!--") and "readme-test" in line):
            continue
        nxt = i + 1
        while nxt < len(lines) and not lines[nxt].strip():
            nxt += 1
        fence = FENCE.match(lines[nxt]) if nxt < len(lines) else None
        if not SKIP_MARK.match(line.strip()) or not fence or fence.group("lang") not in RUNNERS:
            misplaced.append(f"README.md:{i + 1}: {line.strip()}")
    assert not misplaced, "skip marks that mark no runnable block:\n" + "\n".join(misplaced)


def test_readme_has_blocks():
    """The extraction sees the README's examples (a renamed fence tag would
    otherwise make every block silently disappear from the test)."""
    langs = {b.lang for b in BLOCKS}
    assert {"sh", "python"} <= langs, langs
    assert sum(1 for b in BLOCKS if b.skip_reason is None) >= 5
