// A team of worker threads that spin between jobs, for the many short parallel steps of decoding
// one token (a 256-wide layer's matrix-vector product takes a few microseconds, about what waking
// a sleeping thread costs). Workers spin for a short while after each job, then sleep on a
// condition variable until the next. The parts of a job are claimed, not assigned: the caller
// and the workers each take the next unclaimed part until none is left, and the caller waits
// only for parts that a worker has claimed and not yet finished. A worker that the scheduler has
// put aside (another process on its core) therefore never holds the caller up: its parts are
// taken by the caller. Which thread runs a part does not change what the part computes. One job
// at a time: gk_team_run is called from one thread.
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <unistd.h>

#include "CKernels.h"
#if defined(__x86_64__)
#include <immintrin.h>
#define gk_pause() _mm_pause()
#else
#define gk_pause() ((void)0)
#endif

enum { MAX_WORKERS = 63, SPINS_BEFORE_SLEEP = 4000, SPINS_BEFORE_YIELD = 20000 };

/// A job's ticket: its sequence number (high 32 bits), its part count (bits 16–31) and the next
/// unclaimed part (low 16 bits). A part is claimed by a compare-and-swap that bumps the low bits of
/// the current ticket, so a claim can only succeed for the job posted now.
/// The ticket of a newly posted job: no part claimed yet.
static inline uint64_t ticket_of(uint32_t sequence, int parts) { return (uint64_t)sequence << 32 | (uint64_t)(unsigned)parts << 16; }
static inline uint32_t ticket_sequence(uint64_t t) { return (uint32_t)(t >> 32); }
static inline int ticket_parts(uint64_t t) { return (int)((t >> 16) & 0xFFFF); }
static inline int ticket_next(uint64_t t) { return (int)(t & 0xFFFF); }

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    _Atomic uint64_t ticket;
    atomic_int sleepers;    // workers waiting on `wake`
    atomic_int done;        // parts of the current job finished
    int workers;            // started so far
    // The current job: written before its ticket is published and read only by a thread that
    // has claimed one of its parts; the next job is written after every part is done.
    gk_team_job job;
    void *context;
} team = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};

/// Claims and runs parts of the job whose ticket was read as `t` until none is left or a later
/// job has been posted.
static void run_claimed(uint64_t t) {
    uint32_t sequence = ticket_sequence(t);
    while (ticket_sequence(t) == sequence && ticket_next(t) < ticket_parts(t)) {
        uint64_t claim = t;
        // On failure `t` is the current ticket: the next part of this job, or a later job.
        if (!atomic_compare_exchange_weak(&team.ticket, &t, claim + 1)) continue;
        team.job(team.context, ticket_next(claim), ticket_parts(claim));
        atomic_fetch_add(&team.done, 1);
        t = atomic_load(&team.ticket);
    }
}

static void *worker_main(void *arg) {
    uint32_t seen = (uint32_t)(uintptr_t)arg;
    for (;;) {
        uint64_t t = atomic_load(&team.ticket);
        for (int spin = 0; ticket_sequence(t) == seen && spin < SPINS_BEFORE_SLEEP; spin++) {
            gk_pause();
            t = atomic_load(&team.ticket);
        }
        if (ticket_sequence(t) == seen) {
            pthread_mutex_lock(&team.lock);
            atomic_fetch_add(&team.sleepers, 1);
            while (ticket_sequence(t = atomic_load(&team.ticket)) == seen) pthread_cond_wait(&team.wake, &team.lock);
            atomic_fetch_sub(&team.sleepers, 1);
            pthread_mutex_unlock(&team.lock);
        }
        seen = ticket_sequence(t);
        run_claimed(t);
    }
    return 0;
}

static atomic_flag busy = ATOMIC_FLAG_INIT;

/// Every part on the calling thread, in order.
static void run_alone(int parts, gk_team_job job, void *context) {
    for (int part = 0; part < parts; part++) job(context, part, parts);
}

/// Online processors, read once. A job gets no more parts than there are cores to run them:
/// more spinning threads than cores would only take turns waiting for each other.
static int core_count(void) {
    static int cached = 0;
    int n = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (n == 0) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        n = online < 1 ? 1 : online > MAX_WORKERS + 1 ? MAX_WORKERS + 1 : (int)online;
        __atomic_store_n(&cached, n, __ATOMIC_RELAXED);
    }
    return n;
}

/// Posts the job (starting any workers still missing), claims parts with the workers, and waits
/// for the parts the workers claimed.
static void gk_team_lead(int parts, gk_team_job job, void *context) {
    uint32_t sequence = ticket_sequence(atomic_load(&team.ticket)) + 1;
    while (team.workers < parts - 1) {
        pthread_t thread;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        // A new worker starts by waiting for a sequence after the current one.
        int failed = pthread_create(&thread, &attr, worker_main, (void *)(uintptr_t)(sequence - 1));
        pthread_attr_destroy(&attr);
        if (failed) break;
        team.workers++;
    }
    if (team.workers == 0) { run_alone(parts, job, context); return; }
    team.job = job;
    team.context = context;
    atomic_store(&team.done, 0);
    atomic_store(&team.ticket, ticket_of(sequence, parts));   // publishes the fields above
    if (atomic_load(&team.sleepers) > 0) {
        pthread_mutex_lock(&team.lock);
        pthread_cond_broadcast(&team.wake);
        pthread_mutex_unlock(&team.lock);
    }
    run_claimed(atomic_load(&team.ticket));
    for (int spin = 0; atomic_load(&team.done) < parts; spin++) {
        if (spin < SPINS_BEFORE_YIELD) gk_pause();
        else sched_yield();
    }
}

void gk_team_run(int parts, gk_team_job job, void *context) {
    if (parts > core_count()) parts = core_count();
    if (parts <= 1) { job(context, 0, 1); return; }
    // A job posted while another runs (from another thread) runs alone.
    if (atomic_flag_test_and_set(&busy)) { run_alone(parts, job, context); return; }
    gk_team_lead(parts, job, context);
    atomic_flag_clear(&busy);
}
