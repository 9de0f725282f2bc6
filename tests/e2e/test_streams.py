"""DynamoDB Streams through boto3's 'dynamodbstreams' client (issue 12, parts 1-2).

Every test drives the real binary: tables are created with a
StreamSpecification (or get one through UpdateTable), items are written with
the 'dynamodb' client, and the records are read back with ListStreams,
DescribeStream, GetShardIterator and GetRecords.
"""

import json
import os
import re
import subprocess
import time

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import DEFAULT_AKID, DEFAULT_SECRET, REGION, raw_post

SEQ_RE = re.compile(r"^\d{21}$")
SHARD_RE = re.compile(r"^shardId-\d{20}-[0-9a-f]{8}$")


def streams_client(srv):
    return boto3.client(
        "dynamodbstreams", endpoint_url=srv.url, region_name=REGION,
        aws_access_key_id=DEFAULT_AKID, aws_secret_access_key=DEFAULT_SECRET,
        config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30))


def make_table(client, name, view="NEW_AND_OLD_IMAGES", range_key=False, stream=True):
    attrs = [{"AttributeName": "pk", "AttributeType": "S"}]
    keys = [{"AttributeName": "pk", "KeyType": "HASH"}]
    if range_key:
        attrs.append({"AttributeName": "sk", "AttributeType": "N"})
        keys.append({"AttributeName": "sk", "KeyType": "RANGE"})
    kwargs = {}
    if stream:
        kwargs["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": view}
    return client.create_table(TableName=name, AttributeDefinitions=attrs, KeySchema=keys,
                               BillingMode="PAY_PER_REQUEST", **kwargs)["TableDescription"]


def read_all(streams, arn, iterator_type="TRIM_HORIZON"):
    """Every record of every shard of the stream, oldest shard first."""
    out = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                        ShardIteratorType=iterator_type)["ShardIterator"]
        for _ in range(100):
            resp = streams.get_records(ShardIterator=it)
            out.extend(resp["Records"])
            it = resp.get("NextShardIterator")
            if not it or not resp["Records"]:
                break
    return out


@pytest.fixture
def streams(server):
    return streams_client(server)


