// Starts and stops ddbd, a DynamoDB-compatible server, for a test run: the
// shared part of the Vitest and Jest global setups beside this file.
//
// startDdbd() runs $DDBD_BIN (else `ddbd` on PATH) with --in-memory on
// 127.0.0.1 and a port the kernel picks (--port 0), reads the port from its
// startup line ("... listening on HOST:PORT ..."), waits until GET / answers
// 200, and resolves to { endpoint, pid, stop() }. stop() sends SIGTERM to
// that PID (ddbd finishes the requests in flight and exits 0), SIGKILL after
// 10 s. Should the test runner die first, ddbd is killed when this process
// exits.
//
// useDdbdEnvironment(endpoint) points the AWS SDK at it through
// process.env: AWS_ENDPOINT_URL_DYNAMODB (JS SDK v3 >= 3.428 reads it; see
// ddbd's README for other SDKs), test credentials and region us-east-1. It
// removes AWS_PROFILE and AWS_SESSION_TOKEN, so tests cannot reach a real
// AWS account. Processes started afterwards (test workers) inherit it.
//
// CommonJS, so that Jest's default (CommonJS) setup files can require() it
// and ES modules (Vitest) can import it. Not thread-safe: call from the
// runner's main thread.
"use strict";

const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const STARTUP_MS = 10_000;
const STARTUP_LINE = /listening on \[?([^\s\]]*)\]?:(\d+)/;

function findDdbd() {
  if (process.env.DDBD_BIN) return process.env.DDBD_BIN;
  for (const dir of (process.env.PATH || "").split(path.delimiter)) {
    const candidate = path.join(dir || ".", "ddbd");
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {}
  }
  throw new Error("ddbd not found: set DDBD_BIN to its path or put it on PATH");
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

async function startDdbd({ binary = findDdbd(), args = [] } = {}) {
  // stdout goes to a file, not a pipe nobody reads, so ddbd can never block on it.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ddbd-"));
  const outPath = path.join(dir, "stdout");
  const out = fs.openSync(outPath, "w");
  const argv = ["--in-memory", "--host", "127.0.0.1", "--port", "0", "--log-level", "warn", ...args];
  const child = spawn(binary, argv, { stdio: ["ignore", out, "inherit"] });
  fs.closeSync(out);
  const killOnExit = () => { if (!exited(child)) child.kill("SIGKILL"); };
  process.once("exit", killOnExit);
  const spawnError = new Promise((_, reject) => child.once("error", reject));
  spawnError.catch(() => {});

  async function stop() {
    process.removeListener("exit", killOnExit);
    if (child.pid !== undefined && !exited(child)) {  // (no pid: the spawn itself failed)
      const gone = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await gone;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
    return child.exitCode;
  }

  try {
    const deadline = Date.now() + STARTUP_MS;
    let port;
    while (port === undefined) {
      const text = fs.readFileSync(outPath, "utf8");
      const match = STARTUP_LINE.exec(text);
      if (match && text.indexOf("\n", match.index) >= 0) {
        port = Number(match[2]);
      } else if (exited(child)) {
        throw new Error(`ddbd exited (${child.exitCode ?? child.signalCode}) before listening: ${binary} ${argv.join(" ")}`);
      } else if (Date.now() > deadline) {
        throw new Error(`ddbd printed no startup line within ${STARTUP_MS} ms`);
      } else {
        await Promise.race([sleep(20), spawnError]);
      }
    }
    const endpoint = `http://127.0.0.1:${port}`;
    const health = await fetch(`${endpoint}/`);
    if (health.status !== 200) throw new Error(`GET / answered ${health.status}`);
    return { endpoint, pid: child.pid, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function useDdbdEnvironment(endpoint) {
  process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
  process.env.AWS_ENDPOINT_URL_DYNAMODB_STREAMS = endpoint;
  process.env.AWS_ACCESS_KEY_ID = "test";
  process.env.AWS_SECRET_ACCESS_KEY = "test";
  process.env.AWS_REGION = "us-east-1";
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
}

module.exports = { startDdbd, useDdbdEnvironment, findDdbd };
