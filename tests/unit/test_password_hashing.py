"""Officers' passwords are hashed with Argon2id at parameters above OWASP's minimum (19 MiB, two
passes); the other tests run with a cheap hasher (tests/conftest.py), so this one checks the real one."""
from __future__ import annotations

from argon2 import PasswordHasher, Type

from core.officers import accounts


def test_the_service_hashes_with_argon2id_at_owasps_minimum_or_more(monkeypatch):
    monkeypatch.undo()  # the real hasher, not the tests' cheap one
    hasher = accounts._hasher
    assert isinstance(hasher, PasswordHasher) and hasher.type is Type.ID
    assert hasher.memory_cost >= 19 * 1024 and hasher.time_cost >= 2
    stored = accounts.hash_password("mật khẩu đúng 1")
    assert stored.startswith("$argon2id$") and f"m={hasher.memory_cost}" in stored
    assert hasher.verify(stored, "mật khẩu đúng 1") and not hasher.check_needs_rehash(stored)
