"""Validation order and wording (issue 15, part 3).

- An invalid TableName is a ValidationException before any table lookup, in
  every operation that takes one, never ResourceNotFoundException.  Since
  tables have resource policies the API Reference gives TableName 1..1024
  characters (a table ARN fits there); a name that is not an ARN still obeys
  the table-name rules, reported as Coral lines in the order DynamoDB gives
  them (length, then pattern).
- TransactWriteItems / TransactGetItems name the action's position and kind
  in the path ("transactItems.2.member.update.tableName"), as AWS does.
- PutItem, UpdateItem and DeleteItem report the rules they check before the
  table is known as a Coral list of one ("1 validation error detected:
  ..."); the rules that need the table stay bare.
- SigV4: the request time is checked against the 15-minute window before
  the rest of the Authorization header, and components separated by spaces
  only (or commas only) are accepted.
"""

import datetime

import pytest

from conftest import (TARGET_PREFIX, create_simple_table, credentials_server, error_message, error_type,
                      raw_post, raw_request, sign_headers)

SERVICE_NS = "com.amazon.coral.service#"


def call(server, op, body):
    status, _, data = raw_post(server.url, TARGET_PREFIX + op, body)
    return status, error_type(data), error_message(data)


def length_min(v):
    return f"Value '{v}' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3"


def length_max(v, n):
    return f"Value '{v}' at 'tableName' failed to satisfy constraint: Member must have length less than or equal to {n}"


def pattern(v, path="tableName"):
    return (f"Value '{v}' at '{path}' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")


def one(line):
    return "1 validation error detected: " + line


KEY = {"pk": {"S": "a"}}

# Every operation that takes a TableName of an existing table, with a body
# that is otherwise valid.
OPS = {
    "GetItem": {"Key": KEY},
    "PutItem": {"Item": KEY},
    "DeleteItem": {"Key": KEY},
    "UpdateItem": {"Key": KEY},
    "Query": {"KeyConditionExpression": "pk = :v", "ExpressionAttributeValues": {":v": {"S": "a"}}},
    "Scan": {},
    "DescribeTable": {},
    "DeleteTable": {},
    "UpdateTable": {"BillingMode": "PAY_PER_REQUEST"},
    "DescribeTimeToLive": {},
    "UpdateTimeToLive": {"TimeToLiveSpecification": {"Enabled": True, "AttributeName": "ttl"}},
}

NAMES = [
    ("t", one(length_min("t"))),
    ("xx", one(length_min("xx"))),
    ("", "2 validation errors detected: " + length_min("") + "; " + pattern("")),
    ("a;", "2 validation errors detected: " + length_min("a;") + "; " + pattern("a;")),
    ("bad name!", one(pattern("bad name!"))),
    ("a" * 256, one(length_max("a" * 256, 255))),
    ("b" * 1025, one(length_max("b" * 1025, 1024))),
]


@pytest.mark.parametrize("op", sorted(OPS))
@pytest.mark.parametrize("name,message", NAMES, ids=["t", "xx", "empty", "short-bad", "chars", "256", "1025"])
def test_invalid_table_name_is_validation_before_lookup(server, op, name, message):
    body = dict(OPS[op], TableName=name)
    assert call(server, op, body) == (400, "ValidationException", message)


