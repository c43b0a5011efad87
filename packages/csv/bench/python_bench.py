"""Times Python's csv module on a file and prints {"seconds", "rows", "bytes"} as JSON.

Usage: python3 python_bench.py read|dictread|write PATH [ROWS]
Interpreter start-up and (for write) loading the rows are not timed.
"""
import csv
import io
import json
import sys
import time

mode, path = sys.argv[1], sys.argv[2]
if mode in ("read", "dictread"):
    rows_of = csv.reader if mode == "read" else csv.DictReader
    with open(path, newline="", encoding="utf-8") as f:
        t = time.perf_counter()
        n = 0
        for _ in rows_of(f):
            n += 1
        seconds = time.perf_counter() - t
    out = {"seconds": seconds, "rows": n}
else:
    limit = int(sys.argv[3])
    with open(path, newline="", encoding="utf-8") as f:
        rows = []
        for row in csv.reader(f):
            rows.append(row)
            if len(rows) >= limit:
                break
    buf = io.StringIO(newline="")
    t = time.perf_counter()
    csv.writer(buf).writerows(rows)
    text = buf.getvalue()
    seconds = time.perf_counter() - t
    out = {"seconds": seconds, "rows": len(rows), "bytes": len(text.encode("utf-8"))}
json.dump(out, sys.stdout)
