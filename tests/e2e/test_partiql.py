"""PartiQL's ExecuteStatement end to end (boto3 and the AWS CLI): every
statement kind, parameters, SELECT planned as Queries or a Scan, indexes,
ORDER BY, IN, projections, Limit / NextToken across 1 MB pages and across
the reads of an IN, RETURNING, and the errors with DynamoDB's messages (a
refused statement writes nothing)."""

import base64
import json
import os
import subprocess
from decimal import Decimal

import pytest
from botocore.exceptions import ClientError

from conftest import (create_simple_table, err, error_message, error_type, index, key_schema, loose_client,
                      raw_post, rejected)

TARGET = "DynamoDB_20120810.ExecuteStatement"

MALFORMED = "Statement wasn't well formed, can't be processed: "
INCOMPLETE_KEY = "Where clause does not contain a mandatory equality on all key attributes"
PARAM_COUNT = "Number of parameters in request and statement don't match."


def run(client, statement, **kw):
    return client.execute_statement(Statement=statement, **kw)


def items(client, statement, **kw):
    return run(client, statement, **kw)["Items"]


def get(client, table, **key):
    key = {k: ({"S": v} if isinstance(v, str) else {"N": str(v)}) for k, v in key.items()}
    return client.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")


def read_all(client, statement, **kw):
    """Every page of a SELECT: (items, number of pages)."""
    out, pages, token = [], 0, None
    while True:
        args = dict(kw)
        if token:
            args["NextToken"] = token
        resp = run(client, statement, **args)
        out += resp["Items"]
        pages += 1
        token = resp.get("NextToken")
        if not token:
            return out, pages
        assert pages < 200


@pytest.fixture(scope="module")
def composite(server):
    """pk (S) / sk (S) with a GSI on g (KEYS_ONLY... ALL) and items in
    partitions a (sk 00..09), b (sk 00..04), c (sk 00)."""
    client = server.client()
    name = "pql-composite"
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "S"},
                              {"AttributeName": "g", "AttributeType": "S"}],
        KeySchema=key_schema("pk", "sk"),
        GlobalSecondaryIndexes=[index("byG", "g", "sk", projection="ALL")],
        BillingMode="PAY_PER_REQUEST")
    for pk, n in (("a", 10), ("b", 5), ("c", 1)):
        for i in range(n):
            client.put_item(TableName=name, Item={
                "pk": {"S": pk}, "sk": {"S": f"{i:02d}"}, "v": {"N": str(i)},
                "g": {"S": "even" if i % 2 == 0 else "odd"}})
    return name


# ---- the issue's commands through the AWS CLI ---------------------------------

from conftest import AWS_CLI as AWS  # noqa: E402


def aws(server, *args, akid):
    env = dict(os.environ)
    env.update({"AWS_ACCESS_KEY_ID": akid, "AWS_SECRET_ACCESS_KEY": "secret",
                "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
                "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                "AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": ""})
    env.pop("AWS_PROFILE", None)
    cmd = [AWS, "dynamodb", *args, "--endpoint-url", server.url, "--output", "json"]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(AWS is None, reason="AWS CLI not installed, or DDBD_E2E_NO_CLI=1")
def test_issue_commands_through_the_cli(server):
    akid = "AKIDPARTIQLCLI"
    p = aws(server, "create-table", "--table-name", "Users",
            "--attribute-definitions", "AttributeName=id,AttributeType=S",
            "--key-schema", "AttributeName=id,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST", akid=akid)
    assert p.returncode == 0, p.stderr

    p = aws(server, "execute-statement", "--statement",
            "INSERT INTO \"Users\" VALUE {'id': 'u1', 'name': 'Ada', 'n': 1}", akid=akid)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout) == {"Items": []}

    p = aws(server, "execute-statement", "--statement", "SELECT id, name FROM \"Users\" WHERE id = ?",
            "--parameters", '[{"S": "u1"}]', akid=akid)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout) == {"Items": [{"id": {"S": "u1"}, "name": {"S": "Ada"}}]}

    update = ("UPDATE \"Users\" SET n = n + 1 SET tags = list_append(tags, ['x']) "
              "WHERE id = 'u1' RETURNING ALL NEW *")
    # The item has no tags yet: list_append of a missing attribute fails as in UpdateItem.
    p = aws(server, "execute-statement", "--statement", update, akid=akid)
    assert p.returncode != 0
    assert "ValidationException" in p.stderr
    assert "The provided expression refers to an attribute that does not exist in the item" in p.stderr

    p = aws(server, "execute-statement", "--statement",
            "UPDATE \"Users\" SET tags = ? WHERE id = 'u1'", "--parameters", '[{"L": []}]', akid=akid)
    assert p.returncode == 0, p.stderr
    p = aws(server, "execute-statement", "--statement", update, akid=akid)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout) == {"Items": [{"id": {"S": "u1"}, "name": {"S": "Ada"}, "n": {"N": "2"},
                                               "tags": {"L": [{"S": "x"}]}}]}


