"""One Lambda function's runtime: a child process that imports the handler and runs invocations.

Like a Lambda execution environment it has its own environment variables, its own module
state (so a cold start is a real cold start) and sys.path of the function folder plus the
layer. Invocations arrive as JSON lines on one pipe and results leave on another (their file
descriptors are the first two arguments), so whatever the handler prints stays on
stdout/stderr, which the devstack shows in its log.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import traceback

from devstack.lambda_context import LambdaContext


def main() -> None:
    requests_fd, results_fd, handler_path, function_name = sys.argv[1:5]
    timeout, memory = float(sys.argv[5]), int(sys.argv[6])
    module_name, attribute = handler_path.rsplit(".", 1)
    requests = os.fdopen(int(requests_fd), "r", encoding="utf-8")
    results = os.fdopen(int(results_fd), "w", encoding="utf-8")
    handler = None
    for line in requests:
        event = json.loads(line)
        context = LambdaContext(function_name, memory_limit_in_mb=memory, timeout_seconds=timeout)
        try:
            if handler is None:
                handler = getattr(importlib.import_module(module_name), attribute)
            outcome = {"result": handler(event, context)}
        except Exception as error:
            traceback.print_exc()
            outcome = {"error": {"errorType": type(error).__name__, "errorMessage": str(error)}}
        sys.stdout.flush()
        sys.stderr.flush()
        results.write(json.dumps(outcome, ensure_ascii=False, default=str) + "\n")
        results.flush()


if __name__ == "__main__":
    main()
