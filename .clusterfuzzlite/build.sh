#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# ClusterFuzzLite runs this with CC, CFLAGS, LIB_FUZZING_ENGINE, OUT set:
# the project's own OSS-Fuzz build does the work.
set -eu
"$SRC/nexsim/fuzz/oss-fuzz/build.sh"
