// Smoke test: ddbd with the AWS SDK for JavaScript v3.
// Usage: (cd tests/e2e/js && npm install && node smoke.mjs)
// DDBD_BIN overrides the binary (default <repo>/build/ddbd).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import zlib from "node:zlib";
import {
  DynamoDBClient,
  CreateTableCommand,
  PutItemCommand,
  GetItemCommand,
  DescribeTableCommand,
  ListTablesCommand,
  ResourceNotFoundException,
  UpdateItemCommand,
  DeleteItemCommand,
  ExecuteStatementCommand,
  BatchExecuteStatementCommand,
  ExecuteTransactionCommand,
  TransactionCanceledException,
} from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient,
  ExecuteStatementCommand as DocExecuteStatementCommand,
} from "@aws-sdk/lib-dynamodb";
import {
  DynamoDBStreamsClient,
  ListStreamsCommand,
  DescribeStreamCommand,
  GetShardIteratorCommand,
  GetRecordsCommand,
  ExpiredIteratorException,
} from "@aws-sdk/client-dynamodb-streams";

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
      const m = /^ddbd \S+ listening on 127\.0\.0\.1:(\d+), data in /.exec(buf.slice(0, nl).trim());
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

    await streamsSmoke(port);
    await partiqlSmoke(port);
    await compressionSmoke(port);
    console.log("js smoke: OK");
  } finally {
    await stopServer(child);
  }
}

// Compressed bodies both ways.  DynamoDB's model has no requestcompression
// trait, so the SDK never compresses DynamoDB requests by itself: a middleware
// gzips the body as the SDK's compression middleware would (just before
// signing, so the signature covers the compressed bytes) and asks for gzip
// answers; a deserialize-step middleware checks x-amz-crc32 over the bytes
// received (compressed, as DynamoDB computes it) and inflates them.
async function compressionSmoke(port) {
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDJS", secretAccessKey: "secret" },
    maxAttempts: 1,
  });
  const encodings = [];
  client.middlewareStack.addRelativeTo((next) => async (args) => {
    const req = args.request;
    const gz = zlib.gzipSync(Buffer.from(req.body));
    req.body = gz;
    req.headers["content-encoding"] = "gzip";
    req.headers["content-length"] = String(gz.length);
    req.headers["accept-encoding"] = "gzip";
    return next(args);
  }, { relation: "before", toMiddleware: "httpSigningMiddleware", name: "gzipRequestBody" });
  client.middlewareStack.add((next) => async (args) => {
    const out = await next(args);
    const res = out.response;
    const chunks = [];
    for await (const c of res.body) chunks.push(c);
    let body = Buffer.concat(chunks);
    assert.equal(Number(res.headers["x-amz-crc32"]), zlib.crc32(body), "x-amz-crc32 covers the bytes sent");
    encodings.push(res.headers["content-encoding"]);
    if (res.headers["content-encoding"] === "gzip") {
      body = zlib.gunzipSync(body);
      delete res.headers["content-encoding"];
    }
    res.body = Readable.from([body]);
    return out;
  }, { step: "deserialize", name: "gunzipResponseBody", priority: "low" });

  const TableName = "Gzip";
  await client.send(new CreateTableCommand({
    TableName,
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
  }));
  const big = "z".repeat(6000);
  await client.send(new PutItemCommand({ TableName, Item: { id: { S: "big" }, v: { S: big } } }));
  await client.send(new PutItemCommand({ TableName, Item: { id: { S: "small" }, v: { S: "s" } } }));
  encodings.length = 0;
  const got = await client.send(new GetItemCommand({ TableName, Key: { id: { S: "big" } }, ConsistentRead: true }));
  assert.equal(got.Item.v.S, big);
  const small = await client.send(new GetItemCommand({ TableName, Key: { id: { S: "small" } }, ConsistentRead: true }));
  assert.equal(small.Item.v.S, "s");
  assert.deepEqual(encodings, ["gzip", undefined], "only the answer over 4 KB is compressed");
}

