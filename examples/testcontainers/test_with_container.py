"""A test against ddbd in a container (see conftest.py; needs Docker)."""

import uuid


def test_put_then_get(dynamodb):
    name = f"t-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                          AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                          KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
    dynamodb.put_item(TableName=name, Item={"id": {"S": "u1"}, "name": {"S": "Ada"}})
    item = dynamodb.get_item(TableName=name, Key={"id": {"S": "u1"}})["Item"]
    assert item["name"] == {"S": "Ada"}
