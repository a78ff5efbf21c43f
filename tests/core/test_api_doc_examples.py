"""Every curl example of docs/api.md runs as written against `make run`'s data and answers what the
doc shows (docs/decisions/0191-api-doc-examples.md).

The examples are read from the doc's ```sh blocks: each `curl` (continuation lines joined) with its
method, URL, query, body and headers (If-Match, Accept-Language, X-Request-ID), and the answer shown
after it: the status of a `# 201 …` comment (a success when none is shown) and the fields it shows
(`"key": value`, or `"key": ["message"]` for a refusal), in the comment or in a ```json block that
follows. They run in the doc's order, as a reader would type them, through Django's test client
against the fixtures and the scale-1 demo data (`seed_demo`, as `make run` loads), with the keys the
doc names: `$KEY` a district system of 鄞州区 (330212), `$CLERK_KEY` and `$AUDITOR_KEY`.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from rest_framework.test import APIClient

from core.choices import Role
from tests.conftest import api_client_for, make_user

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BASE = "http://127.0.0.1:8000/api/v1"
ELIDED = ("…", "...")


@dataclass
class Example:
    line: int
    command: str
    method: str = "GET"
    url: str = ""
    headers: dict = field(default_factory=dict)
    body: str | None = None
    assign: str | None = None  # ETAG=$(curl …): the variable the response's ETag goes into
    shown: list = field(default_factory=list)  # the doc's lines showing the answer

    @property
    def status(self) -> int | None:
        for text in self.shown:
            found = re.match(r"\s*(\d{3})\b", text)
            if found:
                return int(found.group(1))
        return None


def _commands(block: list[tuple[int, str]]):
    """The block's lines as (line number, command or comment), continuation lines joined."""
    joined, start, pending = [], None, ""
    for number, text in block:
        if start is None:
            start = number
        pending += text
        if text.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        # A quoted body spanning lines ('{ … }' or '[ … ]') continues until its quote closes.
        if not pending.startswith("#") and pending.count("'") % 2:
            pending += "\n"
            continue
        joined.append((start, pending.strip()))
        start, pending = None, ""
    return joined


def read_examples(path: Path = DOC) -> list[Example]:
    lines = path.read_text(encoding="utf-8").splitlines()
    examples: list[Example] = []
    block, kind, last = None, None, None
    for number, text in enumerate(lines, 1):
        fence = re.match(r"\s*```(\w*)", text)
        if fence and block is None:
            block, kind = [], fence.group(1)
            continue
        if fence:
            if kind == "sh":
                for start, command in _commands(block):
                    if command.startswith("#"):
                        if last is not None:
                            last.shown.append(command.lstrip("#").strip())
                    elif "curl " in command:
                        last = parse_curl(start, command)
                        examples.append(last)
                    else:
                        last = None
            elif kind == "json" and last is not None:
                last.shown.append("\n".join(line for _, line in block))
                last = None
            block = None
            continue
        if block is not None:
            block.append((number, text.strip() if kind == "sh" else text))
        elif text.strip():
            last = None  # prose between a command and a ```json block: the block is not its answer
    return examples


def parse_curl(line: int, command: str) -> Example:
    example = Example(line=line, command=command)
    assign = re.match(r"(\w+)=\$\((.*)\)$", command, re.S)
    if assign:
        example.assign, command = assign.group(1), assign.group(2)
    command = command.split("|", 1)[0]
    words = shlex.split(command, comments=True)
    assert words[0] == "curl", command
    position = 1
    while position < len(words):
        word = words[position]
        if word in ("-X", "--request"):
            example.method = words[position + 1]
            position += 1
        elif word in ("-H", "--header"):
            name, _, value = words[position + 1].partition(":")
            example.headers[name.strip()] = value.strip()
            position += 1
        elif word in ("-d", "--data", "--data-raw", "--data-binary"):
            example.body = words[position + 1]
            if example.method == "GET":
                example.method = "POST"
            position += 1
        elif word in ("-o", "-D", "--output", "--dump-header"):
            position += 1
        elif word.startswith("-"):
            pass  # -s, -OJ, -i: how curl shows the answer, not the request
        else:
            example.url = word
        position += 1
    return example


def test_the_doc_has_one_base_and_runnable_curl_commands():
    """One `$BASE` throughout; no elided command (`curl … ...`) a reader could not paste."""
    examples = read_examples()
    assert len(examples) > 50
    for example in examples:
        assert example.url.startswith("$BASE/"), (example.line, example.url)
        assert not any(mark in example.command.split("-d")[0] for mark in ELIDED), example.line
        if example.body is not None:
            json.loads(example.body)  # a body that is not JSON is a typo in the doc
    text = DOC.read_text(encoding="utf-8")
    assert "$HOST" not in text and "registry.example" not in text


