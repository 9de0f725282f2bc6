"""BatchGetItem and BatchWriteItem, checked against DynamoDB's documented behaviour."""

import pytest

from conftest import create_simple_table, rejected


@pytest.fixture
def two_tables(client, table_name):
    a = table_name("BatchA")
    b = table_name("BatchB")
    create_simple_table(client, a, hash_key="pk")
    create_simple_table(client, b, hash_key="h", hash_type="N", range_key="r")
    return a, b


def absent(client, table, key):
    return "Item" not in client.get_item(TableName=table, Key=key, ConsistentRead=True)


# ---------------------------------------------------------------- batch_writer bulk load

def test_batch_writer_loads_10000_items(client, resource, table_name):
    name = table_name("Bulk")
    create_simple_table(client, name, hash_key="pk")
    table = resource.Table(name)
    with table.batch_writer() as bw:
        for i in range(10000):
            bw.put_item(Item={"pk": f"item-{i:05d}", "n": i, "payload": "x" * 20})
    assert client.describe_table(TableName=name)["Table"]["ItemCount"] == 10000
    count = 0
    kw = {"TableName": name, "Select": "COUNT"}
    while True:
        r = client.scan(**kw)
        count += r["Count"]
        if "LastEvaluatedKey" not in r:
            break
        kw["ExclusiveStartKey"] = r["LastEvaluatedKey"]
    assert count == 10000
    got = table.get_item(Key={"pk": "item-09999"})["Item"]
    assert got["n"] == 9999

    # batch_writer deletes as well (and overwrite_by_pkeys dedupes client-side)
    with table.batch_writer(overwrite_by_pkeys=["pk"]) as bw:
        for i in range(0, 10000, 2):
            bw.delete_item(Key={"pk": f"item-{i:05d}"})
        bw.put_item(Item={"pk": "dup", "v": 1})
        bw.put_item(Item={"pk": "dup", "v": 2})
    assert client.describe_table(TableName=name)["Table"]["ItemCount"] == 5001
    assert table.get_item(Key={"pk": "dup"})["Item"]["v"] == 2


# ---------------------------------------------------------------- BatchGetItem

def test_batch_get_100_keys_two_tables(client, two_tables):
    a, b = two_tables
    for start in range(0, 50, 25):
        client.batch_write_item(RequestItems={
            a: [{"PutRequest": {"Item": {"pk": {"S": f"k{i}"}, "name": {"S": f"n{i}"},
                                         "size": {"N": str(i)}, "other": {"S": "o"}}}}
                for i in range(start, start + 25)]})
        client.batch_write_item(RequestItems={
            b: [{"PutRequest": {"Item": {"h": {"N": str(i)}, "r": {"S": "x"}, "v": {"N": str(i * 2)}}}}
                for i in range(start, start + 25)]})
    r = client.batch_get_item(
        RequestItems={
            a: {"Keys": [{"pk": {"S": f"k{i}"}} for i in range(50)],
                "ProjectionExpression": "#n, #s",
                "ExpressionAttributeNames": {"#n": "name", "#s": "size"}},
            b: {"Keys": [{"h": {"N": str(i)}, "r": {"S": "x"}} for i in range(50)],
                "ConsistentRead": True},
        },
        ReturnConsumedCapacity="TOTAL")
    assert r["UnprocessedKeys"] == {}
    ra = r["Responses"][a]
    rb = r["Responses"][b]
    assert len(ra) == 50 and len(rb) == 50
    # projection: only the projected attributes, not even the key
    assert all(set(it) == {"name", "size"} for it in ra)
    assert sorted(int(it["size"]["N"]) for it in ra) == list(range(50))
    assert all(it["n" if False else "name"]["S"] == "n" + it["size"]["N"] for it in ra)
    assert sorted(int(it["h"]["N"]) for it in rb) == list(range(50))
    assert all(int(it["v"]["N"]) == 2 * int(it["h"]["N"]) for it in rb)
    cc = r["ConsumedCapacity"]
    assert isinstance(cc, list)
    assert sorted(c["TableName"] for c in cc) == sorted([a, b])
    by = {c["TableName"]: c["CapacityUnits"] for c in cc}
    # 50 eventually consistent small reads = 25, 50 strongly consistent = 50
    assert by[a] == pytest.approx(25.0)
    assert by[b] == pytest.approx(50.0)


