#!/usr/bin/python3
"""Validates JSON documents against one of plumb's schemas (docs/schemas), with Debian's
python3-jsonschema. Usage: check-json-schema.py SCHEMA FILE... Prints each violation as
FILE: PATH: MESSAGE and exits 1 when there is one."""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1], encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
bad = 0
for name in sys.argv[2:]:
    doc = json.load(open(name, encoding="utf-8"))
    for error in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        path = "/".join(str(p) for p in error.absolute_path) or "(top)"
        print(f"{name}: {path}: {error.message}")
        bad += 1
sys.exit(1 if bad else 0)