// @aws-sdk/client-dynamodb-streams reads back a table's changes: one record
// per change, in order, with the images NEW_AND_OLD_IMAGES keeps.
async function streamsSmoke(port) {
  const config = {
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDJS", secretAccessKey: "secret" },
    maxAttempts: 1,
  };
  const client = new DynamoDBClient(config);
  const streams = new DynamoDBStreamsClient(config);
  const TableName = "Events";
  const created = await client.send(new CreateTableCommand({
    TableName,
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
    StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
  }));
  const arn = created.TableDescription.LatestStreamArn;
  assert.match(arn, /^arn:aws:dynamodb:us-east-1:000000000000:table\/Events\/stream\/\d{4}-\d\d-\d\dT/);

  const key = { id: { S: "e1" } };
  await client.send(new PutItemCommand({ TableName, Item: { ...key, v: { N: "1" } } }));
  await client.send(new UpdateItemCommand({
    TableName, Key: key, UpdateExpression: "SET v = :v", ExpressionAttributeValues: { ":v": { N: "2" } },
  }));
  await client.send(new DeleteItemCommand({ TableName, Key: key }));

  const listed = await streams.send(new ListStreamsCommand({ TableName }));
  assert.deepEqual(listed.Streams.map((s) => s.StreamArn), [arn]);
  const desc = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
  assert.equal(desc.StreamDescription.StreamStatus, "ENABLED");
  assert.equal(desc.StreamDescription.StreamViewType, "NEW_AND_OLD_IMAGES");
  assert.ok(desc.StreamDescription.CreationRequestDateTime instanceof Date);
  const shard = desc.StreamDescription.Shards[0];
  const it = await streams.send(new GetShardIteratorCommand({
    StreamArn: arn, ShardId: shard.ShardId, ShardIteratorType: "TRIM_HORIZON",
  }));
  const got = await streams.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator }));
  assert.deepEqual(got.Records.map((r) => r.eventName), ["INSERT", "MODIFY", "REMOVE"]);
  const [ins, mod, rem] = got.Records;
  assert.equal(ins.eventSource, "aws:dynamodb");
  assert.equal(ins.awsRegion, "us-east-1");
  assert.deepEqual(ins.dynamodb.Keys, key);
  assert.deepEqual(ins.dynamodb.NewImage, { ...key, v: { N: "1" } });
  assert.equal(ins.dynamodb.OldImage, undefined);
  assert.deepEqual(mod.dynamodb.OldImage, { ...key, v: { N: "1" } });
  assert.deepEqual(mod.dynamodb.NewImage, { ...key, v: { N: "2" } });
  assert.deepEqual(rem.dynamodb.OldImage, { ...key, v: { N: "2" } });
  assert.ok(ins.dynamodb.ApproximateCreationDateTime instanceof Date);
  assert.ok(BigInt(ins.dynamodb.SequenceNumber) < BigInt(mod.dynamodb.SequenceNumber));
  assert.ok(BigInt(mod.dynamodb.SequenceNumber) < BigInt(rem.dynamodb.SequenceNumber));
  assert.ok(got.NextShardIterator, "an open shard always has a next iterator");

  let bad = null;
  try {
    await streams.send(new GetRecordsCommand({ ShardIterator: "not-an-iterator-" + "x".repeat(40) }));
  } catch (e) {
    bad = e;
  }
  assert.ok(bad && !(bad instanceof ExpiredIteratorException) && bad.name === "ValidationException",
            `expected ValidationException for a garbled iterator, got ${bad}`);
}

// PartiQL through the client's ExecuteStatement, BatchExecuteStatement and
// ExecuteTransaction commands, and lib-dynamodb's ExecuteStatement with
// native JS values.
async function partiqlSmoke(port) {
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDJS", secretAccessKey: "secret" },
    maxAttempts: 1,
  });
  const doc = DynamoDBDocumentClient.from(client);
  await client.send(new CreateTableCommand({
    TableName: "Pql",
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
  }));

  const inserted = await client.send(new ExecuteStatementCommand({
    Statement: `INSERT INTO "Pql" VALUE {'id': 'u0', 'n': 0}`,
  }));
  assert.deepEqual(inserted.Items, []);
  const selected = await client.send(new ExecuteStatementCommand({
    Statement: `SELECT id, n FROM "Pql" WHERE id = ?`, Parameters: [{ S: "u0" }],
  }));
  assert.deepEqual(selected.Items, [{ id: { S: "u0" }, n: { N: "0" } }]);

  const batch = await client.send(new BatchExecuteStatementCommand({
    Statements: [
      { Statement: `INSERT INTO "Pql" VALUE {'id': 'u1', 'n': 1}` },
      { Statement: `INSERT INTO "Pql" VALUE {'id': ?, 'n': ?}`, Parameters: [{ S: "u2" }, { N: "2" }] },
      { Statement: `INSERT INTO "Pql" VALUE {'id': 'u0'}` },
    ],
  }));
  assert.deepEqual(batch.Responses, [
    { TableName: "Pql" },
    { TableName: "Pql" },
    { TableName: "Pql", Error: { Code: "DuplicateItem", Message: "Duplicate primary key exists in table" } },
  ]);

  await client.send(new ExecuteTransactionCommand({
    TransactStatements: [
      { Statement: `UPDATE "Pql" SET n = n + 2 WHERE id = 'u1'` },
      { Statement: `DELETE FROM "Pql" WHERE id = 'u0'` },
    ],
  }));
  const reads = await client.send(new ExecuteTransactionCommand({
    TransactStatements: [
      { Statement: `SELECT n FROM "Pql" WHERE id = 'u1'` },
      { Statement: `SELECT * FROM "Pql" WHERE id = ?`, Parameters: [{ S: "u0" }] },
    ],
  }));
  assert.deepEqual(reads.Responses, [{ Item: { n: { N: "3" } } }, {}]);

  let cancelled = null;
  try {
    await client.send(new ExecuteTransactionCommand({
      TransactStatements: [
        { Statement: `INSERT INTO "Pql" VALUE {'id': 'u3'}` },
        { Statement: `INSERT INTO "Pql" VALUE {'id': 'u2'}` },
      ],
    }));
  } catch (e) {
    cancelled = e;
  }
  assert.ok(cancelled instanceof TransactionCanceledException, `expected TransactionCanceledException, got ${cancelled}`);
  assert.deepEqual(cancelled.CancellationReasons, [
    { Code: "None" },
    { Code: "DuplicateItem", Message: "Duplicate primary key exists in table" },
  ]);
  const u3 = await client.send(new GetItemCommand({ TableName: "Pql", Key: { id: { S: "u3" } } }));
  assert.equal(u3.Item, undefined, "a cancelled transaction writes nothing");

  const native = await doc.send(new DocExecuteStatementCommand({
    Statement: `SELECT id, n FROM "Pql" WHERE id = ? AND n = ?`, Parameters: ["u1", 3],
  }));
  assert.deepEqual(native.Items, [{ id: "u1", n: 3 }]);
}

main().catch((e) => {
  console.error("js smoke: FAILED:", e);
  process.exit(1);
});
