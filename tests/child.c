// SPDX-License-Identifier: BSD-2-Clause
/* Run test code in a child process (tests/child.h). */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <tests/child.h>

int test_run_child(void (*fn)(void *arg), void *arg, char *out, size_t size)
{
	char spill[256];
	int pipefd[2];
	size_t got = 0;
	int status = 0;
	ssize_t n = 0;
	pid_t pid = 0;

	assert_true(size > 0);
	assert_int_equal(pipe(pipefd), 0);
	/* Nothing buffered is written twice, by parent and child. */
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		close(pipefd[0]);
		dup2(pipefd[1], STDERR_FILENO);
		fn(arg);
		_exit(0);
	}
	close(pipefd[1]);
	/* To the child's end: a child writing to a closed pipe would die. */
	for (;;) {
		if (got + 1 < size)
			n = read(pipefd[0], out + got, size - 1 - got);
		else
			n = read(pipefd[0], spill, sizeof(spill));
		if (n <= 0)
			break;
		if (got + 1 < size)
			got += (size_t)n;
	}
	out[got] = '\0';
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}
