"""A function for the devstack's own tests, run by the devstack like any template function.

Appends every event it gets to $RECORD_FILE (one JSON line each), so a test sees what was
delivered and how often, and raises when the event asks it to ("fail": true at the top or in
its detail), so retries and dead-letter queues can be seen.
"""

import json
import os


def handler(event, context):
    with open(os.environ["RECORD_FILE"], "a", encoding="utf-8") as record:
        record.write(json.dumps(event, ensure_ascii=False) + "\n")
    if isinstance(event, dict):
        detail = event.get("detail") if isinstance(event.get("detail"), dict) else {}
        if event.get("fail") or detail.get("fail"):
            raise RuntimeError("the event asked this function to fail")
    return {"seen": event.get("id") if isinstance(event, dict) else None}
