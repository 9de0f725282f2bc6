"""BatchExecuteStatement and ExecuteTransaction (issue 13) with boto3 and the AWS CLI.

BatchExecuteStatement runs each statement on its own and answers HTTP 200 with a
response per statement (TableName and Item, or Error {Code, Message}); reads and
writes together, two statements on one item and the request's shape fail it as a
whole.  ExecuteTransaction runs its statements as one TransactGetItems or one
TransactWriteItems: all or nothing, TransactionCanceledException with a reason per
statement (DuplicateItem for an INSERT of an existing key), ClientRequestToken
idempotency, and a statement's validation error wrapped "Validation failed in
TransactStatements[<i>]: ...".
"""

import json
import os
import subprocess

import pytest
from botocore.exceptions import ClientError

from conftest import TARGET_PREFIX, create_simple_table, err, error_message, error_type, raw_post, rejected

from conftest import AWS_CLI as AWS  # noqa: E402
CANCELLED = "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]"
DUPLICATE = "Duplicate primary key exists in table"


@pytest.fixture
def users(client, table_name):
    """A hash-key table (pk S) holding u1 {n: 1} and u2 {n: 2}."""
    name = table_name("pqm")
    create_simple_table(client, name)
    for i in (1, 2):
        client.put_item(TableName=name, Item={"pk": {"S": f"u{i}"}, "n": {"N": str(i)}, "tag": {"S": "t"}})
    return name


@pytest.fixture
def ranged(client, table_name):
    """A table with pk S and sk N holding (a, 1) and (a, 2), and a GSI on g."""
    name = table_name("pqr")
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "N"},
                              {"AttributeName": "g", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[{"IndexName": "byG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "ALL"}}],
        BillingMode="PAY_PER_REQUEST")
    for sk in (1, 2):
        client.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"N": str(sk)}, "g": {"S": "x"}})
    return name


class Wire:
    """The two operations as JSON over HTTP, for members this botocore's model
    lacks (ReturnValuesOnConditionCheckFailure in a statement); answers and
    errors shaped as boto3's."""

    def __init__(self, server):
        self.url = server.url

    def _call(self, op, body):
        status, _, out = raw_post(self.url, TARGET_PREFIX + op, body)
        if status != 200:
            response = dict(out, Error={"Code": error_type(out), "Message": error_message(out)},
                            ResponseMetadata={"HTTPStatusCode": status})
            raise ClientError(response, op)
        out["ResponseMetadata"] = {"HTTPStatusCode": status}
        return out

    def batch_execute_statement(self, **body):
        return self._call("BatchExecuteStatement", body)

    def execute_transaction(self, **body):
        return self._call("ExecuteTransaction", body)


@pytest.fixture
def wire(server):
    return Wire(server)


def stmts(*items):
    return [{"Statement": s} if isinstance(s, str) else s for s in items]


def batch(client, *items, **kw):
    out = client.batch_execute_statement(Statements=stmts(*items), **kw)
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 200
    return out


def transact(client, *items, **kw):
    return client.execute_transaction(TransactStatements=stmts(*items), **kw)


def get(client, table, pk, **key):
    k = {"pk": {"S": pk}}
    k.update({n: {"N": str(v)} for n, v in key.items()})
    return client.get_item(TableName=table, Key=k, ConsistentRead=True).get("Item")


def cancelled(client, *items, **kw):
    """Runs a transaction that must be cancelled; returns its CancellationReasons."""
    with pytest.raises(ClientError) as e:
        transact(client, *items, **kw)
    code, msg = err(e)
    assert code == "TransactionCanceledException", (code, msg)
    reasons = e.value.response["CancellationReasons"]
    assert msg == CANCELLED.format(", ".join(r["Code"] for r in reasons))
    return reasons


# ---------------------------------------------------------------- BatchExecuteStatement: reads

