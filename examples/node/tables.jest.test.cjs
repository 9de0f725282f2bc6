// The Vitest tests of tables.test.mjs, written for Jest (CommonJS, Jest's
// default): the client has no endpoint; AWS_ENDPOINT_URL_DYNAMODB, set by
// jest.global-setup.cjs, points it at ddbd.
"use strict";

const { randomUUID } = require("node:crypto");
const {
  ConditionalCheckFailedException, CreateTableCommand, DynamoDBClient, PutItemCommand, QueryCommand,
} = require("@aws-sdk/client-dynamodb");

const client = new DynamoDBClient({});

async function makeTable() {
  const TableName = `t-${randomUUID()}`;
  await client.send(new CreateTableCommand({
    TableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" }],
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
  }));
  return TableName;
}

test("the global setup's endpoint reaches the test", () => {
  expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
});

test("put then query", async () => {
  const TableName = await makeTable();
  for (const n of ["3", "1", "2"]) {
    await client.send(new PutItemCommand({ TableName, Item: { pk: { S: "user#1" }, sk: { N: n } } }));
  }
  const { Items } = await client.send(new QueryCommand({
    TableName,
    KeyConditionExpression: "pk = :p",
    ExpressionAttributeValues: { ":p": { S: "user#1" } },
  }));
  expect(Items.map((item) => item.sk.N)).toEqual(["1", "2", "3"]);
});

test("a failed condition is ConditionalCheckFailedException", async () => {
  const TableName = await makeTable();
  const put = new PutItemCommand({
    TableName, Item: { pk: { S: "a" }, sk: { N: "1" } }, ConditionExpression: "attribute_not_exists(pk)",
  });
  await client.send(put);
  await expect(client.send(put)).rejects.toBeInstanceOf(ConditionalCheckFailedException);
});
