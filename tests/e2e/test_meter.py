"""The meter: GET /metrics in Prometheus text format (counters moved by a
known workload, the latency histogram, errors by type, item counts and sizes,
series of a dropped table gone), and --enforce-throughput: provisioned tables
throttled with ProvisionedThroughputExceededException (retried by botocore's
standard retry handler), BatchWriteItem's UnprocessedItems and BatchGetItem's
UnprocessedKeys drained by a retry loop, on-demand tables never throttled, and
nothing throttled without the flag."""
import re
import time
import urllib.request

import boto3
import botocore
import pytest
from botocore.config import Config

from conftest import (DEFAULT_AKID, DEFAULT_SECRET, REGION, create_simple_table, err, raw_post)

NS = f"{DEFAULT_AKID}/{REGION}"
TABLE_MESSAGE = ("The level of configured provisioned throughput for the table was exceeded. "
                 "Consider increasing your provisioning level with the UpdateTable API.")

_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def scrape(url):
    """GET /metrics, parsed: ({(name, frozenset(labels)): value}, {name: type}, raw response)."""
    with urllib.request.urlopen(url + "/metrics", timeout=10) as r:
        body = r.read().decode()
        content_type = r.headers["Content-Type"]
    samples, types, helps = {}, {}, set()
    for line in body.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            types[name] = kind
            continue
        if line.startswith("# HELP "):
            helps.add(line.split(" ", 3)[2])
            continue
        m = _SAMPLE.match(line)
        assert m, f"not a sample line: {line!r}"
        labels = {k: v.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
                  for k, v in _LABEL.findall(m.group(2) or "")}
        key = (m.group(1), frozenset(labels.items()))
        assert key not in samples, f"duplicate series {line!r}"
        samples[key] = float(m.group(3))
    assert set(types) == helps, "every metric has HELP and TYPE"
    return samples, types, content_type


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


def table_series(samples, table):
    return [k for k in samples if ("table", table) in k[1]]


def put(client, table, pk, **kw):
    return client.put_item(TableName=table, Item={"pk": {"S": pk}, "v": {"S": "x" * 10}}, **kw)


def test_metrics_follow_a_known_workload(server, client, table_name):
    t = table_name("meter")
    create_simple_table(client, t)
    before, _, _ = scrape(server.url)
    for i in range(3):
        put(client, t, f"k{i}")  # 1 WCU each
    client.get_item(TableName=t, Key={"pk": {"S": "k0"}}, ConsistentRead=True)  # 1 RCU
    client.get_item(TableName=t, Key={"pk": {"S": "k1"}}, ConsistentRead=True)  # 1 RCU
    client.get_item(TableName=t, Key={"pk": {"S": "k2"}})  # 0.5 RCU
    after, types, content_type = scrape(server.url)

    assert content_type.startswith("text/plain; version=0.0.4")
    assert types["ddbd_requests_total"] == "counter"
    assert types["ddbd_request_duration_seconds"] == "histogram"
    assert types["ddbd_table_items"] == "gauge"

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("ddbd_requests_total", namespace=NS, table=t, operation="PutItem") == 3
    assert delta("ddbd_requests_total", namespace=NS, table=t, operation="GetItem") == 3
    assert delta("ddbd_consumed_write_capacity_units_total", namespace=NS, table=t, index="") == 3
    assert delta("ddbd_consumed_read_capacity_units_total", namespace=NS, table=t, index="") == 2.5
    assert value(after, "ddbd_table_items", namespace=NS, table=t) == 3
    assert value(after, "ddbd_table_size_bytes", namespace=NS, table=t) == 3 * (len("pk") + 2 + len("v") + 10)

    # The histogram: cumulative buckets ending in +Inf == _count, which
    # counts every request of the operation.
    count = value(after, "ddbd_request_duration_seconds_count", operation="PutItem")
    assert count - value(before, "ddbd_request_duration_seconds_count", operation="PutItem") == 3
    buckets = sorted(((float(dict(k[1])["le"]), v) for k, v in after.items()
                      if k[0] == "ddbd_request_duration_seconds_bucket" and ("operation", "PutItem") in k[1]))
    assert buckets[-1] == (float("inf"), count)
    assert all(a[1] <= b[1] for a, b in zip(buckets, buckets[1:])), "cumulative"
    assert value(after, "ddbd_request_duration_seconds_sum", operation="PutItem") > 0


