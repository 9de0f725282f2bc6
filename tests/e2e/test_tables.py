"""Table control-plane operations against real-DynamoDB behaviour."""

import datetime
import re
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import create_simple_table, err, loose_client, make_client, rejected

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


# ---------------------------------------------------------------- CreateTable / DescribeTable

def test_create_pay_per_request_and_describe(client, table_name):
    name = table_name()
    resp = create_simple_table(client, name)
    td = resp["TableDescription"]
    assert td["TableName"] == name
    assert td["TableStatus"] in ("CREATING", "ACTIVE")
    assert td["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert td["AttributeDefinitions"] == [{"AttributeName": "pk", "AttributeType": "S"}]

    d = client.describe_table(TableName=name)["Table"]
    assert d["TableName"] == name
    assert d["TableStatus"] == "ACTIVE"
    assert d["TableArn"] == f"arn:aws:dynamodb:us-east-1:000000000000:table/{name}"
    assert UUID_RE.match(d["TableId"]), d["TableId"]
    assert d["TableId"] == td["TableId"]
    assert isinstance(d["CreationDateTime"], datetime.datetime)
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs((now - d["CreationDateTime"]).total_seconds()) < 120
    assert d["ItemCount"] == 0
    assert d["TableSizeBytes"] == 0
    assert d["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert "LastUpdateToPayPerRequestDateTime" in d["BillingModeSummary"]
    pt = d["ProvisionedThroughput"]
    assert pt["NumberOfDecreasesToday"] == 0
    assert pt["ReadCapacityUnits"] == 0
    assert pt["WriteCapacityUnits"] == 0


def test_create_provisioned_and_describe(client, table_name):
    name = table_name()
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "h", "AttributeType": "S"},
                              {"AttributeName": "r", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "h", "KeyType": "HASH"},
                   {"AttributeName": "r", "KeyType": "RANGE"}],
        ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 7})
    d = client.describe_table(TableName=name)["Table"]
    assert d["TableStatus"] == "ACTIVE"
    assert d["KeySchema"] == [{"AttributeName": "h", "KeyType": "HASH"},
                              {"AttributeName": "r", "KeyType": "RANGE"}]
    assert sorted(d["AttributeDefinitions"], key=lambda a: a["AttributeName"]) == [
        {"AttributeName": "h", "AttributeType": "S"},
        {"AttributeName": "r", "AttributeType": "N"}]
    pt = d["ProvisionedThroughput"]
    assert pt["ReadCapacityUnits"] == 3
    assert pt["WriteCapacityUnits"] == 7
    assert pt["NumberOfDecreasesToday"] == 0
    # A table created PROVISIONED has no BillingModeSummary (or one saying PROVISIONED).
    bms = d.get("BillingModeSummary")
    assert bms is None or bms["BillingMode"] == "PROVISIONED"
    assert d["TableArn"].endswith(":table/" + name)