# Backups and point-in-time recovery take a table name too.
BACKUP_OPS = {
    "CreateBackup": {"BackupName": "abc"},
    "ListBackups": {},
    "DescribeContinuousBackups": {},
    "UpdateContinuousBackups": {"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}},
}


@pytest.mark.parametrize("op", sorted(BACKUP_OPS))
def test_backup_and_pitr_ops_refuse_short_names_before_lookup(server, op):
    assert call(server, op, dict(BACKUP_OPS[op], TableName="xx")) == (400, "ValidationException", one(length_min("xx")))


@pytest.mark.parametrize("op", sorted(OPS))
def test_valid_name_of_a_missing_table_is_not_found(server, op, table_name):
    status, code, _ = call(server, op, dict(OPS[op], TableName=table_name("Missing")))
    assert (status, code) == (400, "ResourceNotFoundException")


def test_arn_is_not_a_name_violation(server):
    # An ARN passes the name checks (1..1024 characters); the lookup decides.
    arn = "arn:aws:dynamodb:us-east-1:000000000000:table/no-such-table-here"
    status, code, _ = call(server, "GetItem", {"TableName": arn, "Key": KEY})
    assert (status, code) == (400, "ResourceNotFoundException")


def test_table_name_violations_aggregate_with_other_members(server):
    status, code, msg = call(server, "PutItem", {"TableName": "xx"})
    assert (status, code) == (400, "ValidationException")
    assert msg == ("2 validation errors detected: " + length_min("xx") +
                   "; Value null at 'item' failed to satisfy constraint: Member must not be null")


def test_create_table_keeps_its_own_name_rules(server):
    # CreateTable's TableName cannot be an ARN: 3..255 characters of the
    # pattern, checked by Coral.
    body = {"TableName": "a" * 300, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}
    assert call(server, "CreateTable", body) == (400, "ValidationException", one(length_max("a" * 300, 255)))


def test_invalid_name_wins_over_an_existing_tables_lookup(server, client, table_name):
    # The same name with a bad character added is refused before lookup, even
    # though a table of the valid prefix exists.
    name = table_name("Exists")
    create_simple_table(client, name)
    assert call(server, "GetItem", {"TableName": name + "!", "Key": KEY}) == (
        400, "ValidationException", one(pattern(name + "!")))


def test_serialization_error_in_item_beats_table_name_violation(server):
    # DynamoDB unmarshals the request before it validates it.
    status, code, msg = call(server, "PutItem", {"TableName": "xx", "Item": {"pk": {"S": 5}}})
    assert (status, code) == (400, "SerializationException"), msg
    status, code, _ = call(server, "GetItem", {"TableName": "bad!", "Key": {"pk": {"B": 5}}})
    assert (status, code) == (400, "SerializationException")


def test_table_name_violation_beats_item_value_rules(server):
    # An empty set is a semantic (service) check: it comes after Coral's.
    body = {"TableName": "xx", "Item": {"pk": {"S": "a"}, "s": {"SS": []}}}
    assert call(server, "PutItem", body) == (400, "ValidationException", one(length_min("xx")))


# ------------------------------------------------------------- transactions

def test_transact_write_bad_table_name_names_position_and_kind(server, client, table_name):
    good = table_name("Tx")
    create_simple_table(client, good)
    body = {"TransactItems": [
        {"Put": {"TableName": good, "Item": {"pk": {"S": "first"}}}},
        {"Update": {"TableName": "bad!name", "Key": KEY, "UpdateExpression": "SET a = :a",
                    "ExpressionAttributeValues": {":a": {"S": "x"}}}},
    ]}
    assert call(server, "TransactWriteItems", body) == (
        400, "ValidationException", one(pattern("bad!name", "transactItems.2.member.update.tableName")))
    # Nothing was written.
    assert "Item" not in client.get_item(TableName=good, Key={"pk": {"S": "first"}}, ConsistentRead=True)


@pytest.mark.parametrize("kind,member", [("Put", "put"), ("Delete", "delete"), ("ConditionCheck", "conditionCheck")])
def test_transact_write_bad_table_name_each_kind(server, kind, member):
    action = {"TableName": "xx", "Item" if kind == "Put" else "Key": KEY}
    if kind == "ConditionCheck":
        action["ConditionExpression"] = "attribute_exists(pk)"
    body = {"TransactItems": [{kind: action}]}
    expected = one(f"Value 'xx' at 'transactItems.1.member.{member}.tableName' failed to satisfy constraint: "
                   "Member must have length greater than or equal to 3")
    assert call(server, "TransactWriteItems", body) == (400, "ValidationException", expected)


def test_transact_serialization_error_beats_table_name(server):
    body = {"TransactItems": [{"Put": {"TableName": "xx", "Item": {"pk": {"S": 5}}}}]}
    status, code, _ = call(server, "TransactWriteItems", body)
    assert (status, code) == (400, "SerializationException")
    body = {"TransactItems": [{"Get": {"TableName": "xx", "Key": {"pk": {"N": True}}}}]}
    status, code, _ = call(server, "TransactGetItems", body)
    assert (status, code) == (400, "SerializationException")


def test_transact_get_bad_table_name(server):
    body = {"TransactItems": [{"Get": {"TableName": "bad!name", "Key": KEY}}]}
    assert call(server, "TransactGetItems", body) == (
        400, "ValidationException", one(pattern("bad!name", "transactItems.1.member.get.tableName")))


def test_batch_request_items_key_rule_unchanged(server):
    body = {"RequestItems": {"xx": {"Keys": [KEY]}}}
    status, code, msg = call(server, "BatchGetItem", body)
    assert (status, code) == (400, "ValidationException")
    assert msg.startswith("1 validation error detected: Value 'xx' at 'requestItems' failed to satisfy constraint: "
                          "Map keys must satisfy constraint: [")


# -------------------------------------------------------------------- SigV4

def _amz(dt):
    return dt.strftime("%Y%m%dT%H%M%SZ")


def _malformed_auth_headers(amz_date):
    # The credential scope is nonsense (date "2", service "4") and the
    # components are separated by spaces only.
    return {"Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Date": amz_date,
            "X-Amz-Target": TARGET_PREFIX + "ListTables",
            "Authorization": "AWS4-HMAC-SHA256 Credential=someone/2/3/4/aws4_request "
                             "SignedHeaders=x-amz-date;host Signature=123"}


def _post(server, headers):
    import json
    status, _, data = raw_request(server.url, "POST", "/", b"{}", headers)
    return status, json.loads(data)


def test_expired_date_checked_before_the_rest_of_the_header(server):
    status, body = _post(server, _malformed_auth_headers("20170101T010101Z"))
    assert status == 400
    assert body["__type"] == SERVICE_NS + "InvalidSignatureException", body
    msg = body["message"]
    assert msg.startswith("Signature expired: 20170101T010101Z is now earlier than "), msg
    assert msg.endswith(" - 15 min.)"), msg


def test_future_date_checked_before_the_rest_of_the_header(server):
    status, body = _post(server, _malformed_auth_headers("30200101T010101Z"))
    assert status == 400
    assert body["__type"] == SERVICE_NS + "InvalidSignatureException", body
    msg = body["message"]
    assert msg.startswith("Signature not yet current: 30200101T010101Z is still later than "), msg
    assert msg.endswith(" + 15 min.)"), msg


def test_expired_date_message_exact(server):
    # The window is the server's now - 15 min; both dates are in the message.
    when = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=2)
    status, body = _post(server, _malformed_auth_headers(_amz(when)))
    assert status == 400
    msg = body["message"]
    head, rest = msg.split(" is now earlier than ")
    assert head == "Signature expired: " + _amz(when)
    limit, now_part = rest.split(" (")
    now = datetime.datetime.strptime(now_part[:16], "%Y%m%dT%H%M%SZ")
    assert datetime.datetime.strptime(limit, "%Y%m%dT%H%M%SZ") == now - datetime.timedelta(minutes=15)
    assert now_part[16:] == " - 15 min.)"