def test_batch_get_missing_items_omitted(client, two_tables):
    a, _ = two_tables
    client.put_item(TableName=a, Item={"pk": {"S": "here"}})
    r = client.batch_get_item(RequestItems={a: {"Keys": [{"pk": {"S": "here"}}, {"pk": {"S": "gone"}}]}})
    assert r["Responses"][a] == [{"pk": {"S": "here"}}]
    assert r["UnprocessedKeys"] == {}
    assert "ConsumedCapacity" not in r


def test_batch_get_resource_api(client, resource, two_tables):
    a, b = two_tables
    resource.Table(a).put_item(Item={"pk": "r1", "v": 5})
    resource.Table(b).put_item(Item={"h": 7, "r": "z", "v": "seven"})
    r = resource.batch_get_item(RequestItems={
        a: {"Keys": [{"pk": "r1"}]},
        b: {"Keys": [{"h": 7, "r": "z"}], "ConsistentRead": True}})
    assert r["Responses"][a] == [{"pk": "r1", "v": 5}]
    assert r["Responses"][b] == [{"h": 7, "r": "z", "v": "seven"}]


def test_batch_get_too_many_keys(client, two_tables):
    a, b = two_tables
    # One table over 100 fails the Keys member-length constraint; "Too many
    # items requested" is for a total over 100 spread across tables.
    msg = rejected(client.batch_get_item, RequestItems={
        a: {"Keys": [{"pk": {"S": f"k{i}"}} for i in range(101)]}})
    assert msg.startswith("1 validation error detected: Value '["), msg
    assert msg.endswith(f"' at 'requestItems.{a}.member.keys' failed to satisfy constraint: "
                        "Member must have length less than or equal to 100"), msg
    # counted across tables
    msg = rejected(client.batch_get_item, RequestItems={
        a: {"Keys": [{"pk": {"S": f"k{i}"}} for i in range(60)]},
        b: {"Keys": [{"h": {"N": str(i)}, "r": {"S": "x"}} for i in range(41)]}})
    assert msg == "Too many items requested for the BatchGetItem call"


def test_batch_get_duplicate_keys(client, two_tables):
    a, b = two_tables
    msg = rejected(client.batch_get_item, RequestItems={
        a: {"Keys": [{"pk": {"S": "same"}}, {"pk": {"S": "same"}}]}})
    assert msg == "Provided list of item keys contains duplicates"
    msg = rejected(client.batch_get_item, RequestItems={
        b: {"Keys": [{"h": {"N": "1"}, "r": {"S": "x"}}, {"h": {"N": "1.0"}, "r": {"S": "x"}}]}})
    assert msg == "Provided list of item keys contains duplicates"
    # the same key value in two different tables is not a duplicate
    c = a
    client.batch_get_item(RequestItems={
        c: {"Keys": [{"pk": {"S": "1"}}]}, b: {"Keys": [{"h": {"N": "1"}, "r": {"S": "1"}}]}})


def test_batch_get_missing_table(client, two_tables, table_name):
    a, _ = two_tables
    missing = table_name("Nope")
    msg = rejected(client.batch_get_item, code="ResourceNotFoundException", RequestItems={
        a: {"Keys": [{"pk": {"S": "x"}}]},
        missing: {"Keys": [{"pk": {"S": "x"}}]}})
    assert "Requested resource not found" in msg


def test_batch_get_key_errors(loose, two_tables):
    a, b = two_tables
    # wrong key type
    msg = rejected(loose.batch_get_item, RequestItems={a: {"Keys": [{"pk": {"N": "1"}}]}})
    assert msg == "The provided key element does not match the schema"
    # missing range key
    msg = rejected(loose.batch_get_item, RequestItems={b: {"Keys": [{"h": {"N": "1"}}]}})
    assert msg == "The provided key element does not match the schema"
    # extra attribute in key
    msg = rejected(loose.batch_get_item, RequestItems={a: {"Keys": [{"pk": {"S": "1"}, "x": {"S": "y"}}]}})
    assert msg == "The provided key element does not match the schema"
    # empty Keys list
    msg = rejected(loose.batch_get_item, RequestItems={a: {"Keys": []}})
    assert "failed to satisfy constraint: Member must have length greater than or equal to 1" in msg
    # empty RequestItems
    msg = rejected(loose.batch_get_item, RequestItems={})
    assert "requestItems" in msg and "Member must have length greater than or equal to 1" in msg