def shown_fields(shown: list[str]):
    """`"key": value` pairs of the answer the doc shows, where the value is written out in full."""
    text = "\n".join(shown)
    scalar = r'"(\w+)": ("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null)(?=\s*[,}\]])'
    for key, raw in re.findall(scalar, text):
        # A timestamp is the moment the reader runs the example, never the doc's.
        if not any(mark in raw for mark in ELIDED) and not re.match(r'"\d{4}-\d\d-\d\dT', raw):
            yield key, json.loads(raw)
    for key, raw in re.findall(r'"(\w+)": \[("(?:[^"\\]|\\.)*")\]', text):
        if not any(mark in raw for mark in ELIDED):
            yield key, [json.loads(raw)]


def has_field(data, key, value) -> bool:
    if isinstance(data, dict):
        if key in data and data[key] == value:
            return True
        return any(has_field(item, key, value) for item in data.values())
    if isinstance(data, list):
        return any(has_field(item, key, value) for item in data)
    return False


def restart_ids_after_the_rows_present():
    """New rows get the ids a fresh `make run` database gives them (the doc names them). PostgreSQL's
    sequences are not rolled back with the earlier tests' rows, so they are set back to the rows present
    (SQLite's ids follow its rows already)."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), django_apps.get_models()):
            cursor.execute(statement)


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The scale-1 demo data on top of the fixtures, as `make run` loads it; rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        restart_ids_after_the_rows_present()
        call_command("seed_demo", scale=1, verbosity=0)
        yield
        transaction.set_rollback(True)
    ContentType.objects.clear_cache()  # seed_demo's content types left the database with the rollback


def keys():
    return {
        "KEY": api_client_for(make_user(Role.DISTRICT, district="330212", username="yinzhou-sync")),
        "CLERK_KEY": api_client_for(make_user(Role.CLERK, username="city-portal")),
        "AUDITOR_KEY": api_client_for(make_user(Role.AUDITOR, username="audit-office")),
    }


def run(example: Example, clients: dict, variables: dict):
    headers = {name: value for name, value in example.headers.items() if name != "Authorization"}
    authorization = example.headers.get("Authorization", "")
    client = APIClient()
    key = re.fullmatch(r"Token \$(\w+)", authorization)
    if key:
        client = clients[key.group(1)]
    for name, value in list(headers.items()):
        headers[name] = re.sub(r"\$(\w+)", lambda match: variables[match.group(1)], value)
    url = urlsplit(example.url.replace("$BASE", BASE))
    path = url.path + (f"?{url.query}" if url.query else "")
    extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    content_type = extra.pop("HTTP_CONTENT_TYPE", "application/json")
    call = getattr(client, example.method.lower())
    if example.body is not None:
        return call(path, data=example.body.encode(), content_type=content_type, **extra)
    return call(path, **extra)


# The guide is written on a day: "ratings in force today", a grade's status, the 90-day worklist.
@pytest.mark.today("2026-12-03")
@pytest.mark.slow
@pytest.mark.django_db
def test_every_curl_example_answers_as_the_doc_shows(demo_data):
    clients = keys()
    variables: dict[str, str] = {}
    wrong, dumped = [], []
    for example in read_examples():
        response = run(example, clients, variables)
        if example.assign:
            variables[example.assign] = response.get("ETag", "")
        expected = example.status
        if expected is None:
            ok = 200 <= response.status_code < 300
        else:
            ok = response.status_code == expected
        body = None
        if response.get("Content-Type", "").startswith("application/json"):
            body = json.loads(response.content)
        missing = []
        if body is not None:
            missing = [(key, value) for key, value in shown_fields(example.shown) if not has_field(body, key, value)]
        dumped.append(f"{example.line} {response.status_code} {json.dumps(body, ensure_ascii=False)}")
        if not ok or missing:
            shown = str(body)[:300] if body is not None else response.get("Content-Type")
            wrong.append(
                f"docs/api.md:{example.line}: {example.method} {example.url} -> {response.status_code} "
                f"(doc: {expected or '2xx'}) {missing} {shown}"
            )
    if os.environ.get("DOC_EXAMPLES_DUMP"):  # to write the answers into the doc after changing it
        Path(os.environ["DOC_EXAMPLES_DUMP"]).write_text("\n".join(dumped), encoding="utf-8")
    assert not wrong, "\n".join(wrong)


def test_the_doc_states_one_body_limit_the_settings_enforce():
    """The request body cap is stated once, in the Limits table, and is the server's."""
    text = DOC.read_text(encoding="utf-8")
    stated = re.findall(r"(\d+) MiB", text)
    assert stated == [str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2**20)]
    assert not re.search(r"body at most \d", text)
