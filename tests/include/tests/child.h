/* SPDX-License-Identifier: BSD-2-Clause */
/* Tests that must watch a process end: run the code in a child. */
#ifndef TESTS_CHILD_H
#define TESTS_CHILD_H

#include <stddef.h>

/*
 * Run @fn(@arg) in a child process, which exits 0 if @fn returns. Its
 * stderr (all of it read, the first @size - 1 bytes kept) ends up in
 * @out, NUL-terminated. Returns the child's wait status.
 */
int test_run_child(void (*fn)(void *arg), void *arg, char *out, size_t size);

#endif /* TESTS_CHILD_H */