def test_expired_date_with_missing_credential_is_still_expired(server):
    h = _malformed_auth_headers("20170101T010101Z")
    h["Authorization"] = "AWS4-HMAC-SHA256 Signature=123"
    status, body = _post(server, h)
    assert (status, body["__type"]) == (400, SERVICE_NS + "InvalidSignatureException"), body


def test_current_date_with_missing_credential_is_incomplete(server):
    h = _malformed_auth_headers(_amz(datetime.datetime.now(datetime.timezone.utc)))
    h["Authorization"] = "AWS4-HMAC-SHA256 Signature=123"
    status, body = _post(server, h)
    assert status == 400
    assert body["__type"] == SERVICE_NS + "IncompleteSignatureException", body


def test_no_authorization_is_missing_token_whatever_the_date(server):
    h = _malformed_auth_headers("20170101T010101Z")
    del h["Authorization"]
    status, body = _post(server, h)
    assert (status, body["__type"]) == (400, SERVICE_NS + "MissingAuthenticationTokenException"), body


GOOD_AKID = "AKIDVALID"
GOOD_SECRET = "validsecret"


@pytest.fixture(scope="module")
def verifying_server(tmp_path_factory):
    with credentials_server(tmp_path_factory, "ddbd-valid-auth", {GOOD_AKID: GOOD_SECRET}) as srv:
        yield srv


