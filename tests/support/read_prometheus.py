#!/usr/bin/env python3
"""Reads a Prometheus textfile with the Prometheus project's own parser (Debian's
python3-prometheus-client) and prints one sample per line, sorted: NAME{LABEL="VALUE",...} VALUE.
Exits 1 when the file does not parse, or when a family has no HELP or is not a gauge.

Usage: read_prometheus.py FILE
"""
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    lines = []
    for family in text_string_to_metric_families(text):
        if not family.documentation or family.type != "gauge":
            print(f"{family.name}: no HELP, or not a gauge ({family.type})", file=sys.stderr)
            sys.exit(1)
        for sample in family.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
            value = int(sample.value) if sample.value == int(sample.value) else sample.value
            lines.append(f"{sample.name}{{{labels}}} {value}" if labels else f"{sample.name} {value}")
    print("\n".join(sorted(lines)))


if __name__ == "__main__":
    main()
