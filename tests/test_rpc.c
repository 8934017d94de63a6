// SPDX-License-Identifier: BSD-2-Clause
/*
 * Threads that leave in the middle of a call: RPCs at the raw SMC level,
 * the test playing the normal world and answering each RPC itself.
 */

#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nexsim/ta_ids.h>
#include <optee_msg.h>
#include <optee_rpc_cmd.h>
#include <tee_client_api.h>
#include <tests/child.h>
#include <tests/harness.h>
#include <tests/rawmsg.h>
#include <tests/smc_ids.h>

#define RPC_ALLOC	0xffff0000u
#define RPC_FREE	0xffff0002u
#define RPC_FOREIGN	0xffff0004u
#define RPC_CMD		0xffff0005u

static const TEE_UUID storage_uuid = TA_STORAGE_UUID;
static const TEE_UUID hello_uuid = TA_HELLO_WORLD_UUID;

/* A call in flight: its argument page and the last registers seen. */
struct flight {
	uint32_t guest;
	uint64_t pa;
	struct raw_arg arg;
	struct shim_regs r;
};

static void smc_regs(struct shim_regs *r, uint32_t a0, uint32_t a1,
		     uint32_t a2, uint32_t a3, uint32_t a4, uint32_t a5,
		     uint32_t a7)
{
	memset(r, 0, sizeof(*r));
	r->x[0] = a0;
	r->x[1] = a1;
	r->x[2] = a2;
	r->x[3] = a3;
	r->x[4] = a4;
	r->x[5] = a5;
	r->x[7] = a7;
	shim_smc(0, r);
}

/* Start an invoke of @cmd with one value param of type @attr. */
static uint32_t start_invoke(struct flight *f, uint32_t guest, uint32_t session,
			     uint32_t cmd, uint64_t attr, uint64_t a)
{
	f->guest = guest;
	f->pa = raw_page();
	raw_init(&f->arg, OPTEE_MSG_CMD_INVOKE_COMMAND, 1);
	f->arg.hdr.session = session;
	f->arg.hdr.func = cmd;
	f->arg.hdr.params[0].attr = attr;
	f->arg.hdr.params[0].u.value.a = a;
	assert_int_equal(sim_phys_write(&harness_machine, f->pa, &f->arg,
					sizeof(f->arg)), 0);
	smc_regs(&f->r, T_CALL_WITH_ARG, (uint32_t)(f->pa >> 32),
		 (uint32_t)f->pa, 0, 0, 0, guest);
	return (uint32_t)f->r.x[0];
}

static uint32_t thread_of(const struct flight *f)
{
	return (uint32_t)f->r.x[3];
}

/* RETURN_FROM_RPC for @f with the answer registers a1, a2, a4, a5. */
static uint32_t resume(struct flight *f, uint32_t a1, uint32_t a2,
		       uint32_t a4, uint32_t a5)
{
	smc_regs(&f->r, T_RETURN_FROM_RPC, a1, a2, thread_of(f), a4, a5,
		 f->guest);
	return (uint32_t)f->r.x[0];
}

/* Answer RPC_ALLOC with a fresh page; its PA is the cookie. */
static uint32_t answer_alloc(struct flight *f)
{
	uint64_t pa = raw_page();

	assert_int_equal((uint32_t)f->r.x[0], RPC_ALLOC);
	assert_true(f->r.x[1] >= OPTEE_MSG_GET_ARG_SIZE(4));
	return resume(f, (uint32_t)(pa >> 32), (uint32_t)pa,
		      (uint32_t)(pa >> 32), (uint32_t)pa);
}

/* The RPC argument of an RPC_CMD (its cookie is its PA, see above). */
static uint64_t rpc_arg_pa(const struct flight *f)
{
	assert_int_equal((uint32_t)f->r.x[0], RPC_CMD);
	return ((uint64_t)(uint32_t)f->r.x[1] << 32) | (uint32_t)f->r.x[2];
}

static void read_rpc(const struct flight *f, struct raw_arg *a)
{
	assert_int_equal(sim_phys_read(&harness_machine, rpc_arg_pa(f), a,
				       OPTEE_MSG_GET_ARG_SIZE(4)), 0);
}

static void write_rpc(const struct flight *f, const struct raw_arg *a)
{
	assert_int_equal(sim_phys_write(&harness_machine, rpc_arg_pa(f), a,
					OPTEE_MSG_GET_ARG_SIZE(4)), 0);
}

/* Answer a GET_TIME command with @sec and @nsec. */
static uint32_t answer_time(struct flight *f, uint64_t sec, uint64_t nsec)
{
	struct raw_arg rpc;

	read_rpc(f, &rpc);
	assert_int_equal(rpc.hdr.cmd, OPTEE_RPC_CMD_GET_TIME);
	rpc.hdr.params[0].u.value.a = sec;
	rpc.hdr.params[0].u.value.b = nsec;
	rpc.hdr.ret = 0;
	write_rpc(f, &rpc);
	return resume(f, 0, 0, 0, 0);
}

/* Answer the RPC_FREE of the RPC argument; the call then completes. */
static uint32_t finish(struct flight *f)
{
	assert_int_equal((uint32_t)f->r.x[0], RPC_FREE);
	assert_int_equal(resume(f, 0, 0, 0, 0), T_OK);
	assert_int_equal(sim_phys_read(&harness_machine, f->pa, &f->arg,
				       sizeof(f->arg)), 0);
	return f->arg.hdr.ret;
}

static int setup(void **state)
{
	harness_setup_two_running_guests(state);
	raw_reset();
	return 0;
}

