// Per-thread gradient mode, the process-wide interrupt latch, and the temporary files a signal
// removes before the process ends.
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>
#include "CKernels.h"

static _Thread_local int grad_disabled = 0;   // zero-initialised on each thread: recording on

int gk_grad_enabled(void) { return !grad_disabled; }
void gk_set_grad_enabled(int on) { grad_disabled = !on; }

static volatile sig_atomic_t interrupted = 0;

/// Temporary files being written (the `.name.tmp-pid` files of atomic writes): fixed slots, so
/// that a signal handler may read them without taking a lock or touching the heap. A slot's path
/// is written before the slot is marked in use, and marked free before it is reused.
enum { TEMP_SLOTS = 64 };
static char temp_paths[TEMP_SLOTS][PATH_MAX];
static atomic_int temp_used[TEMP_SLOTS];

int gk_temp_register(const char *path) {
    if (strlen(path) >= PATH_MAX) return -1;
    for (int i = 0; i < TEMP_SLOTS; i++) {
        int expected = 0;
        // 2: taken, path being written; 1: in use.
        if (atomic_compare_exchange_strong(&temp_used[i], &expected, 2)) {
            strcpy(temp_paths[i], path);
            atomic_store(&temp_used[i], 1);
            return i;
        }
    }
    return -1;
}

void gk_temp_unregister(int slot) {
    if (slot >= 0 && slot < TEMP_SLOTS) atomic_store(&temp_used[slot], 0);
}

/// Removes every registered temporary file (async-signal-safe: loads and unlink(2) only).
static void remove_temps(void) {
    for (int i = 0; i < TEMP_SLOTS; i++)
        if (atomic_load(&temp_used[i]) == 1) unlink(temp_paths[i]);
}

/// The default action of SIGINT, SIGTERM and SIGHUP, after the temporary files are removed.
static void on_fatal_signal(int sig) {
    remove_temps();
    signal(sig, SIG_DFL);
    raise(sig);
}

void gk_install_cleanup_handler(void) {
    struct sigaction action, old;
    action.sa_handler = on_fatal_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    int signals[] = {SIGINT, SIGTERM, SIGHUP};
    for (int i = 0; i < 3; i++) {
        // A signal the parent ignores (nohup, a shell's background job) stays ignored.
        if (sigaction(signals[i], 0, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        sigaction(signals[i], &action, 0);
    }
}

static void on_signal(int sig) {
    if (interrupted) {   // second signal: stop now
        remove_temps();
        _exit(128 + sig);
    }
    interrupted = 1;
}

void gk_install_interrupt_handler(void) {
    struct sigaction action;
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    sigaction(SIGINT, &action, 0);
    sigaction(SIGTERM, &action, 0);
}

int gk_interrupted(void) { return interrupted; }
void gk_clear_interrupt(void) { interrupted = 0; }