def _signed(srv):
    return sign_headers(srv.url, TARGET_PREFIX + "ListTables", b"{}", akid=GOOD_AKID, secret=GOOD_SECRET)


@pytest.mark.parametrize("sep", [" ", ",", ", "], ids=["spaces", "commas", "comma-space"])
def test_authorization_component_separators(verifying_server, sep):
    h = _signed(verifying_server)
    algorithm, rest = h["Authorization"].split(" ", 1)
    parts = [p.strip() for p in rest.split(",")]
    h["Authorization"] = algorithm + " " + sep.join(parts)
    status, _, _ = raw_post(verifying_server.url, TARGET_PREFIX + "ListTables", b"{}", headers=h, sign=False)
    assert status == 200


def test_wrong_signature_still_refused_with_space_separators(verifying_server):
    h = _signed(verifying_server)
    algorithm, rest = h["Authorization"].split(" ", 1)
    parts = [p.strip() for p in rest.split(",")]
    parts[-1] = parts[-1][:-4] + "0000"
    h["Authorization"] = algorithm + " " + " ".join(parts)
    status, _, body = raw_post(verifying_server.url, TARGET_PREFIX + "ListTables", b"{}", headers=h, sign=False)
    assert (status, error_type(body)) == (400, "InvalidSignatureException")
    assert error_message(body).startswith("The request signature we calculated does not match")


def test_expired_date_beats_unknown_key_when_verifying(verifying_server):
    h = _malformed_auth_headers("20170101T010101Z")
    status, body = _post(verifying_server, h)
    assert (status, body["__type"]) == (400, SERVICE_NS + "InvalidSignatureException"), body
    assert body["message"].startswith("Signature expired: "), body


# --allow-clock-skew: for tests whose client clock is frozen or fake.  Without
# --credentials the window is then not applied; with them it always is.
OLD_DATE = "20170101T010101Z"


def test_signed_at_an_old_time_is_refused_by_default(server):
    h = sign_headers(server.url, TARGET_PREFIX + "ListTables", b"{}", timestamp=OLD_DATE)
    status, _, body = raw_post(server.url, TARGET_PREFIX + "ListTables", b"{}", headers=h, sign=False)
    assert (status, error_type(body)) == (400, "InvalidSignatureException"), body
    assert error_message(body).startswith("Signature expired: " + OLD_DATE), body


def test_allow_clock_skew_accepts_old_and_future_times(server_factory):
    srv = server_factory(["--in-memory", "--allow-clock-skew"])
    for ts in (OLD_DATE, "30200101T010101Z"):
        h = sign_headers(srv.url, TARGET_PREFIX + "ListTables", b"{}", timestamp=ts)
        status, _, body = raw_post(srv.url, TARGET_PREFIX + "ListTables", b"{}", headers=h, sign=False)
        assert status == 200, (ts, body)


def test_allow_clock_skew_does_not_apply_when_verifying(tmp_path):
    creds = tmp_path / "credentials"
    creds.write_text(f"{GOOD_AKID} {GOOD_SECRET}\n")
    from conftest import DdbdServer
    srv = DdbdServer()
    srv.start(["--in-memory", "--allow-clock-skew", "--credentials", str(creds)])
    try:
        h = sign_headers(srv.url, TARGET_PREFIX + "ListTables", b"{}", akid=GOOD_AKID, secret=GOOD_SECRET,
                         timestamp=OLD_DATE)
        status, _, body = raw_post(srv.url, TARGET_PREFIX + "ListTables", b"{}", headers=h, sign=False)
        assert (status, error_type(body)) == (400, "InvalidSignatureException"), body
        assert error_message(body).startswith("Signature expired: "), body
    finally:
        srv.stop()


