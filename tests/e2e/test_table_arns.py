"""A table ARN wherever an operation takes TableName (issue 15, part 3).

Since 2024 DynamoDB accepts arn:aws:dynamodb:<region>:<account>:table/<name>
in every TableName member (and as a key of BatchGetItem/BatchWriteItem's
RequestItems).  ddbd resolves an ARN of the caller's region and of its
account (000000000000, as in TableArn) to the caller's table; answers name
the table as the request did ("If you had specified the ARN of a table in
the input, you'll see the table ARN in the response", API Reference,
ConsumedCapacity.TableName; the batch maps are keyed by the request's keys).
A malformed ARN, or the ARN of an index or a stream, is a ValidationException;
one of another account an AccessDeniedException; one of another region names
no table here (ResourceNotFoundException).
"""

import json
import os
import subprocess

import pytest

from conftest import (DEFAULT_AKID, DEFAULT_SECRET, REGION, TARGET_PREFIX, error_message, error_type, find_aws_cli, raw_post, rejected,
                      temp_table)

ACCOUNT = "000000000000"


def arn_of(name, region=REGION, account=ACCOUNT):
    return f"arn:aws:dynamodb:{region}:{account}:table/{name}"


def call(server, op, body):
    status, _, data = raw_post(server.url, TARGET_PREFIX + op, json.dumps(body).encode())
    return status, error_type(data), error_message(data)


@pytest.fixture(scope="module")
def tables(server):
    from conftest import make_client
    client = make_client(server.url)
    with temp_table(client, "arn-a", range_key="sk") as a, temp_table(client, "arn-b") as b:
        yield a, b


def test_item_operations_by_arn(client, tables):
    a, _ = tables
    arn = arn_of(a)
    item = {"pk": {"S": "p"}, "sk": {"S": "1"}, "v": {"N": "1"}}
    r = client.put_item(TableName=arn, Item=item, ReturnConsumedCapacity="TOTAL")
    assert r["ConsumedCapacity"]["TableName"] == arn
    # The item is in the table the name reaches.
    assert client.get_item(TableName=a, Key={"pk": item["pk"], "sk": item["sk"]})["Item"] == item
    r = client.get_item(TableName=arn, Key={"pk": item["pk"], "sk": item["sk"]}, ReturnConsumedCapacity="TOTAL")
    assert r["Item"] == item and r["ConsumedCapacity"]["TableName"] == arn
    r = client.update_item(TableName=arn, Key={"pk": item["pk"], "sk": item["sk"]}, UpdateExpression="SET v = v + :o",
                           ExpressionAttributeValues={":o": {"N": "1"}}, ReturnValues="UPDATED_NEW",
                           ReturnConsumedCapacity="INDEXES")
    assert r["Attributes"] == {"v": {"N": "2"}} and r["ConsumedCapacity"]["TableName"] == arn
    r = client.query(TableName=arn, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": item["pk"]},
                     ReturnConsumedCapacity="TOTAL")
    assert r["Count"] == 1 and r["ConsumedCapacity"]["TableName"] == arn
    r = client.scan(TableName=arn, ReturnConsumedCapacity="TOTAL")
    assert r["Count"] == 1 and r["ConsumedCapacity"]["TableName"] == arn
    # The plain name still answers with the name.
    assert client.scan(TableName=a, ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]["TableName"] == a
    r = client.delete_item(TableName=arn, Key={"pk": item["pk"], "sk": item["sk"]}, ReturnValues="ALL_OLD",
                           ReturnConsumedCapacity="TOTAL")
    assert r["Attributes"]["v"] == {"N": "2"} and r["ConsumedCapacity"]["TableName"] == arn
    assert "Item" not in client.get_item(TableName=a, Key={"pk": item["pk"], "sk": item["sk"]})


