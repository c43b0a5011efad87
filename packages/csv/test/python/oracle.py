"""Runs Python's csv module on a batch of JSON cases from stdin and prints the results as JSON.

Each case is {"op": "read" | "write" | "sniff" | "has_header", ...}; see test/oracle.ts.
Floats are sent as {"n": repr(x)} so inf and nan survive JSON.
"""
import csv
import io
import json
import sys


def enc_field(value):
    if isinstance(value, float):
        return {"n": repr(value)}
    return value


def error_kind(message):
    if "expected after" in message:
        return "CSV_UNEXPECTED_CHAR"
    if "unexpected end of data" in message:
        return "END"
    if "could not convert" in message:
        return "CSV_NOT_A_NUMBER"
    if "field larger" in message:
        return "CSV_FIELD_TOO_LARGE"
    if "need to escape" in message or "must be quoted" in message:
        return "CSV_NEED_ESCAPE"
    return "OTHER:" + message


def read(case):
    out = []
    r = csv.reader(io.StringIO(case["text"], newline=""), **case["dialect"])
    try:
        for row in r:
            out.append([[enc_field(v) for v in row], r.line_num])
    except (csv.Error, ValueError) as exc:
        return {"rows": out, "error": error_kind(str(exc)), "lineNum": r.line_num}
    return {"rows": out, "lineNum": r.line_num}


def write(case):
    dialect = dict(case["dialect"])
    lt = dialect.get("lineterminator", "\r\n")
    # Python 3.11 leaves a CR or LF unquoted when it is not part of lineterminator; later versions
    # always treat both as special. Writing with lineterminator + CRLF makes 3.11 do the same, and the
    # extra terminator is swapped back for the real one.
    corrected = case.get("corrected", True)
    if corrected:
        dialect["lineterminator"] = lt + "\r\n"
    out = []
    try:
        for row in case["rows"]:
            buf = io.StringIO(newline="")
            csv.writer(buf, **dialect).writerow(row)
            text = buf.getvalue()
            out.append(text[: -len(dialect["lineterminator"])] + lt if corrected else text)
    except (csv.Error, ValueError) as exc:
        return {"error": error_kind(str(exc))}
    return {"text": "".join(out)}


def dialect_dict(d):
    return {
        "delimiter": d.delimiter,
        "quotechar": d.quotechar,
        "escapechar": d.escapechar,
        "doublequote": d.doublequote,
        "skipinitialspace": d.skipinitialspace,
        "lineterminator": d.lineterminator,
        "quoting": d.quoting,
    }


def sniff(case):
    try:
        d = csv.Sniffer().sniff(case["sample"], case.get("delimiters"))
    except csv.Error as exc:
        return {"error": str(exc)}
    return {"dialect": dialect_dict(d)}


def has_header(case):
    try:
        return {"value": csv.Sniffer().has_header(case["sample"])}
    except csv.Error as exc:
        return {"error": str(exc)}


def dict_read(case):
    kwargs = dict(case["dialect"])
    for key in ("fieldnames", "restkey", "restval"):
        if key in case:
            kwargs[key] = case[key]
    r = csv.DictReader(io.StringIO(case["text"], newline=""), **kwargs)
    rows = []
    for rec in r:
        rows.append([[k, v] for k, v in rec.items()])
    return {"rows": rows, "fieldnames": r.fieldnames}


def dict_write(case):
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, case["fieldnames"], **case.get("options", {}))
    try:
        w.writeheader()
        w.writerows(case["rows"])
    except ValueError as exc:
        return {"error": "CSV_EXTRA_FIELDS"}
    return {"text": buf.getvalue()}


OPS = {"read": read, "write": write, "sniff": sniff, "has_header": has_header,
       "dict_read": dict_read, "dict_write": dict_write}

cases = json.load(sys.stdin)
json.dump([OPS[c["op"]](c) for c in cases], sys.stdout)
