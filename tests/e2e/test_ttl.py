"""Time to Live: UpdateTimeToLive / DescribeTimeToLive with DynamoDB's
validation and states, and the sweeper that deletes expired items (forced
through POST /_ddbd/services/ttl/run, and on its own with --ttl-interval)."""

import json
import os
import subprocess
import time

import pytest

from conftest import (DdbdServer, create_simple_table, err, index, key_schema, loose_client, raw_request,
                      rejected)

RUN_PATH = "/_ddbd/services/ttl/run"
FIVE_YEARS = 5 * 31556952


@pytest.fixture(scope="module")
def ttl_server(tmp_path_factory):
    # No periodic sweep during these tests: only the forced ones delete.
    srv = DdbdServer()
    srv.start(["--ttl-interval", "3600"], tmp_path_factory.mktemp("ddbd-ttl"))
    yield srv
    srv.stop()


@pytest.fixture
def ddb(ttl_server):
    return ttl_server.client()


@pytest.fixture
def loose(ttl_server):
    return loose_client(ttl_server)


def sweep(srv):
    """Forces a sweep; returns the number of items it deleted."""
    status, hdrs, body = raw_request(srv.url, "POST", RUN_PATH, timeout=60)
    assert status == 200, body
    assert hdrs["content-type"].startswith("application/json")
    return json.loads(body)["deleted"]


def describe(client, name):
    return client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]


def enable(client, name, attr="exp"):
    return client.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": attr})


def disable(client, name, attr="exp"):
    return client.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": False, "AttributeName": attr})


def put(client, name, pk, exp=None, **extra):
    item = {"pk": {"S": pk}, **extra}
    if exp is not None:
        item["exp"] = exp
    client.put_item(TableName=name, Item=item)


def present(client, name, pk):
    return "Item" in client.get_item(TableName=name, Key={"pk": {"S": pk}}, ConsistentRead=True)


def test_describe_fresh_table_is_disabled(ddb, table_name):
    name = table_name("ttl")
    create_simple_table(ddb, name)
    assert describe(ddb, name) == {"TimeToLiveStatus": "DISABLED"}


def test_enable_and_disable(ddb, table_name):
    name = table_name("ttl")
    create_simple_table(ddb, name)
    r = enable(ddb, name, "expiresAt")
    assert r["TimeToLiveSpecification"] == {"Enabled": True, "AttributeName": "expiresAt"}
    assert describe(ddb, name) == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expiresAt"}
    # The table itself is untouched.
    assert ddb.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE"
    r = disable(ddb, name, "expiresAt")
    assert r["TimeToLiveSpecification"] == {"Enabled": False, "AttributeName": "expiresAt"}
    # Disabled: the attribute is no longer shown, as DynamoDB does.
    assert describe(ddb, name) == {"TimeToLiveStatus": "DISABLED"}
    # Enabled again on another attribute.
    enable(ddb, name, "other")
    assert describe(ddb, name) == {"TimeToLiveStatus": "ENABLED", "AttributeName": "other"}


def test_ttl_on_the_partition_key_is_accepted(ddb, table_name):
    name = table_name("ttl")
    create_simple_table(ddb, name)
    enable(ddb, name, "pk")
    assert describe(ddb, name) == {"TimeToLiveStatus": "ENABLED", "AttributeName": "pk"}


def test_member_validation(loose, table_name):
    name = table_name("ttl")
    create_simple_table(loose, name)
    cases = [
        ({"TableName": name},
         "1 validation error detected: Value null at 'timeToLiveSpecification' failed to satisfy constraint: "
         "Member must not be null"),
        ({"TableName": name, "TimeToLiveSpecification": {"Enabled": True}},
         "1 validation error detected: Value null at 'timeToLiveSpecification.attributeName' failed to satisfy "
         "constraint: Member must not be null"),
        ({"TableName": name, "TimeToLiveSpecification": {"AttributeName": "exp"}},
         "1 validation error detected: Value null at 'timeToLiveSpecification.enabled' failed to satisfy "
         "constraint: Member must not be null"),
        ({"TableName": name, "TimeToLiveSpecification": {"Enabled": True, "AttributeName": "a" * 256}},
         "Member must have length less than or equal to 255"),
        ({"TableName": name, "TimeToLiveSpecification": {"Enabled": True, "AttributeName": ""}},
         "Member must have length greater than or equal to 1"),
    ]
    for kw, want in cases:
        msg = rejected(loose.update_time_to_live, **kw)
        assert want in msg, (kw, msg)
        assert describe(loose, name) == {"TimeToLiveStatus": "DISABLED"}


def test_rules_against_current_settings(ddb, table_name):
    name = table_name("ttl")
    create_simple_table(ddb, name)
    assert rejected(disable, client=ddb, name=name) == "TimeToLive is already disabled"
    assert describe(ddb, name) == {"TimeToLiveStatus": "DISABLED"}
    enable(ddb, name, "exp")
    assert rejected(enable, client=ddb, name=name, attr="exp") == "TimeToLive is already enabled"
    assert rejected(enable, client=ddb, name=name, attr="other") == \
        "TimeToLive is active on a different AttributeName: current AttributeName is exp"
    assert rejected(disable, client=ddb, name=name, attr="other") == \
        "TimeToLive is active on a different AttributeName: current AttributeName is exp"
    assert describe(ddb, name) == {"TimeToLiveStatus": "ENABLED", "AttributeName": "exp"}


