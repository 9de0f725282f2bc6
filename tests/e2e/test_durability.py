"""Crash durability (kill -9 after acknowledged writes) and startup time."""

import os
import subprocess
import time

import pytest

from conftest import DDBD_BIN, DdbdServer, create_simple_table, make_client, raw_request


def _write_then_crash_then_verify(data_dir, extra_args):
    srv = DdbdServer()
    srv.start(extra_args, data_dir)
    try:
        c = srv.client()
        create_simple_table(c, "durable")
        create_simple_table(c, "durable2", hash_key="h", range_key="r", range_type="N",
                            billing="PROVISIONED")
        c.put_item(TableName="durable2", Item={"h": {"S": "x"}, "r": {"N": "1.50"}})
        for i in range(100):
            c.put_item(TableName="durable", Item={
                "pk": {"S": f"item-{i:03d}"}, "i": {"N": str(i)},
                "payload": {"S": "p" * (i * 10)}, "tags": {"SS": ["a", f"t{i}"]}})
        c.delete_item(TableName="durable", Key={"pk": {"S": "item-050"}})
        # Last acknowledged write, then immediately SIGKILL.
        c.put_item(TableName="durable", Item={"pk": {"S": "last"}, "v": {"N": "1"}})
        pid = srv.pid
        srv.kill9()
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)

        srv.start(extra_args, data_dir)
        c = srv.client()
        names = c.list_tables()["TableNames"]
        assert "durable" in names and "durable2" in names
        d = c.describe_table(TableName="durable2")["Table"]
        assert d["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
        assert c.get_item(TableName="durable2", Key={"h": {"S": "x"}, "r": {"N": "1.5"}})["Item"]
        for i in range(100):
            resp = c.get_item(TableName="durable", Key={"pk": {"S": f"item-{i:03d}"}},
                              ConsistentRead=True)
            if i == 50:
                assert "Item" not in resp, "deleted item came back after the crash"
                continue
            item = resp["Item"]
            assert item["i"] == {"N": str(i)}
            assert item["payload"] == {"S": "p" * (i * 10)}
            assert sorted(item["tags"]["SS"]) == sorted(["a", f"t{i}"])
        assert c.get_item(TableName="durable", Key={"pk": {"S": "last"}})["Item"]["v"] == {"N": "1"}

        # A different access key still does not see the recovered tables.
        other = make_client(srv.url, akid="AKIDSOMEONEELSE")
        assert "durable" not in other.list_tables()["TableNames"]

        # The recovered server keeps accepting writes, and a clean restart keeps them too.
        c.put_item(TableName="durable", Item={"pk": {"S": "after"}})
        srv.stop()
        srv.start(extra_args, data_dir)
        c = srv.client()
        assert "Item" in c.get_item(TableName="durable", Key={"pk": {"S": "after"}})
        assert "Item" in c.get_item(TableName="durable", Key={"pk": {"S": "item-099"}})
    finally:
        srv.stop()


def test_kill9_durability(tmp_path):
    _write_then_crash_then_verify(tmp_path / "data", [])


def test_kill9_durability_sync(tmp_path):
    _write_then_crash_then_verify(tmp_path / "data", ["--sync"])


def test_deleted_table_stays_deleted_after_crash(tmp_path):
    srv = DdbdServer()
    srv.start([], tmp_path / "data")
    try:
        c = srv.client()
        create_simple_table(c, "gone")
        c.put_item(TableName="gone", Item={"pk": {"S": "a"}})
        create_simple_table(c, "kept")
        c.delete_table(TableName="gone")
        srv.kill9()
        srv.start([], tmp_path / "data")
        c = srv.client()
        assert c.list_tables()["TableNames"] == ["kept"]
    finally:
        srv.stop()


def test_data_dir_created_if_missing(tmp_path):
    d = tmp_path / "does" / "not" / "exist"
    srv = DdbdServer()
    srv.start([], d)
    try:
        create_simple_table(srv.client(), "t-created")
    finally:
        srv.stop()
    assert d.exists()


def test_startup_time(tmp_path):
    if not os.path.exists(DDBD_BIN):
        pytest.skip("no binary")
    # Spawn directly and poll GET / on the announced port.
    srv = DdbdServer()
    t0 = time.monotonic()
    srv.start([], tmp_path / "data")
    try:
        deadline = t0 + 5.0
        while True:
            try:
                status, _, _ = raw_request(srv.url, "GET", "/", timeout=1)
                if status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "server not healthy within 5 s"
            time.sleep(0.005)
        elapsed = time.monotonic() - t0
        print(f"\nddbd startup: listening line after {srv.startup_seconds * 1000:.1f} ms, "
              f"first GET / OK after {elapsed * 1000:.1f} ms")
        assert elapsed < 5.0
    finally:
        srv.stop()


def test_graceful_stop_exit_code(tmp_path):
    srv = DdbdServer()
    srv.start([], tmp_path / "data")
    rc = srv.stop()
    assert rc in (0, -15), f"unexpected exit status on SIGTERM: {rc}"
