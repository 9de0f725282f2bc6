// A DynamoDB Streams handler, as it would be deployed to AWS Lambda (Node.js
// 20, ES module).  The same job as the Python example: a running total per
// customer in OrderTotals, kept from the Orders table's stream
// (NEW_AND_OLD_IMAGES).  DYNAMODB_ENDPOINT points the client at ddbd locally
// and is unset on AWS.
import { DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";

const totalsTable = process.env.TOTALS_TABLE || "OrderTotals";
const client = new DynamoDBClient(process.env.DYNAMODB_ENDPOINT ? { endpoint: process.env.DYNAMODB_ENDPOINT } : {});

const amount = (image) => (image && image.amount ? Number(image.amount.N) : 0);

export const handler = async (event) => {
  const batchItemFailures = [];
  for (const record of event.Records) {
    const change = record.dynamodb;
    const delta = amount(change.NewImage) - amount(change.OldImage);
    if (delta === 0) continue;
    const image = change.NewImage || change.OldImage;
    try {
      await client.send(new UpdateItemCommand({
        TableName: totalsTable,
        Key: { customer: { S: image.customer.S } },
        UpdateExpression: "ADD #total :d", // TOTAL is a reserved word
        ExpressionAttributeNames: { "#total": "total" },
        ExpressionAttributeValues: { ":d": { N: String(delta) } },
      }));
    } catch (e) {
      console.log(`order total not updated: ${e.message}`);
      // Reported by sequence number: Lambda retries the batch from here.
      batchItemFailures.push({ itemIdentifier: change.SequenceNumber });
    }
  }
  return { batchItemFailures };
};
