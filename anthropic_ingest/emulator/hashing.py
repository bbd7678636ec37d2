"""Deterministic randomness: every synthetic value is a pure function of the seed and a path.

Nothing here keeps state between calls, so a value for (seed, day, stream) is the same in any
process, in any order of requests, whatever range the emulator was started with.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Callable

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_SEP = "\x1f"


def _digest(seed: int, parts: tuple[object, ...], size: int) -> bytes:
    text = _SEP.join([str(seed), *(str(p) for p in parts)])
    return hashlib.blake2b(text.encode("utf-8"), digest_size=size).digest()


class Hasher:
    """Derives integers, floats, RNGs and IDs from (seed, *parts)."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def int64(self, *parts: object) -> int:
        """A 64-bit unsigned integer for this path."""
        return int.from_bytes(_digest(self.seed, parts, 8), "big")

    def unit(self, *parts: object) -> float:
        """A float in [0, 1) for this path."""
        return self.int64(*parts) / 2**64

    def below(self, n: int, *parts: object) -> int:
        """An integer in [0, n) for this path."""
        return self.int64(*parts) % n

    def rng(self, *parts: object) -> random.Random:
        """A private random generator seeded from this path."""
        return random.Random(self.int64(*parts))

    def tagged_id(self, prefix: str, *parts: object) -> str:
        """An ID like `user_01WCz1FkmYMm4gnmykNKUu3Q`: prefix, `01`, 22 base-58 characters."""
        number = int.from_bytes(_digest(self.seed, (prefix, *parts), 20), "big")
        chars = []
        for _ in range(22):
            number, rem = divmod(number, 58)
            chars.append(BASE58[rem])
        return f"{prefix}_01{''.join(chars)}"

    def uuid(self, *parts: object) -> str:
        """A version-4-shaped UUID string for this path."""
        return str(uuid.UUID(bytes=_digest(self.seed, ("uuid", *parts), 16), version=4))


def between(rand: Callable[[], float], low: int, high: int) -> int:
    """A uniform integer in [low, high] from `rand()` in [0, 1): cheaper than randint."""
    return low + int(rand() * (high - low + 1))