# ---- the statements -------------------------------------------------------------

def test_insert_select_update_delete(client, table_name):
    t = table_name("pql")
    create_simple_table(client, t, range_key="sk", range_type="N")
    assert run(client, f"INSERT INTO \"{t}\" VALUE {{'pk': 'k', 'sk': 1, 'a': 'x', 'm': {{'q': [1, 2]}}}}")["Items"] == []
    assert get(client, t, pk="k", sk=1) == {"pk": {"S": "k"}, "sk": {"N": "1"}, "a": {"S": "x"},
                                            "m": {"M": {"q": {"L": [{"N": "1"}, {"N": "2"}]}}}}
    assert items(client, f"SELECT * FROM \"{t}\" WHERE pk = 'k' AND sk = 1") == [get(client, t, pk="k", sk=1)]

    assert run(client, f"UPDATE \"{t}\" SET a = 'y' SET b = 3 REMOVE m WHERE pk = 'k' AND sk = 1")["Items"] == []
    assert get(client, t, pk="k", sk=1) == {"pk": {"S": "k"}, "sk": {"N": "1"}, "a": {"S": "y"}, "b": {"N": "3"}}

    assert run(client, f"DELETE FROM \"{t}\" WHERE pk = 'k' AND sk = 1")["Items"] == []
    assert get(client, t, pk="k", sk=1) is None


def test_parameters_of_every_type(client, table_name):
    t = table_name("pql")
    create_simple_table(client, t)
    values = {"s": {"S": "text"}, "n": {"N": "-1.5e3"}, "b": {"B": b"\x00\x01"}, "t": {"BOOL": True},
              "z": {"NULL": True}, "l": {"L": [{"S": "a"}, {"N": "1"}]}, "m": {"M": {"k": {"S": "v"}}},
              "ss": {"SS": ["x", "y"]}, "ns": {"NS": ["1", "2"]}, "bs": {"BS": [b"a", b"b"]}}
    names = list(values)
    body = ", ".join(f"'{n}': ?" for n in names)
    run(client, f"INSERT INTO \"{t}\" VALUE {{'pk': ?, {body}}}",
        Parameters=[{"S": "p"}] + [values[n] for n in names])
    item = get(client, t, pk="p")
    assert item["n"] == {"N": "-1500"}
    for n in names:
        if n in ("ss", "ns", "bs"):
            assert sorted(item[n][n.upper()]) == sorted(values[n][n.upper()])
        elif n != "n":
            assert item[n] == values[n], n

    # Parameters in a WHERE, on keys and attributes.
    got = items(client, f"SELECT s, l FROM \"{t}\" WHERE pk = ? AND t = ? AND m.k = ?",
                Parameters=[{"S": "p"}, {"BOOL": True}, {"S": "v"}])
    assert got == [{"s": {"S": "text"}, "l": values["l"]}]
    # Too many parameters are accepted; too few are refused.
    assert len(items(client, f"SELECT * FROM \"{t}\" WHERE pk = ?", Parameters=[{"S": "p"}, {"S": "extra"}])) == 1
    assert rejected(client.execute_statement, Statement=f"SELECT * FROM \"{t}\" WHERE pk = ? AND s = ?",
                    Parameters=[{"S": "p"}]) == PARAM_COUNT
    assert rejected(client.execute_statement, Statement=f"INSERT INTO \"{t}\" VALUE {{'pk': ?}}") == PARAM_COUNT
    assert get(client, t, pk="p")["s"] == {"S": "text"}