def test_batches_answer_with_the_request_keys(client, tables):
    a, b = tables
    arn_b = arn_of(b)
    r = client.batch_write_item(RequestItems={
        a: [{"PutRequest": {"Item": {"pk": {"S": "x"}, "sk": {"S": "1"}}}}],
        arn_b: [{"PutRequest": {"Item": {"pk": {"S": "y"}}}}]}, ReturnConsumedCapacity="TOTAL")
    assert r["UnprocessedItems"] == {}
    assert sorted(c["TableName"] for c in r["ConsumedCapacity"]) == sorted([a, arn_b])
    r = client.batch_get_item(RequestItems={
        arn_b: {"Keys": [{"pk": {"S": "y"}}]},
        a: {"Keys": [{"pk": {"S": "x"}, "sk": {"S": "1"}}]}}, ReturnConsumedCapacity="TOTAL")
    assert set(r["Responses"]) == {a, arn_b}
    assert r["Responses"][arn_b] == [{"pk": {"S": "y"}}]
    assert sorted(c["TableName"] for c in r["ConsumedCapacity"]) == sorted([a, arn_b])
    client.batch_write_item(RequestItems={arn_b: [{"DeleteRequest": {"Key": {"pk": {"S": "y"}}}}],
                                          arn_of(a): [{"DeleteRequest": {"Key": {"pk": {"S": "x"}, "sk": {"S": "1"}}}}]})
    assert client.scan(TableName=b)["Count"] == 0 and client.scan(TableName=a)["Count"] == 0


def test_transactions_by_arn(client, tables):
    a, b = tables
    arn_a, arn_b = arn_of(a), arn_of(b)
    r = client.transact_write_items(TransactItems=[
        {"Put": {"TableName": arn_a, "Item": {"pk": {"S": "t"}, "sk": {"S": "1"}}}},
        {"Put": {"TableName": b, "Item": {"pk": {"S": "t"}}}}], ReturnConsumedCapacity="TOTAL")
    assert sorted(c["TableName"] for c in r["ConsumedCapacity"]) == sorted([arn_a, b])
    r = client.transact_get_items(TransactItems=[
        {"Get": {"TableName": arn_a, "Key": {"pk": {"S": "t"}, "sk": {"S": "1"}}}},
        {"Get": {"TableName": arn_b, "Key": {"pk": {"S": "t"}}}}], ReturnConsumedCapacity="TOTAL")
    assert [x["Item"]["pk"]["S"] for x in r["Responses"]] == ["t", "t"]
    assert sorted(c["TableName"] for c in r["ConsumedCapacity"]) == sorted([arn_a, arn_b])
    client.transact_write_items(TransactItems=[
        {"Delete": {"TableName": arn_a, "Key": {"pk": {"S": "t"}, "sk": {"S": "1"}}}},
        {"Delete": {"TableName": arn_b, "Key": {"pk": {"S": "t"}}}}])
    assert client.scan(TableName=a)["Count"] == 0 and client.scan(TableName=b)["Count"] == 0


