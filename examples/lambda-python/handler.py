"""A DynamoDB Streams handler, as it would be deployed to AWS Lambda.

It keeps a running total per customer: every order written to the Orders
table (stream view NEW_AND_OLD_IMAGES) adds its amount to OrderTotals, every
order deleted subtracts it, and an order whose amount changes adds the
difference.  Nothing in it knows about ddbd: DYNAMODB_ENDPOINT points the
client at ddbd locally and is unset on AWS.

With ReportBatchItemFailures on the event source mapping, a record that
fails is reported by its sequence number and the batch is retried from it.
"""

import os
from decimal import Decimal

import boto3

TOTALS_TABLE = os.environ.get("TOTALS_TABLE", "OrderTotals")
_dynamodb = boto3.client("dynamodb", endpoint_url=os.environ.get("DYNAMODB_ENDPOINT"))


def _amount(image):
    return Decimal(image["amount"]["N"]) if image and "amount" in image else Decimal(0)


def _customer(record):
    image = record["dynamodb"].get("NewImage") or record["dynamodb"].get("OldImage")
    return image["customer"]["S"]


def handler(event, context):
    failures = []
    for record in event["Records"]:
        change = record["dynamodb"]
        delta = _amount(change.get("NewImage")) - _amount(change.get("OldImage"))
        if delta == 0:
            continue
        try:
            _dynamodb.update_item(
                TableName=TOTALS_TABLE,
                Key={"customer": {"S": _customer(record)}},
                UpdateExpression="ADD #total :d",  # TOTAL is a reserved word
                ExpressionAttributeNames={"#total": "total"},
                ExpressionAttributeValues={":d": {"N": str(delta)}},
            )
        except Exception as e:  # report it; Lambda retries from this record
            print(f"order total not updated: {e}", flush=True)
            failures.append({"itemIdentifier": change["SequenceNumber"]})
    return {"batchItemFailures": failures}