static void guest_info(uint16_t id, struct core_guest_info *info)
{
	int32_t slot = core_find_guest_slot(id);

	assert_true(slot >= 0);
	assert_true(core_get_slot_info((uint32_t)slot, info));
}

static void test_get_time_round_trip(void **state)
{
	struct flight f;
	struct raw_arg rpc;
	uint32_t s = raw_open_session(1, &storage_uuid);

	(void)state;
	/* First the thread asks for its RPC argument... */
	assert_int_equal(start_invoke(&f, 1, s, TA_STORAGE_CMD_REE_TIME,
				      OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0),
			 RPC_ALLOC);
	/* ...then sends GET_TIME in it. */
	assert_int_equal(answer_alloc(&f), RPC_CMD);
	read_rpc(&f, &rpc);
	assert_int_equal(rpc.hdr.cmd, OPTEE_RPC_CMD_GET_TIME);
	assert_int_equal(rpc.hdr.num_params, 1);
	assert_int_equal(rpc.hdr.params[0].attr,
			 OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT);
	rpc.hdr.params[0].u.value.a = 1700000000;
	rpc.hdr.params[0].u.value.b = 250000000;
	rpc.hdr.ret = 0;
	write_rpc(&f, &rpc);
	/* Without the RPC cache, the argument is freed before the end. */
	assert_int_equal(resume(&f, 0, 0, 0, 0), RPC_FREE);
	assert_int_equal(finish(&f), 0);
	assert_int_equal(f.arg.hdr.params[0].u.value.a, 1700000000);
	assert_int_equal(f.arg.hdr.params[0].u.value.b, 250);
	assert_int_equal(raw_close_session(1, s), 0);
}

static void test_lying_normal_world_time_panics_the_ta(void **state)
{
	struct flight f;
	struct raw_arg rpc;
	uint32_t s = raw_open_session(1, &storage_uuid);

	(void)state;
	start_invoke(&f, 1, s, TA_STORAGE_CMD_REE_TIME,
		     OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0);
	answer_alloc(&f);
	read_rpc(&f, &rpc);
	/* Nanoseconds beyond a second: GP says TEE_GetREETime panics. */
	rpc.hdr.params[0].u.value.b = 2000000000u;
	rpc.hdr.ret = 0;
	write_rpc(&f, &rpc);
	assert_int_equal(resume(&f, 0, 0, 0, 0), RPC_FREE);
	assert_int_equal(finish(&f), TEEC_ERROR_TARGET_DEAD);
	assert_int_equal(raw_close_session(1, s), 0);

	/* Seconds that do not fit TEE_Time's 32 bits: the same. */
	s = raw_open_session(1, &storage_uuid);
	start_invoke(&f, 1, s, TA_STORAGE_CMD_REE_TIME,
		     OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0);
	answer_alloc(&f);
	assert_int_equal(answer_time(&f, 1ull << 32, 0), RPC_FREE);
	assert_int_equal(finish(&f), TEEC_ERROR_TARGET_DEAD);
	assert_int_equal(raw_close_session(1, s), 0);
}

static void test_resume_names_a_suspended_thread_of_the_caller(void **state)
{
	struct core_guest_info info;
	struct shim_regs r;
	struct flight f;
	uint32_t s = raw_open_session(1, &storage_uuid);
	uint32_t t = 0;

	(void)state;
	assert_int_equal(start_invoke(&f, 1, s, TA_STORAGE_CMD_REE_TIME,
				      OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0),
			 RPC_ALLOC);
	t = thread_of(&f);
	assert_true(t < 2);
	guest_info(1, &info);
	assert_int_equal(info.threads_suspended, 1);

	/* The other thread (free), one that does not exist: ERESUME. */
	smc_regs(&r, T_RETURN_FROM_RPC, 0, 0, t ^ 1, 0, 0, 1);
	assert_int_equal(r.x[0], T_ERESUME);
	smc_regs(&r, T_RETURN_FROM_RPC, 0, 0, 77, 0, 0, 1);
	assert_int_equal(r.x[0], T_ERESUME);
	/* Guest 2 cannot resume guest 1's thread: its own is not waiting. */
	smc_regs(&r, T_RETURN_FROM_RPC, 0, 0, t, 0, 0, 2);
	assert_int_equal(r.x[0], T_ERESUME);
	/* The hypervisor has no threads; an unknown guest is refused. */
	smc_regs(&r, T_RETURN_FROM_RPC, 0, 0, t, 0, 0, 0);
	assert_int_equal(r.x[0], T_ENOTAVAIL);
	smc_regs(&r, T_RETURN_FROM_RPC, 0, 0, t, 0, 0, 9);
	assert_int_equal(r.x[0], T_ENOTAVAIL);

	/* None of that disturbed the waiting thread. */
	guest_info(1, &info);
	assert_int_equal(info.threads_suspended, 1);
	assert_int_equal(answer_alloc(&f), RPC_CMD);
	assert_int_equal(answer_time(&f, 1, 0), RPC_FREE);
	assert_int_equal(finish(&f), 0);
	/* Done: resuming it again is ERESUME. */
	assert_int_equal(resume(&f, 0, 0, 0, 0), T_ERESUME);
	guest_info(1, &info);
	assert_int_equal(info.threads_busy, 0);
	assert_int_equal(raw_close_session(1, s), 0);
}

