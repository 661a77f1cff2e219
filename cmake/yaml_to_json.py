#!/usr/bin/env python3
"""yaml_to_json.py IN OUT — api/openapi.yaml as JSON, for GET /openapi.json.

Read as YAML 1.2's core schema reads it (what Redocly, swagger-cli and the npm `yaml`
package do): only true/false are booleans and dates stay strings, unlike PyYAML's YAML 1.1
defaults (where `on` and `2026-01-01` change type). tests/contract/run.sh compares the
served JSON with the npm `yaml` package's reading of the same file.
"""
import json
import re
import sys

import yaml


class CoreLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema booleans and no timestamp type."""


CoreLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        doc = yaml.load(f, Loader=CoreLoader)
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
