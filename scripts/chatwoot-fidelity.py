#!/usr/bin/env python3
"""Validate every Chatwoot-face response captured during the test run against Chatwoot's official
OpenAPI document: `swagger/swagger.json` of github.com/chatwoot/chatwoot at v4.15.0 (commit f66b551),
given as the second argument or CHATWOOT_SPEC.

Usage: scripts/chatwoot-fidelity.py CAPTURE_DIR [SWAGGER_JSON]

Each captured line is {method, route, status, body}. A 2xx body must validate against the response
schema the document gives for that operation and status. Error bodies (4xx) follow Chatwoot's Rails
code, which the document does not describe (it documents a `bad_request_error` shape the server never
emits), so they are counted, not validated. Documented deviations where
the facts win over the swagger are listed in KNOWN and NESTED below with their reason. When a path fits
several templates (`contacts/search` and `contacts/{id}`), the one with the fewest parameters is used.
Prints a closing line `N passed, N failed` and exits non-zero when any response breaks the document.
"""
import json
import os
import re
import sys
from pathlib import Path

try:
    import jsonschema
    from referencing import Registry, Resource
except ImportError:
    sys.exit("chatwoot-fidelity: needs the jsonschema package (pip install jsonschema)")

# (METHOD, path template) -> {problem prefix: reason}. Each is a place where Chatwoot's Rails code
# and the swagger disagree and the mock follows the code; docs/chatwoot-deviations.md lists them for people.
KNOWN = {
    ("GET", "/api/v1/accounts/{account_id}/contacts/{id}"): {
        "payload: ": "show answers {payload: <contact with contact_inboxes>}, an object, not a list",
    },
    ("POST", "/api/v1/accounts/{account_id}/contacts"): {
        "payload: ": "create answers {payload: {contact, contact_inbox}} (contacts_controller#create view), not a list",
    },
    ("POST", "/api/v1/accounts/{account_id}/conversations/{conversation_id}/toggle_status"): {
        "payload/success: None": "bot handoff branch: the view prints an unset variable, so success is null",
    },
}

# (METHOD, path template) -> (key, reason): responses whose view puts at the top level what the document nests
# under `key`; they are validated as {key: body}, so their content is still checked against the document.
NESTED = {
    ("POST", "/api/v1/accounts/{account_id}/conversations/filter"): (
        "data", "filter's view renders {meta, payload} at the top level; the document's conversation_list nests them under data",
    ),
}


def load(path):
    return json.loads(Path(path).read_text())


def main():
    capture_dir = Path(sys.argv[1] if len(sys.argv) > 1 else ".build/chatwoot-capture")
    given = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("CHATWOOT_SPEC")
    if not given or not Path(given).is_file():
        print("chatwoot-fidelity: needs Chatwoot's OpenAPI document: swagger/swagger.json from github.com/chatwoot/chatwoot "
              "at v4.15.0, as the second argument or CHATWOOT_SPEC" + (f" (not found: {given})" if given else ""), file=sys.stderr)
        sys.exit(2)
    spec_path = Path(given)
    spec = load(spec_path)
    registry = Registry().with_resource("urn:doc", Resource.opaque(spec))

    templates = []
    for template, item in spec["paths"].items():
        parts = template.strip("/").split("/")
        regex = "^/" + "/".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts) + "$"
        templates.append((re.compile(regex), template, item))

    records = []
    for file in sorted(capture_dir.glob("*.jsonl")):
        for line in file.read_text().splitlines():
            if line.strip():
                records.append(json.loads(line))
    if not records:
        print(f"chatwoot-fidelity: no captured responses in {capture_dir}")
        print("0 passed, 1 failed")
        return 1

    passed, failed, errors_seen, undocumented = 0, 0, 0, {}
    failures = []
    for record in records:
        route, method, status = record["route"], record["method"].lower(), record["status"]
        concrete = "/" + "/".join("1" if seg.startswith("{") else seg for seg in route.strip("/").split("/"))
        # The most literal template wins: `contacts/search` is not `contacts/{id}`, whatever the document's order.
        candidates = [(t.count("{"), t, item) for regex, t, item in templates if regex.match(concrete)]
        match = min(candidates, key=lambda c: c[0])[1:] if candidates else None
        if status >= 400:
            errors_seen += 1
            continue
        if match is None or method not in match[1]:
            undocumented.setdefault(f"{method.upper()} {route}", 0)
            undocumented[f"{method.upper()} {route}"] += 1
            continue
        template, item = match
        responses = item[method].get("responses", {})
        code = str(status) if str(status) in responses else "default"
        pointer = f"/paths/{escape(template)}/{method}/responses/{code}"
        response = responses.get(code)
        schema = None
        if response:
            if "$ref" in response:
                pointer = response["$ref"][1:]
            response = resolve(spec, response)
            schema = (response.get("content", {}).get("application/json", {}) or {}).get("schema")
            pointer += "/content/application~1json/schema"
        if schema is None:
            undocumented.setdefault(f"{method.upper()} {template} {status} (no schema)", 0)
            undocumented[f"{method.upper()} {template} {status} (no schema)"] += 1
            continue
        try:
            body = json.loads(record["body"]) if record["body"] else None
        except json.JSONDecodeError:
            failed += 1
            failures.append((method.upper(), template, status, "body is not JSON", record["body"][:200]))
            continue
        if (method.upper(), template) in NESTED:
            body = {NESTED[(method.upper(), template)][0]: body}
        validator = jsonschema.Draft202012Validator({"$ref": "urn:doc#" + pointer}, registry=registry)
        problems = [
            f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:240]}" for e in validator.iter_errors(body)
        ]
        problems = [p for p in problems if not any(p.startswith(prefix) for prefix in KNOWN.get((method.upper(), template), {}))]
        if problems:
            failed += 1
            failures.append((method.upper(), template, status, problems[0], record["body"][:300]))
        else:
            passed += 1

    print(f"chatwoot-fidelity: {len(records)} captured responses from {capture_dir}")
    print(f"  validated against {spec_path.name}: {passed} conform, {failed} break it")
    print(f"  error bodies (Chatwoot's own, not in the document): {errors_seen}")
    for key, count in sorted(undocumented.items()):
        print(f"  not validated (operation or schema absent from the document): {key} x{count}")
    seen = set()
    for method, template, status, problem, body in failures:
        key = (method, template, problem)
        if key in seen:
            continue
        seen.add(key)
        print(f"  FAIL {method} {template} {status}: {problem}\n       body: {body}")
    print(f"{passed} passed, {failed} failed")
    if passed == 0:
        # Captures that were all errors or all unknown routes validated nothing: that is not a pass.
        print("chatwoot-fidelity: no response was validated against the document")
        return 1
    return 1 if failed else 0


def resolve(spec, node):
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        target = spec
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def escape(template):
    return template.replace("~", "~0").replace("/", "~1")


if __name__ == "__main__":
    sys.exit(main())
