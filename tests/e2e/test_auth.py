"""SigV4 verification with --credentials."""

import datetime
import json

import pytest
from botocore.exceptions import ClientError

from conftest import (TARGET_PREFIX, credentials_server, error_message, make_client, raw_post,
                      raw_request, sign_headers)

GOOD_AKID = "AKIDGOOD"
GOOD_SECRET = "goodsecret"
SERVICE_NS = "com.amazon.coral.service#"


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory):
    with credentials_server(tmp_path_factory, "ddbd-auth", {GOOD_AKID: GOOD_SECRET, "AKIDOTHER": "othersecret"}) as srv:
        yield srv


def list_tables_raw(srv, **kw):
    return raw_post(srv.url, TARGET_PREFIX + "ListTables", b"{}", **kw)


def test_good_signature_boto3(auth_server):
    c = make_client(auth_server.url, GOOD_AKID, GOOD_SECRET)
    c.create_table(TableName="authtable",
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                   KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                   BillingMode="PAY_PER_REQUEST")
    c.put_item(TableName="authtable", Item={"pk": {"S": "a"}, "v": {"N": "1.50"}})
    assert c.get_item(TableName="authtable", Key={"pk": {"S": "a"}})["Item"]["v"] == {"N": "1.5"}
    assert "authtable" in c.list_tables()["TableNames"]


def test_good_signature_other_region_and_key(auth_server):
    c = make_client(auth_server.url, "AKIDOTHER", "othersecret", region="eu-central-1")
    assert "TableNames" in c.list_tables()


def test_good_signature_raw(auth_server):
    status, hdrs, body = list_tables_raw(auth_server, akid=GOOD_AKID, secret=GOOD_SECRET)
    assert status == 200, body
    assert "TableNames" in body


def test_wrong_secret(auth_server):
    c = make_client(auth_server.url, GOOD_AKID, "wrongsecret")
    with pytest.raises(ClientError) as e:
        c.list_tables()
    assert e.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert e.value.response["Error"]["Message"].startswith(
        "The request signature we calculated does not match the signature you provided")
    status, _, body = list_tables_raw(auth_server, akid=GOOD_AKID, secret="wrongsecret")
    assert status == 400
    assert body["__type"] == SERVICE_NS + "InvalidSignatureException"


def test_tampered_body(auth_server):
    body = b'{"Limit": 5}'
    h = sign_headers(auth_server.url, TARGET_PREFIX + "ListTables", body, akid=GOOD_AKID,
                     secret=GOOD_SECRET)
    status, _, data = raw_request(auth_server.url, "POST", "/", b'{"Limit": 6}', h)
    assert status == 400
    assert json.loads(data)["__type"] == SERVICE_NS + "InvalidSignatureException"


def test_unknown_key(auth_server):
    c = make_client(auth_server.url, "AKIDUNKNOWN", "whatever")
    with pytest.raises(ClientError) as e:
        c.list_tables()
    assert e.value.response["Error"]["Code"] == "UnrecognizedClientException"
    assert e.value.response["Error"]["Message"] == "The security token included in the request is invalid."
    status, _, body = list_tables_raw(auth_server, akid="AKIDUNKNOWN", secret="x")
    assert status == 400
    assert body["__type"] == SERVICE_NS + "UnrecognizedClientException"


def _ts(delta_minutes):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=delta_minutes)
    return t.strftime("%Y%m%dT%H%M%SZ")


def test_signature_expired(auth_server):
    status, _, body = list_tables_raw(auth_server, akid=GOOD_AKID, secret=GOOD_SECRET,
                                      timestamp=_ts(-20))
    assert status == 400, body
    assert body["__type"] == SERVICE_NS + "InvalidSignatureException", body
    assert "Signature expired" in error_message(body), body


def test_signature_not_yet_current(auth_server):
    status, _, body = list_tables_raw(auth_server, akid=GOOD_AKID, secret=GOOD_SECRET,
                                      timestamp=_ts(+20))
    assert status == 400, body
    assert body["__type"] == SERVICE_NS + "InvalidSignatureException", body
    assert "Signature not yet current" in error_message(body), body


def test_small_skew_accepted(auth_server):
    status, _, body = list_tables_raw(auth_server, akid=GOOD_AKID, secret=GOOD_SECRET,
                                      timestamp=_ts(-3))
    assert status == 200, body


def test_authorization_without_credential(auth_server):
    h = sign_headers(auth_server.url, TARGET_PREFIX + "ListTables", b"{}", akid=GOOD_AKID,
                     secret=GOOD_SECRET)
    auth = h["Authorization"]
    # Drop the Credential=... component.
    parts = auth.split(" ", 1)[1].split(", ")
    h["Authorization"] = "AWS4-HMAC-SHA256 " + ", ".join(p for p in parts if not p.startswith("Credential="))
    status, _, data = raw_request(auth_server.url, "POST", "/", b"{}", h)
    assert status == 400
    body = json.loads(data)
    assert body["__type"] == SERVICE_NS + "IncompleteSignatureException", body
    assert "Credential" in error_message(body)


def test_authorization_garbage(auth_server):
    h = {"Content-Type": "application/x-amz-json-1.0",
         "X-Amz-Target": TARGET_PREFIX + "ListTables",
         "Authorization": "garbage"}
    status, _, data = raw_request(auth_server.url, "POST", "/", b"{}", h)
    assert status == 400
    body = json.loads(data)
    assert body["__type"].startswith(SERVICE_NS), body
    assert body["__type"] in (SERVICE_NS + "IncompleteSignatureException",
                              SERVICE_NS + "MissingAuthenticationTokenException"), body


def test_missing_authorization(auth_server):
    status, _, body = list_tables_raw(auth_server, sign=False)
    assert status == 400
    assert body["__type"] == SERVICE_NS + "MissingAuthenticationTokenException"
    assert error_message(body) == "Request is missing Authentication Token"


def test_wrong_service_in_scope(auth_server):
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    req = AWSRequest(method="POST", url=auth_server.url + "/", data=b"{}",
                     headers={"Content-Type": "application/x-amz-json-1.0",
                              "X-Amz-Target": TARGET_PREFIX + "ListTables"})
    SigV4Auth(Credentials(GOOD_AKID, GOOD_SECRET), "s3", "us-east-1").add_auth(req)
    status, _, data = raw_request(auth_server.url, "POST", "/", b"{}", dict(req.headers.items()))
    assert status == 400
    assert json.loads(data)["__type"].startswith(SERVICE_NS)


def test_health_needs_no_auth(auth_server):
    status, _, data = raw_request(auth_server.url, "GET", "/")
    assert status == 200
    assert data == b"healthy: " + auth_server.url.split("//", 1)[1].encode()  # the Host asked for