def test_failed_conditions_and_index_writes_are_counted(server, client, table_name):
    """A ConditionalCheckFailed write still consumes write units (its answer
    carries none), and a GSI's writes are counted under its name."""
    t = table_name("meterc")
    client.create_table(
        TableName=t, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "g", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[{"IndexName": "byg", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    before, _, _ = scrape(server.url)
    client.put_item(TableName=t, Item={"pk": {"S": "a"}, "g": {"S": "x"}})  # table 1, byg 1
    with pytest.raises(botocore.exceptions.ClientError) as e:
        client.put_item(TableName=t, Item={"pk": {"S": "a"}, "g": {"S": "y"}},
                        ConditionExpression="attribute_not_exists(pk)")  # table 1, nothing written
    assert err(e)[0] == "ConditionalCheckFailedException"
    after, _, _ = scrape(server.url)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("ddbd_consumed_write_capacity_units_total", namespace=NS, table=t, index="") == 2
    assert delta("ddbd_consumed_write_capacity_units_total", namespace=NS, table=t, index="byg") == 1
    assert delta("ddbd_errors_total", type="ConditionalCheckFailedException") == 1


def test_errors_are_counted_by_type(server, client, table_name):
    before, _, _ = scrape(server.url)
    with pytest.raises(botocore.exceptions.ClientError):
        client.get_item(TableName=table_name("absent"), Key={"pk": {"S": "a"}})
    with pytest.raises(botocore.exceptions.ClientError):
        client.describe_table(TableName=table_name("absent"))
    raw_post(server.url, "DynamoDB_20120810.NoSuchOperation", b"{}")
    raw_post(server.url, "DynamoDB_20120810.ListTables", b"{not json")
    after, _, _ = scrape(server.url)

    def delta(kind):
        return value(after, "ddbd_errors_total", type=kind) - value(before, "ddbd_errors_total", type=kind)

    assert delta("ResourceNotFoundException") == 2
    assert delta("UnknownOperationException") == 1
    assert delta("SerializationException") == 1
    # A request on a table that does not exist counts under table="".
    assert (value(after, "ddbd_requests_total", namespace="", table="", operation="GetItem")
            - value(before, "ddbd_requests_total", namespace="", table="", operation="GetItem")) == 1


def test_dropped_table_series_disappear(server, client, table_name):
    t = table_name("drop")
    create_simple_table(client, t)
    put(client, t, "a")
    samples, _, _ = scrape(server.url)
    assert value(samples, "ddbd_requests_total", namespace=NS, table=t, operation="PutItem") == 1
    assert value(samples, "ddbd_table_items", namespace=NS, table=t) == 1
    client.delete_table(TableName=t)
    samples, _, _ = scrape(server.url)
    assert table_series(samples, t) == []
    # Created again under the same name: its counters start from zero.
    create_simple_table(client, t)
    put(client, t, "b")
    samples, _, _ = scrape(server.url)
    assert value(samples, "ddbd_requests_total", namespace=NS, table=t, operation="PutItem") == 1


def test_label_values_are_escaped_and_every_namespace_is_listed(server, table_name):
    other = server.client(akid="OTHERKEY")
    t = table_name("ns")
    create_simple_table(other, t)
    put(other, t, "a")
    samples, _, _ = scrape(server.url)
    assert value(samples, "ddbd_requests_total", namespace=f"OTHERKEY/{REGION}", table=t, operation="PutItem") == 1
    with urllib.request.urlopen(server.url + "/metrics", timeout=10) as r:
        assert r.status == 200  # no signature needed
    other.delete_table(TableName=t)


def test_without_the_flag_nothing_is_throttled(server, client, table_name):
    t = table_name("noflag")
    create_simple_table(client, t, billing="PROVISIONED")  # 5 RCU / 5 WCU
    for i in range(40):
        put(client, t, f"k{i}")
    samples, _, _ = scrape(server.url)
    assert value(samples, "ddbd_consumed_write_capacity_units_total", namespace=NS, table=t, index="") == 40
    assert value(samples, "ddbd_throttled_requests_total", namespace=NS, table=t, operation="PutItem") == 0


# ---- --enforce-throughput ----------------------------------------------------

BURST = 1.0  # seconds of unused capacity a bucket keeps (--throughput-burst-seconds)


@pytest.fixture
def throttled(server_factory):
    return server_factory(["--in-memory", "--enforce-throughput", "--throughput-burst-seconds", str(BURST)])


def no_retry_client(srv):
    return boto3.client("dynamodb", endpoint_url=srv.url, region_name=REGION,
                        aws_access_key_id=DEFAULT_AKID, aws_secret_access_key=DEFAULT_SECRET,
                        config=Config(retries={"total_max_attempts": 1}))


def standard_retry_client(srv):
    return boto3.client("dynamodb", endpoint_url=srv.url, region_name=REGION,
                        aws_access_key_id=DEFAULT_AKID, aws_secret_access_key=DEFAULT_SECRET,
                        config=Config(retries={"mode": "standard", "max_attempts": 20}))


def test_burst_beyond_capacity_is_throttled_and_nothing_is_written(throttled, table_name):
    c = no_retry_client(throttled)
    t = table_name("burst")
    create_simple_table(c, t, billing="PROVISIONED")  # 5 WCU
    throttled_keys = []
    for i in range(20):
        try:
            put(c, t, f"k{i}")
        except botocore.exceptions.ClientError as e:
            assert e.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
            assert e.response["Error"]["Message"] == TABLE_MESSAGE
            assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400
            throttled_keys.append(f"k{i}")
    # A new table has no burst banked: the first write goes into debt and the
    # bucket refills at 5 units per second, so a tight loop of 20 writes
    # cannot all pass.
    assert len(throttled_keys) >= 10
    samples, _, _ = scrape(throttled.url)
    assert value(samples, "ddbd_table_items", namespace=NS, table=t) == 20 - len(throttled_keys)
    stored = standard_retry_client(throttled).scan(TableName=t, ConsistentRead=True)["Items"]
    assert not {i["pk"]["S"] for i in stored} & set(throttled_keys), "a refused write wrote nothing"
    assert value(samples, "ddbd_throttled_requests_total", namespace=NS, table=t, operation="PutItem") == len(throttled_keys)
    assert value(samples, "ddbd_errors_total", type="ProvisionedThroughputExceededException") == len(throttled_keys)
    assert value(samples, "ddbd_consumed_write_capacity_units_total", namespace=NS, table=t, index="") == 20 - len(throttled_keys)


def test_botocore_standard_retries_until_success(throttled, table_name):
    c = standard_retry_client(throttled)
    t = table_name("retry")
    create_simple_table(c, t, billing="PROVISIONED")
    retries = 0
    for i in range(12):
        r = put(c, t, f"k{i}")
        retries += r["ResponseMetadata"]["RetryAttempts"]
    assert retries > 0, "botocore saw ProvisionedThroughputExceededException and retried"
    assert c.scan(TableName=t, ConsistentRead=True)["Count"] == 12
    samples, _, _ = scrape(throttled.url)
    assert value(samples, "ddbd_throttled_requests_total", namespace=NS, table=t, operation="PutItem") == retries


def test_reads_are_throttled_on_the_read_bucket(throttled, table_name):
    c = no_retry_client(throttled)
    t = table_name("reads")
    create_simple_table(c, t, billing="PROVISIONED")  # 5 RCU
    refused = 0
    for _ in range(30):
        try:
            c.get_item(TableName=t, Key={"pk": {"S": "a"}}, ConsistentRead=True)
        except botocore.exceptions.ClientError as e:
            assert e.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
            refused += 1
    assert refused >= 15
    put(c, t, "w")  # the write bucket is untouched by reads


def test_batch_write_returns_unprocessed_items_and_a_retry_loop_drains_them(throttled, table_name):
    c = no_retry_client(throttled)
    t = table_name("bwrite")
    create_simple_table(c, t, billing="PROVISIONED")
    requests = [{"PutRequest": {"Item": {"pk": {"S": f"k{i}"}, "v": {"N": str(i)}}}} for i in range(20)]
    requests.append({"DeleteRequest": {"Key": {"pk": {"S": "absent"}}}})
    r = c.batch_write_item(RequestItems={t: requests}, ReturnConsumedCapacity="TOTAL")
    unprocessed = r["UnprocessedItems"].get(t, [])
    # An empty new bucket admits one write, which puts it in debt.
    assert len(unprocessed) == 20
    assert unprocessed == requests[1:], "the refused writes, in the request's shape and order"
    assert [(cc["TableName"], cc["CapacityUnits"]) for cc in r["ConsumedCapacity"]] == [(t, 1.0)], \
        "only the processed write is charged"
    assert c.scan(TableName=t, ConsistentRead=True)["Count"] == 1

    # Everything in debt: nothing can be processed, so the call fails.
    e = pytest.raises(botocore.exceptions.ClientError, c.batch_write_item, RequestItems={t: requests[1:3]})
    assert err(e) == ("ProvisionedThroughputExceededException", TABLE_MESSAGE)

    pending, rounds = {t: unprocessed}, 0
    while pending and rounds < 200:
        time.sleep(0.25)
        rounds += 1
        try:
            pending = c.batch_write_item(RequestItems=pending)["UnprocessedItems"]
        except botocore.exceptions.ClientError as e:
            assert e.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
    assert not pending
    assert rounds > 1
    assert c.scan(TableName=t, ConsistentRead=True)["Count"] == 20
    samples, _, _ = scrape(throttled.url)
    assert value(samples, "ddbd_throttled_requests_total", namespace=NS, table=t, operation="BatchWriteItem") >= 2


def test_batch_get_returns_unprocessed_keys(throttled, table_name):
    c = no_retry_client(throttled)
    # Both clients before the table: making a boto3 client takes a few
    # hundred milliseconds, in which the read bucket would bank units.
    writer = standard_retry_client(throttled)
    t = table_name("bget")
    c.create_table(TableName=t, AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                   KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                   ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 1000})
    keys = [{"pk": {"S": f"k{i}"}} for i in range(10)]
    for k in keys:
        writer.put_item(TableName=t, Item=dict(k, v={"S": "x"}))
    r = c.batch_get_item(RequestItems={t: {"Keys": keys, "ConsistentRead": True, "ProjectionExpression": "pk"}})
    # A new read bucket has (almost) nothing banked: the keys are read in
    # order until it runs into debt (one key when it is empty; 5 RCU a
    # second accrue while the items are written), and the others come back
    # in the request's shape.
    served = r["Responses"][t]
    assert 1 <= len(served) < len(keys)
    assert served == keys[:len(served)]
    assert r["UnprocessedKeys"] == {t: {"Keys": keys[len(served):], "ConsistentRead": True,
                                        "ProjectionExpression": "pk"}}
    e = pytest.raises(botocore.exceptions.ClientError, c.batch_get_item, RequestItems={t: {"Keys": keys}})
    assert err(e) == ("ProvisionedThroughputExceededException", TABLE_MESSAGE)
    pending, got, rounds = r["UnprocessedKeys"], list(served), 0
    while pending and rounds < 100:
        time.sleep(0.25)
        rounds += 1
        try:
            out = c.batch_get_item(RequestItems=pending)
        except botocore.exceptions.ClientError as e:
            assert e.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
            continue
        got += out["Responses"].get(t, [])
        pending = out["UnprocessedKeys"]
    assert not pending
    assert sorted(g["pk"]["S"] for g in got) == sorted(k["pk"]["S"] for k in keys)


def test_transactions_are_throttled_as_a_whole(throttled, table_name):
    c = no_retry_client(throttled)
    t = table_name("tx")
    create_simple_table(c, t, billing="PROVISIONED")
    put(c, t, "first")  # into debt: 1 unit
    put_items = [{"Put": {"TableName": t, "Item": {"pk": {"S": f"x{i}"}}}} for i in range(3)]
    e = pytest.raises(botocore.exceptions.ClientError, c.transact_write_items, TransactItems=put_items)
    assert err(e) == ("ProvisionedThroughputExceededException", TABLE_MESSAGE)
    assert c.scan(TableName=t, ConsistentRead=True)["Count"] == 1
    time.sleep(0.5)
    c.transact_write_items(TransactItems=put_items)  # 6 units (transactions cost double): back in debt
    e = pytest.raises(botocore.exceptions.ClientError, c.execute_statement,
                      Statement=f"INSERT INTO \"{t}\" VALUE {{'pk': 'p'}}")
    assert err(e)[0] == "ProvisionedThroughputExceededException"


def test_on_demand_tables_are_never_throttled(throttled, table_name):
    c = no_retry_client(throttled)
    t = table_name("ondemand")
    create_simple_table(c, t)
    for i in range(60):
        c.put_item(TableName=t, Item={"pk": {"S": f"k{i}"}, "v": {"S": "x" * 2000}})
    assert c.scan(TableName=t, ConsistentRead=True)["Count"] == 60


def test_update_table_raises_the_rate(throttled, table_name):
    c = no_retry_client(throttled)
    t = table_name("raise")
    create_simple_table(c, t, billing="PROVISIONED")
    put(c, t, "a")
    pytest.raises(botocore.exceptions.ClientError, put, c, t, "b")
    c.update_table(TableName=t, ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 1000})
    # The buckets learn the new rate at the table's next request (which the
    # old rate may still refuse); from then on 1000 WCU refill the debt in
    # a few milliseconds.
    try:
        put(c, t, "c")
    except botocore.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
    time.sleep(0.05)
    for i in range(20):
        put(c, t, f"fast{i}")
