#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The nexsim program as a user meets it: help, version, layout, bench,
and a clear one-line error with exit status 2 for every bad command line."""

import json
import os
import re
import subprocess
import tempfile
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
        (["run"], "run expects a script file"),
        (["run", "--fast", "x"], "run: unknown option '--fast'"),
        (["demo", "--now"], "demo: unknown option '--now'"),
        (["run", "--cores", "0", "x.nxs"], "run: --cores expects 1 to 16, got '0'"),
        (["run", "--cores", "17", "x.nxs"], "run: --cores expects 1 to 16, got '17'"),
        (["run", "x.nxs", "--seed"], "run: --seed expects a value"),
        (["run", "--seed", "-1", "x.nxs"], "run: --seed expects a number, got '-1'"),
        (["run", "--preempt", "1001", "x.nxs"],
         "run: --preempt expects 0 to 1000 (per mille), got '1001'"),
        (["demo", "--cores", "x"], "demo: --cores expects 1 to 16, got 'x'"),
        (["replay"], "replay expects an input file of a fuzz target"),
        (["replay", "--fast", "x"], "replay: unknown option '--fast'"),
        (["replay", "a", "b"], "replay: one file at a time, got 'b' too"),
        (["replay", "x", "--target"],
         "replay: --target expects fuzz_smc_raw|fuzz_guest"),
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
          ["fast-smc", "switch", "invoke", "rpc", "lifecycle", "memory",
           "reset"], out)
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


SRC = sys.argv[2]


def test_demo():
    code, out, err = run("demo")
    check("demo exits 0", code == 0, err)
    check("demo tells every step of its story",
          all(s in out for s in ["1. The hypervisor creates 8 VMs",
                                 "40 calls, 0 failed",
                                 "before OUT_OF_MEMORY",
                                 "vm2 asks for \"pin\": ITEM_NOT_FOUND",
                                 "TARGET_DEAD (origin TEE)",
                                 "VM_DESTROYED", "takes the free share",
                                 "the object says 20",
                                 "0 isolation violations"]), out)
    rows = [l for l in out.splitlines() if l.startswith("  ") and
            len(l.split()) > 2 and l.split()[1].startswith("vm")]
    check("demo table has a row per VM, vm5 destroyed",
          len(rows) == 9 and any("vm5" in r and "destroyed" in r for r in rows),
          out)
    code2, out2, _ = run("demo")
    check("demo is deterministic", code2 == 0 and out2 == out)


def test_run_scripts():
    for name in ["hello", "kv_store", "equal_split", "panic", "storage",
                 "concurrency"]:
        code, out, err = run("run", SRC + "/examples/" + name + ".nxs")
        check("example %s runs with every expectation held" % name,
              code == 0 and " 0 failed" in out, out + err)
    code, out, err = run("run", SRC + "/tests/scripts/fails.nxs")
    check("a failed expectation exits 1 naming file, line and values",
          code == 1 and "fails.nxs:5: expected p0.a=3, got 2" in err, err)
    for script, what in [("bad_syntax", "bad_syntax.nxs:3: a number for the value's a, got 'x'"),
                         ("late_machine", "late_machine.nxs:2: 'machine' before any other command")]:
        code, out, err = run("run", SRC + "/tests/scripts/" + script + ".nxs")
        check("a bad script (%s) exits 2 with FILE:LINE" % script,
              code == 2 and err.strip() == SRC + "/tests/scripts/" + what and
              out == "", err)
    code, out, err = run("run", "/nonexistent.nxs")
    check("a missing script exits 2 with one line", code == 2 and
          len(err.strip().splitlines()) == 1, err)
    code, out, err = run("run", "--json", SRC + "/examples/hello.nxs")
    try:
        rep = json.loads(out)
    except ValueError:
        rep = {}
    g = rep.get("guests", [])
    check("run --json reports guests and totals",
          code == 0 and len(g) == 2 and
          all(k in g[0] for k in ["id", "calls", "heap_used", "ta_ram_used",
                                  "heap_share", "ta_ram_share"]) and
          g[0]["id"] == 1 and g[1]["live"] is False and
          rep["totals"]["isolation_violations"] == 0 and
          rep["totals"]["std_smcs"] > 0 and
          rep["totals"]["partition_switches"] > 0, out)
    # The non-secure mapping setting: strict maps per call, cache reuses.
    with open(SRC + "/examples/hello.nxs") as f:
        hello = f.read()
    maps = {}
    with tempfile.TemporaryDirectory() as tmp:
        for mode in ["strict", "cache"]:
            path = os.path.join(tmp, mode + ".nxs")
            with open(path, "w") as f:
                f.write(hello.replace("guests=4", "guests=4 nsmap=" + mode))
            code, out, err = run("run", "--json", path)
            try:
                maps[mode] = json.loads(out)["totals"]
            except (ValueError, KeyError):
                maps[mode] = {}
            check("machine nsmap=%s runs hello" % mode, code == 0, out + err)
        bad = os.path.join(tmp, "bad.nxs")
        for text, what in [
                ("machine violations=sometimes\n",
                 ":2: violations=abort|end-call, got 'sometimes'"),
                ("machine heap=1G\n",
                 ":2: settings the core can boot with (a heap or thread "
                 "stack size is below the core's minimum or above TZDRAM"),
                ("machine guests=4096\n",
                 ":2: settings the core can boot with (TZDRAM is too small"),
                ("vm create a\nopen a s hello expect p0.a=1\n",
                 ":3: an expectation of open (ret=, origin=), got 'p0.a='"),
                ("vm create a\nopen a s hello\n"
                 "invoke s 0 vinout:1 expect violations=0\n",
                 ":4: an expectation of invoke (ret=, origin=, pN.a=, "
                 "pN.b=, pN.size=, pN.out=), got 'violations='"),
                ("vm create a\ncheck violations=0 ret=SUCCESS\n",
                 ":3: check violations=N, got 'ret='"),
                ("vm create a\nopen a s kv\ninvoke s get min:k mout:1000G\n",
                 ":4: mout:SIZE (up to 1G), got '1000G'"),
                ("vm create a\nopen a s he\0llo\n",
                 ":3: text, got a NUL byte"),
                ("@1 vm create a\n",
                 ":2: @VCPU before a client command (open, invoke, close, "
                 "cancel, shm), not 'vm'"),
                ("vm create a\n@x open a s hello\n",
                 ":3: @VCPU, a vCPU number, got 'x'"),
                ("vm create a\n@16 open a s hello\n",
                 ":3: @VCPU, a vCPU below 16, got '@16'"),
                ("vm create a vcpus=0\n", ":2: vcpus=N, 1 to 16"),
                ("vm create a\n@0 invoke s inc vinout:1\n",
                 ":3: 's' opened or allocated by an earlier line")]:
            with open(bad, "w") as f:
                f.write("# a bad script\n" + text)
            code, out, err = run("run", bad)
            check("a bad script exits 2 with %s" % what.split("(")[0],
                  code == 2 and err.startswith(bad + what) and
                  len(err.strip().splitlines()) == 1, err)
        # The profile applies first, whatever the order on the line.
        with open(bad, "w") as f:
            f.write("machine guests=4 profile=qemu_v8\nvm create a\n")
        code, out, err = run("run", "--json", bad)
        check("machine settings override the profile in any order",
              code == 0 and '"guest_count": 4,' in out, out + err)
        # After SHORT_BUFFER the size is larger than the buffer: a failed
        # expectation, never a read past the buffer.
        with open(bad, "w") as f:
            f.write("vm create a\nopen a s kv\n"
                    "invoke s put min:\"k\" min:\"0123456789abcdef\"\n"
                    "invoke s get min:\"k\" mout:2 expect "
                    "ret=SHORT_BUFFER p1.out=\"0123456789abcdef\"\n")
        code, out, err = run("run", bad)
        check("an output longer than its buffer fails the expectation",
              code == 1 and "got 16 bytes" in err and
              "(more than the buffer holds)" in err, err)
        # A step on a vCPU the VM does not have fails, naming it.
        with open(bad, "w") as f:
            f.write("vm create a\nopen a s hello\n@1 invoke s inc vinout:1\n")
        code, out, err = run("run", bad)
        check("a step on a missing vCPU fails at its line",
              code == 1 and ":3: VM 'a' has 1 vCPU(s)" in err, err)
    s, c = maps.get("strict", {}), maps.get("cache", {})
    check("both nsmap modes reuse the argument page mappings",
          s.get("ns_map_cache_hits", 0) > 0 and
          c.get("ns_map_cache_hits", 0) > 0 and
          0 < s.get("ns_maps", 0) < s.get("std_smcs", 0), str(maps))
    code, out, err = run("run", "--trace", SRC + "/examples/hello.nxs")
    check("run --trace shows SMCs, translations and switches",
          code == 0 and "CALL_WITH_ARG -> a0 0" in out and
          "med   client 1: OPEN_SESSION" in out and
          "mmu   core 0: partition of guest 1" in out, out[:2000])


def test_replay():
    corpus = SRC + "/fuzz/corpus/"
    code, out, err = run("replay", corpus + "fuzz_smc_raw/open_hello")
    check("replay of a corpus file exits 0 with a one-line summary",
          code == 0 and out.count("\n") == 1 and
          out.startswith("fuzz_smc_raw: 7 operations decoded from 264 bytes;")
          and "every invariant held" in out and err == "", out + err)
    code, out, err = run("replay", "--trace", corpus + "fuzz_smc_raw/open_hello")
    check("replay --trace shows each decoded operation and its SMC",
          code == 0 and
          "input #0 @0 SMC core 0 VM_CREATED a0=0xb200000d a1=0x1 " in out and
          "input #0 -> a0=0x0 a1=0x1" in out and
          "input #1 @15 ARG pa=0x40001000 cmd=0 (OPEN_SESSION)" in out and
          "input #2 @115 SMC core 0 CALL_WITH_ARG a0=0x32000004 " in out and
          "input #4 @198 SMC core 1 CALL_WITH_ARG" in out and
          "input end: 7 operations from 264 of 264 bytes" in out, out[:3000])
    check("replay --trace interleaves the machine's timeline",
          "mmu   core 1: partition of guest 1" in out and
          "thrd  core 0: guest 1 thread 0 starts a call" in out and
          out.index("input #2 @115") <
          out.index("guest 1 thread 0 starts a call") <
          out.index("input #2 -> a0=0x0") and
          "input canary: guest 16962, session 1 open" in out and
          "input canary: 1 calls, every one as expected" in out, out[:3000])
    code3, out3, _ = run("replay", "--trace", corpus + "fuzz_sched/cancel_wait")
    check("replay --trace of fuzz_sched shows programs, cancels and canary",
          code3 == 0 and "input a.1 step 1: CANCEL" in out3 and
          "input a.1 cancels the operation of its VM's other vCPU" in out3 and
          "[canary core" in out3 and "every one as expected" in out3 and
          out3.splitlines()[-1].startswith("fuzz_sched: 2 operations"),
          out3[-3000:])
    code2, out2, _ = run("replay", "--trace", corpus + "fuzz_smc_raw/open_hello")
    check("a replay is the same every time", code2 == 0 and out2 == out)
    code, out, err = run("replay", "--trace", corpus + "fuzz_guest/two_vms")
    check("replay --trace of fuzz_guest shows VMs, client calls and SMCs",
          code == 0 and "input canary: client 1, hello world session open" in out and
          "input #0 @0 CREATE a VM in slot 0" in out and
          "input #0 -> slot 0 is client 2" in out and
          "hyp   VM_CREATED client 3" in out and
          "input #2 @2 CLIENT slot 0 (client 2) TA kv_store command 0" in out
          and "smc   client 2: CALL_WITH_ARG -> a0 0" in out and
          "input #5 @26 DESTROY slot 0 (client 2)" in out and
          "hyp   VM_DESTROYED client 2 -> 0" in out and
          "input canary: " in out and "every one as expected" in out and
          out.splitlines()[-1].startswith("fuzz_guest: 7 operations"),
          out[-3000:])
    code, out, err = run("replay", "--trace",
                         corpus + "fuzz_guest/client_sessions")

    def span(op, text=out):
        """The timeline lines of fuzz_guest operation #op in @text."""
        lines = text.splitlines()
        first = next(i for i, l in enumerate(lines)
                     if ("input #%d @" % op) in l)
        last = next(i for i, l in enumerate(lines)
                    if ("input #%d ->" % op) in l)
        return lines[first:last + 1]

    def calls(op, cmd, text=out):
        return sum("med   client 2: " + cmd in l for l in span(op, text))

    check("fuzz_guest CLIENT calls keep their session until the input "
          "closes it, a panic ends it, or its VM goes",
          code == 0 and
          [calls(op, "OPEN_SESSION") for op in (1, 2, 3, 4, 5, 6, 9)] ==
          [1, 0, 0, 1, 1, 1, 1] and
          [calls(op, "CLOSE_SESSION") for op in (1, 2, 3, 4, 5, 6, 9)] ==
          [0, 0, 1, 0, 1, 0, 0] and
          span(2)[-1].endswith("InvokeCommand 0xffff0006 origin 4, "
                               "value 1: 0/0, session kept") and
          span(5)[-1].endswith("InvokeCommand 0xffff3024 origin 3, "
                               "value 1: 0/0, session closed") and
          span(9)[-1].endswith("InvokeCommand 0xffff0006 origin 4, "
                               "value 1: 0/0, session kept"),
          out[-4000:] + err)
    code3, out3, err3 = run("replay", "--trace", corpus + "fuzz_guest/memrefs")

    def shm(op):
        """REGISTER_SHM and UNREGISTER_SHM calls of operation #op."""
        return (calls(op, "REGISTER_SHM", out3),
                calls(op, "UNREGISTER_SHM", out3))

    def invoke_params(op, text=None):
        """The params of operation #op's INVOKE_COMMAND, as the mediator
        saw them (in memrefs' timeline unless @text)."""
        return [l.split("; params: ")[1] for l in span(op, text or out3)
                if "med   client 2: INVOKE_COMMAND" in l]

    check("fuzz_guest CLIENT memrefs: temporary ones registered for their "
          "call, the others in the slot's memory, registered once while "
          "its VM lives, at the offset the value says",
          code3 == 0 and
          [shm(op) for op in (1, 2, 3, 4, 7)] ==
          [(1, 1), (1, 0), (0, 0), (1, 1), (1, 0)] and
          [invoke_params(op) for op in (1, 2, 3, 4, 7)] ==
          [["rmem %#x+%d/9, value, none, none" % (cookie, offset)]
           for cookie, offset in ((0x1000, 0), (0x1001, 0), (0x1001, 3),
                                  (0x1002, 0), (0x1000, 0))] and
          "registered memrefs at 3" in span(3, out3)[0] and
          all(span(op, out3)[-1].endswith("InvokeCommand 0xffff0006 "
                                          "origin 4, value 1: 0/0, "
                                          "session kept")
              for op in (1, 2, 3, 4, 7)),
          out3[-4000:] + err3)
    code6, out6, err6 = run("replay", "--trace",
                            corpus + "fuzz_guest/client_types")
    check("fuzz_guest CLIENT param types come from the value, as the TA "
          "sees them: kv_store PUT, COUNT, GET, hello world INC_VALUE and "
          "temporary memrefs all reach the TA's command",
          code6 == 0 and
          [invoke_params(op, out6) for op in (1, 2, 3, 4)] ==
          [["rmem 0x1000+0/4, rmem 0x1000+0/4, none, none"],
           ["value, none, none, none"],
           ["rmem 0x1000+0/4, rmem 0x1000+0/4, none, none"],
           ["value, none, none, none"]] and
          [l.split(" -> ")[1] for op in range(1, 7)
           for l in span(op, out6)[-1:]] ==
          ["InvokeCommand 0x0 origin 4, session kept",
           "InvokeCommand 0x0 origin 4, value 0: 1/4, session kept",
           "InvokeCommand 0x0 origin 4, session kept",
           "InvokeCommand 0x0 origin 4, value 0: 4/5, session kept",
           "InvokeCommand 0x0 origin 4, session kept",
           "InvokeCommand 0x0 origin 4, value 0: 2/9, session kept"] and
          "types 0x0055, temporary memrefs" in span(5, out6)[0] and
          calls(5, "REGISTER_SHM", out6) == 2,
          out6[-4000:] + err6)
    code5, out5, err5 = run("replay", "--trace",
                            corpus + "fuzz_guest/fast_calls_after_client")
    check("fuzz_guest: fast calls that read their guest's heap (once its "
          "runtime is up) open its window at their touch, and complete "
          "as with it open; GET_THREAD_COUNT, not the mediator's, never "
          "reaches the TEE",
          code5 == 0 and
          span(2, out5)[-1].endswith("a0=0x7 a1=0x0 a2=0x0 a3=0x0") and
          span(3, out5)[-1].endswith("a0=0x0 a1=0x0 a2=0x0 a3=0x0") and
          span(4, out5)[-1].endswith("a0=0xffffffff a1=0x0 a2=0x0 a3=0x0")
          and not [l for l in span(4, out5) if "mmu" in l] and
          out5.splitlines()[-1].endswith(
              "15 partition switches (2 opening a window at a fast call's "
              "touch); every invariant held"),
          out5[-3000:] + err5)
    code4, out4, err4 = run("replay", "--trace",
                            corpus + "fuzz_guest/canary_schedule")
    lines4 = out4.splitlines()
    # The canary's INVOKE_COMMANDs, by the operation that came before.
    after = []
    last = None
    for l in lines4:
        if "input #" in l and " @" in l:
            last = int(l.split("input #")[1].split()[0])
        if "med   client 1: INVOKE_COMMAND" in l:
            after.append(last)
    check("fuzz_guest's canary calls after every 8th operation that may "
          "reach the secure world, not counting MEMORY and ARG, and at "
          "the end",
          code4 == 0 and after == [15, 15] and
          "input canary: 2 calls, every one as expected" in out4,
          out4[-3000:] + err4)
    # client_sessions (out) is too short for a count; canary_counts has 2.
    code2, out2, err2 = run("replay", "--trace",
                            corpus + "fuzz_guest/canary_counts")
    check("fuzz_guest's canary opens its storage session at its first "
          "count, once, and closes none",
          code == 0 and code2 == 0 and
          out.count("med   client 1: OPEN_SESSION") == 1 and
          out2.count("med   client 1: OPEN_SESSION") == 2 and
          out2.count("med   client 1: CLOSE_SESSION") == 0 and
          "input canary: 9 calls, every one as expected" in out2,
          out2[-3000:] + err2)
    with open(corpus + "fuzz_guest/hello", "rb") as f:
        hello = f.read()
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "fuzz_guest", "crashes"))
        deep = os.path.join(tmp, "fuzz_guest", "crashes", "crash-1")
        flat = os.path.join(tmp, "crash-1")
        for path in [deep, flat]:
            with open(path, "wb") as f:
                f.write(hello)
        code, out, err = run("replay", deep)
        check("replay takes the target from a directory in the path",
              code == 0 and out.startswith("fuzz_guest: 3 operations"),
              out + err)
        code, out, err = run("replay", "--target", "fuzz_guest", flat)
        check("replay --target names the target of any file",
              code == 0 and out.startswith("fuzz_guest: 3 operations"),
              out + err)
        for name, args, what in [
                ("of a file no path or option names the target of", [flat],
                 "replay: which target's input is '%s'? Give "
                 "--target fuzz_smc_raw|fuzz_guest" % flat),
                ("of an unknown target", ["--target", "fuzz_nope", deep],
                 "replay: unknown target 'fuzz_nope' "
                 "(fuzz_smc_raw|fuzz_guest|fuzz_sched)"),
                ("of a missing file", [os.path.join(tmp, "missing")],
                 "replay: cannot read '%s': No such file or directory" %
                 os.path.join(tmp, "missing")),
                ("of a directory", ["--target", "fuzz_guest", tmp],
                 "replay: cannot read '%s': Is a directory" % tmp)]:
            code, out, err = run("replay", *args)
            lines = err.strip().splitlines()
            check("replay %s exits 2 with one line" % name,
                  code == 2 and len(lines) == 1 and out == "" and
                  lines[0].startswith("nexsim: " + what), err)


