"""SHA-256 as the register uses it (log rows, match keys), without OpenSSL.

`hashlib` loads OpenSSL's libcrypto (~3.5 MiB of every process) for digests Python also
has on its own: CPython's SHA-256 gives the same digest. The card screen never loads
OpenSSL unless a password is checked (models.auth imports hashlib's scrypt there).
"""

from __future__ import annotations

try:
    from _sha256 import sha256  # CPython 3.11's own SHA-256
except ImportError:  # another Python: hashlib's
    from hashlib import sha256

__all__ = ["sha256"]