def test_missing_table(ddb, table_name):
    name = table_name("nope")
    msg = rejected(ddb.describe_time_to_live, code="ResourceNotFoundException", TableName=name)
    assert msg == f"Requested resource not found: Table: {name} not found"
    msg = rejected(enable, code="ResourceNotFoundException", client=ddb, name=name)
    assert msg == f"Requested resource not found: Table: {name} not found"


def test_once_per_interval_rule(server_factory, table_name):
    srv = server_factory(["--ttl-cooldown", "3600", "--ttl-interval", "3600"])
    c = srv.client()
    name = table_name("ttl")
    create_simple_table(c, name)
    enable(c, name)
    # The content checks come before the interval rule, as in DynamoDB.
    assert rejected(enable, client=c, name=name) == "TimeToLive is already enabled"
    assert rejected(disable, client=c, name=name) == \
        "Time to live has been modified multiple times within a fixed interval"
    assert describe(c, name) == {"TimeToLiveStatus": "ENABLED", "AttributeName": "exp"}
    # Another table has its own interval.
    other = table_name("ttl")
    create_simple_table(c, other)
    enable(c, other)


def test_enabling_and_disabling_last_the_transient_delay(server_factory, table_name):
    delay = 1.5
    srv = server_factory([f"--delay-transient-statuses={delay}", "--ttl-interval", "3600"])
    c = srv.client()
    name = table_name("ttl")
    create_simple_table(c, name)
    # While CREATING: DynamoDB refuses both.
    assert rejected(c.describe_time_to_live, TableName=name) == \
        "Cannot describe time to live while table is in CREATING state"
    rejected(enable, code="ResourceInUseException", client=c, name=name)
    c.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 100})
    enable(c, name)
    assert describe(c, name) == {"TimeToLiveStatus": "ENABLING", "AttributeName": "exp"}
    time.sleep(delay + 0.3)
    assert describe(c, name) == {"TimeToLiveStatus": "ENABLED", "AttributeName": "exp"}
    disable(c, name)
    assert describe(c, name) == {"TimeToLiveStatus": "DISABLING", "AttributeName": "exp"}
    time.sleep(delay + 0.3)
    assert describe(c, name) == {"TimeToLiveStatus": "DISABLED"}


def test_forced_sweep_deletes_only_expired_numbers(ttl_server, ddb, table_name):
    name = table_name("ttl")
    create_simple_table(ddb, name)
    enable(ddb, name)
    now = int(time.time())
    put(ddb, name, "expired1", {"N": str(now - 100)})
    put(ddb, name, "expired2", {"N": f"{now - 3600}.25"})
    put(ddb, name, "future", {"N": str(now + 3600)})
    put(ddb, name, "millis", {"N": str(now * 1000)})
    put(ddb, name, "too-old", {"N": str(now - FIVE_YEARS - 86400)})
    put(ddb, name, "string", {"S": str(now - 100)})
    put(ddb, name, "set", {"NS": [str(now - 100)]})
    put(ddb, name, "none")
    # Expired but not yet swept: still readable, as in DynamoDB.
    assert present(ddb, name, "expired1")
    assert ddb.scan(TableName=name)["Count"] == 8
    assert sweep(ttl_server) == 2
    for pk in ("expired1", "expired2"):
        assert not present(ddb, name, pk), pk
    for pk in ("future", "millis", "too-old", "string", "set", "none"):
        assert present(ddb, name, pk), pk
    assert ddb.describe_table(TableName=name)["Table"]["ItemCount"] == 6
    assert sweep(ttl_server) == 0


def test_sweep_removes_index_entries(ttl_server, ddb, table_name):
    name = table_name("ttl")
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                           {"AttributeName": "g", "AttributeType": "S"}],
                     KeySchema=key_schema("pk"),
                     GlobalSecondaryIndexes=[index("by-g", "g", projection="ALL")])
    enable(ddb, name)
    now = int(time.time())
    for i in range(30):
        exp = now - 10 if i % 3 == 0 else now + 3600
        put(ddb, name, f"i{i}", {"N": str(exp)}, g={"S": "grp"})

    def in_index():
        r = ddb.query(TableName=name, IndexName="by-g", KeyConditionExpression="g = :g",
                      ExpressionAttributeValues={":g": {"S": "grp"}})
        return sorted(it["pk"]["S"] for it in r["Items"])

    assert len(in_index()) == 30
    assert sweep(ttl_server) == 10
    assert in_index() == sorted(f"i{i}" for i in range(30) if i % 3 != 0)