def test_batch_get_projection_errors(loose, two_tables):
    a, _ = two_tables
    msg = rejected(loose.batch_get_item, RequestItems={
        a: {"Keys": [{"pk": {"S": "x"}}], "ProjectionExpression": "#n"}})
    assert "#n" in msg
    msg = rejected(loose.batch_get_item, RequestItems={
        a: {"Keys": [{"pk": {"S": "x"}}], "ProjectionExpression": "a",
            "ExpressionAttributeNames": {"#unused": "b"}}})
    assert "unused" in msg.lower()


# ---------------------------------------------------------------- BatchWriteItem

def test_batch_write_put_and_delete_two_tables(client, two_tables):
    a, b = two_tables
    client.put_item(TableName=a, Item={"pk": {"S": "old"}, "v": {"N": "1"}})
    client.put_item(TableName=b, Item={"h": {"N": "9"}, "r": {"S": "old"}})
    r = client.batch_write_item(
        RequestItems={
            a: [{"PutRequest": {"Item": {"pk": {"S": f"p{i}"}, "v": {"N": str(i)}}}} for i in range(10)]
               + [{"DeleteRequest": {"Key": {"pk": {"S": "old"}}}},
                  {"DeleteRequest": {"Key": {"pk": {"S": "never-existed"}}}}],
            b: [{"PutRequest": {"Item": {"h": {"N": str(i)}, "r": {"S": "s"}}}} for i in range(12)]
               + [{"DeleteRequest": {"Key": {"h": {"N": "9"}, "r": {"S": "old"}}}}],
        },
        ReturnConsumedCapacity="TOTAL")
    assert r["UnprocessedItems"] == {}
    cc = r["ConsumedCapacity"]
    assert isinstance(cc, list) and len(cc) == 2
    by = {c["TableName"]: c["CapacityUnits"] for c in cc}
    assert set(by) == {a, b}
    assert by[a] == pytest.approx(12.0)
    assert by[b] == pytest.approx(13.0)
    assert absent(client, a, {"pk": {"S": "old"}})
    assert absent(client, b, {"h": {"N": "9"}, "r": {"S": "old"}})
    assert client.get_item(TableName=a, Key={"pk": {"S": "p7"}})["Item"]["v"] == {"N": "7"}
    assert client.scan(TableName=b, Select="COUNT")["Count"] == 12


def test_batch_write_no_capacity_by_default(client, two_tables):
    a, _ = two_tables
    r = client.batch_write_item(RequestItems={a: [{"PutRequest": {"Item": {"pk": {"S": "z"}}}}]})
    assert "ConsumedCapacity" not in r
    r = client.batch_write_item(RequestItems={a: [{"PutRequest": {"Item": {"pk": {"S": "z2"}}}}]},
                                ReturnConsumedCapacity="NONE")
    assert "ConsumedCapacity" not in r


def test_batch_write_too_many(client, two_tables):
    a, b = two_tables
    msg = rejected(client.batch_write_item, RequestItems={
        a: [{"PutRequest": {"Item": {"pk": {"S": f"k{i}"}}}} for i in range(26)]})
    assert msg.startswith(f"1 validation error detected: Value '{{{a}=["), msg
    assert msg.endswith("]}' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: "
                        "[Member must have length less than or equal to 25, "
                        "Member must have length greater than or equal to 1]"), msg
    msg = rejected(client.batch_write_item, RequestItems={
        a: [{"PutRequest": {"Item": {"pk": {"S": f"k{i}"}}}} for i in range(13)],
        b: [{"DeleteRequest": {"Key": {"h": {"N": str(i)}, "r": {"S": "x"}}}} for i in range(13)]})
    assert msg == "Too many items requested for the BatchWriteItem call"
    assert absent(client, a, {"pk": {"S": "k0"}})
    # exactly 25 is fine
    client.batch_write_item(RequestItems={
        a: [{"PutRequest": {"Item": {"pk": {"S": f"k{i}"}}}} for i in range(25)]})
    assert client.scan(TableName=a, Select="COUNT")["Count"] == 25


