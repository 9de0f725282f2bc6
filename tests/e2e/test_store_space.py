"""A full store, a full disk and a container's small /dev/shm (issue 10, items 2 and 3).

- The data file grows as data is written: --map-size is a cap, not a
  preallocation (LMDB with MDB_WRITEMAP sized the file to the whole map).
- At the cap, writes that add data get a clear error, and deletes (DeleteItem,
  BatchWriteItem and TransactWriteItems deletes, DeleteTable) still work, so a
  full store can be emptied.
- A full disk is an error on the write, never SIGBUS.
- --in-memory holds far more than a container's 64 MB /dev/shm.

The last two run ddbd inside a private mount namespace (unshare -m) with a
small tmpfs mounted over /dev/shm or the data directory; they are skipped
where mount namespaces are not allowed.  DDBD_SPACE_MEMORY_MB sets how much the
--in-memory test writes (default 1024).
"""

import http.client
import json
import os
import subprocess
import urllib.parse

import pytest

from conftest import DDBD_BIN, DdbdServer, create_simple_table, sign_headers

ITEM_KB = 100


def _can_unshare():
    try:
        r = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"],
                           capture_output=True, timeout=10)
        return r.returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


needs_unshare = pytest.mark.skipif(not _can_unshare(), reason="mount namespaces not allowed here")


def _wrapper(tmp_path, mount_point, size_mb):
    """A script that runs ddbd in a new mount namespace with a tmpfs of
    size_mb over mount_point."""
    path = tmp_path / "ddbd-in-namespace.sh"
    path.write_text(
        "#!/bin/sh\n"
        f"exec unshare --mount --propagation private -- sh -c '"
        f"mount -t tmpfs -o size={size_mb}m tmpfs {mount_point} && exec \"$0\" \"$@\"' "
        f"{DDBD_BIN} \"$@\"\n")
    path.chmod(0o755)
    return str(path)


class Conn:
    """One keep-alive connection sending signed requests (faster than boto3
    for hundreds of large bodies)."""

    def __init__(self, url):
        self.url = url
        u = urllib.parse.urlparse(url)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)

    def call(self, op, payload):
        body = json.dumps(payload).encode()
        headers = sign_headers(self.url, "DynamoDB_20120810." + op, body)
        self.conn.request("POST", "/", body=body, headers=headers)
        resp = self.conn.getresponse()
        data = json.loads(resp.read() or b"{}")
        return resp.status, data

    def close(self):
        self.conn.close()


def _item(i, kb=ITEM_KB):
    return {"pk": {"S": f"item-{i:06d}"}, "blob": {"S": "x" * (kb * 1024 - 100)}}


def _fill(conn, table, limit, kb=ITEM_KB):
    """PutItem until the store refuses; returns (count written, error body)."""
    for i in range(limit):
        status, body = conn.call("PutItem", {"TableName": table, "Item": _item(i, kb)})
        if status != 200:
            return i, status, body
    return limit, 200, None