def test_create_table_shows_stream_and_describe_stream(client, streams, table_name):
    name = table_name("s")
    desc = make_table(client, name, range_key=True)
    assert desc["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    label = desc["LatestStreamLabel"]
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$", label)
    arn = desc["LatestStreamArn"]
    assert arn == f"arn:aws:dynamodb:us-east-1:000000000000:table/{name}/stream/{label}"
    assert client.describe_table(TableName=name)["Table"]["LatestStreamArn"] == arn

    sd = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert sd["StreamArn"] == arn and sd["StreamLabel"] == label
    assert sd["StreamStatus"] == "ENABLED" and sd["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert sd["TableName"] == name
    assert sd["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"},
                               {"AttributeName": "sk", "KeyType": "RANGE"}]
    assert len(sd["Shards"]) == 1
    shard = sd["Shards"][0]
    assert SHARD_RE.match(shard["ShardId"]) and "ParentShardId" not in shard
    assert SEQ_RE.match(shard["SequenceNumberRange"]["StartingSequenceNumber"])
    assert "EndingSequenceNumber" not in shard["SequenceNumberRange"]

    listed = streams.list_streams(TableName=name)["Streams"]
    assert listed == [{"StreamArn": arn, "TableName": name, "StreamLabel": label}]


def test_put_update_delete_records_in_order(client, streams, table_name):
    name = table_name("s")
    arn = make_table(client, name)["LatestStreamArn"]
    client.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    client.update_item(TableName=name, Key={"pk": {"S": "a"}}, UpdateExpression="SET v = :v",
                       ExpressionAttributeValues={":v": {"N": "2"}})
    client.delete_item(TableName=name, Key={"pk": {"S": "a"}})
    recs = read_all(streams, arn)
    assert [r["eventName"] for r in recs] == ["INSERT", "MODIFY", "REMOVE"]
    seqs = [int(r["dynamodb"]["SequenceNumber"]) for r in recs]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3
    ins, mod, rem = recs
    for r in recs:
        assert r["eventVersion"] == "1.1" and r["eventSource"] == "aws:dynamodb"
        assert r["awsRegion"] == "us-east-1" and re.match(r"^[0-9a-f]{32}$", r["eventID"])
        assert r["dynamodb"]["Keys"] == {"pk": {"S": "a"}}
        assert r["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
        assert r["dynamodb"]["SizeBytes"] > 0
        assert "userIdentity" not in r
    assert ins["dynamodb"]["NewImage"] == {"pk": {"S": "a"}, "v": {"N": "1"}}
    assert "OldImage" not in ins["dynamodb"]
    assert mod["dynamodb"]["OldImage"] == {"pk": {"S": "a"}, "v": {"N": "1"}}
    assert mod["dynamodb"]["NewImage"] == {"pk": {"S": "a"}, "v": {"N": "2"}}
    assert rem["dynamodb"]["OldImage"] == {"pk": {"S": "a"}, "v": {"N": "2"}}
    assert "NewImage" not in rem["dynamodb"]


@pytest.mark.parametrize("view,has_new,has_old", [
    ("KEYS_ONLY", False, False), ("NEW_IMAGE", True, False),
    ("OLD_IMAGE", False, True), ("NEW_AND_OLD_IMAGES", True, True)])
def test_view_types(client, streams, table_name, view, has_new, has_old):
    name = table_name("v")
    arn = make_table(client, name, view=view, range_key=True)["LatestStreamArn"]
    key = {"pk": {"S": "k"}, "sk": {"N": "7"}}
    client.put_item(TableName=name, Item={**key, "a": {"S": "x"}})
    client.put_item(TableName=name, Item={**key, "a": {"S": "y"}})
    recs = read_all(streams, arn)
    assert [r["eventName"] for r in recs] == ["INSERT", "MODIFY"]
    modify = recs[1]["dynamodb"]
    assert modify["Keys"] == key and modify["StreamViewType"] == view
    assert ("NewImage" in modify) == has_new and ("OldImage" in modify) == has_old
    if has_new:
        assert modify["NewImage"]["a"] == {"S": "y"}
    if has_old:
        assert modify["OldImage"]["a"] == {"S": "x"}


def test_no_record_for_a_change_that_changes_nothing(client, streams, table_name):
    name = table_name("s")
    arn = make_table(client, name)["LatestStreamArn"]
    item = {"pk": {"S": "a"}, "n": {"N": "1.50"}, "s": {"SS": ["x", "y"]}}
    client.put_item(TableName=name, Item=item)
    client.put_item(TableName=name, Item={"pk": {"S": "a"}, "n": {"N": "1.5"}, "s": {"SS": ["y", "x"]}})
    client.update_item(TableName=name, Key={"pk": {"S": "a"}}, UpdateExpression="SET n = :n",
                       ExpressionAttributeValues={":n": {"N": "1.5"}})
    client.delete_item(TableName=name, Key={"pk": {"S": "missing"}})
    recs = read_all(streams, arn)
    assert [r["eventName"] for r in recs] == ["INSERT"]


def test_batch_and_transaction_one_record_per_item(client, streams, table_name):
    name = table_name("s")
    arn = make_table(client, name)["LatestStreamArn"]
    client.batch_write_item(RequestItems={name: [
        {"PutRequest": {"Item": {"pk": {"S": f"b{i}"}}}} for i in range(3)]})
    client.transact_write_items(TransactItems=[
        {"Put": {"TableName": name, "Item": {"pk": {"S": "t1"}}}},
        {"Delete": {"TableName": name, "Key": {"pk": {"S": "b0"}}}},
        {"Update": {"TableName": name, "Key": {"pk": {"S": "b1"}}, "UpdateExpression": "SET x = :x",
                    "ExpressionAttributeValues": {":x": {"S": "1"}}}}])
    # A failed transaction records nothing.
    with pytest.raises(ClientError):
        client.transact_write_items(TransactItems=[
            {"Put": {"TableName": name, "Item": {"pk": {"S": "t2"}}}},
            {"ConditionCheck": {"TableName": name, "Key": {"pk": {"S": "zz"}},
                                "ConditionExpression": "attribute_exists(pk)"}}])
    recs = read_all(streams, arn)
    got = [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in recs]
    assert sorted(got[:3]) == [("INSERT", "b0"), ("INSERT", "b1"), ("INSERT", "b2")]
    assert sorted(got[3:]) == [("INSERT", "t1"), ("MODIFY", "b1"), ("REMOVE", "b0")]


def test_table_without_stream_has_no_stream_members(client, streams, table_name):
    name = table_name("n")
    desc = make_table(client, name, stream=False)
    assert "StreamSpecification" not in desc and "LatestStreamArn" not in desc
    assert streams.list_streams(TableName=name)["Streams"] == []


def test_update_table_enable_disable_reenable(client, streams, table_name):
    name = table_name("u")
    make_table(client, name, stream=False)
    with pytest.raises(ClientError) as e:
        client.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
    assert e.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as e:
        client.update_table(TableName=name, StreamSpecification={"StreamEnabled": True})
    assert e.value.response["Error"]["Code"] == "ValidationException"

    d1 = client.update_table(TableName=name, StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})["TableDescription"]
    arn1 = d1["LatestStreamArn"]
    assert d1["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    with pytest.raises(ClientError) as e:
        client.update_table(TableName=name, StreamSpecification={
            "StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    assert e.value.response["Error"]["Code"] == "ValidationException"
    assert e.value.response["Error"]["Message"] == f"Table already has an enabled stream: TableName: {name}"

    client.put_item(TableName=name, Item={"pk": {"S": "a"}})
    d2 = client.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})["TableDescription"]
    assert d2["StreamSpecification"] == {"StreamEnabled": False}
    assert d2["LatestStreamArn"] == arn1
    client.put_item(TableName=name, Item={"pk": {"S": "b"}})  # not recorded

    sd = streams.describe_stream(StreamArn=arn1)["StreamDescription"]
    assert sd["StreamStatus"] == "DISABLED"
    assert all("EndingSequenceNumber" in s["SequenceNumberRange"] for s in sd["Shards"])
    recs = read_all(streams, arn1)
    assert [r["dynamodb"]["Keys"] for r in recs] == [{"pk": {"S": "a"}}]
    # The closed shard fully read: no NextShardIterator.
    shard = sd["Shards"][-1]["ShardId"]
    it = streams.get_shard_iterator(StreamArn=arn1, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    resp = streams.get_records(ShardIterator=it["ShardIterator"])
    assert len(resp["Records"]) == 1 and "NextShardIterator" not in resp

    time.sleep(0.01)
    d3 = client.update_table(TableName=name, StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})["TableDescription"]
    assert d3["LatestStreamArn"] != arn1 and d3["LatestStreamLabel"] != d1["LatestStreamLabel"]
    arns = [s["StreamArn"] for s in streams.list_streams(TableName=name)["Streams"]]
    assert arns == [d3["LatestStreamArn"], arn1]


def test_delete_table_closes_stream(client, streams, table_name):
    name = table_name("d")
    arn = make_table(client, name)["LatestStreamArn"]
    client.put_item(TableName=name, Item={"pk": {"S": "a"}})
    client.delete_table(TableName=name)
    sd = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert sd["StreamStatus"] == "DISABLED"
    assert [r["eventName"] for r in read_all(streams, arn)] == ["INSERT"]


def test_iterator_types_and_limit(client, streams, table_name):
    name = table_name("i")
    arn = make_table(client, name)["LatestStreamArn"]
    for i in range(5):
        client.put_item(TableName=name, Item={"pk": {"S": f"k{i}"}})
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    recs = read_all(streams, arn)
    seqs = [r["dynamodb"]["SequenceNumber"] for r in recs]
    assert len(seqs) == 5

    def first_keys(itype, seq=None, limit=None):
        kw = {"SequenceNumber": seq} if seq else {}
        it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType=itype, **kw)
        resp = streams.get_records(ShardIterator=it["ShardIterator"], **({"Limit": limit} if limit else {}))
        return [r["dynamodb"]["Keys"]["pk"]["S"] for r in resp["Records"]], resp

    assert first_keys("AT_SEQUENCE_NUMBER", seqs[2])[0] == ["k2", "k3", "k4"]
    assert first_keys("AFTER_SEQUENCE_NUMBER", seqs[2])[0] == ["k3", "k4"]
    keys, resp = first_keys("TRIM_HORIZON", limit=2)
    assert keys == ["k0", "k1"]
    nxt = streams.get_records(ShardIterator=resp["NextShardIterator"], Limit=2)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in nxt["Records"]] == ["k2", "k3"]

    keys, resp = first_keys("LATEST")
    assert keys == [] and "NextShardIterator" in resp
    client.put_item(TableName=name, Item={"pk": {"S": "late"}})
    later = streams.get_records(ShardIterator=resp["NextShardIterator"])
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in later["Records"]] == ["late"]