def test_batch_reads_by_full_key(client, users, ranged):
    out = batch(client,
                f"SELECT * FROM \"{users}\" WHERE pk = 'u1'",
                {"Statement": f"SELECT n FROM \"{users}\" WHERE pk = ?", "Parameters": [{"S": "u2"}],
                 "ConsistentRead": True},
                f"SELECT * FROM \"{users}\" WHERE pk = 'nobody'",
                f"SELECT sk, g FROM \"{ranged}\" WHERE sk = 2 AND pk = 'a'",
                ReturnConsumedCapacity="TOTAL")
    assert out["Responses"] == [
        {"TableName": users, "Item": {"pk": {"S": "u1"}, "n": {"N": "1"}, "tag": {"S": "t"}}},
        {"TableName": users, "Item": {"n": {"N": "2"}}},
        {"TableName": users},
        {"TableName": ranged, "Item": {"sk": {"N": "2"}, "g": {"S": "x"}}},
    ]
    used = {c["TableName"]: c["CapacityUnits"] for c in out["ConsumedCapacity"]}
    assert used == {users: 2.0, ranged: 0.5}


def test_batch_read_must_name_one_item(client, users, ranged):
    out = batch(client,
                f"SELECT * FROM \"{ranged}\" WHERE pk = 'a'",
                f"SELECT * FROM \"{users}\" WHERE pk = 'u1' AND n = 1",
                f"SELECT * FROM \"{users}\"",
                f"SELECT * FROM \"{ranged}\".\"byG\" WHERE g = 'x'",
                f"SELECT * FROM \"{users}\" WHERE pk = 'u2'")
    r = out["Responses"]
    # AWS's wording for each (published conformance traces; DynamoDB Local
    # says "Only single item select is supported"), an index read included.
    for i in range(4):
        assert r[i] == {"Error": {"Code": "ValidationError", "Message": (
            "Select statements within BatchExecuteStatement must specify the primary key in the where clause.")}}, i
    assert r[4] == {"TableName": users, "Item": {"pk": {"S": "u2"}, "n": {"N": "2"}, "tag": {"S": "t"}}}


def test_batch_per_statement_errors_and_siblings(client, users, table_name):
    missing = table_name("gone")
    out = batch(client,
                "SLECT * FROM x",
                f"SELECT * FROM \"{missing}\" WHERE pk = 'a'",
                f"SELECT * FROM \"{users}\" WHERE pk = 'u1'",
                {"Statement": f"SELECT * FROM \"{users}\" WHERE pk = ? AND n = ?", "Parameters": [{"S": "u2"}]},
                f"EXISTS(SELECT * FROM \"{users}\" WHERE pk = 'u2' AND n = 2)")
    r = out["Responses"]
    assert r[0]["Error"]["Code"] == "ValidationError"
    assert r[0]["Error"]["Message"].startswith("Statement wasn't well formed, can't be processed")
    assert "TableName" not in r[0]
    assert r[1] == {"Error": {"Code": "ResourceNotFound", "Message": "Requested resource not found"}}
    assert r[2]["Item"]["pk"] == {"S": "u1"}
    assert r[3] == {"Error": {"Code": "ValidationError",
                              "Message": "Number of parameters in request and statement don't match."}}
    assert r[4] == {"Error": {"Code": "ValidationError",
                              "Message": "EXISTS can only be used in ExecuteTransaction write requests."}}


# ---------------------------------------------------------------- BatchExecuteStatement: writes

def test_batch_writes_each_on_its_own(client, users):
    out = batch(client,
                f"INSERT INTO \"{users}\" VALUE {{'pk': 'u3', 'n': 3}}",
                {"Statement": f"UPDATE \"{users}\" SET n = n + ? WHERE pk = ?", "Parameters": [{"N": "10"}, {"S": "u1"}]},
                f"DELETE FROM \"{users}\" WHERE pk = 'u2'",
                f"INSERT INTO \"{users}\" VALUE {{'pk': 'u4', 'tag': 'x'}}",
                ReturnConsumedCapacity="TOTAL")
    assert out["Responses"] == [{"TableName": users}] * 4
    assert out["ConsumedCapacity"] == [{"TableName": users, "CapacityUnits": 4.0}]
    assert get(client, users, "u3") == {"pk": {"S": "u3"}, "n": {"N": "3"}}
    assert get(client, users, "u1")["n"] == {"N": "11"}
    assert get(client, users, "u2") is None
    assert get(client, users, "u4") == {"pk": {"S": "u4"}, "tag": {"S": "x"}}


