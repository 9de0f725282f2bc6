"""--delay-transient-statuses: tables stay CREATING / UPDATING and a new GSI stays
CREATING (Backfilling) for a while, as in DynamoDB, and the waiters see them
become ACTIVE."""

import time

import pytest
from botocore.exceptions import ClientError

from conftest import err

DELAY = 1.5  # seconds; the server's --delay-transient-statuses value


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory):
    from conftest import DdbdServer
    srv = DdbdServer()
    srv.start([f"--delay-transient-statuses={DELAY}"], tmp_path_factory.mktemp("ddbd-slow"))
    yield srv
    srv.stop()


@pytest.fixture
def slow(slow_server):
    return slow_server.client()


def wait_active(client, name):
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 100})


def test_create_table_is_creating_then_active(slow, table_name):
    name = table_name("slow")
    t0 = time.monotonic()
    r = slow.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                          AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                          KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    assert r["TableDescription"]["TableStatus"] == "CREATING"
    assert slow.describe_table(TableName=name)["Table"]["TableStatus"] == "CREATING"
    # Items of a table that is not ACTIVE yet are not reachable.
    with pytest.raises(ClientError) as e:
        slow.put_item(TableName=name, Item={"pk": {"S": "a"}})
    assert err(e) == ("ResourceNotFoundException", "Requested resource not found")
    with pytest.raises(ClientError) as e:
        slow.query(TableName=name, KeyConditionExpression="pk = :p",
                   ExpressionAttributeValues={":p": {"S": "a"}})
    assert err(e)[0] == "ResourceNotFoundException"
    # Changing it is refused while it is being created.
    with pytest.raises(ClientError) as e:
        slow.update_table(TableName=name, BillingMode="PROVISIONED",
                          ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    assert err(e)[0] == "ResourceInUseException"
    wait_active(slow, name)
    assert time.monotonic() - t0 >= DELAY - 0.1
    assert slow.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE"
    slow.put_item(TableName=name, Item={"pk": {"S": "a"}})
    assert slow.get_item(TableName=name, Key={"pk": {"S": "a"}})["Item"] == {"pk": {"S": "a"}}


def test_gsi_added_later_is_backfilling_then_active(slow, table_name):
    name = table_name("slowgsi")
    slow.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                      AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                      KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    wait_active(slow, name)
    for i in range(30):
        item = {"pk": {"S": f"u{i}"}}
        if i % 3 == 0:  # sparse: only every third item has the index key
            item["team"] = {"S": "red" if i % 2 else "blue"}
        slow.put_item(TableName=name, Item=item)

    r = slow.update_table(
        TableName=name, AttributeDefinitions=[{"AttributeName": "team", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[{"Create": {
            "IndexName": "byTeam", "KeySchema": [{"AttributeName": "team", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"}}}])
    desc = r["TableDescription"]
    assert desc["TableStatus"] == "UPDATING"
    [gsi] = desc["GlobalSecondaryIndexes"]
    assert gsi["IndexStatus"] == "CREATING" and gsi["Backfilling"] is True

    [gsi] = slow.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"]
    assert gsi["IndexStatus"] == "CREATING" and gsi["Backfilling"] is True
    with pytest.raises(ClientError) as e:
        slow.query(TableName=name, IndexName="byTeam", KeyConditionExpression="team = :t",
                   ExpressionAttributeValues={":t": {"S": "red"}})
    assert err(e) == ("ValidationException", "Cannot read from backfilling global secondary index")
    with pytest.raises(ClientError) as e:
        slow.scan(TableName=name, IndexName="byTeam")
    assert err(e) == ("ValidationException", "Cannot read from backfilling global secondary index")
    # DeleteTable waits for the index (AWS's wording, published by
    # ack-api-quirks, DDB-TABLE-150/-376).
    with pytest.raises(ClientError) as e:
        slow.delete_table(TableName=name)
    assert err(e) == ("ResourceInUseException", "Attempt to change a resource which is still in use: Cannot delete "
                      "table while indexes are being created, updated, or deleted.")
    # The base table stays readable and writable while it is UPDATING.
    slow.put_item(TableName=name, Item={"pk": {"S": "late"}, "team": {"S": "red"}})
    assert slow.scan(TableName=name, Select="COUNT")["Count"] == 31

    deadline = time.monotonic() + 10
    while True:
        t = slow.describe_table(TableName=name)["Table"]
        [gsi] = t["GlobalSecondaryIndexes"]
        if gsi["IndexStatus"] == "ACTIVE":
            break
        assert time.monotonic() < deadline, t
        time.sleep(0.2)
    assert "Backfilling" not in gsi
    assert t["TableStatus"] == "ACTIVE"
    assert gsi["ItemCount"] == 11
    red = slow.query(TableName=name, IndexName="byTeam", KeyConditionExpression="team = :t",
                     ExpressionAttributeValues={":t": {"S": "red"}})
    # u3, u9, u15, u21, u27 and the late write
    assert sorted(i["pk"]["S"] for i in red["Items"]) == ["late", "u15", "u21", "u27", "u3", "u9"]
    assert slow.scan(TableName=name, IndexName="byTeam", Select="COUNT")["Count"] == 11


def test_delete_table_while_the_table_is_updating(slow, table_name):
    """A table UPDATING without an index change: "Table is being updated"
    (the wording the Terraform AWS provider quotes)."""
    name = table_name("slowdel")
    slow.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                      AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                      KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    wait_active(slow, name)
    slow.update_table(TableName=name, BillingMode="PROVISIONED",
                      ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    with pytest.raises(ClientError) as e:
        slow.delete_table(TableName=name)
    assert err(e) == ("ResourceInUseException",
                      f"Attempt to change a resource which is still in use: Table is being updated: {name}")
    wait_active(slow, name)
    slow.delete_table(TableName=name)
