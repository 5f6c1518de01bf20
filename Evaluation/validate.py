#!/usr/bin/env python3
"""Check the Glimpse evaluation set (Python 3 standard library only).

Usage: python3 Evaluation/validate.py [DIRECTORY]   (default: the folder holding this script)
Exit status 0 when every check passes, 1 otherwise; each problem is printed on its own line.
"""
import json
import os
import sys

MIN_DESCRIPTIONS = 300
MIN_QUERIES = 100
MAX_REGIONS = 3
KINDS = {"plain", "compound", "negation", "paraphrase"}
GRADES = {1, 2}


def read_jsonl(path, problems):
    rows = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                problems.append(f"{os.path.basename(path)}:{number}: empty line")
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as error:
                problems.append(f"{os.path.basename(path)}:{number}: invalid JSON ({error})")
                continue
            if not isinstance(value, dict):
                problems.append(f"{os.path.basename(path)}:{number}: not a JSON object")
                continue
            rows.append((number, value))
    return rows


def nonempty_string(value):
    return isinstance(value, str) and value.strip() != ""


def check_row(row, where, fields, key, seen, problems):
    """Flags fields not in `fields` and a missing, empty or repeated `key`; returns the key's value when new."""
    extra = set(row) - fields
    if extra:
        problems.append(f"{where}: unknown fields {sorted(extra)}")
    value = row.get(key)
    if not nonempty_string(value):
        problems.append(f"{where}: missing or empty {key}")
    elif value in seen:
        problems.append(f"{where}: duplicate {key} {value!r}")
    else:
        seen.add(value)
        return value
    return None


def check_queries(folder, name, allowed_kinds, paths, problems):
    """Checks one file of judged queries; returns its rows and how many of each kind it holds."""
    queries = read_jsonl(os.path.join(folder, name), problems)
    texts = set()
    kinds = {}
    for number, row in queries:
        where = f"{name}:{number}"
        check_row(row, where, {"query", "relevant", "kind"}, "query", texts, problems)
        kind = row.get("kind")
        if kind not in allowed_kinds:
            problems.append(f"{where}: kind {kind!r} is not one of {sorted(allowed_kinds)}")
        kinds[kind] = kinds.get(kind, 0) + 1
        relevant = row.get("relevant")
        if not isinstance(relevant, dict) or not relevant:
            problems.append(f"{where}: no relevant images")
            continue
        for path, grade in relevant.items():
            if path not in paths:
                problems.append(f"{where}: judged path {path} is not in descriptions.jsonl")
            if isinstance(grade, bool) or grade not in GRADES:
                problems.append(f"{where}: grade {grade!r} for {path} is not 1 or 2")
    return queries, kinds


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    problems = []

    descriptions = read_jsonl(os.path.join(folder, "descriptions.jsonl"), problems)
    paths = set()
    for number, row in descriptions:
        where = f"descriptions.jsonl:{number}"
        check_row(row, where, {"path", "caption", "regions", "tags"}, "path", paths, problems)
        if not nonempty_string(row.get("caption")):
            problems.append(f"{where}: missing or empty caption")
        regions = row.get("regions")
        if not isinstance(regions, list):
            problems.append(f"{where}: regions is not a list")
        else:
            if len(regions) > MAX_REGIONS:
                problems.append(f"{where}: {len(regions)} regions (at most {MAX_REGIONS})")
            for region in regions:
                if not isinstance(region, dict) or not nonempty_string(region.get("caption")):
                    problems.append(f"{where}: a region without a caption")
    if len(descriptions) < MIN_DESCRIPTIONS:
        problems.append(f"{len(descriptions)} descriptions (at least {MIN_DESCRIPTIONS})")

    queries, kinds = check_queries(folder, "queries.jsonl", KINDS, paths, problems)
    tagged, _ = check_queries(folder, "tagged-queries.jsonl", {"tagged"}, paths, problems)
    if len(queries) < MIN_QUERIES:
        problems.append(f"{len(queries)} queries (at least {MIN_QUERIES})")
    negation = kinds.get("negation", 0)
    if negation * 3 < len(queries):
        problems.append(f"{negation} negation queries of {len(queries)} (at least a third)")

    for problem in problems:
        print(problem)
    summary = ", ".join(f"{kinds[k]} {k}" for k in sorted(kinds, key=str))
    print(f"{len(descriptions)} descriptions, {len(queries)} queries ({summary}), {len(tagged)} queries of tagged names")
    print("FAILED" if problems else "OK")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