def test_batch_write_duplicates(client, two_tables):
    a, b = two_tables
    msg = rejected(client.batch_write_item, RequestItems={a: [
        {"PutRequest": {"Item": {"pk": {"S": "ok"}}}},
        {"PutRequest": {"Item": {"pk": {"S": "d"}, "v": {"N": "1"}}}},
        {"PutRequest": {"Item": {"pk": {"S": "d"}, "v": {"N": "2"}}}}]})
    assert msg == "Provided list of item keys contains duplicates"
    msg = rejected(client.batch_write_item, RequestItems={a: [
        {"PutRequest": {"Item": {"pk": {"S": "d"}}}},
        {"DeleteRequest": {"Key": {"pk": {"S": "d"}}}}]})
    assert msg == "Provided list of item keys contains duplicates"
    msg = rejected(client.batch_write_item, RequestItems={b: [
        {"DeleteRequest": {"Key": {"h": {"N": "5"}, "r": {"S": "x"}}}},
        {"DeleteRequest": {"Key": {"h": {"N": "5.00"}, "r": {"S": "x"}}}}]})
    assert msg == "Provided list of item keys contains duplicates"
    assert absent(client, a, {"pk": {"S": "ok"}})
    assert absent(client, a, {"pk": {"S": "d"}})
    # same key in two different tables is fine
    client.batch_write_item(RequestItems={
        a: [{"PutRequest": {"Item": {"pk": {"S": "same"}}}}],
        b: [{"PutRequest": {"Item": {"h": {"N": "1"}, "r": {"S": "same"}}}}]})


def test_batch_write_missing_table_writes_nothing(client, two_tables, table_name):
    a, _ = two_tables
    missing = table_name("Nope")
    msg = rejected(client.batch_write_item, code="ResourceNotFoundException", RequestItems={
        a: [{"PutRequest": {"Item": {"pk": {"S": "should-not-exist"}}}}],
        missing: [{"PutRequest": {"Item": {"pk": {"S": "x"}}}}]})
    assert "Requested resource not found" in msg
    assert absent(client, a, {"pk": {"S": "should-not-exist"}})


@pytest.mark.parametrize("bad,fragment", [
    ({"PutRequest": {"Item": {"pk": {"N": "1"}}}}, "Type mismatch for key"),
    ({"PutRequest": {"Item": {"other": {"S": "1"}}}}, "Missing the key pk in the item"),
    ({"PutRequest": {"Item": {"pk": {"S": ""}}}}, "empty string"),
    ({"PutRequest": {"Item": {"pk": {"S": "e"}, "s": {"SS": []}}}}, "An string set  may not be empty"),
    ({"DeleteRequest": {"Key": {"pk": {"N": "1"}}}}, "The provided key element does not match the schema"),
    ({"DeleteRequest": {"Key": {"nope": {"S": "1"}}}}, "The provided key element does not match the schema"),
    ({"DeleteRequest": {"Key": {"pk": {"S": "1"}, "x": {"S": "2"}}}},
     "The provided key element does not match the schema"),
])
def test_batch_write_item_validation_rejects_whole_batch(loose, client, two_tables, bad, fragment):
    a, b = two_tables
    msg = rejected(loose.batch_write_item, RequestItems={
        a: [{"PutRequest": {"Item": {"pk": {"S": "good1"}}}}, bad],
        b: [{"PutRequest": {"Item": {"h": {"N": "1"}, "r": {"S": "good2"}}}}]})
    assert fragment in msg, msg
    assert absent(client, a, {"pk": {"S": "good1"}})
    assert absent(client, b, {"h": {"N": "1"}, "r": {"S": "good2"}})


