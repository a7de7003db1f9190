#!/usr/bin/env python3
"""Reads Prometheus text from stdin with the `prometheus_client` package's own parser (PyPI), an
independent check of `GET /metrics`: prints every sample as one JSON object per line, exits 1 when the
text does not parse or a family has no TYPE."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

text = sys.stdin.read()
for family in text_string_to_metric_families(text):
    if family.type not in ("counter", "gauge"):
        sys.exit(f"family {family.name} has type {family.type}")
    for sample in family.samples:
        print(json.dumps({"family": family.name, "type": family.type, "name": sample.name,
                          "labels": sample.labels, "value": sample.value}, sort_keys=True))