def test_create_explicit_provisioned_billing_mode(client, table_name):
    name = table_name()
    client.create_table(
        TableName=name, BillingMode="PROVISIONED",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "B"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    d = client.describe_table(TableName=name)["Table"]
    assert d["ProvisionedThroughput"]["ReadCapacityUnits"] == 1
    assert d["AttributeDefinitions"] == [{"AttributeName": "id", "AttributeType": "B"}]


def test_resource_wait_until_exists(resource, table_name):
    name = table_name()
    table = resource.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST")
    table.wait_until_exists()
    assert table.table_status == "ACTIVE"
    assert table.item_count == 0
    assert table.key_schema == [{"AttributeName": "pk", "KeyType": "HASH"}]


def test_duplicate_create_table(client, table_name):
    name = table_name()
    create_simple_table(client, name)
    with pytest.raises(ClientError) as e:
        create_simple_table(client, name)
    code, msg = err(e)
    assert code == "ResourceInUseException"
    assert msg == f"Table already exists: {name}"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


# ---------------------------------------------------------------- DeleteTable

def test_delete_table_then_describe_not_found(client, table_name):
    name = table_name()
    create_simple_table(client, name)
    resp = client.delete_table(TableName=name)
    td = resp["TableDescription"]
    assert td["TableName"] == name
    assert td["TableStatus"] in ("DELETING", "ACTIVE")
    with pytest.raises(ClientError) as e:
        client.describe_table(TableName=name)
    code, msg = err(e)
    assert code == "ResourceNotFoundException"
    assert msg == f"Requested resource not found: Table: {name} not found"
    assert name not in client.list_tables()["TableNames"]


def test_delete_missing_table(client, table_name):
    name = table_name()
    with pytest.raises(ClientError) as e:
        client.delete_table(TableName=name)
    code, msg = err(e)
    assert code == "ResourceNotFoundException"
    assert msg.startswith("Requested resource not found")


def test_describe_missing_table(client, table_name):
    name = table_name()
    with pytest.raises(ClientError) as e:
        client.describe_table(TableName=name)
    code, msg = err(e)
    assert code == "ResourceNotFoundException"
    assert msg == f"Requested resource not found: Table: {name} not found"


def test_recreate_after_delete(client, table_name):
    name = table_name()
    create_simple_table(client, name)
    client.put_item(TableName=name, Item={"pk": {"S": "x"}})
    first_id = client.describe_table(TableName=name)["Table"]["TableId"]
    client.delete_table(TableName=name)
    create_simple_table(client, name)
    d = client.describe_table(TableName=name)["Table"]
    assert d["TableId"] != first_id
    assert "Item" not in client.get_item(TableName=name, Key={"pk": {"S": "x"}})


# ---------------------------------------------------------------- ListTables

def test_list_tables_pagination(server, table_name):
    # A private access key gives a private namespace, so the listing is exactly ours.
    c = make_client(server.url, akid="AKIDLIST" + uuid.uuid4().hex[:8].upper())
    names = sorted(table_name("lt") for _ in range(5))
    for n in names:
        create_simple_table(c, n)
    assert c.list_tables()["TableNames"] == names

    got = []
    kwargs = {"Limit": 2}
    pages = 0
    while True:
        resp = c.list_tables(**kwargs)
        pages += 1
        assert len(resp["TableNames"]) <= 2
        got += resp["TableNames"]
        if "LastEvaluatedTableName" not in resp:
            break
        assert resp["LastEvaluatedTableName"] == resp["TableNames"][-1]
        kwargs["ExclusiveStartTableName"] = resp["LastEvaluatedTableName"]
        assert pages < 10
    assert got == names
    assert pages == 3

    # ExclusiveStartTableName need not name an existing table.
    resp = c.list_tables(ExclusiveStartTableName=names[1] + "0")
    assert resp["TableNames"] == names[2:]

    pag = c.get_paginator("list_tables")
    result = []
    for page in pag.paginate(PaginationConfig={"PageSize": 2}):
        result += page["TableNames"]
    assert result == names


def test_list_tables_limit_validation(server):
    c = loose_client(server)
    for bad, text in ((0, "greater than or equal to 1"), (101, "less than or equal to 100")):
        with pytest.raises(ClientError) as e:
            c.list_tables(Limit=bad)
        code, msg = err(e)
        assert code == "ValidationException"
        assert "1 validation error detected" in msg
        assert text in msg


# ---------------------------------------------------------------- UpdateTable

def test_update_table_provisioned_to_on_demand(client, table_name):
    name = table_name()
    create_simple_table(client, name, billing="PROVISIONED")
    resp = client.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")
    assert resp["TableDescription"]["TableName"] == name
    assert resp["TableDescription"]["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    d = client.describe_table(TableName=name)["Table"]
    assert d["TableStatus"] == "ACTIVE"
    assert d["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert d["ProvisionedThroughput"]["ReadCapacityUnits"] == 0
    assert d["ProvisionedThroughput"]["WriteCapacityUnits"] == 0


def test_update_table_on_demand_to_provisioned(client, table_name):
    name = table_name()
    create_simple_table(client, name)
    client.update_table(TableName=name, BillingMode="PROVISIONED",
                        ProvisionedThroughput={"ReadCapacityUnits": 4, "WriteCapacityUnits": 6})
    d = client.describe_table(TableName=name)["Table"]
    assert d["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert d["ProvisionedThroughput"]["ReadCapacityUnits"] == 4
    assert d["ProvisionedThroughput"]["WriteCapacityUnits"] == 6


def test_update_table_to_provisioned_requires_throughput(client, table_name, server):
    name = table_name()
    create_simple_table(client, name)
    with pytest.raises(ClientError) as e:
        client.update_table(TableName=name, BillingMode="PROVISIONED")
    code, _ = err(e)
    assert code == "ValidationException"
    d = client.describe_table(TableName=name)["Table"]
    assert d["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_update_throughput(client, table_name):
    name = table_name()
    create_simple_table(client, name, billing="PROVISIONED")  # 5/5
    client.update_table(TableName=name,
                        ProvisionedThroughput={"ReadCapacityUnits": 10, "WriteCapacityUnits": 5})
    pt = client.describe_table(TableName=name)["Table"]["ProvisionedThroughput"]
    assert pt["ReadCapacityUnits"] == 10
    assert pt["WriteCapacityUnits"] == 5
    assert "LastIncreaseDateTime" in pt


def test_update_throughput_unchanged_rejected(client, table_name):
    name = table_name()
    create_simple_table(client, name, billing="PROVISIONED")  # 5/5
    with pytest.raises(ClientError) as e:
        client.update_table(TableName=name,
                            ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    code, msg = err(e)
    assert code == "ValidationException"
    assert "The provisioned throughput for the table will not change" in msg


def test_update_throughput_on_demand_rejected(client, table_name):
    name = table_name()
    create_simple_table(client, name)
    with pytest.raises(ClientError) as e:
        client.update_table(TableName=name,
                            ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    code, _ = err(e)
    assert code == "ValidationException"


def test_update_missing_table(client, table_name):
    name = table_name()
    with pytest.raises(ClientError) as e:
        client.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")
    code, msg = err(e)
    assert code == "ResourceNotFoundException"
    assert msg.startswith("Requested resource not found")


# ---------------------------------------------------------------- CreateTable validation

def test_create_missing_key_schema(server, table_name):
    c = loose_client(server)
    name = table_name()
    msg = rejected(c.create_table, TableName=name,
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                   BillingMode="PAY_PER_REQUEST")
    assert "keySchema" in msg or "KeySchema" in msg
    assert name not in c.list_tables()["TableNames"]


def test_create_attribute_definitions_missing_key(server, table_name):
    c = loose_client(server)
    name = table_name()
    msg = rejected(c.create_table, TableName=name,
                   AttributeDefinitions=[{"AttributeName": "other", "AttributeType": "S"}],
                   KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                   BillingMode="PAY_PER_REQUEST")
    assert msg.startswith("One or more parameter values were invalid")
    with pytest.raises(ClientError):
        c.describe_table(TableName=name)


def test_create_extra_attribute_definitions(server, table_name):
    c = loose_client(server)
    name = table_name()
    msg = rejected(c.create_table, TableName=name,
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                         {"AttributeName": "extra", "AttributeType": "S"}],
                   KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                   BillingMode="PAY_PER_REQUEST")
    assert msg.startswith("One or more parameter values were invalid")


def test_create_table_name_too_short(server):
    c = loose_client(server)
    msg = rejected(c.create_table, TableName="ab",
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                   KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                   BillingMode="PAY_PER_REQUEST")
    assert ("TableName must be at least 3 characters long and at most 255 characters long" in msg
            or "Member must have length greater than or equal to 3" in msg), msg


def test_create_table_name_bad_characters(server):
    c = loose_client(server)
    msg = rejected(c.create_table, TableName="bad name!",
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                   KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                   BillingMode="PAY_PER_REQUEST")
    assert "[a-zA-Z0-9_.-]+" in msg


def test_create_bad_attribute_type(server, table_name):
    c = loose_client(server)
    msg = rejected(c.create_table, TableName=table_name(),
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "BOOL"}],
                   KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                   BillingMode="PAY_PER_REQUEST")
    assert "Member must satisfy enum value set: [B, N, S]" in msg


def test_create_provisioned_without_throughput(server, table_name):
    c = loose_client(server)
    msg = rejected(c.create_table, TableName=table_name(),
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                   KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    assert msg.startswith("One or more parameter values were invalid")


def test_create_on_demand_with_throughput(server, table_name):
    c = loose_client(server)
    msg = rejected(c.create_table, TableName=table_name(), BillingMode="PAY_PER_REQUEST",
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                   KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                   ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    assert "PAY_PER_REQUEST" in msg


def test_create_two_hash_keys(server, table_name):
    c = loose_client(server)
    with pytest.raises(ClientError) as e:
        c.create_table(TableName=table_name(), BillingMode="PAY_PER_REQUEST",
                       AttributeDefinitions=[{"AttributeName": "a", "AttributeType": "S"},
                                             {"AttributeName": "b", "AttributeType": "S"}],
                       KeySchema=[{"AttributeName": "a", "KeyType": "HASH"},
                                  {"AttributeName": "b", "KeyType": "HASH"}])
    code, _ = err(e)
    assert code == "ValidationException"


# ---------------------------------------------------------------- namespacing

def test_namespacing_by_access_key(server, table_name):
    name = table_name()
    a = make_client(server.url, akid="AKIDNSA" + uuid.uuid4().hex[:6].upper())
    b = make_client(server.url, akid="AKIDNSB" + uuid.uuid4().hex[:6].upper())
    create_simple_table(a, name)
    a.put_item(TableName=name, Item={"pk": {"S": "only-a"}})
    assert name in a.list_tables()["TableNames"]
    assert name not in b.list_tables()["TableNames"]
    with pytest.raises(ClientError) as e:
        b.describe_table(TableName=name)
    assert err(e)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as e:
        b.get_item(TableName=name, Key={"pk": {"S": "only-a"}})
    assert err(e)[0] == "ResourceNotFoundException"
    # b can create its own table with the same name, independent of a's.
    create_simple_table(b, name, hash_key="other", hash_type="N")
    assert a.describe_table(TableName=name)["Table"]["KeySchema"][0]["AttributeName"] == "pk"
    assert b.describe_table(TableName=name)["Table"]["KeySchema"][0]["AttributeName"] == "other"
    assert a.get_item(TableName=name, Key={"pk": {"S": "only-a"}})["Item"]["pk"] == {"S": "only-a"}


def test_namespacing_by_region(server, table_name):
    name = table_name()
    akid = "AKIDREG" + uuid.uuid4().hex[:6].upper()
    east = make_client(server.url, akid=akid, region="us-east-1")
    west = make_client(server.url, akid=akid, region="eu-west-1")
    other_both = make_client(server.url, akid=akid + "X", region="eu-west-1")
    create_simple_table(east, name)
    assert name not in west.list_tables()["TableNames"]
    assert name not in other_both.list_tables()["TableNames"]
    with pytest.raises(ClientError) as e:
        west.describe_table(TableName=name)
    assert err(e)[0] == "ResourceNotFoundException"
    create_simple_table(west, name)
    arn = west.describe_table(TableName=name)["Table"]["TableArn"]
    assert arn == f"arn:aws:dynamodb:eu-west-1:000000000000:table/{name}"