def test_batch_write_failures_are_per_statement(client, wire, users, table_name):
    out = batch(wire,
                f"INSERT INTO \"{users}\" VALUE {{'pk': 'u1', 'n': 100}}",
                f"UPDATE \"{users}\" SET n = 5 WHERE pk = 'nobody'",
                {"Statement": f"UPDATE \"{users}\" SET n = 5 WHERE pk = 'u2' AND n = 99",
                 "ReturnValuesOnConditionCheckFailure": "ALL_OLD"},
                f"DELETE FROM \"{users}\" WHERE pk = 'ghost'",
                f"INSERT INTO \"{table_name('gone')}\" VALUE {{'pk': 'x'}}",
                f"UPDATE \"{users}\" SET pk = 'z' WHERE pk = 'u5'",
                f"INSERT INTO \"{users}\" VALUE {{'pk': 'u6'}}")
    r = out["Responses"]
    assert r[0] == {"TableName": users, "Error": {"Code": "DuplicateItem", "Message": DUPLICATE}}
    assert r[1] == {"TableName": users,
                    "Error": {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}}
    assert r[2] == {"TableName": users, "Error": {
        "Code": "ConditionalCheckFailed", "Message": "The conditional request failed",
        "Item": {"pk": {"S": "u2"}, "n": {"N": "2"}, "tag": {"S": "t"}}}}
    assert r[3] == {"TableName": users}  # a DELETE of a missing item is no error
    assert r[4] == {"Error": {"Code": "ResourceNotFound", "Message": "Requested resource not found"}}
    assert r[5]["Error"]["Code"] == "ValidationError" and "TableName" not in r[5]
    assert r[6] == {"TableName": users}
    assert get(client, users, "u1")["n"] == {"N": "1"}
    assert get(client, users, "u2")["n"] == {"N": "2"}
    assert get(client, users, "nobody") is None
    assert get(client, users, "u6") == {"pk": {"S": "u6"}}


def test_batch_returning_gives_the_item(client, users):
    out = batch(client,
                f"UPDATE \"{users}\" SET n = 7 WHERE pk = 'u1' RETURNING ALL NEW *",
                f"UPDATE \"{users}\" SET n = 8 WHERE pk = 'u2' RETURNING MODIFIED OLD *",
                f"DELETE FROM \"{users}\" WHERE pk = 'nobody' RETURNING ALL OLD *")
    assert out["Responses"] == [
        {"TableName": users, "Item": {"pk": {"S": "u1"}, "n": {"N": "7"}, "tag": {"S": "t"}}},
        {"TableName": users, "Item": {"n": {"N": "2"}}},
        {"TableName": users},
    ]


def test_batch_refuses_reads_with_writes(client, users):
    msg = rejected(client.batch_execute_statement, Statements=stmts(
        f"SELECT * FROM \"{users}\" WHERE pk = 'u1'",
        f"INSERT INTO \"{users}\" VALUE {{'pk': 'u9'}}"))
    assert msg == "Read and write requests together in the same batch is not supported."
    assert get(client, users, "u9") is None
    # A statement that does not parse takes no side.
    out = batch(client, "nonsense", f"INSERT INTO \"{users}\" VALUE {{'pk': 'u9'}}")
    assert out["Responses"][0]["Error"]["Code"] == "ValidationError"
    assert out["Responses"][1] == {"TableName": users}


