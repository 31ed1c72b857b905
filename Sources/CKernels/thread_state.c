// Per-thread gradient mode, and the process-wide interrupt latch.
#include <signal.h>
#include <unistd.h>
#include "CKernels.h"

static _Thread_local int grad_disabled = 0;   // zero-initialised on each thread: recording on

int gk_grad_enabled(void) { return !grad_disabled; }
void gk_set_grad_enabled(int on) { grad_disabled = !on; }

static volatile sig_atomic_t interrupted = 0;

static void on_signal(int sig) {
    if (interrupted) _exit(128 + sig);   // second signal: stop now
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
