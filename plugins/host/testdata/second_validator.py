"""A second, independent JSON Schema 2020-12 validator over socialrx's
published schemas: Python's jsonschema (Debian's python3-jsonschema).

Reads a job (JSON) on stdin:
  {"schemas": {"<name>": "<path of name.schema.json>", ...},
   "documents": [{"schema": "<name>", "path": "<path>"}, ...]}
and writes on stdout, for each schema whether it is a valid 2020-12
schema, and for each document whether it is valid and the JSON pointers of
its errors (a missing or unknown member at its own pointer, as socialrx
reports them):
  {"version": "...", "schemas": {"<name>": "" or "<why not>"},
   "documents": [{"path": ..., "valid": true|false, "pointers": [...]}]}

Formats are asserted, as socialrx asserts them. jsonschema checks
date-time only with the rfc3339-validator package, which Debian does not
ship; this script checks it as RFC 3339 defines it when it is missing.
"""
import datetime
import importlib.metadata
import json
import re
import sys

import jsonschema
from jsonschema import Draft202012Validator

checker = Draft202012Validator.FORMAT_CHECKER
if "date-time" not in checker.checkers:
    RFC3339 = re.compile(
        r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")

    @checker.checks("date-time", raises=ValueError)
    def is_datetime(instance):
        if not isinstance(instance, str):
            return True
        if not RFC3339.match(instance):
            return False
        text = re.sub(r"[Zz]$", "+00:00", instance)
        text = re.sub(r"(\.\d{6})\d+", r"\1", text)  # fromisoformat takes microseconds
        datetime.datetime.fromisoformat(text.replace("t", "T"))
        return True


def escape(token):
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer(path):
    return "".join("/" + escape(t) for t in path)


def pointers(error):
    """The pointers an error names, down to the leaves of combinators."""
    if error.context:
        out = []
        for sub in error.context:
            out.extend(pointers(sub))
        return out
    at = pointer(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        return [at + "/" + escape(m) for m in error.validator_value if m not in error.instance]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {}))
        patterns = [re.compile(p) for p in error.schema.get("patternProperties", {})]
        extra = [k for k in error.instance if k not in known and not any(p.search(k) for p in patterns)]
        return [at + "/" + escape(k) for k in extra]
    return [at]


def main():
    job = json.load(sys.stdin)
    validators, out = {}, {"version": importlib.metadata.version("jsonschema"), "schemas": {}, "documents": []}
    for name, path in job["schemas"].items():
        with open(path, encoding="utf-8") as f:
            schema = json.load(f)
        try:
            Draft202012Validator.check_schema(schema)
            out["schemas"][name] = ""
        except jsonschema.exceptions.SchemaError as e:
            out["schemas"][name] = e.message
        validators[name] = Draft202012Validator(schema, format_checker=checker)
    for doc in job["documents"]:
        entry = {"path": doc["path"]}
        try:
            with open(doc["path"], encoding="utf-8") as f:
                instance = json.load(f, parse_constant=lambda c: float(c))
        except ValueError as e:
            entry.update(valid=False, pointers=[""], note="not JSON: %s" % e)
            out["documents"].append(entry)
            continue
        errors = list(validators[doc["schema"]].iter_errors(instance))
        found = sorted({p for e in errors for p in pointers(e)})
        entry.update(valid=not errors, pointers=found)
        out["documents"].append(entry)
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
