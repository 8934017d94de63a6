#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Check fuzz dictionaries (libFuzzer/AFL format): every line blank, a
comment, or an entry `name="value"` / `"value"` whose value is printable
ASCII with \\\\, \\" and \\xNN escapes only; at least one entry a file, no
name twice. Prints TAP, one case a file."""

import re
import sys

ENTRY = re.compile(r'^(?:([A-Za-z_][A-Za-z0-9_]*)=)?"((?:[^"\\\x00-\x1f\x7f-\xff]|'
                   r'\\\\|\\"|\\x[0-9A-Fa-f]{2})*)"$')


def check(path):
    names = set()
    entries = 0
    with open(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        return "not ASCII"
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = ENTRY.match(line)
        if not m:
            return "line %d: not name=\"...\" with \\xNN escapes: %s" % (
                number, line)
        if m.group(1):
            if m.group(1) in names:
                return "line %d: %s named twice" % (number, m.group(1))
            names.add(m.group(1))
        entries += 1
    return None if entries else "no entries"


def main():
    if len(sys.argv) < 2:
        print("usage: check_dict.py FILE.dict...", file=sys.stderr)
        return 2
    print("1..%d" % (len(sys.argv) - 1))
    bad = 0
    for n, path in enumerate(sys.argv[1:], 1):
        why = check(path)
        print("%s %d - %s parses" % ("not ok" if why else "ok", n, path))
        if why:
            print("# " + why)
            bad += 1
    return 1 if bad else 0


sys.exit(main())
