"""The examples/ recipes for test suites, run as a user runs them, against the
built binary ($DDBD_BIN): examples/pytest with pytest in a subprocess,
examples/node with Vitest itself and, for its Jest setup, `node --test
check-jest-setup.mjs` (Jest is not installed: see examples/node/README.md).
examples/testcontainers needs a Docker engine; here it is only compiled.

Each run must pass and leave no ddbd behind: the recipes stop their server by
PID, and a ddbd of this binary that appeared during the run and still lives
afterwards fails the test (and is killed).

The Node recipe needs examples/node/node_modules, which `make test-js` installs
before it runs `-k node` here; without them, and in the ASan pass
(DDBD_E2E_NO_CLI=1: no npm there), it is skipped.
"""

import os
import py_compile
import re
import shutil
import signal
import subprocess
import sys

import pytest

from conftest import DDBD_BIN, REPO

EXAMPLES = os.path.join(REPO, "examples")


def ddbd_pids():
    """PIDs of running processes whose executable is DDBD_BIN."""
    target = os.path.realpath(DDBD_BIN)
    pids = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.path.realpath(f"/proc/{entry}/exe") == target:
                    pids.add(int(entry))
            except OSError:
                pass
    return pids


def run_recipe(cmd, cwd, env=None, timeout=180):
    """Runs cmd; returns (returncode, output), after checking that no ddbd
    started meanwhile is left running."""
    if not os.path.exists(DDBD_BIN):
        pytest.skip(f"ddbd binary not found at {DDBD_BIN}")
    before = ddbd_pids()
    full_env = dict(os.environ, DDBD_BIN=DDBD_BIN, PYTHONDONTWRITEBYTECODE="1")
    full_env.update(env or {})
    p = subprocess.run(cmd, cwd=cwd, env=full_env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
    left = ddbd_pids() - before
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"{cmd} left ddbd running (PIDs {sorted(left)}):\n{p.stdout[-4000:]}"
    return p.returncode, p.stdout


def test_pytest_recipe():
    rc, out = run_recipe([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", "."],
                         os.path.join(EXAMPLES, "pytest"))
    assert rc == 0, out[-4000:]
    assert re.search(r"\b[23] passed", out), out[-4000:]
    assert "failed" not in out and "ddbd exited" not in out, out[-4000:]


def test_pytest_recipe_without_binary(tmp_path):
    """Without DDBD_BIN and with no ddbd on PATH the session fails, saying why."""
    rc, out = run_recipe([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "."],
                         os.path.join(EXAMPLES, "pytest"),
                         env={"DDBD_BIN": "", "PATH": str(tmp_path) + os.pathsep + "/usr/bin:/bin"})
    assert rc != 0, out[-4000:]
    assert "ddbd not found" in out, out[-4000:]


def node_recipe_ready():
    cwd = os.path.join(EXAMPLES, "node")
    if os.environ.get("DDBD_E2E_NO_CLI") == "1":
        pytest.skip("npm recipes run in the release pass only (DDBD_E2E_NO_CLI=1)")
    if not shutil.which("node"):
        pytest.skip("node not installed")
    if not os.path.isdir(os.path.join(cwd, "node_modules", "vitest")):
        pytest.skip("examples/node has no node_modules (make test-js installs them and runs this test)")
    return cwd


def test_node_recipe_vitest():
    cwd = node_recipe_ready()
    rc, out = run_recipe(["node", os.path.join("node_modules", "vitest", "vitest.mjs"), "run"], cwd,
                         env={"CI": "1", "NO_COLOR": "1"})
    assert rc == 0, out[-4000:]
    assert re.search(r"Tests\s+3 passed \(3\)", out), out[-4000:]


def test_node_recipe_jest_setup():
    cwd = node_recipe_ready()
    rc, out = run_recipe(["node", "--test", "check-jest-setup.mjs"], cwd)
    assert rc == 0, out[-4000:]
    assert re.search(r"^# pass 1$", out, re.M) and re.search(r"^# fail 0$", out, re.M), out[-4000:]


@pytest.mark.parametrize("name", ["conftest.py", "test_with_container.py"])
def test_testcontainers_recipe_compiles(name, tmp_path):
    """Needs Docker to run; here it must at least be valid Python."""
    py_compile.compile(os.path.join(EXAMPLES, "testcontainers", name),
                       cfile=str(tmp_path / (name + "c")), doraise=True)