static void test_thread_exhaustion_stays_in_its_guest(void **state)
{
	struct flight f[2];
	struct shim_regs r;
	uint32_t ss[2];
	uint32_t s = 0;
	uint32_t a = 41;
	size_t n = 0;

	(void)state;
	smc_regs(&r, T_GET_THREAD_COUNT, 0, 0, 0, 0, 0, 1);
	assert_int_equal(r.x[0], T_OK);
	assert_int_equal(r.x[1], 2);
	/* Both threads of guest 1 wait in an RPC (two sessions, two instances). */
	for (n = 0; n < 2; n++) {
		ss[n] = raw_open_session(1, &storage_uuid);
		assert_int_equal(start_invoke(&f[n], 1, ss[n],
					      TA_STORAGE_CMD_REE_TIME,
					      OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT,
					      0), RPC_ALLOC);
	}
	assert_int_not_equal(thread_of(&f[0]), thread_of(&f[1]));
	/* A third call finds none; nothing of it was kept. */
	assert_int_equal(harness_first_std_call(0, 1), T_ETHREAD_LIMIT);
	/* Guest 2's threads are its own. */
	s = raw_open_session(2, &hello_uuid);
	assert_int_equal(raw_invoke_value(2, s, TA_HELLO_WORLD_CMD_INC_VALUE,
					  &a, NULL), 0);
	assert_int_equal(a, 42);
	assert_int_equal(raw_close_session(2, s), 0);
	/* Finishing one call frees one thread. */
	answer_alloc(&f[1]);
	assert_int_equal(answer_time(&f[1], 1, 0), RPC_FREE);
	assert_int_equal(finish(&f[1]), 0);
	assert_int_equal(harness_first_std_call(0, 1), T_OK);
	answer_alloc(&f[0]);
	assert_int_equal(answer_time(&f[0], 2, 0), RPC_FREE);
	assert_int_equal(finish(&f[0]), 0);
	for (n = 0; n < 2; n++)
		assert_int_equal(raw_close_session(1, ss[n]), 0);
}

static uint64_t notification(const struct flight *f, uint32_t action)
{
	struct raw_arg rpc;

	read_rpc(f, &rpc);
	assert_int_equal(rpc.hdr.cmd, OPTEE_RPC_CMD_NOTIFICATION);
	assert_int_equal(rpc.hdr.num_params, 1);
	assert_int_equal(rpc.hdr.params[0].u.value.a, action);
	return rpc.hdr.params[0].u.value.b;
}

static uint32_t answer_ok(struct flight *f)
{
	struct raw_arg rpc;

	read_rpc(f, &rpc);
	rpc.hdr.ret = 0;
	write_rpc(f, &rpc);
	return resume(f, 0, 0, 0, 0);
}

static void test_calls_on_one_session_wait_in_the_normal_world(void **state)
{
	struct flight f[2];
	uint32_t s = raw_open_session(1, &storage_uuid);
	uint64_t key = 0;

	(void)state;
	/* The first call holds the instance, suspended in GET_TIME. */
	start_invoke(&f[0], 1, s, TA_STORAGE_CMD_REE_TIME,
		     OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0);
	assert_int_equal(answer_alloc(&f[0]), RPC_CMD);
	/* The second finds it busy: its thread sleeps on a wait queue. */
	start_invoke(&f[1], 1, s, TA_STORAGE_CMD_REE_TIME,
		     OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0);
	assert_int_equal(answer_alloc(&f[1]), RPC_CMD);
	key = notification(&f[1], OPTEE_RPC_NOTIFICATION_WAIT);
	assert_int_not_equal(key, 0);
	/* The first finishes and wakes it: SEND of the same key. */
	assert_int_equal(answer_time(&f[0], 3, 0), RPC_CMD);
	assert_int_equal(notification(&f[0], OPTEE_RPC_NOTIFICATION_SEND),
			 key);
	assert_int_equal(answer_ok(&f[0]), RPC_FREE);
	assert_int_equal(finish(&f[0]), 0);
	assert_int_equal(f[0].arg.hdr.params[0].u.value.a, 3);
	/* Woken, the second runs the TA in turn. */
	assert_int_equal(answer_ok(&f[1]), RPC_CMD);
	assert_int_equal(answer_time(&f[1], 4, 0), RPC_FREE);
	assert_int_equal(finish(&f[1]), 0);
	assert_int_equal(f[1].arg.hdr.params[0].u.value.a, 4);
	assert_int_equal(raw_close_session(1, s), 0);
}

static void test_cancel_reaches_a_ta_waiting_in_the_normal_world(void **state)
{
	struct flight f;
	struct raw_arg rpc;
	struct raw_arg c;
	uint32_t s = raw_open_session(1, &storage_uuid);

	(void)state;
	start_invoke(&f, 1, s, TA_STORAGE_CMD_WAIT,
		     OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 10);
	assert_int_equal(answer_alloc(&f), RPC_CMD);
	read_rpc(&f, &rpc);
	assert_int_equal(rpc.hdr.cmd, OPTEE_RPC_CMD_SUSPEND);
	assert_int_equal(rpc.hdr.params[0].u.value.a, 10);
	/* While it sleeps, the client cancels, on the other thread. */
	raw_init(&c, OPTEE_MSG_CMD_CANCEL, 0);
	c.hdr.session = s;
	assert_int_equal(raw_call(1, &c), T_OK);
	assert_int_equal(c.hdr.ret, 0);
	/* It wakes, sees its (unmasked) cancellation flag. */
	rpc.hdr.ret = 0;
	write_rpc(&f, &rpc);
	assert_int_equal(resume(&f, 0, 0, 0, 0), RPC_FREE);
	assert_int_equal(finish(&f), TEEC_ERROR_CANCEL);
	assert_int_equal(f.arg.hdr.ret_origin, TEEC_ORIGIN_TRUSTED_APP);
	/* Reset after the call: the next wait is not cancelled. */
	start_invoke(&f, 1, s, TA_STORAGE_CMD_WAIT,
		     OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 1);
	answer_alloc(&f);
	read_rpc(&f, &rpc);
	rpc.hdr.ret = 0;
	write_rpc(&f, &rpc);
	resume(&f, 0, 0, 0, 0);
	assert_int_equal(finish(&f), 0);
	assert_int_equal(raw_close_session(1, s), 0);
}