def test_scheduler():
    script = SRC + "/examples/concurrency.nxs"
    args = ["run", "--trace", "--cores", "2", "--seed", "5", "--preempt",
            "300", script]
    code1, out1, err1 = run(*args)
    code2, out2, _ = run(*args)
    check("the same seed gives the same run, trace and all",
          code1 == 0 and code2 == 0 and out1 == out2 and len(out1) > 10000,
          err1)
    code3, out3, _ = run(*args[:5] + ["6"] + args[6:])
    check("another seed gives another interleaving, the same results",
          code3 == 0 and out3 != out1 and " 0 failed" in out3, out3[-300:])
    check("--trace names the vCPU and core of each line",
          "[a.0 core " in out1 and "[a.1 core " in out1 and
          "[b.0 core " in out1 and "RETURN_FROM_RPC, thread " in out1 and
          ": guest 1 thread 0 starts a call" in out1 and
          ": guest 1 thread 1 suspends in an RPC" in out1 and
          "preempted at a " in out1 and "foreign interrupt at a " in out1,
          out1[:3000])
    code, out, err = run("run", "--json", "--cores", "3", "--seed", "2",
                         "--preempt", "200", script)
    try:
        rep = json.loads(out)
    except ValueError:
        rep = {}
    sched = rep.get("scheduler", {})
    guests = rep.get("guests", [{}])
    check("run --json reports the scheduler and mutex contention",
          code == 0 and sched.get("cores") == 3 and sched.get("seed") == 2 and
          sched.get("preemptions", 0) > 0 and
          sched.get("foreign_interrupts", 0) > 0 and
          guests[0].get("mutex_contentions", 0) > 0, out + err)
    soak = SRC + "/tests/scripts/soak.nxs"
    bad = []
    for seed in range(1, 9):
        code, out, err = run("run", "--cores", str(seed % 4 + 1), "--seed",
                             str(seed), "--preempt", str(seed * 97 % 1000),
                             soak)
        if code != 0 or " 0 failed" not in out:
            bad.append((seed, err[-300:]))
    check("a busy script holds under 8 seeds, 1 to 4 cores", not bad,
          str(bad))
    first = SRC + "/tests/scripts/first_calls.nxs"
    bad = []
    for seed in range(1, 13):
        code, out, err = run("run", "--cores", "2", "--seed", str(seed),
                             "--preempt", "800", first)
        if code != 0:
            bad.append((seed, code, err[-200:]))
    check("a guest's first calls on two vCPUs make its runtime once",
          not bad, str(bad))
    code, out, err = run("demo", "--cores", "2", "--seed", "3", "--preempt",
                         "500")
    check("demo takes --cores, --seed and --preempt",
          code == 0 and "seed 3, 2 cores:" in out and
          "the object says 20" in out, out[-600:] + err)


