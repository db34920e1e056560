"""Department facts in Redis: auth-service's writes win over a reader's offers."""

from __future__ import annotations

import uuid

from hdms_common.department_facts import DepartmentFacts


def _url(redis_server) -> str:
    return f"redis://{redis_server.host}:{redis_server.port}/0"


def test_an_offer_never_replaces_what_auth_service_wrote(redis_server):
    facts = DepartmentFacts(_url(redis_server))
    department_id = uuid.uuid4()
    facts.write([{"id": department_id, "name": "IT", "code": "IT", "is_active": False}])
    facts.offer({"id": str(department_id), "name": "IT", "code": "IT", "is_active": True})
    assert facts.get(department_id)["is_active"] is False


def test_a_write_replaces_an_offer_and_a_removal_drops_it(redis_server):
    facts = DepartmentFacts(_url(redis_server))
    department_id = uuid.uuid4()
    assert facts.get(department_id) is None
    facts.offer({"id": str(department_id), "name": "IT", "code": "IT", "is_active": True})
    assert facts.get(department_id)["is_active"] is True
    facts.write([{"id": department_id, "name": "IT", "code": "IT", "is_active": False}])
    assert facts.get(department_id)["is_active"] is False
    facts.write([], removed=[department_id])
    assert facts.get(department_id) is None


def test_without_redis_nothing_is_kept():
    facts = DepartmentFacts("")
    department_id = uuid.uuid4()
    facts.write([{"id": department_id, "name": "IT", "code": "IT", "is_active": True}])
    facts.offer({"id": str(department_id), "is_active": True})
    assert facts.get(department_id) is None


def test_an_unreachable_redis_means_ask_auth_service():
    facts = DepartmentFacts("redis://127.0.0.1:9/0")
    facts.write([{"id": uuid.uuid4(), "is_active": True}])
    assert facts.get(uuid.uuid4()) is None
