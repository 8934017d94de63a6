/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Execution contexts on the host: a stack and the registers a function
 * call preserves. A switch saves the current context and continues
 * another; no signal mask is touched (unlike swapcontext(), which costs a
 * system call). x86-64 has its own switch; other hosts use ucontext.
 * Address-sanitizer fiber annotations are the caller's business.
 */
#ifndef SHIM_CTX_H
#define SHIM_CTX_H

#include <stddef.h>

#if defined(__x86_64__)
struct shim_ctx {
	void *sp;
};
#else
#include <ucontext.h>
struct shim_ctx {
	ucontext_t uc;
	void (*fn)(void *arg);
	void *arg;
};
#endif

/*
 * Prepare @c to run @fn(@arg) on [@stack, @stack + @size) at its first
 * switch. @fn must never return (it switches away for the last time).
 */
void shim_ctx_init(struct shim_ctx *c, void *stack, size_t size,
		   void (*fn)(void *arg), void *arg);

/* Save the running context in @from and continue @to. */
void shim_ctx_switch(struct shim_ctx *from, struct shim_ctx *to);

/*
 * The address sanitizer's fiber annotations around a switch (no-ops in
 * other builds): before it, the stack being switched to (@fake: where to
 * keep this stack's fake frames, NULL if it is left for good); after it,
 * on the new stack (@bottom/@size: the stack left, if wanted).
 */
void shim_fiber_start(void **fake, const void *bottom, size_t size);
void shim_fiber_finish(void *fake, const void **bottom, size_t *size);

#endif /* SHIM_CTX_H */
