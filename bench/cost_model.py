"""The monthly cost model of docs/operations.md §7: per-action request counts times prices.

    .venv/bin/python -m bench.cost_model

The counts per action come from the code and docs/benchmarks.md (sections c–f); the prices are
AWS list prices for Asia Pacific (Tokyo) as noted on PRICES_DATE. Change either and rerun.
"""

from __future__ import annotations

PRICES_DATE = "2026-12-04"
PRICES = {  # USD
    "lambda_request": 0.20e-6,
    "lambda_gb_second_arm64": 0.0000133334,
    "http_api_request": 1.29e-6,
    "sqs_fifo_request": 0.50e-6,
    "eventbridge_event": 1.00e-6,
    "dynamodb_write_unit": 0.7125e-6,
    "dynamodb_read_unit": 0.1425e-6,
    "logs_gb_ingested": 0.76,
}


def gb_seconds(milliseconds: float, memory_mb: int) -> float:
    return milliseconds / 1000 * memory_mb / 1024


# Per action: Lambda invocations, GB-seconds, HTTP API requests, SQS requests, EventBridge
# events, DynamoDB write units, read units, KB of logs.
ACTIONS = {
    # webhook (40 ms at 1 GB) + conversation (150 ms at 512 MB); SQS send, receive, delete;
    # conversation read + save, idempotency record in and out
    "chat event": (2, gb_seconds(40, 1024) + gb_seconds(150, 512), 1, 3, 0, 3, 1, 2),
    # a search page on top of its chat event: a query and two batch reads, about 20 KB
    "search page": (0, 0, 0, 0, 0, 0, 5, 0),
    # a hold placement on top of its chat event: record, queue, a 3-item transaction
    "hold placed": (0, 0, 0, 0, 0, 6, 2, 0),
    # a notice: PutEvents, the notifier (30 ms), notice log read, patron read, outcome write
    "notice": (1, gb_seconds(30, 512), 0, 0, 1, 1, 2, 1),
    # a My Page view: session, patron, holds, loans, records; a session touch now and then
    "my page view": (1, gb_seconds(80, 512), 1, 0, 0, 1, 6, 1),
    # the card's barcode image
    "card image": (1, gb_seconds(60, 512), 1, 0, 0, 0, 0, 1),
}
PER_ACTIVE_PATRON = {
    "chat event": 12,
    "search page": 4,
    "hold placed": 1,
    "notice": 2,
    "my page view": 6,
    "card image": 1,
}


def monthly(patrons: int) -> dict[str, float]:
    totals = [0.0] * 8
    for action, count in PER_ACTIVE_PATRON.items():
        for i, amount in enumerate(ACTIONS[action]):
            totals[i] += amount * count * patrons
    invocations, gbs, api, sqs, events, writes, reads, log_kb = totals
    return {
        "Lambda": invocations * PRICES["lambda_request"] + gbs * PRICES["lambda_gb_second_arm64"],
        "HTTP API": api * PRICES["http_api_request"],
        "SQS FIFO": sqs * PRICES["sqs_fifo_request"],
        "EventBridge": events * PRICES["eventbridge_event"],
        "DynamoDB requests": writes * PRICES["dynamodb_write_unit"]
        + reads * PRICES["dynamodb_read_unit"],
        "CloudWatch Logs": log_kb / 1024 / 1024 * PRICES["logs_gb_ingested"],
    }


def main() -> None:
    print(f"Request-driven costs per month (USD, prices of {PRICES_DATE}):")
    for patrons in (10_000, 100_000):
        costs = monthly(patrons)
        lines = ", ".join(f"{name} {cost:.2f}" for name, cost in costs.items())
        print(f"  {patrons:,} active patrons: {sum(costs.values()):.2f} ({lines})")


if __name__ == "__main__":
    main()
