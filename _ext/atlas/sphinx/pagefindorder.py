"""Put Pagefind's filter lists in a fixed order, so that the same pages give the same bundle.

Pagefind 1.5 writes the filters of a bundle from a hash map whose order
changes from run to run (its issue #638: fragments became stable in 1.3,
"filter/metadata indexes" did not). The same pages then give filter files and
a metadata file with other bytes and other names, and the site is no longer
byte for byte reproducible (``tests/test_reproducible.py``).

This module rewrites those two kinds of file with their lists sorted. It leans
on Pagefind's private file format, so, like :mod:`atlas.sphinx.shortcuts`, it
is fenced:

- It runs only with the Pagefind versions in :data:`TESTED` (the version is
  read from the bundle's ``pagefind-entry.json``).
- Every file is decoded and encoded again before anything changes; if that
  does not give back its exact bytes, the bundle is left as Pagefind wrote it.
- What it relies on: each file is gzip of ``pagefind_dcd`` followed by CBOR
  (read and written with cbor2, whose shortest encodings are Pagefind's);
  a filter file is ``[name, [[value, [page numbers]], ...]]``; the metadata
  file's fourth item lists ``[filter name, file hash]``; a file's name is
  its language and the SHA-1 of its CBOR, each byte in hexadecimal without a
  leading zero, cut to 7 characters (10 for the metadata file); the entry
  file names the metadata file by that hash.

The search results do not change: Pagefind looks filters and values up by
name, never by position.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import cbor2

#: Pagefind versions whose file format this was written and tested against.
TESTED = frozenset({"1.5.2"})
MAGIC = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"

CborValue = int | bytes | str | list["CborValue"] | dict["CborValue", "CborValue"] | bool | None


class Unexpected(Exception):
    """The bundle is not in the form this module knows; it is left alone."""


def read(path: Path) -> CborValue:
    """A Pagefind file's content, checked to encode back to the same bytes."""
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(MAGIC):
        raise Unexpected(f"{path.name} does not start as a Pagefind file")
    body = raw[len(MAGIC) :]
    try:
        value: CborValue = cbor2.loads(body)
    except cbor2.CBORDecodeError as error:
        raise Unexpected(f"{path.name} is not CBOR: {error}") from error
    # Trailing bytes, or encodings other than the shortest, come back different.
    if cbor2.dumps(value) != body:
        raise Unexpected(f"{path.name} does not encode back to its own bytes")
    return value


def file_hash(body: bytes, length: int) -> str:
    """Pagefind's name for a file's content: SHA-1 bytes in unpadded hexadecimal, cut short."""
    return "".join(f"{byte:x}" for byte in hashlib.sha1(body).digest())[:length]


def write(folder: Path, name_parts: tuple[str, str, int], language: str, value: CborValue) -> str:
    """Write ``value`` as a Pagefind file named by its hash; returns the hash with its language.

    ``name_parts`` is the file name's prefix, suffix and hash length.
    """
    prefix, suffix, length = name_parts
    body = cbor2.dumps(value)
    name = f"{language}_{file_hash(body, length)}"
    # gzip with no time or name in its header, so the bytes depend on the content alone.
    (folder / f"{prefix}{name}{suffix}").write_bytes(gzip.compress(MAGIC + body, mtime=0))
    return name


FILTER_FILE = ("", ".pf_filter", 7)
META_FILE = ("pagefind.", ".pf_meta", 10)


@dataclass
class Language:
    """One language's metadata file and filter files, as read."""

    code: str
    meta: list[CborValue]
    #: (filter name, old file hash, its [name, [[value, pages], ...]] content)
    filters: list[tuple[CborValue, str, list[CborValue]]]


def sort_filters(bundle: Path) -> bool:
    """Sort the filter lists of one Pagefind bundle in place; False if it was left alone."""
    try:
        entry = json.loads((bundle / ENTRY).read_text("utf-8"))
        if entry.get("version") not in TESTED:
            return False
        languages = [read_language(bundle, code, info) for code, info in entry["languages"].items()]
    except (OSError, ValueError, KeyError, TypeError, IndexError, Unexpected):
        return False
    # Everything was read and understood; only now does anything change.
    for language in languages:
        info = entry["languages"][language.code]
        old_meta = bundle / f"pagefind.{info['hash']}.pf_meta"
        info["hash"] = rewrite(bundle, language)
        if old_meta.name != f"pagefind.{info['hash']}.pf_meta":
            old_meta.unlink()
    entry_text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    (bundle / ENTRY).write_text(entry_text, encoding="utf-8")
    return True


def read_language(bundle: Path, code: str, info: dict[str, object]) -> Language:
    meta = read(bundle / f"pagefind.{info['hash']}.pf_meta")
    if not isinstance(meta, list) or len(meta) < 4 or not isinstance(meta[3], list):
        raise Unexpected("the metadata file has another shape")
    filters = []
    for item in meta[3]:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[1], str)):
            raise Unexpected("a filter entry has another shape")
        content = read(bundle / "filter" / f"{item[1]}.pf_filter")
        if not (isinstance(content, list) and len(content) == 2 and isinstance(content[1], list)):
            raise Unexpected("a filter file has another shape")
        if not all(isinstance(pair, list) and len(pair) == 2 for pair in content[1]):
            raise Unexpected("a filter value has another shape")
        filters.append((item[0], item[1], content))
    return Language(code, meta, filters)


def first_item(pair: CborValue) -> bytes:
    """A sort key: the encoded first item of a [key, value] pair (checked to be one)."""
    assert isinstance(pair, list)
    return bytes(cbor2.dumps(pair[0]))


def rewrite(bundle: Path, language: Language) -> str:
    """Write the language's filter files and metadata file sorted; returns the new metadata hash."""
    entries: list[CborValue] = []
    for name, old, content in language.filters:
        values = content[1]
        assert isinstance(values, list)
        content[1] = sorted(values, key=first_item)
        new = write(bundle / "filter", FILTER_FILE, language.code, content)
        if new != old:
            (bundle / "filter" / f"{old}.pf_filter").unlink()
        entries.append([name, new])
    language.meta[3] = sorted(entries, key=first_item)
    return write(bundle, META_FILE, language.code, language.meta)
