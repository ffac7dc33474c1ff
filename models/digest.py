"""SHA-256 and SHA-1 as the register uses them (log rows, match keys, names of prepared
statements), without OpenSSL.

`hashlib` loads OpenSSL's libcrypto (~3.5 MiB of every process) for digests Python also
has on its own: CPython's SHA-256 and SHA-1 give the same digests. The card screen never loads
OpenSSL unless a password is checked (models.auth imports hashlib's scrypt there).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

try:
    from _sha1 import sha1  # CPython 3.11's own
    from _sha256 import sha256
except ImportError:  # another Python: hashlib's
    from hashlib import sha1, sha256

__all__ = ["bulk_sha256", "sha1", "sha256"]


def bulk_sha256() -> Callable[[bytes], Any]:
    """SHA-256 for digests of many rows at a time (a dispatch of 100,000 cards): the same
    digests, from OpenSSL, several times faster on texts of a kilobyte. It loads OpenSSL
    on its first use: only work in bulk calls it, in processes that load OpenSSL anyway
    (an export: the package's checksum is hashlib's)."""
    import hashlib

    return hashlib.sha256