def _assert_emptiable(conn, table, written, fill=None):
    """Deletes of every kind succeed on a full store, and room comes back."""
    status, body = conn.call("DeleteItem", {"TableName": table, "Key": {"pk": {"S": "item-000000"}}})
    assert status == 200, body
    deletes = [{"DeleteRequest": {"Key": {"pk": {"S": f"item-{i:06d}"}}}} for i in range(1, 26)]
    status, body = conn.call("BatchWriteItem", {"RequestItems": {table: deletes}})
    assert status == 200, body
    assert body.get("UnprocessedItems") == {}
    status, body = conn.call("TransactWriteItems", {"TransactItems": [
        {"Delete": {"TableName": table, "Key": {"pk": {"S": f"item-{i:06d}"}}}} for i in range(26, 51)]})
    assert status == 200, body
    status, body = conn.call("DeleteTable", {"TableName": table})
    assert status == 200, body
    # The room is usable again.
    status, body = conn.call("CreateTable", {
        "TableName": table + "2", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]})
    assert status == 200, body
    again = max(25, written // 2)
    n, status, body = (fill or _fill)(conn, table + "2", again)
    assert n == again, (status, body)


def test_data_file_grows_on_demand(tmp_path):
    """The default cap is 32 GiB; a fresh store's file is not sized to it."""
    srv = DdbdServer().start([], tmp_path / "data")
    try:
        c = srv.client()
        create_simple_table(c, "small")
        c.put_item(TableName="small", Item={"pk": {"S": "a"}})
        size = os.stat(tmp_path / "data" / "data.mdb").st_size
        assert size < 64 << 20, f"data.mdb is {size} bytes for one item"
    finally:
        srv.stop()


def _fill_small(conn, table, limit):
    """BatchWriteItem of 25 items of ~1 KB until the store refuses: a store
    full of leaf pages, where every delete must copy pages."""
    for b in range(limit // 25):
        reqs = [{"PutRequest": {"Item": {"pk": {"S": f"item-{b * 25 + i:06d}"}, "blob": {"S": "y" * 900}}}}
                for i in range(25)]
        status, body = conn.call("BatchWriteItem", {"RequestItems": {table: reqs}})
        if status != 200:
            return b * 25, status, body
    return limit, 200, None


@pytest.mark.parametrize("shape", ["large items", "small items"])
def test_full_store_refuses_puts_and_can_be_emptied(tmp_path, shape):
    srv = DdbdServer().start(["--map-size", str(8 << 20)], tmp_path / "data")
    conn = Conn(srv.url)
    try:
        create_simple_table(srv.client(), "full")
        if shape == "large items":
            written, status, body = _fill(conn, "full", 1000)
        else:
            written, status, body = _fill_small(conn, "full", 100000)
        assert 60 < written < 100000, f"wrote {written} items into an 8 MiB store"
        # Top the store up with small items until nothing more fits.
        for i in range(100000):
            st, _ = conn.call("PutItem", {"TableName": "full", "Item": {"pk": {"S": f"z{i}"}, "b": {"S": "q" * 200}}})
            if st != 200:
                break
        assert status == 500 and body["__type"].endswith("InternalServerError"), body
        assert "full" in body["message"], body
        # Every other kind of write that adds data is refused the same way.
        status, body = conn.call("BatchWriteItem", {"RequestItems": {"full": [
            {"PutRequest": {"Item": _item(5000 + i)}} for i in range(3)]}})
        assert status == 500 and "full" in body["message"], body
        # Reads still work, and what was acknowledged is there.
        status, body = conn.call("GetItem", {"TableName": "full", "Key": {"pk": {"S": f"item-{written - 1:06d}"}}})
        assert status == 200 and "Item" in body
        _assert_emptiable(conn, "full", written, _fill if shape == "large items" else _fill_small)
        # The cap holds across a restart, and the data file stayed near it.
        conn.close()
        srv.stop()
        srv.start(["--map-size", str(8 << 20)], tmp_path / "data")
        conn = Conn(srv.url)
        status, body = conn.call("GetItem", {"TableName": "full2", "Key": {"pk": {"S": "item-000000"}}})
        assert status == 200 and "Item" in body
        assert os.stat(tmp_path / "data" / "data.mdb").st_size <= (8 << 20) + (4 << 20)
    finally:
        conn.close()
        srv.stop()


@needs_unshare
def test_full_disk_is_an_error_not_a_signal(tmp_path):
    data = tmp_path / "disk"
    data.mkdir()
    srv = DdbdServer(binary=_wrapper(tmp_path, data, 64))
    srv.start([], data)
    conn = Conn(srv.url)
    try:
        create_simple_table(srv.client(), "disk")
        written, status, body = _fill(conn, "disk", 2000)
        assert srv.alive(), f"ddbd died (rc={srv.proc.returncode}) after {written} items; {srv.stderr()}"
        assert written < 2000, "a 64 MB file system took 200 MB"
        assert status == 500 and "disk" in body["message"], body
        _assert_emptiable(conn, "disk", written)
        assert srv.alive()
    finally:
        conn.close()
        srv.stop()


@needs_unshare
def test_in_memory_store_is_not_bounded_by_dev_shm(tmp_path):
    """A container's /dev/shm is 64 MB; --in-memory must hold 1 GB there."""
    total_mb = int(os.environ.get("DDBD_SPACE_MEMORY_MB", "1024"))
    kb = 390
    srv = DdbdServer(binary=_wrapper(tmp_path, "/dev/shm", 64))
    srv.start(["--in-memory"])
    conn = Conn(srv.url)
    try:
        create_simple_table(srv.client(), "mem")
        count = total_mb * 1024 // kb + 1
        written, status, body = _fill(conn, "mem", count, kb)
        assert srv.alive(), f"ddbd died (rc={srv.proc.returncode}) after {written * kb // 1024} MB; {srv.stderr()}"
        assert written == count, (written, status, body)
        for i in (0, count // 2, count - 1):
            status, body = conn.call("GetItem", {"TableName": "mem", "Key": {"pk": {"S": f"item-{i:06d}"}}})
            assert status == 200 and len(body["Item"]["blob"]["S"]) == kb * 1024 - 100
    finally:
        conn.close()
        srv.stop()