def test_bad_arns_shards_and_iterators(client, streams, table_name, server):
    name = table_name("b")
    arn = make_table(client, name)["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    missing = arn[:-3] + "999"

    def code_msg(fn, **kw):
        with pytest.raises(ClientError) as e:
            fn(**kw)
        return e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]

    assert code_msg(streams.describe_stream, StreamArn=missing) == (
        "ResourceNotFoundException", f"Requested resource not found: Stream: {missing} not found")
    assert code_msg(streams.get_shard_iterator, StreamArn=missing, ShardId=shard,
                    ShardIteratorType="LATEST")[0] == "ResourceNotFoundException"
    assert code_msg(streams.get_shard_iterator, StreamArn=arn, ShardId="shardId-00000000000000000000-00000000",
                    ShardIteratorType="LATEST") == (
        "ResourceNotFoundException", "Requested resource not found: Shard does not exist")
    assert code_msg(streams.get_shard_iterator, StreamArn=arn, ShardId=shard,
                    ShardIteratorType="AT_SEQUENCE_NUMBER")[0] == "ValidationException"
    assert code_msg(streams.get_shard_iterator, StreamArn=arn, ShardId=shard,
                    ShardIteratorType="SOMEWHERE")[0] == "ValidationException"
    # Constraints boto3 would check itself: sent raw.
    status, _, body = raw_post(server.url, "DynamoDBStreams_20120810.DescribeStream", {"StreamArn": "arn:short"})
    assert status == 400 and body["__type"].endswith("ValidationException")

    good = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")["ShardIterator"]
    garbled = good[:-4] + ("0000" if not good.endswith("0000") else "1111")
    for bad in ["nonsense", garbled, arn + "|1|zz"]:
        assert code_msg(streams.get_records, ShardIterator=bad) == ("ValidationException", "Invalid ShardIterator")
    for limit in (0, 1001):
        status, _, body = raw_post(server.url, "DynamoDBStreams_20120810.GetRecords",
                                   {"ShardIterator": good, "Limit": limit})
        assert status == 400 and body["__type"].endswith("ValidationException"), body
    # Another caller's namespace does not see the stream.
    other = boto3.client("dynamodbstreams", endpoint_url=server.url, region_name=REGION,
                         aws_access_key_id="AKIDOTHER", aws_secret_access_key="x")
    with pytest.raises(ClientError) as e:
        other.describe_stream(StreamArn=arn)
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    # An unknown Streams operation.
    status, _, body = raw_post(server.url, "DynamoDBStreams_20120810.Nope", {})
    assert status == 400 and body["__type"].endswith("UnknownOperationException")


