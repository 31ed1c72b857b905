// Per-thread state the Swift side reads on every op.
#include "CKernels.h"

static _Thread_local int grad_disabled = 0;   // zero-initialised on each thread: recording on

int gk_grad_enabled(void) { return !grad_disabled; }
void gk_set_grad_enabled(int on) { grad_disabled = !on; }