def test_request_members_are_validated(server, table_name):
    loose = loose_client(server)
    t = table_name("pql")
    create_simple_table(loose, t)
    assert rejected(loose.execute_statement, Statement="") == (
        "1 validation error detected: Value '' at 'statement' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1")
    assert rejected(loose.execute_statement, Statement=f"SELECT * FROM \"{t}\"", Limit=0) == (
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1")
    assert rejected(loose.execute_statement, Statement=f"SELECT * FROM \"{t}\"", Parameters=[]) == (
        "1 validation error detected: Value '[]' at 'parameters' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1")
    # (This botocore does not know ExecuteStatement's ReturnValuesOnConditionCheckFailure.)
    status, _, body = raw_post(server.url, TARGET, {"Statement": f"SELECT * FROM \"{t}\"",
                                                    "ReturnValuesOnConditionCheckFailure": "ALL_NEW"})
    assert (status, error_type(body), error_message(body)) == (400, "ValidationException", (
        "1 validation error detected: Value 'ALL_NEW' at 'returnValuesOnConditionCheckFailure' failed to "
        "satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]"))
    long = f"SELECT * FROM \"{t}\" WHERE a = '" + "x" * 8192 + "'"
    assert "Member must have length less than or equal to 8192" in rejected(loose.execute_statement, Statement=long)
    # A parameter is an AttributeValue, checked as elsewhere.
    assert rejected(loose.execute_statement, Statement=f"INSERT INTO \"{t}\" VALUE {{'pk': 'x', 'a': ?}}",
                    Parameters=[{"SS": []}]) == "One or more parameter values were invalid: An string set  may not be empty"
    assert get(loose, t, pk="x") is None


# ---- SELECT -------------------------------------------------------------------------

def test_select_by_partition_is_a_query_in_sort_order(client, composite):
    got = items(client, f"SELECT * FROM \"{composite}\" WHERE pk = 'a'")
    assert [i["sk"]["S"] for i in got] == [f"{i:02d}" for i in range(10)]
    # Only the partition is read: the capacity of 10 small items, less than the Scan's.
    q = run(client, f"SELECT * FROM \"{composite}\" WHERE pk = 'b'", ReturnConsumedCapacity="TOTAL")
    s = run(client, f"SELECT * FROM \"{composite}\" WHERE v >= 0", ReturnConsumedCapacity="TOTAL")
    assert q["ConsumedCapacity"] == {"TableName": composite, "CapacityUnits": 0.5}
    assert s["ConsumedCapacity"]["TableName"] == composite
    assert len(s["Items"]) == 16

    def sks(where):
        return [i["sk"]["S"] for i in items(client, f"SELECT sk FROM \"{composite}\" WHERE {where}")]
    assert sks("pk = 'a' AND sk > '06'") == ["07", "08", "09"]
    assert sks("'03' >= sk AND pk = 'a'") == ["00", "01", "02", "03"]
    assert sks("pk = 'a' AND sk BETWEEN '02' AND '04'") == ["02", "03", "04"]
    assert sks("pk = 'a' AND begins_with(sk, '0') AND v < 2") == ["00", "01"]
    assert sks("pk = 'a' AND sk = '05'") == ["05"]
    # Key attributes in the rest of the WHERE (a Query's filter could not name them).
    assert sks("pk = 'a' AND sk <> '00' AND NOT sk > '02'") == ["01", "02"]
    assert sks("pk = 'a' AND (sk = '01' OR sk = '08')") == ["01", "08"]
    assert sorted(sks("pk = 'a' AND sk IN ['09', '03']")) == ["03", "09"]
    assert sks("pk = 'a' AND pk = 'b'") == []
    assert sks("pk = 'zz'") == []


def test_select_without_the_partition_key_scans(client, composite):
    got = items(client, f"SELECT pk, sk FROM \"{composite}\"")
    assert len(got) == 16
    got = items(client, f"SELECT pk, sk FROM \"{composite}\" WHERE v = 4 OR sk = '00'")
    assert sorted((i["pk"]["S"], i["sk"]["S"]) for i in got) == [("a", "00"), ("a", "04"), ("b", "00"),
                                                                 ("b", "04"), ("c", "00")]
    # pk > 'a' pins no partition: a Scan.
    assert sorted(i["pk"]["S"] for i in items(client, f"SELECT pk FROM \"{composite}\" WHERE pk > 'b'")) == ["c"]
    # One branch of the OR names no partition: the whole WHERE is a Scan's filter.
    got = items(client, f"SELECT pk, sk FROM \"{composite}\" WHERE pk = 'c' OR v = 9")
    assert sorted((i["pk"]["S"], i["sk"]["S"]) for i in got) == [("a", "09"), ("c", "00")]


def test_select_on_an_index(client, composite):
    got = items(client, f"SELECT pk, sk FROM \"{composite}\".\"byG\" WHERE g = 'odd' AND sk < '04'")
    assert sorted((i["pk"]["S"], i["sk"]["S"]) for i in got) == [("a", "01"), ("a", "03"), ("b", "01"), ("b", "03")]
    got = items(client, f"SELECT sk FROM \"{composite}\".\"byG\" WHERE g = 'even' ORDER BY sk DESC")
    assert [i["sk"]["S"] for i in got][:3] == ["08", "06", "04"]
    assert rejected(client.execute_statement, Statement=f"SELECT * FROM \"{composite}\".\"byG\" WHERE g = 'odd'",
                    ConsistentRead=True) == "Strongly consistent read is not supported on Global Secondary Indexes"
    assert rejected(client.execute_statement, Statement=f"SELECT * FROM \"{composite}\".\"nope\"") == \
        "The table does not have the specified index"
    # ConsistentRead on the table is fine and costs a full unit.
    r = run(client, f"SELECT * FROM \"{composite}\" WHERE pk = 'c'", ConsistentRead=True,
            ReturnConsumedCapacity="TOTAL")
    assert r["ConsumedCapacity"]["CapacityUnits"] == 1.0


def test_order_by(client, composite):
    got = items(client, f"SELECT sk FROM \"{composite}\" WHERE pk = 'b' ORDER BY sk DESC")
    assert [i["sk"]["S"] for i in got] == ["04", "03", "02", "01", "00"]
    got = items(client, f"SELECT sk FROM \"{composite}\" WHERE pk = 'b' ORDER BY sk ASC")
    assert [i["sk"]["S"] for i in got] == ["00", "01", "02", "03", "04"]
    got = items(client, f"SELECT pk, sk FROM \"{composite}\" WHERE pk IN ['c', 'b'] ORDER BY pk DESC, sk DESC")
    assert [(i["pk"]["S"], i["sk"]["S"]) for i in got] == [("c", "00"), ("b", "04"), ("b", "03"), ("b", "02"),
                                                            ("b", "01"), ("b", "00")]
    got = items(client, f"SELECT pk FROM \"{composite}\" WHERE pk IN ['c', 'b'] ORDER BY pk")
    assert [i["pk"]["S"] for i in got] == ["b"] * 5 + ["c"]
    assert rejected(client.execute_statement, Statement=f"SELECT * FROM \"{composite}\" ORDER BY sk") == \
        "Must have WHERE clause in the statement when using ORDER BY clause."
    assert rejected(client.execute_statement, Statement=f"SELECT * FROM \"{composite}\" WHERE v = 1 ORDER BY sk") == \
        "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause."
    assert rejected(client.execute_statement, Statement=f"SELECT * FROM \"{composite}\" WHERE pk = 'a' ORDER BY v") == \
        "Variable reference v in ORDER BY clause must be part of the primary key"
    assert rejected(client.execute_statement,
                    Statement=f"SELECT * FROM \"{composite}\" WHERE pk IN ['a', 'b'] ORDER BY sk") == \
        "Must have hash key in ORDER BY clause when more than one hash key condition specified in WHERE clause."


def test_in_on_the_partition_key(client, composite):
    got = items(client, f"SELECT pk, sk FROM \"{composite}\" WHERE pk IN ['c', 'b', 'nothing'] AND v < 2")
    assert sorted((i["pk"]["S"], i["sk"]["S"]) for i in got) == [("b", "00"), ("b", "01"), ("c", "00")]
    got = items(client, f"SELECT pk FROM \"{composite}\" WHERE pk = 'c' OR pk = 'b'")
    assert sorted(i["pk"]["S"] for i in got) == ["b"] * 5 + ["c"]
    assert rejected(client.execute_statement, Statement=f"SELECT * FROM \"{composite}\" WHERE pk IN ['a', 'a']") == \
        "Overlapping conditions with range keys are not supported in where clause"
    for where in ("pk = 'a' AND (sk > '0' OR sk < '5')", "pk = 'a' AND (sk = '01' OR v = 2)",
                  "(pk = 'a' AND v = 1) OR (pk = 'a' AND v = 2)"):
        assert rejected(client.execute_statement, Statement=f"SELECT * FROM \"{composite}\" WHERE {where}") == \
            "Overlapping conditions with range keys are not supported in where clause", where
    # An OR of terms on no key is part of the filter, not reads of its own.
    got = items(client, f"SELECT sk FROM \"{composite}\" WHERE pk = 'a' AND (v = 1 OR v = 7)")
    assert [i["sk"]["S"] for i in got] == ["01", "07"]
    got = items(client, f"SELECT sk FROM \"{composite}\" WHERE pk = 'a' AND (sk < '01' OR sk > '08' OR sk = '05')")
    assert sorted(i["sk"]["S"] for i in got) == ["00", "05", "09"]
    many = ", ".join(f"'v{i}'" for i in range(51))
    assert rejected(client.execute_statement, Statement=f"SELECT * FROM \"{composite}\" WHERE pk IN [{many}]") == \
        "Too many decomposed read operations for a given query."
    fifty = ", ".join(f"'v{i}'" for i in range(50))
    assert items(client, f"SELECT * FROM \"{composite}\" WHERE pk IN [{fifty}]") == []
    assert rejected(client.execute_statement, Statement=f"SELECT * FROM \"{composite}\" WHERE pk = 1 OR pk = 'a'") == \
        "Key attribute's data type should match its data type in table's schema: Key pk"
    assert rejected(client.execute_statement,
                    Statement=f"SELECT * FROM \"{composite}\" WHERE pk = 'a' AND sk IN ['1', 2]") == \
        "Key attribute's data type should match its data type in table's schema: Key sk"


def test_projection_of_nested_paths(client, table_name):
    t = table_name("pql")
    create_simple_table(client, t)
    client.put_item(TableName=t, Item={"pk": {"S": "p"}, "m": {"M": {"k": {"L": [{"S": "c"}, {"S": "d"}]},
                                                                      "x": {"N": "1"}}},
                                       "l": {"L": [{"N": "1"}, {"N": "2"}]}, "other": {"S": "o"}})
    got = items(client, f"SELECT m.k[1], l[0], m.x, pk, absent FROM \"{t}\" WHERE pk = 'p'")
    assert got == [{"k[1]": {"S": "d"}, "l[0]": {"N": "1"}, "x": {"N": "1"}, "pk": {"S": "p"}}]
    assert items(client, f"SELECT m FROM \"{t}\" WHERE pk = 'p'") == [
        {"m": {"M": {"k": {"L": [{"S": "c"}, {"S": "d"}]}, "x": {"N": "1"}}}}]


def test_limit_and_next_token(client, composite):
    stmt = f"SELECT pk, sk FROM \"{composite}\" WHERE pk = 'a'"
    r = run(client, stmt, Limit=3)
    assert [i["sk"]["S"] for i in r["Items"]] == ["00", "01", "02"]
    assert r["LastEvaluatedKey"] == {"pk": {"S": "a"}, "sk": {"S": "02"}}
    # Limit counts the items evaluated, before the filter.
    r = run(client, f"SELECT sk FROM \"{composite}\" WHERE pk = 'a' AND v > 1", Limit=3)
    assert [i["sk"]["S"] for i in r["Items"]] == ["02"]
    assert "NextToken" in r

    got, pages = read_all(client, stmt, Limit=3)
    assert [i["sk"]["S"] for i in got] == [f"{i:02d}" for i in range(10)]
    assert pages == 4
    # Across the reads of an IN: every item once, in read order.
    stmt = f"SELECT pk, sk FROM \"{composite}\" WHERE pk IN ['a', 'b', 'c'] ORDER BY pk"
    for limit in (1, 4, 7, 15, 16, 100):
        got, _ = read_all(client, stmt, Limit=limit)
        assert [(i["pk"]["S"], i["sk"]["S"]) for i in got] == \
            [("a", f"{i:02d}") for i in range(10)] + [("b", f"{i:02d}") for i in range(5)] + [("c", "00")], limit
    # A Scan pages too.
    got, pages = read_all(client, f"SELECT pk, sk FROM \"{composite}\"", Limit=5)
    assert len(got) == 16 and len({(i["pk"]["S"], i["sk"]["S"]) for i in got}) == 16
    assert pages == 4


def test_next_token_errors(client, composite):
    stmt = f"SELECT * FROM \"{composite}\" WHERE pk = 'a'"
    token = run(client, stmt, Limit=2)["NextToken"]
    assert rejected(client.execute_statement, Statement=stmt, NextToken="not a token") == "Invalid NextToken"
    assert rejected(client.execute_statement, Statement=stmt,
                    NextToken=base64.b64encode(b"{}").decode()) == "Invalid NextToken"
    assert rejected(client.execute_statement, Statement=f"SELECT * FROM \"{composite}\" WHERE pk = 'b'",
                    NextToken=token) == "NextToken does not match request"
    assert rejected(client.execute_statement, Statement=f"SELECT * FROM \"{composite}\" WHERE pk = ?",
                    Parameters=[{"S": "a"}], NextToken=token) == "NextToken does not match request"
    # Another Limit, or ConsistentRead, keeps the token valid.
    r = run(client, stmt, NextToken=token, Limit=1, ConsistentRead=True)
    assert [i["sk"]["S"] for i in r["Items"]] == ["02"]


def test_pages_of_one_megabyte(client, table_name):
    t = table_name("pql")
    create_simple_table(client, t, range_key="sk", range_type="N")
    blob = "x" * 100_000
    for pk in ("big1", "big2"):
        for i in range(15):
            client.put_item(TableName=t, Item={"pk": {"S": pk}, "sk": {"N": str(i)}, "blob": {"S": blob}})
    resp = run(client, f"SELECT * FROM \"{t}\" WHERE pk = 'big1'")
    assert 9 <= len(resp["Items"]) <= 11 and "NextToken" in resp
    got, pages = read_all(client, f"SELECT pk, sk FROM \"{t}\" WHERE pk = 'big1'")
    assert [int(i["sk"]["N"]) for i in got] == list(range(15)) and pages == 2
    # Across the reads of an IN, the 1 MB is shared.
    got, pages = read_all(client, f"SELECT pk, sk FROM \"{t}\" WHERE pk IN ['big1', 'big2'] ORDER BY pk")
    assert [(i["pk"]["S"], int(i["sk"]["N"])) for i in got] == \
        [("big1", i) for i in range(15)] + [("big2", i) for i in range(15)]
    assert pages == 3
    got, pages = read_all(client, f"SELECT sk FROM \"{t}\"")
    assert len(got) == 30 and pages == 3


# ---- writes -----------------------------------------------------------------------

def test_insert_of_an_existing_key(client, table_name):
    t = table_name("pql")
    create_simple_table(client, t)
    run(client, f"INSERT INTO \"{t}\" VALUE {{'pk': 'dup', 'a': 1}}")
    with pytest.raises(ClientError) as e:
        run(client, f"INSERT INTO \"{t}\" VALUE {{'pk': 'dup', 'a': 2}}")
    assert err(e) == ("DuplicateItemException", "Duplicate primary key exists in table")
    assert get(client, t, pk="dup")["a"] == {"N": "1"}
    # After a DELETE the key can be inserted again.
    run(client, f"DELETE FROM \"{t}\" WHERE pk = 'dup'")
    run(client, f"INSERT INTO \"{t}\" VALUE {{'pk': 'dup', 'a': 3}}")
    assert get(client, t, pk="dup")["a"] == {"N": "3"}


def test_update_and_delete_of_missing_items(client, table_name):
    t = table_name("pql")
    create_simple_table(client, t)
    with pytest.raises(ClientError) as e:
        run(client, f"UPDATE \"{t}\" SET a = 1 WHERE pk = 'none'")
    assert err(e) == ("ConditionalCheckFailedException", "The conditional request failed")
    assert get(client, t, pk="none") is None
    assert run(client, f"DELETE FROM \"{t}\" WHERE pk = 'none'")["Items"] == []
    assert items(client, f"DELETE FROM \"{t}\" WHERE pk = 'none' AND a = 1") == []
    assert items(client, f"DELETE FROM \"{t}\" WHERE pk = 'none' RETURNING ALL OLD *") == []


def test_conditions_in_the_where_of_writes(server, client, table_name):
    t = table_name("pql")
    create_simple_table(client, t)
    client.put_item(TableName=t, Item={"pk": {"S": "p"}, "name": {"S": "alpha"}, "n": {"N": "5"}})
    with pytest.raises(ClientError) as e:
        run(client, f"UPDATE \"{t}\" SET n = 9 WHERE pk = 'p' AND \"name\" = 'beta'")
    assert err(e)[0] == "ConditionalCheckFailedException"
    assert "Item" not in e.value.response
    status, _, body = raw_post(server.url, TARGET, {"Statement": f"DELETE FROM \"{t}\" WHERE pk = 'p' AND n > 5",
                                                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD"})
    assert (status, error_type(body)) == (400, "ConditionalCheckFailedException")
    assert body["Item"] == {"pk": {"S": "p"}, "name": {"S": "alpha"}, "n": {"N": "5"}}
    status, _, body = raw_post(server.url, TARGET, {"Statement": f"UPDATE \"{t}\" SET a = 1 WHERE pk = 'nobody'",
                                                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD"})
    assert (status, error_type(body)) == (400, "ConditionalCheckFailedException") and "Item" not in body
    assert get(client, t, pk="p")["n"] == {"N": "5"}
    run(client, f"UPDATE \"{t}\" SET n = n + 1 WHERE pk = 'p' AND \"name\" = 'alpha' AND n BETWEEN 1 AND 5")
    assert get(client, t, pk="p")["n"] == {"N": "6"}
    run(client, f"DELETE FROM \"{t}\" WHERE pk = 'p' AND begins_with(\"name\", 'al')")
    assert get(client, t, pk="p") is None


def test_returning(client, table_name):
    t = table_name("pql")
    create_simple_table(client, t)
    item = {"pk": {"S": "r"}, "data": {"S": "old"}, "keep": {"S": "same"}}
    client.put_item(TableName=t, Item=item)
    u = f"UPDATE \"{t}\" SET data = ? WHERE pk = 'r' RETURNING "
    assert items(client, u + "ALL OLD *", Parameters=[{"S": "v1"}]) == [item]
    assert items(client, u + "ALL NEW *", Parameters=[{"S": "v2"}]) == [dict(item, data={"S": "v2"})]
    assert items(client, u + "MODIFIED OLD *", Parameters=[{"S": "v3"}]) == [{"data": {"S": "v2"}}]
    assert items(client, u + "MODIFIED NEW *", Parameters=[{"S": "v4"}]) == [{"data": {"S": "v4"}}]
    assert items(client, f"UPDATE \"{t}\" SET fresh = 1 WHERE pk = 'r' RETURNING MODIFIED OLD *") == []
    msg = rejected(client.execute_statement, Statement=f"DELETE FROM \"{t}\" WHERE pk = 'r' RETURNING ALL NEW *")
    assert msg.endswith("Only RETURNING ALL OLD * is allowed in DELETE statements.")
    assert get(client, t, pk="r") is not None
    assert rejected(client.execute_statement,
                    Statement=f"INSERT INTO \"{t}\" VALUE {{'pk': 'new'}} RETURNING ALL OLD *") == \
        "RETURNING is not supported in INSERT"
    assert get(client, t, pk="new") is None
    assert items(client, f"DELETE FROM \"{t}\" WHERE pk = 'r' RETURNING ALL OLD *") == [
        dict(item, data={"S": "v4"}, fresh={"N": "1"})]
    assert get(client, t, pk="r") is None


def test_consumed_capacity(client, table_name):
    t = table_name("pql")
    create_simple_table(client, t)
    r = run(client, f"INSERT INTO \"{t}\" VALUE {{'pk': 'c', 'a': 1}}", ReturnConsumedCapacity="TOTAL")
    assert r["ConsumedCapacity"] == {"TableName": t, "CapacityUnits": 1.0}
    r = run(client, f"SELECT * FROM \"{t}\" WHERE pk = 'c'", ReturnConsumedCapacity="TOTAL")
    assert r["ConsumedCapacity"] == {"TableName": t, "CapacityUnits": 0.5}
    r = run(client, f"UPDATE \"{t}\" SET a = 2 WHERE pk = 'c'", ReturnConsumedCapacity="TOTAL")
    assert r["ConsumedCapacity"]["CapacityUnits"] == 1.0
    assert "ConsumedCapacity" not in run(client, f"SELECT * FROM \"{t}\" WHERE pk = 'c'")


# ---- errors -----------------------------------------------------------------------

def test_errors_write_nothing(client, table_name):
    t = table_name("pql")
    create_simple_table(client, t, range_key="sk", range_type="N")
    client.put_item(TableName=t, Item={"pk": {"S": "k"}, "sk": {"N": "1"}, "a": {"S": "x"}})
    before = client.scan(TableName=t, ConsistentRead=True)["Items"]

    def refused(statement, code="ValidationException", **kw):
        msg = rejected(client.execute_statement, code=code, Statement=statement, **kw)
        assert client.scan(TableName=t, ConsistentRead=True)["Items"] == before, statement
        return msg

    assert refused(f"UPDATE \"{t}\" SET t = 1 WHERE pk = 'k' AND sk = 1 garbage") == \
        MALFORMED + "Unexpected token after expression"
    assert refused("SELECT * FROM").startswith(MALFORMED)
    assert refused(f"DELETE FROM \"{t}\" WHERE pk = 'k'") == INCOMPLETE_KEY
    assert refused(f"UPDATE \"{t}\" SET a = 'y' WHERE sk = 1") == INCOMPLETE_KEY
    assert refused(f"UPDATE \"{t}\" SET a = 'y' WHERE pk = 'k' AND sk > 0") == INCOMPLETE_KEY
    assert refused(f"DELETE FROM \"{t}\" WHERE pk = 'k' AND sk = '1'") == \
        "Key attribute's data type should match its data type in table's schema: Key sk"
    assert refused(f"UPDATE \"{t}\" SET a = 'y' WHERE pk = 'k' AND sk = 1 AND pk = 'other'") == \
        "Multiple conditions on same key pk. Only single item Update/Insert/Delete are supported"
    assert refused(f"INSERT INTO \"{t}\" VALUE {{'pk': 'new'}}") == \
        "Key attribute should be present in the item: Key sk"
    assert refused(f"INSERT INTO \"{t}\" VALUE {{'pk': 'new', 'sk': 'one'}}") == \
        "Key attribute's data type should match its data type in table's schema: Key sk"
    assert refused(f"UPDATE \"{t}\" SET sk = 2 WHERE pk = 'k' AND sk = 1") == \
        "One or more parameter values were invalid: Cannot update attribute sk. This attribute is part of the key"
    assert refused(f"INSERT INTO \"{t}\" VALUE {{'pk': '', 'sk': 2}}").startswith("One or more parameter values")
    assert refused("SELECT * FROM \"no-such-table\"", code="ResourceNotFoundException") == "Requested resource not found"
    assert refused("DELETE FROM \"no-such-table\" WHERE pk = 'k' AND sk = 1",
                   code="ResourceNotFoundException") == "Requested resource not found"
    assert refused(f"EXISTS(SELECT * FROM \"{t}\" WHERE pk = 'k' AND sk = 1 AND a = 'x')") == \
        "EXISTS can only be used in ExecuteTransaction write requests."
    # The same table still takes a good statement with the same key.
    run(client, f"UPDATE \"{t}\" SET a = 'y' WHERE pk = 'k' AND sk = 1 AND pk = 'k'")
    assert get(client, t, pk="k", sk=1)["a"] == {"S": "y"}


def test_resource_client_with_native_values(server, table_name):
    """The document-style path (boto3's resource has no PartiQL helper, so the
    typed values go through TypeSerializer as lib-dynamodb's do)."""
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
    client = server.client()
    t = table_name("pql")
    create_simple_table(client, t)
    ser, de = TypeSerializer(), TypeDeserializer()
    doc = {"pk": "d", "n": Decimal("1.25"), "tags": {"a", "b"}, "nested": {"l": [1, "two", None, True]}}
    run(client, f"INSERT INTO \"{t}\" VALUE {{'pk': ?, 'n': ?, 'tags': ?, 'nested': ?}}",
        Parameters=[ser.serialize(doc[k]) for k in ("pk", "n", "tags", "nested")])
    got = items(client, f"SELECT * FROM \"{t}\" WHERE pk = ?", Parameters=[ser.serialize("d")])
    assert [{k: de.deserialize(v) for k, v in i.items()} for i in got] == [doc]


def test_an_index_read_filters_on_the_index_view(client, table_name):
    """A SELECT on an index filters what the index holds: an attribute it does
    not project is missing, on a GSI and on an LSI alike (as on DynamoDB)."""
    t = table_name("pql")
    client.create_table(
        TableName=t,
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", "gsiPk", "lsiSk")],
        KeySchema=key_schema("pk", "sk"),
        GlobalSecondaryIndexes=[index("gsi-inc", "gsiPk", projection="INCLUDE", non_key=["projattr"])],
        LocalSecondaryIndexes=[index("lsi-keys", "pk", "lsiSk")],
        BillingMode="PAY_PER_REQUEST")
    for n in ("1", "2"):
        client.put_item(TableName=t, Item={"pk": {"S": "p"}, "sk": {"S": "s" + n}, "gsiPk": {"S": "y" + n},
                                           "lsiSk": {"S": "k" + n}, "nonproj": {"S": "np" + n}})

    def sks(source, where):
        return sorted(i["sk"]["S"] for i in items(client, f"SELECT sk FROM {source} WHERE {where}"))
    assert sks(f"\"{t}\".\"gsi-inc\"", "nonproj = 'np1'") == []
    assert sks(f"\"{t}\".\"lsi-keys\"", "nonproj = 'np1'") == []
    assert sks(f"\"{t}\".\"lsi-keys\"", "pk = 'p' AND nonproj = 'np1'") == []
    assert sks(f"\"{t}\".\"gsi-inc\"", "NOT nonproj = 'np1'") == ["s1", "s2"]
    assert sks(f"\"{t}\".\"lsi-keys\"", "pk = 'p' AND lsiSk > 'k1'") == ["s2"]
    assert sks(f"\"{t}\"", "nonproj = 'np1'") == ["s1"]
    # The items come back with what the index projects.
    assert items(client, f"SELECT * FROM \"{t}\".\"lsi-keys\" WHERE pk = 'p' AND lsiSk = 'k2'") == [
        {"pk": {"S": "p"}, "sk": {"S": "s2"}, "lsiSk": {"S": "k2"}}]


def test_select_of_attributes_a_gsi_does_not_project(client, table_name):
    """Naming attributes a GSI does not project is refused, in the order
    written (AWS's answer, published by a conformance suite); an LSI fetches
    them from the table's item."""
    t = table_name("pqlproj")
    client.create_table(
        TableName=t,
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", "g", "l")],
        KeySchema=key_schema("pk", "sk"),
        GlobalSecondaryIndexes=[index("byG", "g", projection="INCLUDE", non_key=["inc"])],
        LocalSecondaryIndexes=[index("byL", "pk", "l", projection="KEYS_ONLY")],
        BillingMode="PAY_PER_REQUEST")
    client.put_item(TableName=t, Item={"pk": {"S": "p"}, "sk": {"S": "s"}, "g": {"S": "x"}, "l": {"S": "y"},
                                       "inc": {"S": "i"}, "zdrop": {"S": "z"}, "adrop": {"S": "a"}})
    assert rejected(client.execute_statement,
                    Statement=f"SELECT zdrop, inc, adrop FROM \"{t}\".\"byG\" WHERE g = 'x'") == (
        "One or more parameter values were invalid: Global secondary index byG does not project [zdrop, adrop]")
    assert rejected(client.execute_statement, Statement=f"SELECT adrop.b[0], adrop.c FROM \"{t}\".\"byG\"") == (
        "One or more parameter values were invalid: Global secondary index byG does not project [adrop]")
    # Keys of the table and of the index, and INCLUDEd names, are projected.
    assert items(client, f"SELECT pk, sk, g, inc FROM \"{t}\".\"byG\" WHERE g = 'x'") == [
        {"pk": {"S": "p"}, "sk": {"S": "s"}, "g": {"S": "x"}, "inc": {"S": "i"}}]
    assert items(client, f"SELECT zdrop FROM \"{t}\".\"byL\" WHERE pk = 'p'") == [{"zdrop": {"S": "z"}}]