static enum arch_preempt_kind seen_kind;
static unsigned int interrupts_left;

static bool interrupt_once(unsigned int core, enum arch_preempt_kind kind,
			   void *arg)
{
	(void)core;
	(void)arg;
	if (!interrupts_left || !shim_core_in_thread(core))
		return false;
	interrupts_left--;
	seen_kind = kind;
	return true;
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* At every preemption point of core code: an alarm, as a fuzzer's timer. */
static bool alarm_at_point(unsigned int core, enum arch_preempt_kind kind,
			   void *arg)
{
	(void)core;
	(void)kind;
	(void)arg;
	raise(SIGALRM);
	return false;
}

/*
 * An asynchronous signal that arrives while core code runs on a thread
 * stack in the guest's private memory (libFuzzer's timeout alarm does)
 * reaches its handler, and neither the handler nor the call trips the
 * isolation guards; sigaction() still reports the handler as installed.
 */
static void test_async_signal_amid_core_code(void **state)
{
	struct shim_stats before;
	struct shim_stats after;
	struct sigaction sa;
	struct sigaction old;
	struct sigaction cur;
	uint32_t origin = 0;
	uint32_t a = 41;
	uint32_t s = 0;

	(void)state;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
	assert_int_equal(sigaction(SIGALRM, NULL, &cur), 0);
	assert_ptr_equal(cur.sa_handler, on_alarm);
	shim_get_stats(&before);
	alarms = 0;
	shim_set_preempt_hook(alarm_at_point, NULL);
	s = raw_open_session(1, &hello_uuid);
	assert_int_equal(raw_invoke_value(1, s, TA_HELLO_WORLD_CMD_INC_VALUE,
					  &a, &origin), 0);
	shim_set_preempt_hook(NULL, NULL);
	assert_int_equal(a, 42);
	assert_int_equal(raw_close_session(1, s), 0);
	shim_get_stats(&after);
	assert_true(alarms > 0);
	assert_int_equal(after.violations, before.violations);
	assert_int_equal(sigaction(SIGALRM, &old, NULL), 0);
}

static void on_abort(int sig)
{
	static const char msg[] = "abort handler ran\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(76);
	_exit(77);
}

#define ABORT_CHILD_ARG	"--abort-in-core-thread"

/* The first preemption point inside a core thread: a panic's abort(). */
static bool abort_in_thread(unsigned int core, enum arch_preempt_kind kind,
			    void *arg)
{
	(void)kind;
	(void)arg;
	if (shim_core_in_thread(core))
		abort();
	return false;
}

/* The child: this program afresh, told to abort in a core thread. */
static void exec_abort_child(void *arg)
{
	(void)arg;
	execl("/proc/self/exe", "test_rpc", ABORT_CHILD_ARG, NULL);
	_exit(75);
}

/*
 * A crash signal raised on a core thread's stack (a panic aborts there)
 * reaches the program's handler (a fuzzer's, which writes the crash
 * file), not an isolation report from the handler's own first push; and
 * SIG_IGN with SA_SIGINFO still ignores.
 */
static void test_crash_signal_amid_core_code(void **state)
{
	struct sigaction sa;
	char out[4096] = "";
	int status = 0;

	(void)state;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGUSR2, &sa, NULL), 0);
	assert_int_equal(raise(SIGUSR2), 0);

	/*
	 * The child is this program afresh, with a machine of its own: a
	 * forked one would share the guests' memory with this one.
	 */
	status = test_run_child(exec_abort_child, NULL, out, sizeof(out));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 77);
	assert_non_null(strstr(out, "abort handler ran"));
	assert_null(strstr(out, "ISOLATION VIOLATION"));
}

static void test_foreign_interrupt_preempts_and_resumes(void **state)
{
	struct flight f;
	uint32_t s = raw_open_session(1, &storage_uuid);
	uint32_t t = 0;

	(void)state;
	interrupts_left = 1;
	shim_set_preempt_hook(interrupt_once, NULL);
	/* The first preemption point in the thread takes the interrupt. */
	assert_int_equal(start_invoke(&f, 1, s, TA_STORAGE_CMD_REE_TIME,
				      OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0),
			 RPC_FOREIGN);
	t = thread_of(&f);
	assert_int_equal(interrupts_left, 0);
	/*
	 * Entry code is never interrupted (the claim's spinlock release is
	 * entry code): the first point in the thread is the TA manager's
	 * mutex.
	 */
	assert_int_equal(seen_kind, ARCH_PREEMPT_MUTEX);
	/* The normal world took it; the call goes on where it was. */
	assert_int_equal(resume(&f, 0, 0, 0, 0), RPC_ALLOC);
	assert_int_equal(thread_of(&f), t);
	assert_int_equal(answer_alloc(&f), RPC_CMD);
	assert_int_equal(answer_time(&f, 5, 0), RPC_FREE);
	assert_int_equal(finish(&f), 0);
	assert_int_equal(f.arg.hdr.params[0].u.value.a, 5);
	shim_set_preempt_hook(NULL, NULL);
	assert_int_equal(raw_close_session(1, s), 0);
}

