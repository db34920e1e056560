"""Settings of the real-time layer read from the environment."""

from __future__ import annotations

import gc

import pytest

from communication_service.config import (
    WORKER_GC_THRESHOLDS,
    load_realtime_limits,
    tune_garbage_collector,
)
from hdms_common.config import ConfigurationError


def test_limits_come_from_the_environment_and_bad_values_are_refused():
    limits = load_realtime_limits(
        {"COMMUNICATION_WS_PING_INTERVAL": "5", "COMMUNICATION_WS_SEND_QUEUE_SIZE": "0"}
    )
    assert limits.ping_interval == 5 and limits.send_queue_size == 1
    with pytest.raises(ConfigurationError):
        load_realtime_limits({"COMMUNICATION_WS_MAX_MESSAGE_SIZE": "big"})
    with pytest.raises(ConfigurationError):
        load_realtime_limits({"COMMUNICATION_WS_FRAMES_PER_SECOND": "-1"})


def test_gc_tuning_applies_only_in_gevent_workers_unless_asked():
    before = gc.get_threshold()
    try:
        assert tune_garbage_collector({}) is False
        assert gc.get_threshold() == before
        assert tune_garbage_collector({"COMMUNICATION_GC_TUNING": "off"}) is False
        assert tune_garbage_collector({"COMMUNICATION_GC_TUNING": "on"}) is True
        assert gc.get_threshold() == WORKER_GC_THRESHOLDS
    finally:
        gc.set_threshold(*before)