def test_list_streams_paging(client, streams, table_name):
    names = [table_name("p") for _ in range(3)]
    arns = [make_table(client, n)["LatestStreamArn"] for n in names]
    page = streams.list_streams(Limit=1)
    assert len(page["Streams"]) == 1 and "LastEvaluatedStreamArn" in page
    seen = [page["Streams"][0]["StreamArn"]]
    while "LastEvaluatedStreamArn" in page:
        page = streams.list_streams(Limit=1, ExclusiveStartStreamArn=page["LastEvaluatedStreamArn"])
        seen += [s["StreamArn"] for s in page["Streams"]]
    assert set(arns) <= set(seen) and len(seen) == len(set(seen))


def test_shard_rollover(server_factory, table_name):
    srv = server_factory(["--in-memory", "--stream-shard-rollover-seconds", "0.3"])
    client, streams = srv.client(), streams_client(srv)
    name = table_name("r")
    arn = make_table(client, name)["LatestStreamArn"]
    client.put_item(TableName=name, Item={"pk": {"S": "a"}})
    time.sleep(0.5)
    client.put_item(TableName=name, Item={"pk": {"S": "b"}})
    shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    assert len(shards) == 2
    first, second = shards
    assert "EndingSequenceNumber" in first["SequenceNumberRange"]
    assert second["ParentShardId"] == first["ShardId"]
    assert "EndingSequenceNumber" not in second["SequenceNumberRange"]
    end = int(first["SequenceNumberRange"]["EndingSequenceNumber"])
    assert int(second["SequenceNumberRange"]["StartingSequenceNumber"]) > end
    recs = read_all(streams, arn)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in recs] == ["a", "b"]
    # The closed shard ends after its one record.
    it = streams.get_shard_iterator(StreamArn=arn, ShardId=first["ShardId"],
                                    ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    resp = streams.get_records(ShardIterator=it)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in resp["Records"]] == ["a"]
    assert "NextShardIterator" not in resp