def test_table_operations_by_arn(client):
    with temp_table(client, "arn-ctl") as name:
        arn = arn_of(name)
        d = client.describe_table(TableName=arn)["Table"]
        assert d["TableName"] == name and d["TableArn"] == arn
        client.update_time_to_live(TableName=arn, TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
        assert client.describe_time_to_live(TableName=arn)["TimeToLiveDescription"] == {
            "TimeToLiveStatus": "ENABLED", "AttributeName": "exp"}
        client.update_continuous_backups(TableName=arn, PointInTimeRecoverySpecification={
            "PointInTimeRecoveryEnabled": True})
        pitr = client.describe_continuous_backups(TableName=arn)["ContinuousBackupsDescription"]
        assert pitr["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
        backup = client.create_backup(TableName=arn, BackupName="arnbackup")["BackupDetails"]
        assert backup["BackupArn"].startswith(arn + "/backup/")
        r = client.update_table(TableName=arn, BillingMode="PROVISIONED",
                                ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 2})
        assert r["TableDescription"]["TableName"] == name


def test_delete_table_by_arn(client, table_name):
    from conftest import create_simple_table
    name = table_name("arn-del")
    create_simple_table(client, name)
    r = client.delete_table(TableName=arn_of(name))
    assert r["TableDescription"]["TableName"] == name
    assert name not in client.list_tables()["TableNames"]


@pytest.mark.parametrize("op,extra", [
    ("GetItem", {"Key": {"pk": {"S": "a"}}}),
    ("DescribeTable", {}),
    ("Scan", {}),
])
def test_bad_arns(server, tables, op, extra):
    a, _ = tables
    # The ARN of an index, of a stream, a malformed ARN: "Invalid TableArn".
    for bad in (arn_of(a) + "/index/gsi", arn_of(a) + "/stream/2024-01-01T00:00:00.000",
                "arn:aws:dynamodb:us-east-1:000000000000:tabl/" + a, "arn:aws:s3:::bucket/" + a,
                arn_of("ab"), arn_of("bad*name"), "arn:"):
        status, code, msg = call(server, op, dict(extra, TableName=bad))
        assert (status, code, msg) == (400, "ValidationException",
                                       "Invalid TableArn: Invalid ResourceArn provided as input " + bad), bad
    # Another account: denied, naming the operation.
    other = arn_of(a, account="123456789012")
    status, code, msg = call(server, op, dict(extra, TableName=other))
    assert (status, code) == (400, "AccessDeniedException")
    assert msg == f"User: arn:aws:iam::{ACCOUNT}:root is not authorized to perform: dynamodb:{op} on resource: {other}"
    # Another region: no such table here.
    status, code, msg = call(server, op, dict(extra, TableName=arn_of(a, region="eu-west-1")))
    assert (status, code) == (400, "ResourceNotFoundException")
    # A missing table, named by ARN, is reported by the ARN.
    missing = arn_of("no-such-table-arn")
    status, code, msg = call(server, op, dict(extra, TableName=missing))
    assert (status, code) == (400, "ResourceNotFoundException")
    if op == "DescribeTable":
        assert msg == f"Requested resource not found: Table: {missing} not found"


def test_batch_keys_may_be_arns_but_bad_ones_fail(server, tables):
    a, _ = tables
    bad = arn_of(a) + "/index/gsi"
    status, code, msg = call(server, "BatchGetItem", {"RequestItems": {bad: {"Keys": [{"pk": {"S": "a"}}]}}})
    assert (status, code, msg) == (400, "ValidationException",
                                   "Invalid TableArn: Invalid ResourceArn provided as input " + bad)
    long_arn = "arn:" + "a" * 1021
    status, code, _ = call(server, "BatchGetItem", {"RequestItems": {long_arn: {"Keys": [{"pk": {"S": "a"}}]}}})
    assert (status, code) == (400, "ValidationException")


def test_aws_cli_by_arn(server, tables):
    cli = find_aws_cli()
    if not cli:
        pytest.skip("no AWS CLI")
    a, _ = tables
    env = dict(os.environ, AWS_ACCESS_KEY_ID=DEFAULT_AKID,
               AWS_SECRET_ACCESS_KEY=DEFAULT_SECRET, AWS_DEFAULT_REGION=REGION)
    base = [cli, "--endpoint-url", server.url, "--output", "json", "dynamodb"]
    subprocess.run(base + ["put-item", "--table-name", arn_of(a), "--item", '{"pk":{"S":"cli"},"sk":{"S":"1"}}'],
                   env=env, check=True, capture_output=True, timeout=60)
    out = subprocess.run(base + ["get-item", "--table-name", arn_of(a), "--key", '{"pk":{"S":"cli"},"sk":{"S":"1"}}',
                                 "--return-consumed-capacity", "TOTAL"],
                         env=env, check=True, capture_output=True, timeout=60)
    r = json.loads(out.stdout)
    assert r["Item"]["pk"] == {"S": "cli"} and r["ConsumedCapacity"]["TableName"] == arn_of(a)
    out = subprocess.run(base + ["describe-table", "--table-name", arn_of(a)], env=env, check=True,
                         capture_output=True, timeout=60)
    assert json.loads(out.stdout)["Table"]["TableName"] == a
