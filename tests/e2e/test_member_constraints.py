"""The top-level member constraints of every served operation, from botocore's
service model (required, length, range, enum, pattern), against ddbd's Coral
lines (issue 15, part 3).

Each case sends one violation raw (the other members absent, so other lines
may come with it) and checks that the message holds the violated member's
line: "at '<member>' failed to satisfy constraint: <constraint>".  TableName
is left out: since resource policies it takes 1..1024 characters or a table
ARN (test_validation_order.py and test_table_arns.py cover it), while the
model on this machine still says 3..255.
"""

import json
import os
import re

import pytest

from conftest import TARGET_PREFIX, error_message, error_type, raw_post

MODEL = "/usr/lib/python3/dist-packages/botocore/data/dynamodb/2012-08-10/service-2.json"
OPS_HH = os.path.join(os.path.dirname(__file__), "..", "..", "api", "ops", "ops.hh")

# Members whose rule DynamoDB words differently from the plain model (or that
# the model gets wrong today); each with the reason.
SKIP = {
    "TableName",          # an ARN too: 1..1024 (see the module comment)
    "ResourceArn",        # tag operations check the ARN themselves ("Invalid TableArn")
    "Statement",          # PartiQL: parsed, its own messages
    "NextToken",          # PartiQL paging token: its own messages
    "AutoScalingRoleArn",  # its pattern admits every printable character: the probe 'ab c!' is valid
}


def lower_first(s):
    return s[:1].lower() + s[1:]


def violations(shapes, sh, path, required):
    """(value or None for absent, expected line) for one member's shape."""
    out = []
    kind = sh["type"]
    if required:
        out.append((None, f"Value null at '{path}' failed to satisfy constraint: Member must not be null"))
    if "enum" in sh:
        out.append(("BOGUS", f"at '{path}' failed to satisfy constraint: Member must satisfy enum value set: ["))
    if kind == "string":
        if sh.get("min", 0) > 1:
            out.append(("x" * (sh["min"] - 1), f"at '{path}' failed to satisfy constraint: Member must have length "
                                                f"greater than or equal to {sh['min']}"))
        if "max" in sh and sh["max"] <= 4096:
            out.append(("y" * (sh["max"] + 1), f"at '{path}' failed to satisfy constraint: Member must have length "
                                                f"less than or equal to {sh['max']}"))
        if "pattern" in sh and sh.get("min", 0) <= 5:
            out.append(("ab c!", f"at '{path}' failed to satisfy constraint: Member must satisfy regular expression "
                                 f"pattern: {sh['pattern']}"))
    if kind in ("integer", "long"):
        if "min" in sh:
            out.append((sh["min"] - 1, f"at '{path}' failed to satisfy constraint: Member must have value greater "
                                       f"than or equal to {sh['min']}"))
        if "max" in sh:
            out.append((sh["max"] + 1, f"at '{path}' failed to satisfy constraint: Member must have value less than "
                                       f"or equal to {sh['max']}"))
    if kind in ("list", "map") and sh.get("min", 0) >= 1:
        out.append(([] if kind == "list" else {}, f"at '{path}' failed to satisfy constraint: Member must have "
                                                  f"length greater than or equal to {sh['min']}"))
    return out


def cases():
    if not os.path.exists(MODEL):
        return []
    model = json.load(open(MODEL))
    shapes = model["shapes"]
    served = re.findall(r'X\("(\w+)"', open(OPS_HH).read())
    out = []
    for op in served:
        spec = model["operations"].get(op)
        if not spec or "input" not in spec:
            continue
        inp = shapes[spec["input"]["shape"]]
        for member, ref in inp.get("members", {}).items():
            if member in SKIP:
                continue
            sh = shapes[ref["shape"]]
            path = lower_first(member)
            for value, line in violations(shapes, sh, path, member in inp.get("required", [])):
                out.append((op, member, None if value is None else value, line, value is None))
            # One level down: a structure member's members, and the members
            # of a list's first structure element ("keySchema.1.member.x").
            inner, wrap = None, None
            if sh["type"] == "structure":
                inner, wrap, prefix = sh, (lambda d: d), path + "."
            elif sh["type"] == "list" and shapes[sh["member"]["shape"]]["type"] == "structure":
                inner, wrap, prefix = shapes[sh["member"]["shape"]], (lambda d: [d]), path + ".1.member."
            if not inner:
                continue
            for sub, sref in inner.get("members", {}).items():
                if sub in SKIP:
                    continue
                for value, line in violations(shapes, shapes[sref["shape"]], prefix + lower_first(sub),
                                              sub in inner.get("required", [])):
                    out.append((op, member, wrap({} if value is None else {sub: value}), line, False))
    return out


# Paths DynamoDB writes differently from the model's nesting: a missing Get
# of TransactGetItems is reported without the element's position (as
# test_decode_order.py pins it, after a published emulator trace).
PATHS = {("TransactGetItems", "'transactItems.1.member.get'"): "'transactItems.member.get'"}

CASES = cases()
ARN_OPS = {"TagResource", "UntagResource", "ListTagsOfResource"}


@pytest.mark.skipif(not CASES, reason="no botocore model")
def test_every_top_level_constraint(server):
    failures = []
    for op, member, value, line, absent in CASES:
        for (path_op, path), shown in PATHS.items():
            if op == path_op:
                line = line.replace(path, shown)
        # The tag operations check ResourceArn first ("Invalid TableArn"
        # when absent), so their other members are probed beside a
        # well-formed one.
        body = {"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/probe"} if op in ARN_OPS else {}
        if not absent:
            body[member] = value
        status, _, data = raw_post(server.url, TARGET_PREFIX + op, body)
        msg = error_message(data) or ""
        if status != 400 or error_type(data) != "ValidationException" or line not in msg:
            failures.append(f"{op}.{member}={str(value)[:20]!r}: {status} {error_type(data)} {msg[:300]}")
    assert not failures, "\n".join(failures)
