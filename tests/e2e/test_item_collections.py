"""ItemCollectionMetrics on tables with local secondary indexes, and
concurrent writes to an --in-memory store (batched into shared commits)."""

import concurrent.futures

import pytest


def make_lsi_table(client, name):
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "S"},
                              {"AttributeName": "at", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}],
        LocalSecondaryIndexes=[{"IndexName": "byTime",
                                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                              {"AttributeName": "at", "KeyType": "RANGE"}],
                                "Projection": {"ProjectionType": "KEYS_ONLY"}}],
        BillingMode="PAY_PER_REQUEST")


def test_item_collection_metrics_only_when_asked_and_only_with_lsi(client, table_name):
    name = table_name()
    make_lsi_table(client, name)
    item = {"pk": {"S": "p"}, "sk": {"S": "1"}, "at": {"N": "5"}}
    r = client.put_item(TableName=name, Item=item, ReturnItemCollectionMetrics="SIZE")
    m = r["ItemCollectionMetrics"]
    assert m["ItemCollectionKey"] == {"pk": {"S": "p"}}
    assert m["SizeEstimateRangeGB"] == [0.0, 1.0]
    r = client.put_item(TableName=name, Item=item)
    assert "ItemCollectionMetrics" not in r
    r = client.delete_item(TableName=name, Key={"pk": {"S": "p"}, "sk": {"S": "1"}},
                           ReturnItemCollectionMetrics="SIZE")
    assert r["ItemCollectionMetrics"]["ItemCollectionKey"] == {"pk": {"S": "p"}}
    # No LSI: no metrics even when asked.
    plain = table_name()
    client.create_table(TableName=plain,
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                        BillingMode="PAY_PER_REQUEST")
    r = client.put_item(TableName=plain, Item={"pk": {"S": "x"}}, ReturnItemCollectionMetrics="SIZE")
    assert "ItemCollectionMetrics" not in r


@pytest.mark.parametrize("mode", ["--in-memory", "disk"])
def test_concurrent_conditional_writes_share_commits(server_factory, mode):
    """Many clients at once: every acknowledged write is there, every failed
    condition wrote nothing, whatever the store."""
    srv = server_factory(["--in-memory"] if mode == "--in-memory" else [])
    c = srv.client()
    c.create_table(TableName="conc", AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                   KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")

    def worker(w):
        cl = srv.client()
        ok = failed = 0
        for i in range(60):
            try:
                # Half the keys collide across workers: exactly one creation wins.
                cl.put_item(TableName="conc", Item={"pk": {"S": f"k{i % 30}"}, "w": {"N": str(w)}},
                            ConditionExpression="attribute_not_exists(pk)")
                ok += 1
            except cl.exceptions.ConditionalCheckFailedException:
                failed += 1
        return ok, failed

    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        results = list(ex.map(worker, range(8)))
    assert sum(r[0] for r in results) == 30
    assert sum(r[1] for r in results) == 8 * 60 - 30
    items = c.scan(TableName="conc")["Items"]
    assert len(items) == 30
    assert c.describe_table(TableName="conc")["Table"]["ItemCount"] == 30


def test_item_collection_metrics_on_update_item(client, table_name):
    name = table_name()
    make_lsi_table(client, name)
    r = client.update_item(TableName=name, Key={"pk": {"S": "q"}, "sk": {"S": "1"}},
                           UpdateExpression="SET #a = :a", ExpressionAttributeNames={"#a": "at"},
                           ExpressionAttributeValues={":a": {"N": "3"}}, ReturnItemCollectionMetrics="SIZE")
    assert r["ItemCollectionMetrics"] == {"ItemCollectionKey": {"pk": {"S": "q"}}, "SizeEstimateRangeGB": [0.0, 1.0]}
