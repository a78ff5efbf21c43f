"""The feed is gapless under concurrent writers (DESIGN §10): a reader following `next_cursor` sees every
committed event exactly once although writers commit in another order than they began, because a page
holds only events of transactions older than every one still running (docs/decisions/0260-gapless-feed.md)."""

import random
import threading
import time

import pytest
from django.db import connection, transaction

from core.choices import Role
from core.models import OutboxEvent
from core.services import instance_save
from tests.conftest import api_client_for, make_organization, make_user
from tests.integration.conftest import last_pk, start_of

WRITERS = 8
TRANSACTIONS_PER_WRITER = 4


@pytest.mark.slow
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's test database is in memory and serialises all writers on one lock: its writers cannot "
    "commit out of order, so the id is commit order there.",
)
def test_a_reader_following_the_cursor_sees_every_event_once_while_writers_commit_out_of_order(committed_feed):
    clerk = make_user(Role.CLERK)
    reader = api_client_for(clerk)
    after = start_of(reader)
    mark = last_pk(OutboxEvent)
    done = threading.Event()
    errors, seen = [], []
    rng = random.Random(2026)
    delays = [[rng.uniform(0, 0.15) for _ in range(3 * TRANSACTIONS_PER_WRITER)] for _ in range(WRITERS)]

    def write(number):
        try:
            pauses = iter(delays[number])
            for _ in range(TRANSACTIONS_PER_WRITER):
                with transaction.atomic():
                    organization = make_organization()  # the transaction takes its id here
                    time.sleep(next(pauses))
                    organization.address = f"写入者{number}"
                    instance_save(instance=organization, actor=clerk)
                    time.sleep(next(pauses))
                time.sleep(next(pauses))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    def read():
        cursor = after
        try:
            while True:
                finished = done.is_set()
                body = reader.get("/api/v1/feed/", {"after": cursor, "limit": 5}).json()
                seen.extend(body["results"])
                cursor = body["next_cursor"]
                if finished and not body["results"]:
                    break
                if not body["results"]:
                    time.sleep(0.01)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    writers = [threading.Thread(target=write, args=(number,)) for number in range(WRITERS)]
    following = threading.Thread(target=read)
    following.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(timeout=120)
    # Every writer has committed: what the reader has not seen yet it sees once older transactions end.
    deadline = time.monotonic() + 60
    expected = set(OutboxEvent.objects.filter(pk__gt=mark).values_list("pk", flat=True))
    while len({e["cursor"] for e in seen}) < len(expected) and time.monotonic() < deadline and not errors:
        time.sleep(0.05)
    done.set()
    following.join(timeout=60)

    assert not errors, errors
    assert len(expected) == WRITERS * TRANSACTIONS_PER_WRITER * 2
    events = OutboxEvent.objects.in_bulk(expected)
    seen_ids = [events_by_cursor for events_by_cursor in (_event_id(e["cursor"]) for e in seen)]
    assert len(seen_ids) == len(set(seen_ids)), "an event was seen twice"
    assert set(seen_ids) == expected, f"missed: {sorted(expected - set(seen_ids))}"
    # The writers did commit out of the order in which their transactions began.
    order = [events[pk].xid for pk in seen_ids]
    assert order == sorted(order)


def _event_id(cursor: str) -> int:
    from integration.feed import decode_cursor

    return decode_cursor(cursor)[1]