def test_expired_iterator(server_factory, table_name):
    srv = server_factory(["--in-memory", "--stream-iterator-seconds", "0.3"])
    client, streams = srv.client(), streams_client(srv)
    name = table_name("e")
    arn = make_table(client, name)["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    streams.get_records(ShardIterator=it)  # fresh: fine
    time.sleep(0.6)
    with pytest.raises(ClientError) as e:
        streams.get_records(ShardIterator=it)
    assert e.value.response["Error"]["Code"] == "ExpiredIteratorException"
    assert e.value.response["Error"]["Message"].startswith("Iterator expired.")


def test_trimmed_data(server_factory, table_name):
    srv = server_factory(["--in-memory", "--stream-retention-seconds", "0.5"])
    client, streams = srv.client(), streams_client(srv)
    name = table_name("t")
    arn = make_table(client, name)["LatestStreamArn"]
    client.put_item(TableName=name, Item={"pk": {"S": "old"}})
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    seq = read_all(streams, arn)[0]["dynamodb"]["SequenceNumber"]
    it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="AT_SEQUENCE_NUMBER",
                                    SequenceNumber=seq)["ShardIterator"]
    time.sleep(1.2)
    client.put_item(TableName=name, Item={"pk": {"S": "new"}})
    with pytest.raises(ClientError) as e:
        streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="AT_SEQUENCE_NUMBER",
                                   SequenceNumber=seq)
    assert e.value.response["Error"]["Code"] == "TrimmedDataAccessException"
    with pytest.raises(ClientError) as e:
        streams.get_records(ShardIterator=it)
    assert e.value.response["Error"]["Code"] == "TrimmedDataAccessException"
    # TRIM_HORIZON starts at the oldest record kept.
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in read_all(streams, arn)] == ["new"]


def test_restart_keeps_stream(server_factory, table_name):
    srv = server_factory([])
    client = srv.client()
    name = table_name("k")
    arn = make_table(client, name)["LatestStreamArn"]
    client.put_item(TableName=name, Item={"pk": {"S": "a"}})
    srv.restart()
    client, streams = srv.client(), streams_client(srv)
    client.put_item(TableName=name, Item={"pk": {"S": "b"}})
    recs = read_all(streams, arn)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in recs] == ["a", "b"]
    seqs = [int(r["dynamodb"]["SequenceNumber"]) for r in recs]
    assert seqs[0] < seqs[1]


from conftest import AWS_CLI as AWS  # noqa: E402


@pytest.mark.skipif(AWS is None, reason="AWS CLI not installed, or DDBD_E2E_NO_CLI=1")
def test_aws_cli_dynamodbstreams(client, server, table_name):
    name = table_name("c")
    arn = make_table(client, name)["LatestStreamArn"]
    client.put_item(TableName=name, Item={"pk": {"S": "cli"}})
    env = dict(os.environ)
    env.update({"AWS_ACCESS_KEY_ID": DEFAULT_AKID, "AWS_SECRET_ACCESS_KEY": DEFAULT_SECRET,
                "AWS_DEFAULT_REGION": REGION, "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_PAGER": ""})
    env.pop("AWS_PROFILE", None)
    p = subprocess.run([AWS, "dynamodbstreams", "describe-stream", "--stream-arn", arn,
                        "--endpoint-url", server.url, "--output", "json"],
                       env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)["StreamDescription"]
    assert out["StreamArn"] == arn and out["TableName"] == name and len(out["Shards"]) == 1


def test_acknowledged_writes_keep_their_records_across_kill_9(server_factory, table_name):
    """A record is committed with its change: after kill -9 in the middle of
    concurrent writes, every acknowledged put has exactly one INSERT record,
    and no record exists for an item that is not stored."""
    import concurrent.futures
    import threading

    srv = server_factory([])
    client = srv.client()
    name = table_name("crash")
    make_table(client, name)
    acked = set()
    lock = threading.Lock()
    stop = threading.Event()

    def writer(w):
        c = srv.client()
        n = 0
        while not stop.is_set():
            pk = f"w{w}-{n}"
            try:
                c.put_item(TableName=name, Item={"pk": {"S": pk}})
            except Exception:
                return
            with lock:
                acked.add(pk)
            n += 1

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(writer, w) for w in range(4)]
        deadline = time.monotonic() + 30
        while len(acked) < 1000 and time.monotonic() < deadline:
            time.sleep(0.05)
        srv.kill9()
        stop.set()
        for f in futures:
            f.result()
    assert len(acked) >= 1000
    srv.start(srv.args, srv.data_dir)
    client = srv.client()
    stored = {i["pk"]["S"] for i in client.scan(TableName=name, ConsistentRead=True)["Items"]}
    arn = client.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    records = read_all(streams_client(srv), arn)
    inserted = [r["dynamodb"]["Keys"]["pk"]["S"] for r in records]
    assert all(r["eventName"] == "INSERT" for r in records)
    assert len(inserted) == len(set(inserted))      # one record per change
    assert acked <= stored                           # acknowledged writes survived
    assert set(inserted) == stored                   # each stored item has its record, and only those