static void test_destroy_while_suspended_drops_only_that_guest(void **state)
{
	struct core_nexus_info nexus;
	struct core_guest_info info;
	struct shim_stats st;
	struct flight f[2];
	struct shim_regs r;
	uint32_t s = raw_open_session(1, &storage_uuid);
	uint32_t a = 1;
	size_t n = 0;

	(void)state;
	core_get_nexus_info(&nexus);
	assert_int_equal(nexus.undrained_destroys, 0);
	start_invoke(&f[0], 1, s, TA_STORAGE_CMD_REE_TIME,
		     OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0);
	start_invoke(&f[1], 1, s, TA_STORAGE_CMD_WAIT,
		     OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 5);
	assert_int_equal(answer_alloc(&f[1]), RPC_CMD);
	guest_info(1, &info);
	assert_int_equal(info.threads_suspended, 2);

	/* A hypervisor that did not drain: the nexus says so, and goes on. */
	smc_regs(&r, T_VM_DESTROYED, 1, 0, 0, 0, 0, 0);
	assert_int_equal(r.x[0], T_OK);
	core_get_nexus_info(&nexus);
	assert_int_equal(nexus.undrained_destroys, 1);
	/* No reference held by the suspended calls: freed at once. */
	assert_int_equal(nexus.guests_dying, 0);
	assert_int_equal(core_find_guest_slot(1), -1);
	/* Its threads are gone with it. */
	for (n = 0; n < 2; n++)
		assert_int_equal(resume(&f[n], 0, 0, 0, 0), T_ENOTAVAIL);
	shim_get_stats(&st);
	assert_int_equal(st.violations, 0);

	/* The other guest never noticed. */
	s = raw_open_session(2, &hello_uuid);
	assert_int_equal(raw_invoke_value(2, s, TA_HELLO_WORLD_CMD_INC_VALUE,
					  &a, NULL), 0);
	assert_int_equal(a, 2);
	assert_int_equal(raw_close_session(2, s), 0);
	/* The ID comes back with fresh threads. */
	assert_int_equal(sim_vm_created(1), 0);
	assert_int_equal(harness_first_std_call(0, 1), T_OK);
	guest_info(1, &info);
	assert_int_equal(info.threads_busy, 0);
}

static uint64_t reg_pair(uint64_t hi, uint64_t lo)
{
	return ((uint64_t)(uint32_t)hi << 32) | (uint32_t)lo;
}

static void test_rpc_argument_at_a_bad_address_is_given_back_unused(
	void **state)
{
	const struct arch_platform *p = &harness_machine.cfg.platform;
	uint64_t dram = pa_addr(p->nsec_ddr_base);
	uint64_t page = raw_page();
	const uint64_t bad[] = {
		page + 4,			/* not 8-byte aligned */
		page + 4096 - 64,		/* runs past its page */
		pa_addr(p->tzdram_base),	/* secure memory */
		dram - 4096,			/* below non-secure DRAM */
		dram + p->nsec_ddr_size,	/* above it */
	};
	struct core_guest_info before;
	struct core_guest_info after;
	struct shim_stats st0;
	struct shim_stats st;
	struct flight f;
	size_t n = 0;

	(void)state;
	shim_get_stats(&st0);
	for (n = 0; n < sizeof(bad) / sizeof(bad[0]); n++) {
		uint64_t cookie = 0xc0de0000u + n;
		uint32_t s = 0;

		guest_info(1, &before);
		s = raw_open_session(1, &storage_uuid);
		assert_int_equal(start_invoke(&f, 1, s, TA_STORAGE_CMD_REE_TIME,
					      OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT,
					      0), RPC_ALLOC);
		/* The core hands the buffer back, by the normal world's cookie. */
		assert_int_equal(resume(&f, (uint32_t)(bad[n] >> 32),
					(uint32_t)bad[n],
					(uint32_t)(cookie >> 32),
					(uint32_t)cookie), RPC_FREE);
		assert_true(reg_pair(f.r.x[1], f.r.x[2]) == cookie);
		/* Without its GET_TIME, TEE_GetREETime panics the TA (GP). */
		assert_int_equal(finish(&f), TEEC_ERROR_TARGET_DEAD);
		assert_int_equal(raw_close_session(1, s), 0);
		/* Nothing kept: no mapping, no thread, no heap. */
		guest_info(1, &after);
		assert_int_equal(after.threads_busy, 0);
		assert_int_equal(after.heap_used, before.heap_used);
		shim_get_stats(&st);
		assert_int_equal(st.ns_maps_live, st0.ns_maps_live);
		assert_int_equal(st.violations, st0.violations);
	}
	/* The thread did not keep the refused address: it asks again. */
	test_get_time_round_trip(state);
}