def test_batch_refuses_two_statements_on_one_item(client, users):
    msg = rejected(client.batch_execute_statement, Statements=stmts(
        f"INSERT INTO \"{users}\" VALUE {{'pk': 'dup'}}",
        f"UPDATE \"{users}\" SET n = 1 WHERE pk = 'dup'"))
    assert msg == "Provided list of item keys contains duplicates"
    assert get(client, users, "dup") is None
    msg = rejected(client.batch_execute_statement, Statements=stmts(
        f"SELECT * FROM \"{users}\" WHERE pk = 'u1'", f"SELECT n FROM \"{users}\" WHERE pk = 'u1'"))
    assert msg == "Provided list of item keys contains duplicates"


def test_batch_limits(client, loose, users):
    msg = rejected(loose.batch_execute_statement, Statements=[])
    assert msg == ("1 validation error detected: Value '[]' at 'statements' failed to satisfy constraint: "
                   "Member must have length greater than or equal to 1")
    many = [{"Statement": f"INSERT INTO \"{users}\" VALUE {{'pk': 'm{i}'}}"} for i in range(26)]
    msg = rejected(loose.batch_execute_statement, Statements=many)
    assert msg.startswith("1 validation error detected: Value '[")
    assert msg.endswith("at 'statements' failed to satisfy constraint: Member must have length less than or equal to 25")
    assert get(client, users, "m0") is None
    out = batch(client, *many[:25])
    assert out["Responses"] == [{"TableName": users}] * 25
    msg = rejected(loose.batch_execute_statement, Statements=[{"Statement": ""}])
    assert "at 'statements.1.member.statement' failed to satisfy constraint: " \
           "Member must have length greater than or equal to 1" in msg
    msg = rejected(loose.batch_execute_statement,
                   Statements=[{"Statement": "SELECT * FROM t", "Parameters": []}])
    assert "'statements.1.member.parameters'" in msg
    msg = rejected(loose.batch_execute_statement, Statements=[{"Parameters": [{"S": "x"}]}])
    assert "Value null at 'statements.1.member.statement' failed to satisfy constraint: " \
           "Member must not be null" in msg


# ---------------------------------------------------------------- ExecuteTransaction: writes

def test_transaction_writes(client, users):
    out = transact(client,
                   f"INSERT INTO \"{users}\" VALUE {{'pk': 'u3', 'n': 3}}",
                   {"Statement": f"UPDATE \"{users}\" SET n = n + ? REMOVE tag WHERE pk = ?",
                    "Parameters": [{"N": "5"}, {"S": "u1"}]},
                   f"DELETE FROM \"{users}\" WHERE pk = 'u2'",
                   ReturnConsumedCapacity="TOTAL")
    assert "Responses" not in out
    # Transactions also split the units by kind (DynamoDB does so for them only).
    assert out["ConsumedCapacity"] == [{"TableName": users, "CapacityUnits": 6.0, "WriteCapacityUnits": 6.0}]
    assert get(client, users, "u3") == {"pk": {"S": "u3"}, "n": {"N": "3"}}
    assert get(client, users, "u1") == {"pk": {"S": "u1"}, "n": {"N": "6"}}
    assert get(client, users, "u2") is None


def test_cancelled_transaction_writes_nothing(client, wire, users):
    reasons = cancelled(client,
                        f"INSERT INTO \"{users}\" VALUE {{'pk': 'u3'}}",
                        f"UPDATE \"{users}\" SET n = 9 WHERE pk = 'u1'",
                        f"INSERT INTO \"{users}\" VALUE {{'pk': 'u2', 'n': 20}}")
    assert reasons == [{"Code": "None"}, {"Code": "None"}, {"Code": "DuplicateItem", "Message": DUPLICATE}]
    assert get(client, users, "u3") is None
    assert get(client, users, "u1")["n"] == {"N": "1"}
    assert get(client, users, "u2")["n"] == {"N": "2"}

    reasons = cancelled(wire,
                        f"UPDATE \"{users}\" SET n = 9 WHERE pk = 'nobody'",
                        {"Statement": f"DELETE FROM \"{users}\" WHERE pk = 'u1' AND n = 5",
                         "ReturnValuesOnConditionCheckFailure": "ALL_OLD"},
                        f"DELETE FROM \"{users}\" WHERE pk = 'u2'")
    assert reasons == [
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed",
         "Item": {"pk": {"S": "u1"}, "n": {"N": "1"}, "tag": {"S": "t"}}},
        {"Code": "None"}]
    assert get(client, users, "u2") is not None
    assert get(client, users, "nobody") is None


