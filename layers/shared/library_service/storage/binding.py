"""Points pynamodb models at the table names and region from the settings.

pynamodb reads `Meta` when a model first talks to DynamoDB, so binding happens before that,
in the function's lazily built service, never at import time.
"""

from __future__ import annotations

from pynamodb.models import Model


def bind_model(model: type[Model], table_name: str, region: str) -> None:
    if not table_name:
        raise RuntimeError(f"no table name configured for {model.__name__}")
    model.Meta.table_name = table_name
    model.Meta.region = region
    model._connection = None  # drop a connection made for an earlier binding