def test_batch_write_bad_request_shape(loose, client, two_tables):
    a, _ = two_tables
    msg = rejected(loose.batch_write_item, RequestItems={a: [
        {"PutRequest": {"Item": {"pk": {"S": "x"}}}, "DeleteRequest": {"Key": {"pk": {"S": "y"}}}}]})
    assert "exactly one of PutRequest or DeleteRequest" in msg
    msg = rejected(loose.batch_write_item, RequestItems={a: [{}]})
    assert "exactly one of PutRequest or DeleteRequest" in msg
    msg = rejected(loose.batch_write_item, RequestItems={a: []})
    assert msg == ("1 validation error detected: Value '{%s=[]}' at 'requestItems' failed to satisfy "
                   "constraint: Map value must satisfy constraint: [Member must have length less than or "
                   "equal to 25, Member must have length greater than or equal to 1]" % a)
    rejected(loose.batch_write_item, RequestItems={})
    assert absent(client, a, {"pk": {"S": "x"}})


def test_batch_write_item_too_large_rejected(client, two_tables):
    a, _ = two_tables
    msg = rejected(client.batch_write_item, RequestItems={a: [
        {"PutRequest": {"Item": {"pk": {"S": "small"}}}},
        {"PutRequest": {"Item": {"pk": {"S": "big"}, "v": {"S": "x" * (400 * 1024 + 1)}}}}]})
    assert "size" in msg.lower()
    assert absent(client, a, {"pk": {"S": "small"}})


def test_batch_write_resource_api_and_batch_get_roundtrip(client, resource, two_tables):
    a, b = two_tables
    r = resource.batch_write_item(RequestItems={
        a: [{"PutRequest": {"Item": {"pk": "ra", "n": 1, "l": [1, "two"]}}}],
        b: [{"PutRequest": {"Item": {"h": 3, "r": "rb", "m": {"k": "v"}}}}]})
    assert r["UnprocessedItems"] == {}
    g = resource.batch_get_item(RequestItems={
        a: {"Keys": [{"pk": "ra"}], "ProjectionExpression": "l[1], n"},
        b: {"Keys": [{"h": 3, "r": "rb"}], "ProjectionExpression": "m.k"}})
    assert g["Responses"][a] == [{"n": 1, "l": ["two"]}]
    assert g["Responses"][b] == [{"m": {"k": "v"}}]


def test_batch_get_16mb_limit_gives_unprocessed_keys(client, resource, table_name):
    name = table_name("Big")
    create_simple_table(client, name, hash_key="pk")
    blob = "x" * (390 * 1024)
    with resource.Table(name).batch_writer() as bw:
        for i in range(60):
            bw.put_item(Item={"pk": f"big{i:02d}", "blob": blob})
    keys = [{"pk": {"S": f"big{i:02d}"}} for i in range(60)]
    r = client.batch_get_item(RequestItems={name: {"Keys": keys, "ProjectionExpression": "pk, #b",
                                                   "ExpressionAttributeNames": {"#b": "blob"},
                                                   "ConsistentRead": True}})
    first = r["Responses"][name]
    assert 0 < len(first) < 60
    unprocessed = r["UnprocessedKeys"][name]
    assert len(first) + len(unprocessed["Keys"]) == 60
    # UnprocessedKeys carries the table's request options so it can be resent as is
    assert unprocessed["ProjectionExpression"] == "pk, #b"
    assert unprocessed["ExpressionAttributeNames"] == {"#b": "blob"}
    assert unprocessed["ConsistentRead"] is True
    got = {it["pk"]["S"] for it in first}
    pending = r["UnprocessedKeys"]
    for _ in range(10):
        if not pending:
            break
        r = client.batch_get_item(RequestItems=pending)
        got |= {it["pk"]["S"] for it in r["Responses"].get(name, [])}
        pending = r["UnprocessedKeys"]
    assert not pending
    assert got == {f"big{i:02d}" for i in range(60)}


def test_batch_get_expression_and_legacy_parameters(loose, client, two_tables):
    a, _ = two_tables
    client.put_item(TableName=a, Item={"pk": {"S": "x"}, "v": {"N": "1"}, "w": {"N": "2"}})
    r = loose.batch_get_item(RequestItems={a: {"Keys": [{"pk": {"S": "x"}}], "AttributesToGet": ["v"]}})
    assert r["Responses"][a] == [{"v": {"N": "1"}}]
    msg = rejected(loose.batch_get_item, RequestItems={a: {
        "Keys": [{"pk": {"S": "x"}}], "AttributesToGet": ["v"], "ProjectionExpression": "w"}})
    assert "Can not use both expression and non-expression parameters in the same request" in msg
