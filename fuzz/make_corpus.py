#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the seed inputs of fuzz_smc_raw (fuzz/corpus/fuzz_smc_raw/), in
the input format its source describes. Run again after a format change."""

import os
import struct
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                   "corpus", "fuzz_smc_raw")

IDS = [0xbf00ff00, 0xbf00ff01, 0xbf00ff03, 0xb2000000, 0xb2000001,
       0x32000003, 0x32000004, 0xb2000007, 0xb2000008, 0xb2000009,
       0xb200000a, 0xb200000b, 0xb200000c, 0xb200000d, 0xb200000e,
       0xb200000f, 0xb2000010, 0xb2000011, 0x32000012, 0x32000013]
NSEC = 0x40000000          # non-secure DRAM base of the default profile


def known(fid, a1=0, a2=0, a3=0, guest=0, core=0):
    return bytes([2 | core << 2, IDS.index(fid)]) + \
        struct.pack("<III", a1, a2, a3) + bytes([guest])


def raw(regs, core=0):
    return bytes([0 | core << 2]) + struct.pack("<8I", *regs)


def arg(page, cmd, func=0, session=0, params=b""):
    n = len(params) // 32
    hdr = struct.pack("<8I", cmd, func, session, 0, 0, 0, 0, n)
    return bytes([3]) + struct.pack("<H", page) + hdr + bytes([n]) + params


def value(attr, a=0, b=0, c=0):
    return struct.pack("<QQQQ", attr, a, b, c)


def uuid_words(time_low, mid, hi, node):
    octets = struct.pack(">IHH", time_low, mid, hi) + bytes(node)
    return struct.unpack("<QQ", octets)


def call(page, guest, core=0):
    pa = NSEC + page * 4096
    return known(0x32000004, pa >> 32, pa & 0xffffffff, 0, guest, core)


HELLO = uuid_words(0x8aaaf200, 0x2450, 0x11e4,
                   [0xab, 0xe2, 0x00, 0x02, 0xa5, 0xd5, 0xc5, 0x1b])
STORAGE = uuid_words(0x6e657873, 0x696d, 0x5354,
                     [0x4f, 0x52, 0, 0, 0, 0, 0, 5])
META_IN = 0x101


def open_session(page, uuid):
    return arg(page, 0, params=value(META_IN, *uuid) +
               value(META_IN, 0, 0, 0))


SEEDS = {
    "fast_calls": known(0xb200000d, 1) + known(0xbf00ff01, guest=1) +
    known(0xb200000f, guest=1) + known(0xb2000009, guest=1) +
    known(0xb200000b, guest=1) + known(0xb200000a, guest=1) +
    known(0xb200000e, 1),
    "open_hello": known(0xb200000d, 1) + open_session(1, HELLO) +
    call(1, 1) + arg(2, 1, 0, 1, value(3, 41)) + call(2, 1, core=1) +
    arg(3, 2, 0, 1) + call(3, 1),
    "two_guests": known(0xb200000d, 1) + known(0xb200000d, 2) +
    open_session(1, HELLO) + call(1, 1) + open_session(4, HELLO) +
    call(4, 2, core=1) + known(0xb200000e, 1) + call(1, 1),
    "storage_rpc": known(0xb200000d, 1) + open_session(1, STORAGE) +
    call(1, 1) + arg(2, 1, 7, 1, value(2)) + call(2, 1) +
    known(0x32000003, 0, NSEC + 10 * 4096, 0, 1) +
    known(0x32000003, 0, 0, 0, 1) + known(0x32000003, 0, 0, 1, 1),
    "register_shm": known(0xb200000d, 3) +
    bytes([1]) + struct.pack("<HHB", 5, 0, 16) +
    struct.pack("<QQ", NSEC + 6 * 4096, 0) +
    arg(1, 4, params=value(0x20a, NSEC + 5 * 4096, 4096, 0x99)) +
    call(1, 3) + arg(2, 5, params=value(5, 0, 0, 0x99)) + call(2, 3),
    "garbage": raw([0x32000004, 0xffffffff, 0xfffff000, 0, 0, 0, 0, 1]) +
    raw([0x32000003, 0, 0, 7, 0, 0, 0, 0xffff]) +
    raw([0xb200000d, 0, 0, 0, 0, 0, 0, 0]) +
    raw([0xb200000d, 0x10000, 0, 0, 0, 0, 0, 0]),
}

os.makedirs(OUT, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
print("%d seeds in %s" % (len(SEEDS), OUT), file=sys.stderr)
