"""Duplicate detection: canonical URLs, normalised text hashes, and MinHash near-duplicates.

The LSH bands of each article's MinHash are stored in the database (article_bands), so any
process finds near-duplicate candidates with an indexed query, and the MinHash estimate then
confirms or rejects each candidate."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import urlsplit, urlunsplit

import numpy as np
from courlan import normalize_url
from datasketch import MinHash

NUM_PERM = 128
BANDS, ROWS = 32, 4  # 32 x 4 = 128; catches pairs down to a Jaccard of about 0.4
SHINGLE = 5
MIN_SHINGLES = 20  # shorter texts are too small for a meaningful estimate
# Stored signatures are only comparable under the same scheme and seed: never change these
# without a migration that recomputes article minhashes and bands.
SCHEME, SEED = "affine32", 1
_WORDS = re.compile(r"\w+", re.UNICODE)


def canonical_url(url: str | None) -> str | None:
    """Lower-case scheme and host, default port, query sorted with tracking parameters
    (utm_*, fbclid, gclid, ...) removed. A fragment that names a post stays, since a feed's
    entries may be posts of one page ("live#post-3"); one without a digit ("#top", "#comments") or
    with key=value pairs ("#xtor=RSS-3") goes. None for anything not http(s)."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    try:
        normal = normalize_url(url, strict=False, trailing_slash=True)
    except Exception:  # courlan raises ValueError and friends on odd URLs
        return None
    n = urlsplit(normal)
    fragment = parts.fragment if any(c.isdigit() for c in parts.fragment) and "=" not in parts.fragment else ""
    return urlunsplit((n.scheme, n.netloc, n.path or "/", n.query, fragment))


def normalise_text(text: str) -> str:
    """Case, accents, punctuation and spacing folded away: the text a hash should see."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORDS.findall(folded))


def content_hash(title: str, text: str) -> str:
    body = normalise_text(text) or normalise_text(title)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def minhash(text: str) -> MinHash | None:
    """MinHash over word 5-shingles, or None for a text too short to compare."""
    words = normalise_text(text).split()
    shingles = {" ".join(words[i : i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}
    if len(shingles) < MIN_SHINGLES:
        return None
    m = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    m.update_batch(list(shingles))
    return m


def to_bytes(m: MinHash) -> bytes:
    return m.hashvalues.astype("<u8").tobytes()


def from_bytes(data: bytes) -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashvalues=np.frombuffer(data, dtype="<u8"))


def bands(m: MinHash) -> list[tuple[int, int]]:
    """(band number, 63-bit hash of that band's rows): equal bands make a candidate pair."""
    hv = m.hashvalues.astype("<u8")
    out = []
    for b in range(BANDS):
        digest = hashlib.blake2b(hv[b * ROWS : (b + 1) * ROWS].tobytes(), digest_size=8).digest()
        out.append((b, int.from_bytes(digest, "little") & 0x7FFF_FFFF_FFFF_FFFF))
    return out


def similarity(a: MinHash, b: MinHash) -> float:
    return float(a.jaccard(b))
