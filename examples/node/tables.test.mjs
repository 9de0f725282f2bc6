// Tests that use ddbd through the AWS SDK for JavaScript v3, run by Vitest
// with vitest.global-setup.mjs. The clients are built with no endpoint:
// AWS_ENDPOINT_URL_DYNAMODB, set by the global setup, points them at ddbd,
// as it would point the code under test. Each test makes its own table.
import { randomUUID } from "node:crypto";
import { inject, expect, test } from "vitest";
import {
  ConditionalCheckFailedException, CreateTableCommand, DynamoDBClient, PutItemCommand, QueryCommand,
} from "@aws-sdk/client-dynamodb";

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

test("the global setup's endpoint reaches the test worker", () => {
  expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(inject("ddbdEndpoint"));
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
