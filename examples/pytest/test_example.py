"""Tests written against the `dynamodb` fixture of conftest.py: each makes a
table of its own in the session's ddbd."""

import boto3
import botocore
import pytest


def make_table(dynamodb, name):
    dynamodb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])


def test_put_then_query(dynamodb, table_name):
    make_table(dynamodb, table_name)
    for n in (3, 1, 2):
        dynamodb.put_item(TableName=table_name, Item={"pk": {"S": "user#1"}, "sk": {"N": str(n)}})
    items = dynamodb.query(TableName=table_name, KeyConditionExpression="pk = :p",
                           ExpressionAttributeValues={":p": {"S": "user#1"}})["Items"]
    assert [i["sk"]["N"] for i in items] == ["1", "2", "3"]


def test_conditional_write_fails(dynamodb, table_name):
    make_table(dynamodb, table_name)
    item = {"pk": {"S": "a"}, "sk": {"N": "1"}}
    dynamodb.put_item(TableName=table_name, Item=item, ConditionExpression="attribute_not_exists(pk)")
    with pytest.raises(dynamodb.exceptions.ConditionalCheckFailedException):
        dynamodb.put_item(TableName=table_name, Item=item, ConditionExpression="attribute_not_exists(pk)")


def botocore_reads_endpoint_variables():
    version = tuple(int(p) for p in botocore.__version__.split(".")[:2])
    return version >= (1, 31)


@pytest.mark.skipif(not botocore_reads_endpoint_variables(),
                    reason=f"botocore {botocore.__version__} ignores AWS_ENDPOINT_URL_DYNAMODB (1.31 reads it)")
def test_client_from_environment(ddbd_endpoint, table_name):
    """Code under test that builds its own client finds ddbd through the environment."""
    client = boto3.client("dynamodb")
    make_table(client, table_name)
    assert table_name in client.list_tables()["TableNames"]
