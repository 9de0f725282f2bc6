"""Scan end to end: parallel segments, paging, Limit before filter, Select,
legacy ScanFilter, index scans, 1 MB pages and validation messages."""

import pytest
from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError

from conftest import TARGET_PREFIX, create_simple_table, err, error_message, error_type, raw_post

N_ITEMS = 500


@pytest.fixture(scope="module")
def many(server):
    """500 items over 125 partitions (4 sort keys each); a sparse KEYS_ONLY GSI on `tag`."""
    client = server.client()
    name = "scan-many-shared"
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "N"},
                              {"AttributeName": "tag", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[{"IndexName": "byTag",
                                 "KeySchema": [{"AttributeName": "tag", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "KEYS_ONLY"}}],
        BillingMode="PAY_PER_REQUEST")
    t = server.resource().Table(name)
    with t.batch_writer() as b:
        for i in range(N_ITEMS):
            item = {"pk": f"p{i // 4}", "sk": i % 4, "n": i, "even": i % 2 == 0, "payload": "z" * 50}
            if i % 10 == 0:
                item["tag"] = f"t{i % 3}"
            b.put_item(Item=item)
    return t


def ident(item):
    return (item["pk"]["S"], item["sk"]["N"])


def scan_all(client, **kw):
    out, pages, start = [], 0, None
    while True:
        if start:
            kw["ExclusiveStartKey"] = start
        r = client.scan(**kw)
        pages += 1
        out += r.get("Items", [])
        start = r.get("LastEvaluatedKey")
        if not start:
            return out, pages
        assert pages < 2000


def s_error(client, **kw):
    with pytest.raises(ClientError) as e:
        client.scan(**kw)
    return err(e)


def test_full_scan_returns_everything_once(client, many):
    r = client.scan(TableName=many.name)
    assert r["Count"] == r["ScannedCount"] == N_ITEMS and "LastEvaluatedKey" not in r
    ids = [ident(i) for i in r["Items"]]
    assert len(set(ids)) == N_ITEMS
    # Items of one partition come together, in sort-key order.
    order = [pk for pk, _ in ids]
    first = {}
    for idx, pk in enumerate(order):
        first.setdefault(pk, idx)
    for pk, idx in first.items():
        assert order[idx:idx + 4] == [pk] * 4
        assert [int(s) for p, s in ids[idx:idx + 4]] == [0, 1, 2, 3]


@pytest.mark.parametrize("limit", [1, 7, 100, 499, 500, 501])
def test_limit_pagination(client, many, limit):
    items, pages = scan_all(client, TableName=many.name, Limit=limit)
    ids = [ident(i) for i in items]
    assert len(ids) == N_ITEMS and len(set(ids)) == N_ITEMS
    assert pages == (N_ITEMS // limit + 1 if limit <= N_ITEMS else 1)


def test_parallel_scan_four_segments(client, many):
    per_segment = []
    for seg in range(4):
        items, _ = scan_all(client, TableName=many.name, Segment=seg, TotalSegments=4)
        per_segment.append({ident(i) for i in items})
    union = set().union(*per_segment)
    assert sum(len(s) for s in per_segment) == N_ITEMS and len(union) == N_ITEMS
    # Segments split by partition: a partition never spans two segments.
    for a in range(4):
        for b in range(a + 1, 4):
            assert not {p for p, _ in per_segment[a]} & {p for p, _ in per_segment[b]}
    # Every segment of 125 partitions gets some.
    assert all(per_segment)


def test_parallel_scan_paginated_segments_with_limit_and_filter(client, many):
    seen, scanned = [], 0
    for seg in range(4):
        items, pages = scan_all(client, TableName=many.name, Segment=seg, TotalSegments=4, Limit=13,
                                FilterExpression="even = :t", ExpressionAttributeValues={":t": {"BOOL": True}})
        seen += [ident(i) for i in items]
        assert pages >= 2
    assert len(seen) == N_ITEMS // 2 and len(set(seen)) == N_ITEMS // 2
    # The paginator per segment agrees.
    got = []
    for seg in range(3):
        for page in client.get_paginator("scan").paginate(TableName=many.name, Segment=seg, TotalSegments=3,
                                                            PaginationConfig={"PageSize": 40}):
            got += [ident(i) for i in page["Items"]]
            assert page["ScannedCount"] <= 40
    assert len(got) == N_ITEMS and len(set(got)) == N_ITEMS


@pytest.mark.parametrize("total", [1, 2, 7, 64, 1000, 1000000])
def test_segment_counts_cover_everything(client, many, total):
    if total <= 64:
        segs = range(total)
    else:  # a sample: first, last and a few in between; the rest together with them must not duplicate
        segs = sorted({0, 1, total // 2, total - 1})
    seen = []
    for seg in segs:
        items, _ = scan_all(client, TableName=many.name, Segment=seg, TotalSegments=total)
        seen += [ident(i) for i in items]
    assert len(seen) == len(set(seen))
    if total <= 64:
        assert len(seen) == N_ITEMS


def test_scan_limit_counts_before_filter_and_select_count(client, many):
    r = client.scan(TableName=many.name, Limit=50, FilterExpression="attribute_exists(tag)")
    assert r["ScannedCount"] == 50 and r["Count"] == len(r["Items"]) < 50 and "LastEvaluatedKey" in r
    r = client.scan(TableName=many.name, Select="COUNT")
    assert r["Count"] == N_ITEMS and "Items" not in r
    r = client.scan(TableName=many.name, Select="COUNT", FilterExpression="n < :x",
                    ExpressionAttributeValues={":x": {"N": "100"}})
    assert r["Count"] == 100 and r["ScannedCount"] == N_ITEMS and "Items" not in r
    r = client.scan(TableName=many.name, Select="COUNT", Limit=3)
    assert r["Count"] == 3 and "LastEvaluatedKey" in r


def test_scan_projection_and_attributes_to_get(client, many):
    r = client.scan(TableName=many.name, ProjectionExpression="#n, sk", ExpressionAttributeNames={"#n": "n"}, Limit=5)
    assert all(set(i) == {"n", "sk"} for i in r["Items"])
    r = client.scan(TableName=many.name, AttributesToGet=["payload", "pk"], Limit=5)
    assert all(set(i) == {"payload", "pk"} for i in r["Items"])
    r = client.scan(TableName=many.name, Select="SPECIFIC_ATTRIBUTES", AttributesToGet=["tag"], Limit=40)
    assert sum(1 for i in r["Items"] if i) <= 40 and all(set(i) <= {"tag"} for i in r["Items"])


def test_legacy_scan_filter_and_conditional_operator(client, many):
    f = {"n": {"AttributeValueList": [{"N": "10"}], "ComparisonOperator": "LT"},
         "tag": {"ComparisonOperator": "NOT_NULL"}}
    r = client.scan(TableName=many.name, ScanFilter=f, ConditionalOperator="OR")
    expected = set(range(10)) | set(range(0, N_ITEMS, 10))
    assert sorted(int(i["n"]["N"]) for i in r["Items"]) == sorted(expected)
    r = client.scan(TableName=many.name, ScanFilter=f)
    assert [int(i["n"]["N"]) for i in r["Items"]] == [0]
    r = client.scan(TableName=many.name, ScanFilter={
        "n": {"AttributeValueList": [{"N": "100"}, {"N": "104"}], "ComparisonOperator": "BETWEEN"}})
    assert sorted(int(i["n"]["N"]) for i in r["Items"]) == [100, 101, 102, 103, 104]
    r = client.scan(TableName=many.name, ScanFilter={
        "pk": {"AttributeValueList": [{"S": "p1"}, {"S": "p2"}], "ComparisonOperator": "IN"}})
    assert r["Count"] == 8


def test_resource_scan_with_attr(many):
    r = many.scan(FilterExpression=Attr("n").between(10, 19) & Attr("even").eq(False))
    assert sorted(int(i["n"]) for i in r["Items"]) == [11, 13, 15, 17, 19]


def test_scan_index(client, many):
    items, _ = scan_all(client, TableName=many.name, IndexName="byTag", Limit=7)
    assert len(items) == N_ITEMS // 10
    assert all(set(i) == {"pk", "sk", "tag"} for i in items)
    r = client.scan(TableName=many.name, IndexName="byTag", Limit=3)
    assert set(r["LastEvaluatedKey"]) == {"pk", "sk", "tag"}
    # Parallel scan of an index.
    seen = []
    for seg in range(4):
        its, _ = scan_all(client, TableName=many.name, IndexName="byTag", Segment=seg, TotalSegments=4)
        seen += [ident(i) for i in its]
    assert len(seen) == len(set(seen)) == N_ITEMS // 10
    assert s_error(client, TableName=many.name, IndexName="byTag", Select="ALL_ATTRIBUTES") == (
        "ValidationException", "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not "
                               "supported for global secondary index byTag because its projection type is not ALL")
    assert s_error(client, TableName=many.name, IndexName="byTag", ConsistentRead=True) == (
        "ValidationException", "Consistent reads are not supported on global secondary indexes")
    assert s_error(client, TableName=many.name, IndexName="nope") == (
        "ValidationException", "The table does not have the specified index: nope")
    r = client.scan(TableName=many.name, IndexName="byTag", Select="ALL_PROJECTED_ATTRIBUTES", Limit=2)
    assert r["Count"] == 2


def test_scan_one_megabyte_pages(client, resource, table_name):
    name = table_name("sbig")
    create_simple_table(client, name)
    t = resource.Table(name)
    with t.batch_writer() as b:
        for i in range(40):
            b.put_item(Item={"pk": f"k{i}", "blob": "q" * 80_000})
    r = client.scan(TableName=name)
    assert "LastEvaluatedKey" in r and 10 <= r["Count"] <= 15
    items, pages = scan_all(client, TableName=name)
    assert len({i["pk"]["S"] for i in items}) == 40 and len(items) == 40 and pages >= 3


def test_scan_exclusive_start_key(client, many):
    r = client.scan(TableName=many.name, Limit=10)
    r2 = client.scan(TableName=many.name, ExclusiveStartKey=r["LastEvaluatedKey"])
    assert r2["Count"] == N_ITEMS - 10
    assert not {ident(i) for i in r["Items"]} & {ident(i) for i in r2["Items"]}
    code, message = s_error(client, TableName=many.name, ExclusiveStartKey={"pk": {"S": "p1"}})
    assert code == "ValidationException" and message.startswith("The provided starting key is invalid")
    code, message = s_error(client, TableName=many.name, ExclusiveStartKey={"pk": {"S": "p1"}, "sk": {"S": "1"}})
    assert code == "ValidationException" and "does not match the schema" in message


def test_scan_validation(server, client, many):
    V = "ValidationException"
    n = many.name
    assert s_error(client, TableName=n, Segment=1) == (
        V, "The TotalSegments parameter is required but was not present in the request when Segment parameter is "
           "present")
    assert s_error(client, TableName=n, TotalSegments=2) == (
        V, "The Segment parameter is required but was not present in the request when parameter TotalSegments is "
           "present")
    assert s_error(client, TableName=n, Segment=2, TotalSegments=2) == (
        V, "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 2 is not "
           "less than TotalSegments: 2")
    assert s_error(client, TableName=n, Segment=0, TotalSegments=1000001) == (
        V, "1 validation error detected: Value '1000001' at 'totalSegments' failed to satisfy constraint: "
           "Member must have value less than or equal to 1000000")
    # Select / projection messages carry no "1 validation error detected" prefix on Scan.
    assert s_error(client, TableName=n, Select="ALL_PROJECTED_ATTRIBUTES") == (
        V, "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
    assert s_error(client, TableName=n, Select="SPECIFIC_ATTRIBUTES") == (
        V, "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES")
    assert s_error(client, TableName=n, Select="COUNT", ProjectionExpression="pk") == (
        V, "Cannot specify the ProjectionExpression when choosing to get only the Count")
    assert s_error(client, TableName=n, Select="ALL_ATTRIBUTES", AttributesToGet=["pk"]) == (
        V, "Cannot specify the AttributesToGet when choosing to get ALL_ATTRIBUTES")
    code, message = s_error(client, TableName=n, FilterExpression="n > :x", ExpressionAttributeValues={":x": {"N": "1"}},
                            ScanFilter={"n": {"ComparisonOperator": "NOT_NULL"}})
    assert code == V and message == (
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {ScanFilter} Expression parameters: {FilterExpression}")
    assert s_error(client, TableName="no-such-table-s")[0] == "ResourceNotFoundException"
    # Values botocore would refuse locally.
    for body, message in [
        ({"Limit": 0}, "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
                       "Member must have value greater than or equal to 1"),
        ({"Segment": -1, "TotalSegments": 2}, "1 validation error detected: Value '-1' at 'segment' failed to "
                                              "satisfy constraint: Member must have value greater than or equal to 0"),
        ({"Segment": 0, "TotalSegments": 0}, "1 validation error detected: Value '0' at 'totalSegments' failed to "
                                             "satisfy constraint: Member must have value greater than or equal to 1"),
    ]:
        status, _, resp = raw_post(server.url, TARGET_PREFIX + "Scan", {"TableName": n, **body})
        assert status == 400 and error_type(resp) == V and error_message(resp) == message, body
