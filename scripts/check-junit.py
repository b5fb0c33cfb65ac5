#!/usr/bin/python3
"""Checks plumb's JUnit files against what their consumers accept. Usage:
  check-junit.py SCHEMAS aggregate FILE...   one <testsuites> document each
  check-junit.py SCHEMAS surefire FILE...    one <testsuite> document each (a --junit folder)
SCHEMAS is the folder scripts/fetch-test-schemas.sh fills. An aggregate document is validated
with xmllint against both revisions of the Jenkins xUnit plugin's junit-10.xsd and checked for
the rules of the Apache Ant JUnit schema's aggregated form (that schema is not in Debian, so its
rules are written out below); a Surefire document against Surefire's surefire-test-report.xsd.
Prints each violation as FILE: WHERE: MESSAGE and exits 1 when there is one."""
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")
DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
INT = re.compile(r"[+-]?[0-9]+")


def xsd(schema, name):
    run = subprocess.run(["xmllint", "--noout", "--schema", schema, name], capture_output=True, text=True)
    if run.returncode == 0:
        return []
    label = schema.rsplit("/", 1)[-1]
    return [f"{label}: {line}" for line in run.stderr.splitlines() if line and not line.endswith(" fails to validate")]


def ant(name):
    """The Apache Ant JUnit schema (JUnit.xsd, 2011), aggregated documents."""
    bad = []
    root = ET.parse(name).getroot()
    if root.tag != "testsuites":
        return [f"{name}: /: the root is <{root.tag}>, not <testsuites>"]
    for a in root.attrib:
        bad.append(f"{name}: testsuites: attribute '{a}' is not allowed")
    for i, suite in enumerate(root):
        where = f"testsuite[{i}]"
        if suite.tag != "testsuite":
            bad.append(f"{name}: {where}: <{suite.tag}> is not allowed")
            continue
        need = {"name": None, "package": None, "id": INT, "timestamp": TIMESTAMP, "hostname": None,
                "tests": INT, "failures": INT, "errors": INT, "time": DECIMAL}
        allowed = set(need) | {"skipped"}
        for a, pattern in need.items():
            v = suite.get(a)
            if v is None:
                bad.append(f"{name}: {where}: attribute '{a}' is required")
            elif pattern is not None and not pattern.fullmatch(v):
                bad.append(f"{name}: {where}: {a}='{v}' does not match {pattern.pattern}")
        if suite.get("id") is not None and suite.get("id") != str(i):
            bad.append(f"{name}: {where}: id='{suite.get('id')}', expected '{i}'")
        for a in ("name", "hostname"):
            if suite.get(a) is not None and not suite.get(a).strip():
                bad.append(f"{name}: {where}: {a} is empty")
        if suite.get("skipped") is not None and not INT.fullmatch(suite.get("skipped")):
            bad.append(f"{name}: {where}: skipped='{suite.get('skipped')}' is not an integer")
        for a in suite.attrib:
            if a not in allowed:
                bad.append(f"{name}: {where}: attribute '{a}' is not allowed")
        tags = [c.tag for c in suite]
        shape = re.fullmatch(r"properties,(testcase,)*system-out,system-err,", "".join(t + "," for t in tags))
        if not shape:
            bad.append(f"{name}: {where}: children {tags}, expected properties, testcase*, system-out, system-err")
        for prop in suite.iterfind("properties/property"):
            if not (prop.get("name") or "").strip() or prop.get("value") is None:
                bad.append(f"{name}: {where}: a property needs a name and a value")
        for j, case in enumerate(suite.iterfind("testcase")):
            cw = f"{where}/testcase[{j}]"
            for a in ("name", "classname", "time"):
                if case.get(a) is None:
                    bad.append(f"{name}: {cw}: attribute '{a}' is required")
            if case.get("time") is not None and not DECIMAL.fullmatch(case.get("time")):
                bad.append(f"{name}: {cw}: time='{case.get('time')}' is not a decimal")
            kids = list(case)
            if len(kids) > 1 or any(k.tag not in ("skipped", "error", "failure") for k in kids):
                bad.append(f"{name}: {cw}: children {[k.tag for k in kids]}, expected at most one skipped, error or failure")
            for k in kids:
                if k.tag in ("error", "failure") and k.get("type") is None:
                    bad.append(f"{name}: {cw}/{k.tag}: attribute 'type' is required")
                if k.tag in ("error", "failure") and len(k):
                    bad.append(f"{name}: {cw}/{k.tag}: holds elements, expected text only")
    return bad


schemas, layout, files = sys.argv[1], sys.argv[2], sys.argv[3:]
problems = []
for f in files:
    if layout == "aggregate":
        problems += xsd(f"{schemas}/jenkins-xunit-junit-10.xsd", f)
        problems += xsd(f"{schemas}/jenkins-xunit-junit-10-older.xsd", f)
        problems += ant(f)
    elif layout == "surefire":
        problems += xsd(f"{schemas}/surefire-test-report.xsd", f)
    else:
        sys.exit(f"check-junit: unknown layout '{layout}'")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
