"""The devstack's moto shims must not change what a Query answers, only how fast."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler

from devstack import moto_dynamodb


def _table(client) -> None:
    client.create_table(
        TableName="t",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "g", "AttributeType": "S"},
        ],
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "byG",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    for pk in ("a", "b", "c"):
        for n in range(40):
            item = {"pk": {"S": pk}, "sk": {"S": f"{n:03d}"}, "pad": {"S": "x" * 50}}
            if n % 3 == 0:
                item["g"] = {"S": "three"}
            client.put_item(TableName="t", Item=item)


def _everything(client, **query) -> list[list[str]]:
    pages, start = [], None
    while True:
        kwargs = {"TableName": "t", "Limit": 7, **query}
        if start:
            kwargs["ExclusiveStartKey"] = start
        answer = client.query(**kwargs)
        pages.append([i["pk"]["S"] + i["sk"]["S"] for i in answer["Items"]])
        start = answer.get("LastEvaluatedKey")
        if not start:
            return pages


QUERIES = [  # (query, items it finds, whether the shim serves it)
    (
        {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "b"}}},
        40,
        True,
    ),
    (
        {
            "KeyConditionExpression": "pk = :p AND begins_with(sk, :s)",
            "ExpressionAttributeValues": {":p": {"S": "c"}, ":s": {"S": "01"}},
            "ScanIndexForward": False,
        },
        10,
        True,
    ),
    (
        {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "zz"}}},
        0,
        True,
    ),
    (
        {
            "IndexName": "byG",
            "KeyConditionExpression": "g = :g",
            "ExpressionAttributeValues": {":g": {"S": "three"}},
        },
        42,
        False,
    ),
]


@pytest.mark.parametrize(("query", "found", "served_by_shim"), QUERIES)
def test_answers_and_pages_are_the_same_with_the_shim(monkeypatch, query, found, served_by_shim):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    original = (Table.query, Table.all_items, DynamoHandler.call_action)
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-northeast-1")
        _table(client)
        without = _everything(client, **query)
        whole_table_reads = []
        original_all_items = moto_dynamodb._original_all_items
        monkeypatch.setattr(
            moto_dynamodb,
            "_original_all_items",
            lambda table: whole_table_reads.append(table) or original_all_items(table),
        )
        try:
            moto_dynamodb.install()
            with_shim = _everything(client, **query)
            queried_whole_table = bool(whole_table_reads)
            scanned = client.scan(TableName="t")["Count"]
        finally:
            Table.query, Table.all_items, DynamoHandler.call_action = original
    assert with_shim == without
    assert sum(map(len, without)) == found
    assert queried_whole_table is not served_by_shim
    assert scanned == 120  # scans still see every item
