#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the seed inputs of the fuzz targets (fuzz/corpus/TARGET/), in the
input formats their sources describe. Run again after a format change."""

import os
import struct
import sys

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")

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

# fuzz_guest: kinds CREATE 0, DESTROY 1, SMC 2, MEMORY 3, ARG 4, CLIENT 5,
# CALL 6, RESUME 7; TAs hello 0, kv 1, storage 2, panic 3, stress 4, pta 5.
GUEST_IDS = [0xbf00ff00, 0xbf00ff01, 0xbf00ff03, 0xb2000000, 0xb2000001,
             0x32000003, 0x32000004, 0xb2000007, 0xb2000009, 0xb200000a,
             0xb200000b, 0xb200000f, 0x32000012, 0x32000013, 0xb200000d]


def g_smc(slot, fid, *a):
    regs = list(a) + [0] * (6 - len(a))
    return bytes([2, slot, GUEST_IDS.index(fid)]) + struct.pack("<6I", *regs)


def g_client(slot, ta, cmd, value=0):
    return bytes([5, slot, ta, cmd]) + struct.pack("<I", value)


def g_memory(slot, page, off, data):
    return bytes([3, slot]) + struct.pack("<HHB", page, off, len(data)) + data


def g_arg(slot, page, cmd, func=0, session=0, params=b""):
    n = len(params) // 32
    return bytes([4, slot]) + struct.pack("<H", page) + \
        struct.pack("<8I", cmd, func, session, 0, 0, 0, 0, n) + \
        bytes([n]) + params


GUEST_SEEDS = {
    "hello": bytes([0]) + g_client(0, 0, 0, 41) + bytes([1, 0]),
    "two_vms": bytes([0, 0]) + g_client(0, 1, 0, 1) + g_client(1, 1, 1, 2) +
    g_client(1, 5, 0) + bytes([1, 0]) + g_client(1, 0, 1, 3),
    "storage_rpc": bytes([0]) + g_client(0, 2, 7) + g_client(0, 2, 0, 5) +
    g_client(0, 2, 9, 1),
    "fast_calls": bytes([0]) + g_smc(0, 0xbf00ff01) + g_smc(0, 0xb2000009) +
    g_smc(0, 0xb200000b) + g_smc(0, 0xb200000a) + g_smc(0, 0xb2000007) +
    g_smc(0, 0xb200000d, 5),
    "raw_call": bytes([0]) + g_arg(0, 3, 0, params=value(META_IN, *HELLO) +
                                   value(META_IN)) +
    bytes([6, 0]) + struct.pack("<H", 3) + bytes([7, 0, 1]) +
    struct.pack("<4I", 0, 0, 0, 0),
    "panic": bytes([0]) + g_client(0, 3, 1) + g_client(0, 4, 0, 1 << 20),
    # Sessions kept from call to call, closed by bit 7 of the TA byte
    # (0x84: hello_world, 132 % 6 = 0) or by a panic, gone with their VM.
    "client_sessions": bytes([0]) + g_client(0, 0, 0) + g_client(0, 0, 0) +
    g_client(0, 0x84, 0) + g_client(0, 0, 0) + g_client(0, 3, 1) +
    g_client(0, 3, 0) + bytes([1, 0, 0]) + g_client(0, 0, 0),
    # Memrefs: bit 7 of the command byte (0x84: command 132 % 12 = 0)
    # makes one temporary, registered for the call alone; else it lies
    # in the slot's shared memory, registered at its first such call, at
    # offset (value >> 4) % 8, and gone with its VM.
    "memrefs": bytes([0]) + g_client(0, 0, 0x84, 5) + g_client(0, 0, 0, 5) +
    g_client(0, 0, 0, 0x35) + g_client(0, 0, 0x84, 5) + bytes([1, 0, 0]) +
    g_client(0, 0, 0, 5),
    # The canary calls after every 8th operation that may reach the
    # secure world, MEMORY and ARG not counted: here once, after the 7th
    # SMC (operation 15), and at the end.
    "canary_schedule": bytes([0]) +
    b"".join(g_memory(0, n, 0, b"x") for n in range(4)) +
    b"".join(g_arg(0, n, 1) for n in range(4, 8)) +
    g_smc(0, 0xbf00ff01) * 7,
    # Param types from bits 8-23 of the value, as the TA sees them: a
    # kv_store PUT (two MEMREF_INPUT), COUNT (VALUE_OUTPUT), GET (in,
    # out), hello world's INC_VALUE of a = 3, b = 5 (bits 24-25, 26-31),
    # a PUT of
    # temporary memrefs (0x84: command 132 % 12 = 0) under a 5-byte key,
    # and COUNT again.
    "client_types": bytes([0]) + g_client(0, 1, 0, 0x5500) +
    g_client(0, 1, 3, 0x0200) + g_client(0, 1, 1, 0x6500) +
    g_client(0, 0, 0, 0x17000300) + g_client(0, 1, 0x84, 0x5501) +
    g_client(0, 1, 3, 0x0200),
    # Fast calls that read the guest's heap (its thread table, there once
    # a std call set its runtime up): its window, closed for fast calls,
    # opens at their touch. The last, GET_THREAD_COUNT, is not the
    # mediator's: it gets UNKNOWN_FUNCTION and never reaches the TEE.
    "fast_calls_after_client": bytes([0]) + g_client(0, 0, 0, 41) +
    g_smc(0, 0xb200000a) + g_smc(0, 0xb200000b) + g_smc(0, 0xb200000f),
    # 64 operations (CREATE, three made, the rest skipped): the canary's
    # calls after every 8th and at the end, two of them storage counts.
    "canary_counts": bytes(64),
}


# fuzz_sched: rate, flags, then per vCPU a count of steps (op, operand,
# u32 value); the scheduler's choices follow.
def s_step(op, operand=0, value=0):
    return bytes([op, operand]) + struct.pack("<I", value)


def s_vcpu(*steps):
    return bytes([len(steps)]) + b"".join(steps)


def s_flags(vms, two=(), hyp=False, no_intr=False):
    bits = (vms - 1) << 1 | int(no_intr) | int(hyp) << 6
    for vm in two:
        bits |= 1 << (3 + vm)
    return bits


OPEN_HELLO, OPEN_STORAGE = s_step(0, 0), s_step(0, 4)
SCHED_SEEDS = {
    "one_vcpu": bytes([0, s_flags(1)]) +
    s_vcpu(OPEN_HELLO, s_step(1, 0, 7), s_step(2)),
    "contended_count": bytes([128, s_flags(1, two=(0,))]) +
    s_vcpu(OPEN_STORAGE, s_step(3), s_step(3), s_step(3)) +
    s_vcpu(OPEN_STORAGE, s_step(3), s_step(3)) + bytes(range(0, 64, 3)),
    "two_vms_interrupts": bytes([255, s_flags(2)]) +
    s_vcpu(OPEN_HELLO, s_step(1, 0, 1), s_step(1, 0, 2)) +
    s_vcpu(OPEN_STORAGE, s_step(4, 0, 2), s_step(3)) +
    bytes([1, 0, 1, 1, 0, 0, 1]) * 6,
    "destroy_in_flight": bytes([200, s_flags(2, two=(1,), hyp=True,
                                               no_intr=True)]) +
    s_vcpu(OPEN_STORAGE, s_step(3), s_step(4, 0, 1)) +
    s_vcpu(OPEN_HELLO, s_step(1, 0, 5)) +
    s_vcpu(OPEN_STORAGE, s_step(3), s_step(3)) +
    s_vcpu(s_step(0, 1), s_step(0, 1)) + bytes([3, 3, 2, 1, 0]) * 8,
    "cancel_wait": bytes([60, s_flags(1, two=(0,))]) +
    s_vcpu(OPEN_STORAGE, s_step(4, 0, 2), s_step(4, 0, 2), s_step(4, 0, 2)) +
    s_vcpu(OPEN_HELLO, s_step(5), s_step(1, 0, 1), s_step(5), s_step(1, 0, 2),
           s_step(5), s_step(1, 0, 3), s_step(5)) + bytes([2, 1, 0]) * 400,
}

for target, seeds in (("fuzz_smc_raw", SEEDS), ("fuzz_guest", GUEST_SEEDS),
                      ("fuzz_sched", SCHED_SEEDS)):
    out = os.path.join(CORPUS, target)
    os.makedirs(out, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print("%d seeds in %s" % (len(seeds), out), file=sys.stderr)
