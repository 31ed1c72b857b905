// A team of worker threads that spin between jobs, for the many short parallel steps of decoding
// one token (a 256-wide layer's matrix-vector product takes a few microseconds, about what waking
// a sleeping thread costs). Workers spin for a short while after each job, then sleep on a
// condition variable until the next; the caller runs part 0 of each job itself and spins until
// the workers are done. One job at a time: gk_team_run is called from one thread.
#include <pthread.h>
#include <sched.h>
#include <unistd.h>
#include <stdatomic.h>
#include "CKernels.h"
#if defined(__x86_64__)
#include <immintrin.h>
#define gk_pause() _mm_pause()
#else
#define gk_pause() ((void)0)
#endif

enum { MAX_WORKERS = 63, SPINS_BEFORE_SLEEP = 4000, SPINS_BEFORE_YIELD = 20000 };

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    atomic_uint sequence;   // bumped once per job
    atomic_int sleepers;    // workers waiting on `wake`
    atomic_int finished;    // workers done with the current job
    int workers;            // started so far
    int parts;              // parts of the current job
    gk_team_job job;
    void *context;
    unsigned started[MAX_WORKERS + 1];   // the sequence when each worker was started
} team = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};

static void *worker_main(void *arg) {
    int part = (int)(intptr_t)arg;
    unsigned seen = team.started[part];
    for (;;) {
        unsigned now = atomic_load(&team.sequence);
        for (int spin = 0; now == seen && spin < SPINS_BEFORE_SLEEP; spin++) {
            gk_pause();
            now = atomic_load(&team.sequence);
        }
        if (now == seen) {
            pthread_mutex_lock(&team.lock);
            atomic_fetch_add(&team.sleepers, 1);
            while ((now = atomic_load(&team.sequence)) == seen) pthread_cond_wait(&team.wake, &team.lock);
            atomic_fetch_sub(&team.sleepers, 1);
            pthread_mutex_unlock(&team.lock);
        }
        seen = now;
        if (part < team.parts) team.job(team.context, part, team.parts);
        atomic_fetch_add(&team.finished, 1);
    }
    return 0;
}

static void gk_team_lead(int parts, gk_team_job job, void *context);
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

void gk_team_run(int parts, gk_team_job job, void *context) {
    if (parts > core_count()) parts = core_count();
    if (parts <= 1) { job(context, 0, 1); return; }
    // A job posted while another runs (from another thread) runs alone.
    if (atomic_flag_test_and_set(&busy)) { run_alone(parts, job, context); return; }
    gk_team_lead(parts, job, context);
    atomic_flag_clear(&busy);
}

/// Posts the job to the workers (starting any still missing), runs part 0, and waits.
static void gk_team_lead(int parts, gk_team_job job, void *context) {
    while (team.workers < parts - 1) {
        pthread_t thread;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        team.started[team.workers + 1] = atomic_load(&team.sequence);
        int failed = pthread_create(&thread, &attr, worker_main, (void *)(intptr_t)(team.workers + 1));
        pthread_attr_destroy(&attr);
        if (failed) break;
        team.workers++;
    }
    if (parts > team.workers + 1) { run_alone(parts, job, context); return; }
    team.job = job;
    team.context = context;
    team.parts = parts;
    atomic_store(&team.finished, 0);
    atomic_fetch_add(&team.sequence, 1);   // publishes the fields above
    if (atomic_load(&team.sleepers) > 0) {
        pthread_mutex_lock(&team.lock);
        pthread_cond_broadcast(&team.wake);
        pthread_mutex_unlock(&team.lock);
    }
    job(context, 0, parts);
    // Every started worker reports, including those with no part, so none still reads the job
    // fields when the next job writes them.
    for (int spin = 0; atomic_load(&team.finished) < team.workers; spin++) {
        if (spin < SPINS_BEFORE_YIELD) gk_pause();
        else sched_yield();
    }
}