def test_refreshed_item_is_kept(ttl_server, ddb, table_name):
    name = table_name("ttl")
    create_simple_table(ddb, name)
    enable(ddb, name)
    now = int(time.time())
    put(ddb, name, "a", {"N": str(now - 100)})
    put(ddb, name, "b", {"N": str(now - 100)})
    ddb.update_item(TableName=name, Key={"pk": {"S": "a"}}, UpdateExpression="SET exp = :t",
                    ExpressionAttributeValues={":t": {"N": str(now + 3600)}})
    assert sweep(ttl_server) == 1
    assert present(ddb, name, "a")
    assert not present(ddb, name, "b")


def test_nothing_deleted_without_ttl(ttl_server, ddb, table_name):
    never = table_name("ttl")
    create_simple_table(ddb, never)
    off = table_name("ttl")
    create_simple_table(ddb, off)
    enable(ddb, off)
    disable(ddb, off)
    now = int(time.time())
    for name in (never, off):
        put(ddb, name, "old", {"N": str(now - 100)})
    sweep(ttl_server)
    for name in (never, off):
        assert present(ddb, name, "old"), name


def test_periodic_sweep(server_factory, table_name):
    srv = server_factory(["--ttl-interval", "0.2"])
    c = srv.client()
    name = table_name("ttl")
    create_simple_table(c, name)
    enable(c, name)
    now = int(time.time())
    put(c, name, "old", {"N": str(now - 100)})
    put(c, name, "soon", {"N": str(now + 2)})
    put(c, name, "later", {"N": str(now + 3600)})
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and (present(c, name, "old") or present(c, name, "soon")):
        time.sleep(0.1)
    assert not present(c, name, "old")
    assert not present(c, name, "soon")
    assert present(c, name, "later")


def test_admin_path_is_outside_the_api(ttl_server):
    # Only POST on the exact path runs a sweep.
    status, _, _ = raw_request(ttl_server.url, "GET", RUN_PATH)
    assert status == 404
    # Another path is an ordinary POST without a target.
    status, _, body = raw_request(ttl_server.url, "POST", "/_ddbd/services/nope/run")
    assert status == 400
    assert b"UnknownOperationException" in body


def test_invalid_ttl_interval_is_refused():
    for bad in ("0", "-1", "abc", "nan", "100000"):
        p = subprocess.run([DdbdServer().binary, "--in-memory", "--shared-db",
                            "--ttl-interval", bad], capture_output=True, text=True, timeout=10)
        assert p.returncode != 0, bad
        assert "--ttl-interval" in p.stderr, (bad, p.stderr)


from conftest import AWS_CLI as AWS  # noqa: E402


@pytest.mark.skipif(AWS is None, reason="AWS CLI not installed, or DDBD_E2E_NO_CLI=1")
def test_aws_cli(ttl_server, table_name):
    env = dict(os.environ)
    env.update({"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
                "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": ""})
    env.pop("AWS_PROFILE", None)
    name = table_name("cli")
    create_simple_table(ttl_server.client(akid="AKIDEXAMPLE"), name)

    def aws(*args):
        p = subprocess.run([AWS, "dynamodb", *args, "--endpoint-url", ttl_server.url, "--output", "json"],
                           env=env, capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)

    out = aws("update-time-to-live", "--table-name", name,
              "--time-to-live-specification", "Enabled=true,AttributeName=expiresAt")
    assert out == {"TimeToLiveSpecification": {"Enabled": True, "AttributeName": "expiresAt"}}
    out = aws("describe-time-to-live", "--table-name", name)
    assert out == {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": "expiresAt"}}


def test_ttl_deletion_is_a_service_remove_in_the_stream(ttl_server, ddb, table_name):
    """A TTL deletion reaches the table's stream as a REMOVE whose userIdentity
    is the DynamoDB service; a user's own delete has no userIdentity."""
    import boto3
    from botocore.config import Config
    from conftest import DEFAULT_AKID, DEFAULT_SECRET, REGION

    name = table_name("ttl")
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    enable(ddb, name)
    now = int(time.time())
    put(ddb, name, "old", {"N": str(now - 60)}, v={"S": "gone"})
    put(ddb, name, "mine", {"N": str(now + 3600)})
    ddb.delete_item(TableName=name, Key={"pk": {"S": "mine"}})
    assert sweep(ttl_server) >= 1
    assert not present(ddb, name, "old")

    streams = boto3.client("dynamodbstreams", endpoint_url=ttl_server.url, region_name=REGION,
                           aws_access_key_id=DEFAULT_AKID, aws_secret_access_key=DEFAULT_SECRET,
                           config=Config(retries={"max_attempts": 1}))
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = streams.get_records(ShardIterator=it)["Records"]
    assert [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in records] == [
        ("INSERT", "old"), ("INSERT", "mine"), ("REMOVE", "mine"), ("REMOVE", "old")]
    user_remove, ttl_remove = records[2], records[3]
    assert "userIdentity" not in user_remove
    assert ttl_remove["userIdentity"] == {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}
    assert ttl_remove["dynamodb"]["OldImage"]["v"] == {"S": "gone"}
    assert "NewImage" not in ttl_remove["dynamodb"]