# PutItem, UpdateItem and DeleteItem: the request-validation rules that need
# no table are reported as a Coral list of one ("1 validation error
# detected: ..."), as traces against AWS show; the rules that need the
# table, and the deserialiser's structural AttributeValue errors, are bare.
ENVELOPED = [
    ("PutItem", {"Item": {"pk": {"S": "a"}, "s": {"SS": []}}},
     "One or more parameter values were invalid: An string set  may not be empty"),
    ("PutItem", {"Item": {"pk": {"S": "a"}, "s": {"SS": ["x", "x"]}}},
     "One or more parameter values were invalid: Input collection [x, x] contains duplicates."),
    ("PutItem", {"Item": {"pk": {"S": "a"}, "n": {"NULL": False}}},
     "One or more parameter values were invalid: Null attribute value types must have the value of true"),
    ("PutItem", {"Item": KEY, "ReturnValues": "ALL_NEW"}, "ReturnValues can only be ALL_OLD or NONE"),
    ("DeleteItem", {"Key": KEY, "ReturnValues": "UPDATED_NEW"}, "ReturnValues can only be ALL_OLD or NONE"),
    ("PutItem", {"Item": KEY, "ConditionExpression": "attribute_exists(a)", "ExpressionAttributeValues": {}},
     "ExpressionAttributeValues must not be empty"),
    ("PutItem", {"Item": KEY, "ConditionExpression": "((attribute_exists(a)))"},
     "Invalid ConditionExpression: The expression has redundant parentheses;"),
    ("DeleteItem", {"Key": KEY, "ConditionExpression": "attribute_exists(a)", "Expected": {"a": {"Exists": False}}},
     "Can not use both expression and non-expression parameters in the same request: "
     "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"),
    ("UpdateItem", {"Key": KEY, "UpdateExpression": "SET a = :missing"},
     "Invalid UpdateExpression: An expression attribute value used in expression is not defined; "
     "attribute value: :missing"),
    ("UpdateItem", {"Key": KEY, "UpdateExpression": "SET a = :v",
                    "ExpressionAttributeValues": {":v": {"SS": ["a", "b", "a"]}}},
     "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: "
     "Input collection [a, b, a] contains duplicates. for key :v"),
    ("UpdateItem", {"Key": KEY, "UpdateExpression": "SET " + "a" * 4097},
     "Invalid UpdateExpression: Expression size has exceeded the maximum allowed size; expression size: 4101"),
]


@pytest.mark.parametrize("op,extra,message", ENVELOPED)
def test_single_writes_envelope_request_rules(server, table_name, op, extra, message):
    # Before the table lookup: a missing table does not matter.
    body = dict(extra, TableName=table_name("Missing"))
    assert call(server, op, body) == (400, "ValidationException", one(message))


def test_single_writes_keep_table_rules_and_structural_errors_bare(server, client, table_name):
    name = table_name("bare")
    create_simple_table(client, name)
    cases = [
        ("PutItem", {"Item": {"pk": {"N": "1"}}},
         "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"),
        ("PutItem", {"Item": {"pk": {"S": "a"}, "d": {}}},
         "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
        ("PutItem", {"Item": {"pk": {"S": ""}}},
         "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain "
         "an empty string value. Key: pk"),
        ("UpdateItem", {"Key": KEY, "UpdateExpression": "SET pk = :v", "ExpressionAttributeValues": {":v": {"S": "b"}}},
         "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"),
        ("DeleteItem", {"Key": {"nope": {"S": "a"}}}, "The provided key element does not match the schema"),
    ]
    for op, extra, message in cases:
        assert call(server, op, dict(extra, TableName=name)) == (400, "ValidationException", message), op
    # A Coral line keeps its single prefix; other operations stay bare.
    assert call(server, "PutItem", {"TableName": name}) == (
        400, "ValidationException", one("Value null at 'item' failed to satisfy constraint: Member must not be null"))
    assert call(server, "GetItem", {"TableName": name, "Key": {"pk": {"S": "a"}, "n": {"NULL": False}}}) == (
        400, "ValidationException",
        "One or more parameter values were invalid: Null attribute value types must have the value of true")