def profile_of(text):
    """The table after "time went to": {kind: (count, share)}."""
    lines = text.splitlines()
    head = next((i for i, l in enumerate(lines)
                 if l.startswith("time went to")), None)
    table = {}
    for l in lines[head + 1:] if head is not None else []:
        m = re.match(r"^(.+?)\s+(\d+)\s+([\d.]+)\s+([\d.]+)%$", l)
        if not m:
            break
        table[m.group(1)] = (int(m.group(2)), float(m.group(4)))
    return table


def test_profile():
    corpus = SRC + "/fuzz/corpus/"
    expect = {
        # CREATE, CLIENT, then three SMCs: each but the first reaches
        # the secure world and is followed by a refcount check.
        "fuzz_guest/fast_calls_after_client":
            {"set-up": 1, "CREATE": 1, "CLIENT": 1, "SMC": 3,
             "refcount check": 5, "canary's end": 1, "VMs destroyed": 1,
             "end checks": 1},
        # Six known SMCs and two ARGs: the canary calls after the 8th.
        "fuzz_smc_raw/two_guests":
            {"set-up": 1, "SMC (known)": 6, "ARG": 2, "refcount check": 6,
             "canary": 1, "canary's end": 1, "end checks": 1},
        "fuzz_sched/two_vms_interrupts":
            {"set-up": 1, "scheduled run": 1, "canary's end": 1,
             "VMs destroyed": 1, "end checks": 1},
    }
    for name, kinds in expect.items():
        code, out, err = run("replay", "--timing", corpus + name)
        table = profile_of(out)
        check("replay --timing of %s charges its time to the set-up, each "
              "kind of operation, the checks, the canary and the wind-down, "
              "as often as each ran, shares adding up to 100 %%" % name,
              code == 0 and
              {k: c for k, (c, _) in table.items()} == kinds and
              abs(sum(sh for _, sh in table.values()) - 100) < 0.5,
              out + err)
    # The standalone driver, over a directory of seeds, with the env var.
    standalone = os.path.join(os.path.dirname(os.path.dirname(NEXSIM)),
                              "fuzz", "fuzz_guest_standalone")
    seeds = [f for f in os.listdir(corpus + "fuzz_guest")
             if not re.fullmatch(r"[0-9a-f]{40}", f)]
    with tempfile.TemporaryDirectory() as d:
        for f in seeds:
            with open(corpus + "fuzz_guest/" + f, "rb") as src, \
                    open(os.path.join(d, f), "wb") as dst:
                dst.write(src.read())
        p = subprocess.run([standalone, d], capture_output=True, text=True,
                           env=dict(os.environ, NEXSIM_FUZZ_TIMING="1"),
                           timeout=120)
        table = profile_of(p.stdout)
        q = subprocess.run([standalone, d], capture_output=True, text=True,
                           timeout=120)
    check("NEXSIM_FUZZ_TIMING=1: the standalone driver's profile counts "
          "one set-up and one wind-down an input, and is not printed "
          "without it",
          p.returncode == 0 and q.returncode == 0 and
          table.get("set-up", (0,))[0] == len(seeds) and
          table.get("end checks", (0,))[0] == len(seeds) and
          "CLIENT" in table and not profile_of(q.stdout),
          p.stdout + p.stderr)


for test in [test_help_and_version, test_bad_command_lines, test_demo,
             test_scheduler,
             test_run_scripts, test_replay, test_profile,
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