static void test_shm_cache_cannot_change_while_a_call_waits(void **state)
{
	struct shim_regs r;
	struct flight f;
	uint32_t s = raw_open_session(1, &storage_uuid);

	(void)state;
	assert_int_equal(start_invoke(&f, 1, s, TA_STORAGE_CMD_REE_TIME,
				      OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0),
			 RPC_ALLOC);
	/* A thread of guest 1 is in an RPC: its cache stays as it is. */
	smc_regs(&r, T_ENABLE_SHM_CACHE, 0, 0, 0, 0, 0, 1);
	assert_int_equal(r.x[0], T_EBUSY);
	smc_regs(&r, T_DISABLE_SHM_CACHE, 0, 0, 0, 0, 0, 1);
	assert_int_equal(r.x[0], T_EBUSY);
	/* Guest 2's threads are all free: its cache may change. */
	smc_regs(&r, T_ENABLE_SHM_CACHE, 0, 0, 0, 0, 0, 2);
	assert_int_equal(r.x[0], T_OK);
	smc_regs(&r, T_DISABLE_SHM_CACHE, 0, 0, 0, 0, 0, 2);
	assert_int_equal(r.x[0], T_ENOTAVAIL);	/* nothing was cached */
	/* Still no cache in guest 1: the argument is freed at the end. */
	assert_int_equal(answer_alloc(&f), RPC_CMD);
	assert_int_equal(answer_time(&f, 7, 0), RPC_FREE);
	assert_int_equal(finish(&f), 0);
	assert_int_equal(f.arg.hdr.params[0].u.value.a, 7);
	assert_int_equal(raw_close_session(1, s), 0);
}

static void test_a_refused_sleep_panics_the_waiting_ta(void **state)
{
	struct flight f;
	struct raw_arg rpc;
	uint32_t s = raw_open_session(1, &storage_uuid);

	(void)state;
	start_invoke(&f, 1, s, TA_STORAGE_CMD_WAIT,
		     OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 10);
	assert_int_equal(answer_alloc(&f), RPC_CMD);
	read_rpc(&f, &rpc);
	assert_int_equal(rpc.hdr.cmd, OPTEE_RPC_CMD_SUSPEND);
	/* The normal world will not let the thread sleep. */
	rpc.hdr.ret = TEEC_ERROR_GENERIC;
	write_rpc(&f, &rpc);
	assert_int_equal(resume(&f, 0, 0, 0, 0), RPC_FREE);
	assert_int_equal(finish(&f), TEEC_ERROR_TARGET_DEAD);
	assert_int_equal(f.arg.hdr.ret_origin, TEEC_ORIGIN_TEE);
	assert_int_equal(raw_close_session(1, s), 0);
}

