// Runs jest.global-setup.cjs and jest.global-teardown.cjs as Jest calls
// them, without Jest (CI runs this file with `node --test`; Jest itself is
// not installed there, see README.md): setup(globalConfig, projectConfig)
// in this process, then a test worker started afterwards with the inherited
// environment, whose client has no endpoint of its own, then teardown(), after
// which ddbd's PID is gone.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

const WORKER = `
const { DynamoDBClient, CreateTableCommand, ListTablesCommand } = require("@aws-sdk/client-dynamodb");
(async () => {
  const client = new DynamoDBClient({});
  await client.send(new CreateTableCommand({ TableName: "FromWorker", BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }] }));
  const { TableNames } = await client.send(new ListTablesCommand({}));
  console.log(JSON.stringify(TableNames));
})().catch((err) => { console.error(err); process.exit(1); });
`;

test("Jest's globalSetup and globalTeardown contract", async () => {
  const saved = { ...process.env };
  const setup = require("./jest.global-setup.cjs");
  const teardown = require("./jest.global-teardown.cjs");
  assert.equal(typeof setup, "function");
  assert.equal(typeof teardown, "function");
  try {
    await setup({ rootDir: here }, { rootDir: here });
    const server = globalThis.__DDBD__;
    assert.ok(server && server.pid > 0, "globalSetup left the server for globalTeardown");
    assert.equal(process.env.AWS_ENDPOINT_URL_DYNAMODB, server.endpoint);

    const { stdout } = await promisify(execFile)(process.execPath, ["-e", WORKER], { cwd: here, env: process.env });
    assert.deepEqual(JSON.parse(stdout), ["FromWorker"]);

    await teardown({ rootDir: here }, { rootDir: here });
    assert.equal(globalThis.__DDBD__, undefined);
    assert.throws(() => process.kill(server.pid, 0), { code: "ESRCH" }, "ddbd still runs after globalTeardown");
  } finally {
    await globalThis.__DDBD__?.stop();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
});
