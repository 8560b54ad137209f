#!/usr/bin/env python3
"""Which b-trees the writer's COMMITs wrote: reads the frames of a store's WAL
(vigil.db-wal, e.g. of a server killed with SIGKILL after a benchmark, so that no
checkpoint emptied it), splits them at the commit frames, and names each page's
b-tree with SQLite's dbstat on a copy of the store. Prints pages per COMMIT by
b-tree over the last three quarters of the COMMITs; with --keys TABLE, also the
first key of each index leaf page written, to see which groups of keys are hot.

Usage: wal_pages.py STORE_DIR [--keys idx_token_code,...]"""
import argparse
import collections
import os
import shutil
import sqlite3
import struct
import tempfile


def commits_of(wal):
    """[[(page number, offset of its data)]] per COMMIT, and the page size."""
    _, _, page_size, _, salt1, salt2, _, _ = struct.unpack(">8I", wal[:32])
    commits, current, off = [], [], 32
    while off + 24 + page_size <= len(wal):
        page, db_size, s1, s2 = struct.unpack(">4I", wal[off:off + 16])
        if (s1, s2) != (salt1, salt2):
            break  # a frame of an earlier generation of the WAL
        current.append((page, off + 24))
        if db_size:
            commits.append(current)
            current = []
        off += 24 + page_size
    return commits, page_size


def varint(b, i):
    v = 0
    for k in range(9):
        c = b[i]
        i += 1
        if k == 8:
            return (v << 8) | c, i
        v = (v << 7) | (c & 0x7F)
        if not c & 0x80:
            return v, i
    return v, i


def first_key(page):
    """The first record of an index leaf page (type 0x0a), as a tuple; None otherwise."""
    if page[0] != 0x0A or struct.unpack(">H", page[3:5])[0] == 0:
        return None
    _, i = varint(page, struct.unpack(">H", page[8:10])[0])
    header_size, j = varint(page, i)
    types = []
    while j < i + header_size:
        t, j = varint(page, j)
        types.append(t)
    values, p = [], i + header_size
    for t in types:
        if 1 <= t <= 6:
            n = [0, 1, 2, 3, 4, 6, 8][t]
            values.append(int.from_bytes(page[p:p + n], "big", signed=True))
            p += n
        elif t == 7:
            values.append(struct.unpack(">d", page[p:p + 8])[0])
            p += 8
        elif t >= 12:
            n = (t - 12) // 2
            values.append(page[p:p + n].decode("utf-8", "replace"))
            p += n
        else:
            values.append(None if t == 0 else t - 8)
    return tuple(values)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("store")
    ap.add_argument("--keys", default="", help="comma-separated b-tree names")
    args = ap.parse_args()
    with open(os.path.join(args.store, "vigil.db-wal"), "rb") as f:
        wal = f.read()
    commits, page_size = commits_of(wal)
    if not commits:
        raise SystemExit("no committed frames in the WAL (was it checkpointed?)")
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("vigil.db", "vigil.db-wal"):
            shutil.copy(os.path.join(args.store, name), os.path.join(tmp, name))
        db = sqlite3.connect(os.path.join(tmp, "vigil.db"))
        names = dict(db.execute("SELECT pageno, name FROM dbstat"))
        db.close()
    measured = commits[len(commits) // 4:]  # past the store's first growth
    frames = sum(len(c) for c in commits)
    print(f"{len(commits)} COMMITs, {frames} frames, {frames / len(commits):.1f} pages per COMMIT")
    per_tree = collections.Counter(names.get(p, "?") for c in measured for p, _ in c)
    for name, n in per_tree.most_common():
        print(f"  {name:32s} {n / len(measured):7.1f}")
    for tree in filter(None, args.keys.split(",")):
        keys = collections.Counter()
        for c in measured:
            for p, off in c:
                if names.get(p) == tree:
                    key = first_key(wal[off:off + page_size])
                    keys["<interior>" if key is None else str(key[:2])] += 1
        print(f"{tree}: pages per COMMIT by the first key of the page")
        for key, n in keys.most_common(20):
            print(f"  {key[:70]:70s} {n / len(measured):6.2f}")


if __name__ == "__main__":
    main()