/* REGISTER_SHM (UNREGISTER_SHM if !@buf_ptr) of @cookie; returns ret. */
static uint32_t shm_command(uint64_t buf_ptr, uint64_t size, uint64_t cookie)
{
	struct raw_arg a;

	if (buf_ptr) {
		raw_init(&a, OPTEE_MSG_CMD_REGISTER_SHM, 1);
		a.hdr.params[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT |
				       OPTEE_MSG_ATTR_NONCONTIG;
		a.hdr.params[0].u.tmem.buf_ptr = buf_ptr;
		a.hdr.params[0].u.tmem.size = size;
	} else {
		raw_init(&a, OPTEE_MSG_CMD_UNREGISTER_SHM, 1);
		a.hdr.params[0].attr = OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
	}
	a.hdr.params[0].u.tmem.shm_ref = cookie;
	assert_int_equal(raw_call(1, &a), T_OK);
	return a.hdr.ret;
}

static void test_a_buffer_in_use_cannot_be_unregistered(void **state)
{
	static const char area[64] = "id\0data";
	struct core_guest_info info;
	struct flight f;
	uint64_t pages[1];
	uint64_t buf = raw_buffer(area, sizeof(area), 0, pages, 1);
	uint32_t s = raw_open_session(1, &storage_uuid);

	(void)state;
	assert_int_equal(shm_command(buf, sizeof(area), 0x5e6), 0);
	/* WRITE of "id" with "data", both in the registered buffer. */
	f.guest = 1;
	f.pa = raw_page();
	raw_init(&f.arg, OPTEE_MSG_CMD_INVOKE_COMMAND, 2);
	f.arg.hdr.session = s;
	f.arg.hdr.func = TA_STORAGE_CMD_WRITE;
	f.arg.hdr.params[0].attr = OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
	f.arg.hdr.params[0].u.rmem.size = 2;
	f.arg.hdr.params[0].u.rmem.shm_ref = 0x5e6;
	f.arg.hdr.params[1].attr = OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
	f.arg.hdr.params[1].u.rmem.offs = 3;
	f.arg.hdr.params[1].u.rmem.size = 4;
	f.arg.hdr.params[1].u.rmem.shm_ref = 0x5e6;
	assert_int_equal(sim_phys_write(&harness_machine, f.pa, &f.arg,
					sizeof(f.arg)), 0);
	smc_regs(&f.r, T_CALL_WITH_ARG, (uint32_t)(f.pa >> 32), (uint32_t)f.pa,
		 0, 0, 0, 1);
	assert_int_equal((uint32_t)f.r.x[0], RPC_ALLOC);

	/* While the call waits, its buffer stays registered. */
	assert_int_equal(shm_command(0, 0, 0x5e6), TEEC_ERROR_BUSY);
	guest_info(1, &info);
	assert_int_equal(info.shm_registered, 1);

	/* No memory for an RPC argument: the call ends, letting it go. */
	assert_int_equal(resume(&f, 0, 0, 0, 0), T_OK);
	assert_int_equal(sim_phys_read(&harness_machine, f.pa, &f.arg,
				       sizeof(f.arg)), 0);
	assert_int_equal(f.arg.hdr.ret, TEEC_ERROR_OUT_OF_MEMORY);
	assert_int_equal(shm_command(0, 0, 0x5e6), 0);
	guest_info(1, &info);
	assert_int_equal(info.shm_registered, 0);
	assert_int_equal(raw_close_session(1, s), 0);
}

/*
 * Start TA_STORAGE_CMD_SIZE of object @id: a page-list memref and a value
 * out. Its first RPC_ALLOC is answered; returns the next RPC.
 */
static uint32_t start_size(struct flight *f, uint32_t session, const char *id)
{
	uint64_t pages[1];

	f->guest = 1;
	f->pa = raw_page();
	raw_init(&f->arg, OPTEE_MSG_CMD_INVOKE_COMMAND, 2);
	f->arg.hdr.session = session;
	f->arg.hdr.func = TA_STORAGE_CMD_SIZE;
	f->arg.hdr.params[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT |
				    OPTEE_MSG_ATTR_NONCONTIG;
	f->arg.hdr.params[0].u.tmem.buf_ptr = raw_buffer(id, strlen(id), 0,
							 pages, 1);
	f->arg.hdr.params[0].u.tmem.size = strlen(id);
	f->arg.hdr.params[1].attr = OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT;
	assert_int_equal(sim_phys_write(&harness_machine, f->pa, &f->arg,
					sizeof(f->arg)), 0);
	smc_regs(&f->r, T_CALL_WITH_ARG, (uint32_t)(f->pa >> 32),
		 (uint32_t)f->pa, 0, 0, 0, 1);
	return answer_alloc(f);
}

static void test_lying_shm_alloc_answers_are_freed_and_refused(void **state)
{
	const uint64_t noncontig = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT |
				   OPTEE_MSG_ATTR_NONCONTIG;
	const uint64_t secure = pa_addr(harness_machine.cfg.platform.tzdram_base);
	/* attr, size (0: as asked), list page entry (0: a fresh page) */
	const struct {
		uint64_t attr;
		uint64_t size;
		uint64_t entry;
	} lies[] = {
		{ OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 0, 0 },	/* no answer */
		{ noncontig, 1, 0 },				/* too small */
		{ OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, 0, 0 },	/* contiguous */
		{ noncontig, 0, secure },			/* secure page */
	};
	struct core_guest_info before;
	struct core_guest_info after;
	struct shim_stats st0;
	struct shim_stats st;
	struct raw_arg rpc;
	struct flight f;
	size_t n = 0;

	(void)state;
	shim_get_stats(&st0);
	for (n = 0; n < sizeof(lies) / sizeof(lies[0]); n++) {
		uint64_t cookie = 0x5a110c00u + n;
		uint64_t list = raw_page();
		uint64_t entry = lies[n].entry ? lies[n].entry : raw_page();
		uint64_t asked = 0;
		uint32_t s = 0;

		guest_info(1, &before);
		s = raw_open_session(1, &storage_uuid);
		assert_int_equal(start_size(&f, s, "obj"), RPC_CMD);
		/* The object's name, in a kernel buffer the size of its file name. */
		read_rpc(&f, &rpc);
		assert_int_equal(rpc.hdr.cmd, OPTEE_RPC_CMD_SHM_ALLOC);
		assert_int_equal(rpc.hdr.num_params, 1);
		assert_int_equal(rpc.hdr.params[0].attr,
				 OPTEE_MSG_ATTR_TYPE_VALUE_INPUT);
		assert_int_equal(rpc.hdr.params[0].u.value.a,
				 OPTEE_RPC_SHM_TYPE_KERNEL);
		asked = rpc.hdr.params[0].u.value.b;
		assert_true(asked > 0);
		assert_int_equal(sim_phys_write(&harness_machine, list, &entry,
						sizeof(entry)), 0);
		rpc.hdr.params[0].attr = lies[n].attr;
		if (lies[n].attr != OPTEE_MSG_ATTR_TYPE_VALUE_INPUT) {
			rpc.hdr.params[0].u.tmem.buf_ptr = list;
			rpc.hdr.params[0].u.tmem.size = lies[n].size ?
							lies[n].size : asked;
			rpc.hdr.params[0].u.tmem.shm_ref = cookie;
		}
		rpc.hdr.ret = 0;
		write_rpc(&f, &rpc);
		if (lies[n].attr != OPTEE_MSG_ATTR_TYPE_VALUE_INPUT) {
			/* A buffer it was given goes back, by its cookie. */
			assert_int_equal(resume(&f, 0, 0, 0, 0), RPC_CMD);
			read_rpc(&f, &rpc);
			assert_int_equal(rpc.hdr.cmd, OPTEE_RPC_CMD_SHM_FREE);
			assert_int_equal(rpc.hdr.params[0].u.value.a,
					 OPTEE_RPC_SHM_TYPE_KERNEL);
			assert_true(rpc.hdr.params[0].u.value.b == cookie);
			assert_int_equal(answer_ok(&f), RPC_FREE);
		} else {
			assert_int_equal(resume(&f, 0, 0, 0, 0), RPC_FREE);
		}
		/* No buffer for the name: the object cannot be opened. */
		assert_int_equal(finish(&f), TEEC_ERROR_OUT_OF_MEMORY);
		assert_int_equal(f.arg.hdr.ret_origin, TEEC_ORIGIN_TRUSTED_APP);
		assert_int_equal(raw_close_session(1, s), 0);
		guest_info(1, &after);
		assert_int_equal(after.storage_handles, 0);
		assert_int_equal(after.threads_busy, 0);
		assert_int_equal(after.heap_used, before.heap_used);
		shim_get_stats(&st);
		assert_int_equal(st.ns_maps_live, st0.ns_maps_live);
		assert_int_equal(st.violations, st0.violations);
	}
}

/* A violation in core code at the next mutex point of a thread. */
static bool fault_armed;
static uint8_t *other_guest_memory;

static bool fault_at_mutex(unsigned int core, enum arch_preempt_kind kind,
			   void *arg)
{
	(void)arg;
	if (!fault_armed || kind != ARCH_PREEMPT_MUTEX ||
	    !shim_core_in_thread(core))
		return false;
	fault_armed = false;
	/* Guest 2's memory, from guest 1's partition: caught, call ended. */
	other_guest_memory[0] = 1;
	return false;
}

static void test_an_abandoned_call_still_wakes_its_guests_sleepers(
	void **state)
{
	struct core_guest_info info;
	struct nexsim_config cfg;
	struct shim_stats st;
	struct flight a;
	struct flight b;
	struct raw_arg rpc;
	uint64_t key = 0;
	uint32_t s = 0;

	(void)state;
	harness_stop();
	harness_config(&cfg, "default");
	cfg.on_violation = SHIM_VIOLATION_END_CALL;
	harness_start(&cfg);
	raw_reset();
	assert_int_equal(sim_vm_created(1), T_OK);
	assert_int_equal(sim_vm_created(2), T_OK);
	harness_first_std_call(0, 1);
	harness_first_std_call(0, 2);
	assert_true(core_get_slot_info((uint32_t)core_find_guest_slot(2),
				       &info));
	/* Its first thread's stack: never used, so ASan has no word on it. */
	other_guest_memory = (uint8_t *)info.private_va + info.heap_size + 64;
	s = raw_open_session(1, &storage_uuid);

	/* A holds the session's instance, waiting in an RPC... */
	start_invoke(&a, 1, s, TA_STORAGE_CMD_REE_TIME,
		     OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0);
	assert_int_equal(answer_alloc(&a), RPC_CMD);
	/* ...B sleeps on the instance's wait queue. */
	start_invoke(&b, 1, s, TA_STORAGE_CMD_REE_TIME,
		     OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0);
	assert_int_equal(answer_alloc(&b), RPC_CMD);
	key = notification(&b, OPTEE_RPC_NOTIFICATION_WAIT);

	/* A finishes its TA call and faults in core code before letting go. */
	fault_armed = true;
	shim_set_preempt_hook(fault_at_mutex, NULL);
	assert_int_equal(answer_time(&a, 1, 0), RPC_ALLOC);
	shim_set_preempt_hook(NULL, NULL);
	shim_get_stats(&st);
	assert_int_equal(st.aborted_calls, 1);
	/*
	 * The call was abandoned, but what it owed is paid: a fresh thread
	 * sends B's key before the call ends with ENOTAVAIL.
	 */
	assert_int_equal(answer_alloc(&a), RPC_CMD);
	assert_int_equal(notification(&a, OPTEE_RPC_NOTIFICATION_SEND), key);
	assert_int_equal(answer_ok(&a), RPC_FREE);
	assert_int_equal(resume(&a, 0, 0, 0, 0), T_ENOTAVAIL);
	/* B wakes, takes the instance that A's end set free, and completes. */
	assert_int_equal(answer_ok(&b), RPC_CMD);
	read_rpc(&b, &rpc);
	assert_int_equal(rpc.hdr.cmd, OPTEE_RPC_CMD_GET_TIME);
	assert_int_equal(answer_time(&b, 2, 0), RPC_FREE);
	assert_int_equal(finish(&b), 0);
	assert_int_equal(b.arg.hdr.params[0].u.value.a, 2);
	assert_int_equal(raw_close_session(1, s), 0);
	/* Nothing of the abandoned call stays mapped, its argument included. */
	shim_get_stats(&st);
	assert_int_equal(st.ns_maps_live, 0);
}

/* test_crash_signal_amid_core_code's child: a fresh process and machine. */
static int abort_child(void)
{
	struct nexsim_config cfg;
	struct sigaction sa;

	harness_config(&cfg, "default");
	harness_start(&cfg);
	if (sim_vm_created(1))
		return 3;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_abort;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGABRT, &sa, NULL);
	shim_set_preempt_hook(abort_in_thread, NULL);
	raw_open_session(1, &hello_uuid);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest raw[] = {
		cmocka_unit_test(test_get_time_round_trip),
		cmocka_unit_test(test_lying_normal_world_time_panics_the_ta),
		cmocka_unit_test(test_resume_names_a_suspended_thread_of_the_caller),
		cmocka_unit_test(test_thread_exhaustion_stays_in_its_guest),
		cmocka_unit_test(test_calls_on_one_session_wait_in_the_normal_world),
		cmocka_unit_test(test_cancel_reaches_a_ta_waiting_in_the_normal_world),
		cmocka_unit_test(test_foreign_interrupt_preempts_and_resumes),
		cmocka_unit_test(test_async_signal_amid_core_code),
		cmocka_unit_test(test_crash_signal_amid_core_code),
		cmocka_unit_test(test_destroy_while_suspended_drops_only_that_guest),
		cmocka_unit_test(test_an_abandoned_call_still_wakes_its_guests_sleepers),
		cmocka_unit_test(test_rpc_argument_at_a_bad_address_is_given_back_unused),
		cmocka_unit_test(test_shm_cache_cannot_change_while_a_call_waits),
		cmocka_unit_test(test_lying_shm_alloc_answers_are_freed_and_refused),
		cmocka_unit_test(test_a_refused_sleep_panics_the_waiting_ta),
		cmocka_unit_test(test_a_buffer_in_use_cannot_be_unregistered),
	};
	if (argc == 2 && !strcmp(argv[1], ABORT_CHILD_ARG))
		return abort_child();
	harness_init(argc, argv);
	return HARNESS_RUN("rpc", raw, setup, harness_teardown);
}