def test_exists_is_a_condition_check(client, ranged):
    transact(client,
             f"EXISTS(SELECT * FROM \"{ranged}\" WHERE pk = 'a' AND sk = 1 AND g = 'x')",
             f"UPDATE \"{ranged}\" SET won = 1 WHERE pk = 'a' AND sk = 2")
    assert get(client, ranged, "a", sk=2)["won"] == {"N": "1"}
    reasons = cancelled(client,
                        f"EXISTS(SELECT * FROM \"{ranged}\" WHERE pk = 'a' AND sk = 1 AND g IS MISSING)",
                        f"UPDATE \"{ranged}\" SET won = 2 WHERE pk = 'a' AND sk = 2")
    assert reasons == [{"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
                       {"Code": "None"}]
    assert get(client, ranged, "a", sk=2)["won"] == {"N": "1"}
    # EXISTS on a missing item fails too.
    reasons = cancelled(client,
                        f"EXISTS(SELECT * FROM \"{ranged}\" WHERE pk = 'b' AND sk = 1 AND g = 'x')",
                        f"UPDATE \"{ranged}\" SET won = 3 WHERE pk = 'a' AND sk = 2")
    assert [r["Code"] for r in reasons] == ["ConditionalCheckFailed", "None"]

    msg = rejected(client.execute_transaction, TransactStatements=stmts(
        f"EXISTS(SELECT * FROM \"{ranged}\" WHERE pk = 'a' AND sk = 1)",
        f"UPDATE \"{ranged}\" SET won = 1 WHERE pk = 'a' AND sk = 2"))
    assert msg == ("Validation failed in TransactStatements[0]: "
                   "EXISTS() must contain a single item read with additional condition")
    msg = rejected(client.execute_transaction, TransactStatements=stmts(
        f"UPDATE \"{ranged}\" SET won = 1 WHERE pk = 'a' AND sk = 2",
        f"EXISTS(SELECT * FROM \"{ranged}\" WHERE pk = 'a' AND g = 'x')"))
    assert msg == ("Validation failed in TransactStatements[1]: "
                   "EXISTS() must contain a single item read with additional condition")
    msg = rejected(client.execute_transaction, TransactStatements=stmts(
        f"EXISTS(SELECT * FROM \"{ranged}\".\"byG\" WHERE g = 'x' AND pk = 'a')",
        f"UPDATE \"{ranged}\" SET won = 1 WHERE pk = 'a' AND sk = 2"))
    assert msg == "Validation failed in TransactStatements[0]: Operations on indices are not supported in transactions"


def test_transaction_statement_errors(client, loose, users, ranged, table_name):
    def refused(*items):
        return rejected(client.execute_transaction, TransactStatements=stmts(*items))

    assert refused(f"SELECT * FROM \"{users}\" WHERE pk = 'u1'",
                   f"UPDATE \"{users}\" SET n = 3 WHERE pk = 'u2'") == \
        "ExecuteTransaction API does not support both read and write operations in the same request."
    assert refused(f"DELETE FROM \"{users}\" WHERE pk = 'u1'",
                   f"UPDATE \"{users}\" SET n = 3 WHERE pk = 'u2' RETURNING ALL NEW *") == \
        "Validation failed in TransactStatements[1]: RETURNING clause is not supported in ExecuteTransaction."
    assert refused(f"SELECT * FROM \"{ranged}\".\"byG\" WHERE g = 'x'") == \
        "Validation failed in TransactStatements[0]: Reads on indices are not supported within transactions."
    not_by_key = ("Validation failed in TransactStatements[{}]: Select statements within ExecuteTransaction "
                  "must specify the primary key in the where clause.")
    assert refused(f"SELECT * FROM \"{users}\" WHERE pk = 'u1'",
                   f"SELECT * FROM \"{ranged}\" WHERE pk = 'a'") == not_by_key.format(1)
    assert refused(f"SELECT * FROM \"{users}\" WHERE pk = 'u1' AND n = 1") == not_by_key.format(0)
    assert refused(f"SELECT * FROM \"{users}\"") == not_by_key.format(0)
    assert refused(f"UPDATE \"{users}\" SET n = 3 WHERE n = 1") == (
        "Validation failed in TransactStatements[0]: "
        "Where clause does not contain a mandatory equality on all key attributes")
    assert refused(f"UPDATE \"{users}\" SET n = 3 WHERE pk = 'u1'",
                   f"DELETE FROM \"{users}\" WHERE pk = 'u1'") == \
        "Transaction request cannot include multiple operations on one item"
    assert refused(f"SELECT * FROM \"{users}\" WHERE pk = 'u1'",
                   f"SELECT n FROM \"{users}\" WHERE pk = 'u1'") == \
        "Transaction request cannot include multiple operations on one item"
    assert refused("SELECT FROM WHERE").startswith("Statement wasn't well formed, can't be processed")
    assert refused({"Statement": f"UPDATE \"{users}\" SET n = ? WHERE pk = ?", "Parameters": [{"N": "1"}]}) == \
        ("Validation failed in TransactStatements[0]: "
         "Number of parameters in request and statement don't match.")
    missing = table_name("gone")
    msg = rejected(client.execute_transaction, code="ResourceNotFoundException",
                   TransactStatements=stmts(f"INSERT INTO \"{missing}\" VALUE {{'pk': 'x'}}"))
    assert msg == "Requested resource not found"
    assert get(client, users, "u1")["n"] == {"N": "1"}

    msg = rejected(loose.execute_transaction, TransactStatements=[])
    assert msg == ("1 validation error detected: Value '[]' at 'transactStatements' failed to satisfy "
                   "constraint: Member must have length greater than or equal to 1")
    many = [{"Statement": f"INSERT INTO \"{users}\" VALUE {{'pk': 'm{i}'}}"} for i in range(101)]
    msg = rejected(loose.execute_transaction, TransactStatements=many)
    assert msg.endswith("at 'transactStatements' failed to satisfy constraint: "
                        "Member must have length less than or equal to 100")
    assert get(client, users, "m0") is None
    transact(client, *many[:100])
    assert get(client, users, "m99") == {"pk": {"S": "m99"}}


def test_transaction_over_4mb(client, users):
    blob = {"S": "x" * (390 * 1024)}
    items = [{"Statement": f"INSERT INTO \"{users}\" VALUE {{'pk': ?, 'd': ?}}",
              "Parameters": [{"S": f"big{i}"}, blob]} for i in range(11)]
    msg = rejected(client.execute_transaction, TransactStatements=items)
    assert msg == "Transaction size has exceeded the maximum allowed size of 4 MB"
    assert get(client, users, "big0") is None
    transact(client, *items[:10])
    assert get(client, users, "big9")["d"] == blob


def test_transaction_token_is_idempotent(client, users):
    bump = stmts(f"UPDATE \"{users}\" SET n = n + 1 WHERE pk = 'u1'")
    first = client.execute_transaction(TransactStatements=bump, ClientRequestToken="tok-pqm-1")
    again = client.execute_transaction(TransactStatements=bump, ClientRequestToken="tok-pqm-1")
    assert {k: v for k, v in first.items() if k != "ResponseMetadata"} == \
        {k: v for k, v in again.items() if k != "ResponseMetadata"}
    assert get(client, users, "u1")["n"] == {"N": "2"}  # ran once
    other = stmts(f"UPDATE \"{users}\" SET n = n + 2 WHERE pk = 'u1'")
    msg = rejected(client.execute_transaction, code="IdempotentParameterMismatchException",
                   TransactStatements=other, ClientRequestToken="tok-pqm-1")
    assert msg == "Request parameters do not match the previous request with the same client token"
    assert get(client, users, "u1")["n"] == {"N": "2"}
    # A cancelled transaction does not keep its token: the retry runs.
    dup = stmts(f"INSERT INTO \"{users}\" VALUE {{'pk': 'u7'}}")
    client.put_item(TableName=users, Item={"pk": {"S": "u7"}})
    with pytest.raises(ClientError):
        client.execute_transaction(TransactStatements=dup, ClientRequestToken="tok-pqm-2")
    client.delete_item(TableName=users, Key={"pk": {"S": "u7"}})
    client.execute_transaction(TransactStatements=dup, ClientRequestToken="tok-pqm-2")
    assert get(client, users, "u7") == {"pk": {"S": "u7"}}


# ---------------------------------------------------------------- ExecuteTransaction: reads

def test_transaction_reads(client, users, ranged):
    out = transact(client,
                   f"SELECT * FROM \"{users}\" WHERE pk = 'u1'",
                   {"Statement": f"SELECT n FROM \"{users}\" WHERE pk = ?", "Parameters": [{"S": "u2"}]},
                   f"SELECT * FROM \"{users}\" WHERE pk = 'nobody'",
                   f"SELECT g FROM \"{ranged}\" WHERE pk = 'a' AND sk = 1",
                   ReturnConsumedCapacity="TOTAL")
    assert out["Responses"] == [
        {"Item": {"pk": {"S": "u1"}, "n": {"N": "1"}, "tag": {"S": "t"}}},
        {"Item": {"n": {"N": "2"}}},
        {},
        {"Item": {"g": {"S": "x"}}},
    ]
    used = {c["TableName"]: c["CapacityUnits"] for c in out["ConsumedCapacity"]}
    assert used == {users: 6.0, ranged: 2.0}


# ---------------------------------------------------------------- the AWS CLI

def aws(server, *args, check=True):
    env = dict(os.environ)
    env.update({"AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret",
                "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": ""})
    env.pop("AWS_PROFILE", None)
    p = subprocess.run([AWS, "dynamodb", *args, "--endpoint-url", server.url, "--output", "json"],
                       env=env, capture_output=True, text=True, timeout=60)
    if check:
        assert p.returncode == 0, p.stderr
    return p


@pytest.mark.skipif(AWS is None, reason="AWS CLI not installed, or DDBD_E2E_NO_CLI=1")
def test_cli_batch_and_transaction(server, client, users):
    p = aws(server, "batch-execute-statement", "--statements", json.dumps([
        {"Statement": f"INSERT INTO \"{users}\" VALUE {{'pk': 'c1', 'n': 1}}"},
        {"Statement": f"UPDATE \"{users}\" SET n = ? WHERE pk = 'u1'", "Parameters": [{"N": "42"}]},
        {"Statement": f"INSERT INTO \"{users}\" VALUE {{'pk': 'u2'}}"}]))
    assert json.loads(p.stdout)["Responses"] == [
        {"TableName": users}, {"TableName": users},
        {"TableName": users, "Error": {"Code": "DuplicateItem", "Message": DUPLICATE}}]
    p = aws(server, "execute-transaction", "--transact-statements", json.dumps([
        {"Statement": f"SELECT n FROM \"{users}\" WHERE pk = 'u1'"},
        {"Statement": f"SELECT * FROM \"{users}\" WHERE pk = ?", "Parameters": [{"S": "c1"}]}]))
    assert json.loads(p.stdout)["Responses"] == [
        {"Item": {"n": {"N": "42"}}}, {"Item": {"pk": {"S": "c1"}, "n": {"N": "1"}}}]
    p = aws(server, "execute-transaction", "--client-request-token", "cli-tok-1", "--transact-statements",
            json.dumps([{"Statement": f"INSERT INTO \"{users}\" VALUE {{'pk': 'c2'}}"},
                        {"Statement": f"INSERT INTO \"{users}\" VALUE {{'pk': 'c1'}}"}]), check=False)
    assert p.returncode != 0
    assert "TransactionCanceledException" in p.stderr
    assert "[None, DuplicateItem]" in p.stderr
    assert get(client, users, "c2") is None
