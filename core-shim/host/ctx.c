// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host context switches (see shim/ctx.h).
 *
 * x86-64 (System V): a switch pushes the callee-saved registers (rbp, rbx,
 * r12-r15) and the MXCSR and x87 control words, which the ABI also has the
 * callee preserve, stores the stack pointer, loads the other one and pops
 * the same. A new context's stack is laid out as if it had switched away
 * just before its first instruction: the pops give r12 = @fn, r13 = @arg,
 * and the return lands in ctx_start, which calls @fn(@arg).
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shim/ctx.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CTX_ASAN 1
#endif
#endif
#if !defined(CTX_ASAN) && defined(__SANITIZE_ADDRESS__)
#define CTX_ASAN 1
#endif
#ifdef CTX_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

void shim_fiber_start(void **fake, const void *bottom, size_t size)
{
#ifdef CTX_ASAN
	__sanitizer_start_switch_fiber(fake, bottom, size);
#else
	(void)fake;
	(void)bottom;
	(void)size;
#endif
}

void shim_fiber_finish(void *fake, const void **bottom, size_t *size)
{
#ifdef CTX_ASAN
	__sanitizer_finish_switch_fiber(fake, bottom, size);
#else
	(void)fake;
	(void)bottom;
	(void)size;
#endif
}

#if defined(__x86_64__)

void nexsim_ctx_switch_asm(void **save, void *to);
void nexsim_ctx_start(void);

__asm__(
	".text\n"
	".globl nexsim_ctx_switch_asm\n"
	".type nexsim_ctx_switch_asm, @function\n"
	"nexsim_ctx_switch_asm:\n"
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	subq $8, %rsp\n"
	"	stmxcsr (%rsp)\n"
	"	fnstcw 4(%rsp)\n"
	"	movq %rsp, (%rdi)\n"
	"	movq %rsi, %rsp\n"
	"	ldmxcsr (%rsp)\n"
	"	fldcw 4(%rsp)\n"
	"	addq $8, %rsp\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n"
	"	ret\n"
	".size nexsim_ctx_switch_asm, .-nexsim_ctx_switch_asm\n"
	".globl nexsim_ctx_start\n"
	".type nexsim_ctx_start, @function\n"
	"nexsim_ctx_start:\n"
	"	movq %r13, %rdi\n"
	"	callq *%r12\n"
	"	ud2\n"
	".size nexsim_ctx_start, .-nexsim_ctx_start\n");

/* The frame a switch pops, lowest address first. */
struct start_frame {
	uint32_t mxcsr;
	uint16_t fpucw;
	uint16_t pad;
	uint64_t r15;
	uint64_t r14;
	uint64_t r13;
	uint64_t r12;
	uint64_t rbx;
	uint64_t rbp;
	uint64_t ret;
};

void shim_ctx_init(struct shim_ctx *c, void *stack, size_t size,
		   void (*fn)(void *arg), void *arg)
{
	uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
	struct start_frame *f = NULL;

	/* After the pops and the return, the stack is 16-byte aligned. */
	f = (struct start_frame *)(top - 16 - sizeof(*f));
	memset(f, 0, sizeof(*f));
	f->mxcsr = 0x1f80;	/* all exceptions masked, round to nearest */
	f->fpucw = 0x037f;	/* the same for x87 */
	f->r12 = (uint64_t)(uintptr_t)fn;
	f->r13 = (uint64_t)(uintptr_t)arg;
	f->ret = (uint64_t)(uintptr_t)nexsim_ctx_start;
	c->sp = f;
}

void shim_ctx_switch(struct shim_ctx *from, struct shim_ctx *to)
{
	nexsim_ctx_switch_asm(&from->sp, to->sp);
}

#else

/* makecontext() passes int arguments: the context's address in halves. */
static void ctx_start(unsigned int hi, unsigned int lo)
{
	struct shim_ctx *c = (struct shim_ctx *)(uintptr_t)
			     (((uint64_t)hi << 32) | lo);

	c->fn(c->arg);
	abort();
}

void shim_ctx_init(struct shim_ctx *c, void *stack, size_t size,
		   void (*fn)(void *arg), void *arg)
{
	uint64_t p = (uint64_t)(uintptr_t)c;

	if (getcontext(&c->uc)) {
		perror("nexsim: getcontext");
		abort();
	}
	c->uc.uc_stack.ss_sp = stack;
	c->uc.uc_stack.ss_size = size;
	c->uc.uc_link = NULL;
	c->fn = fn;
	c->arg = arg;
	makecontext(&c->uc, (void (*)(void))ctx_start, 2,
		    (unsigned int)(p >> 32), (unsigned int)p);
}

void shim_ctx_switch(struct shim_ctx *from, struct shim_ctx *to)
{
	if (swapcontext(&from->uc, &to->uc)) {
		perror("nexsim: swapcontext");
		abort();
	}
}

#endif
