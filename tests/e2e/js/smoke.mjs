// Smoke test: ddbd with the AWS SDK for JavaScript v3.
// Usage: (cd tests/e2e/js && npm install && node smoke.mjs)
// DDBD_BIN overrides the binary (default <repo>/build/ddbd).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";
import assert from "node:assert/strict";
import {
  DynamoDBClient,
  CreateTableCommand,
  PutItemCommand,
  GetItemCommand,
  DescribeTableCommand,
  ListTablesCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-dynamodb";

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = process.env.DDBD_BIN || path.resolve(here, "..", "..", "..", "build", "ddbd");

function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ["--port", "0", "--host", "127.0.0.1", "--in-memory", "--log-level", "warn"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let buf = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`ddbd did not announce itself within 10 s (got ${JSON.stringify(buf)})`));
    }, 10000);
    child.on("error", (e) => { clearTimeout(timer); reject(e); });
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`ddbd exited early with ${code}`)); });
    child.stdout.on("data", (chunk) => {
      buf += chunk.toString();
      const nl = buf.indexOf("\n");
      if (nl < 0) return;
      const m = /^ddbd listening on 127\.0\.0\.1:(\d+)$/.exec(buf.slice(0, nl).trim());
      clearTimeout(timer);
      child.removeAllListeners("exit");
      if (!m) {
        child.kill("SIGKILL");
        reject(new Error(`unexpected first line: ${JSON.stringify(buf.slice(0, nl))}`));
        return;
      }
      resolve({ child, port: Number(m[1]) });
    });
  });
}

function stopServer(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const t = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => { clearTimeout(t); resolve(); });
    child.kill("SIGTERM");
  });
}

async function main() {
  const { child, port } = await startServer();
  try {
    const client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: "us-east-1",
      credentials: { accessKeyId: "AKIDJS", secretAccessKey: "secret" },
      maxAttempts: 1,
    });
    const TableName = "Users";
    const created = await client.send(new CreateTableCommand({
      TableName,
      AttributeDefinitions: [{ AttributeName: "userId", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "userId", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }));
    assert.equal(created.TableDescription.TableName, TableName);

    await client.send(new PutItemCommand({
      TableName,
      Item: {
        userId: { S: "u1" },
        n: { N: "1.50" },
        tags: { SS: ["a", "b"] },
        bin: { B: new Uint8Array([0, 1, 255]) },
        m: { M: { l: { L: [{ BOOL: true }, { NULL: true }] } } },
      },
    }));

    const got = await client.send(new GetItemCommand({ TableName, Key: { userId: { S: "u1" } } }));
    assert.ok(got.Item, "GetItem returned no Item");
    assert.deepEqual(got.Item.userId, { S: "u1" });
    assert.deepEqual(got.Item.n, { N: "1.5" });
    assert.deepEqual([...got.Item.tags.SS].sort(), ["a", "b"]);
    assert.deepEqual(Array.from(got.Item.bin.B), [0, 1, 255]);
    assert.deepEqual(got.Item.m, { M: { l: { L: [{ BOOL: true }, { NULL: true }] } } });

    const missing = await client.send(new GetItemCommand({ TableName, Key: { userId: { S: "nope" } } }));
    assert.equal(missing.Item, undefined);

    const desc = await client.send(new DescribeTableCommand({ TableName }));
    assert.equal(desc.Table.TableStatus, "ACTIVE");
    assert.equal(desc.Table.TableArn, "arn:aws:dynamodb:us-east-1:000000000000:table/Users");
    assert.equal(desc.Table.BillingModeSummary.BillingMode, "PAY_PER_REQUEST");
    assert.ok(desc.Table.CreationDateTime instanceof Date);
    assert.match(desc.Table.TableId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    const list = await client.send(new ListTablesCommand({}));
    assert.deepEqual(list.TableNames, [TableName]);

    let notFound = null;
    try {
      await client.send(new DescribeTableCommand({ TableName: "NoSuchTable" }));
    } catch (e) {
      notFound = e;
    }
    assert.ok(notFound instanceof ResourceNotFoundException, `expected ResourceNotFoundException, got ${notFound}`);
    assert.equal(notFound.message, "Requested resource not found: Table: NoSuchTable not found");

    console.log("js smoke: OK");
  } finally {
    await stopServer(child);
  }
}

main().catch((e) => {
  console.error("js smoke: FAILED:", e);
  process.exit(1);
});
