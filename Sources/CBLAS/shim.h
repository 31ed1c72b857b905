// cblas from OpenBLAS (Debian: libopenblas-dev), plus its thread-count control.
#include <cblas.h>
