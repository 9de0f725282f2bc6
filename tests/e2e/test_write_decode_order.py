"""Which error a multi-item write with several faults gets.

BatchWriteItem and TransactWriteItems decode and check every request's values
before looking up any table (as dynalite's validations/batchWriteItem.js and
transactWriteItems.js do, and as PutItem checks its Item before its table),
so a bad value anywhere in the request is a ValidationException even when an
earlier entry names a missing table.  Nothing is written either way.
"""

from conftest import create_simple_table, rejected


def test_batch_write_bad_value_beats_missing_table(client, table_name):
    good = table_name("Order")
    create_simple_table(client, good)
    msg = rejected(client.batch_write_item, RequestItems={
        table_name("Missing"): [{"PutRequest": {"Item": {"pk": {"S": "a"}}}}],
        good: [{"PutRequest": {"Item": {"pk": {"S": "b"}, "s": {"SS": []}}}}],
    })
    assert "An string set  may not be empty" in msg
    assert client.scan(TableName=good)["Count"] == 0


def test_batch_write_missing_table_when_values_are_good(client, table_name):
    good = table_name("Order")
    create_simple_table(client, good)
    rejected(client.batch_write_item, code="ResourceNotFoundException", RequestItems={
        table_name("Missing"): [{"PutRequest": {"Item": {"pk": {"S": "a"}}}}],
        good: [{"PutRequest": {"Item": {"pk": {"S": "b"}}}}],
    })
    assert client.scan(TableName=good)["Count"] == 0


def test_transact_write_bad_expression_beats_missing_table(client, table_name):
    good = table_name("Order")
    create_simple_table(client, good)
    msg = rejected(client.transact_write_items, TransactItems=[
        {"Put": {"TableName": table_name("Missing"), "Item": {"pk": {"S": "a"}}}},
        {"Update": {"TableName": good, "Key": {"pk": {"S": "b"}}, "UpdateExpression": "SET"}},
    ])
    assert "Invalid UpdateExpression" in msg
    assert client.scan(TableName=good)["Count"] == 0
