#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The nexsim program as a user meets it: help, version, layout, bench,
and a clear one-line error with exit status 2 for every bad command line."""

import json
import subprocess
import sys

NEXSIM = sys.argv[1]
results = []


def run(*args):
    p = subprocess.run([NEXSIM, *args], capture_output=True, text=True,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def check(name, cond, detail=""):
    results.append((name, bool(cond), detail))


def test_help_and_version():
    code, out, _ = run("--help")
    check("help exits 0 and shows usage", code == 0 and "Usage: nexsim" in out)
    code, out, _ = run("--version")
    check("version names nexsim", code == 0 and out.startswith("nexsim "))


def test_bad_command_lines():
    cases = [
        ([], "a command is expected"),
        (["frobnicate"], "unknown command 'frobnicate'"),
        (["--frob"], "unknown option '--frob'"),
        (["layout", "--guests"], "--guests expects a number"),
        (["layout", "--guests", "0"], "from 1 to 4096, got '0'"),
        (["layout", "--guests=x"], "got 'x'"),
        (["layout", "--heap-size", "12Q"], "expects a size like 64K"),
        (["layout", "--profile", "juno"], "unknown profile 'juno'"),
        (["layout", "--guard", "magic"], "--guard expects auto, pkeys or mprotect"),
        (["layout", "--bank=swap"], "--bank expects auto, copy or remap"),
        (["layout", "--what"], "layout: unknown option '--what'"),
        (["bench", "nope"], "unknown benchmark 'nope'"),
        (["bench", "--fast"], "bench: unknown option '--fast'"),
    ]
    for args, expected in cases:
        code, out, err = run(*args)
        lines = err.strip().splitlines()
        check("bad command line %r exits 2 with one line" % args,
              code == 2 and len(lines) == 1 and lines[0].startswith("nexsim: ")
              and expected in lines[0] and out == "", err)


def test_boot_failure_is_one_line_exit_1():
    code, _, err = run("layout", "--guests", "4000")
    lines = err.strip().splitlines()
    check("a machine that cannot boot exits 1 with one line",
          code == 1 and len(lines) == 1 and "TZDRAM is too small" in lines[0],
          err)


def test_layout_of_four_guests():
    code, out, _ = run("layout", "--guests", "4")
    check("layout exits 0", code == 0)
    check("layout reports 4 live guests", "4 guests live" in out)
    check("layout shows TZDRAM and the TA pool split",
          "TZDRAM, secure" in out and "split in 4 equal shares" in out)
    check("layout shows the bank and nexus sections",
          ".nexsim_bank" in out and ".nexsim_nexus" in out)
    rows = [l for l in out.splitlines() if l.startswith("  ") and
            l.split()[0].isdigit() and len(l.split()) > 8]
    check("layout lists guests 1..4", [r.split()[0] for r in rows] ==
          ["1", "2", "3", "4"], out)
    vas = {r.split()[5] for r in rows}
    check("each guest's private range has its own address", len(vas) == 4)


def test_layout_profile_and_strategies():
    code, out, _ = run("layout", "--profile", "qemu_v8", "--guests", "2",
                       "--guard", "mprotect", "--bank", "remap")
    check("qemu_v8 layout has 4 cores and the chosen MMU strategy",
          code == 0 and "4 cores" in out and
          "guards by mprotect, bank switch by remap" in out, out)


def test_bench():
    code, out, _ = run("bench", "--list")
    names = [l.split()[0] for l in out.splitlines()]
    check("bench --list names the benchmarks", code == 0 and names ==
          ["fast-smc", "switch", "lifecycle", "memory", "reset"], out)
    code, out, _ = run("bench", "--quick", "--json", "fast-smc", "lifecycle")
    try:
        rows = json.loads(out)
    except ValueError:
        rows = []
    check("bench --json gives one object per figure",
          code == 0 and [r["name"] for r in rows] == [
              "fast SMC from the hypervisor (CALLS_COUNT)",
              "fast SMC from a guest (GET_THREAD_COUNT, a7=1)",
              "VM_CREATED + VM_DESTROYED"] and
          all(r["median"] > 0 and r["min"] <= r["median"] <= r["max"]
              for r in rows), out)


for test in [test_help_and_version, test_bad_command_lines,
             test_boot_failure_is_one_line_exit_1, test_layout_of_four_guests,
             test_layout_profile_and_strategies, test_bench]:
    test()

print("1..%d" % len(results))
for n, (name, ok, detail) in enumerate(results, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", n, name))
    if not ok and detail:
        for line in detail.splitlines()[:20]:
            print("# " + line)
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
