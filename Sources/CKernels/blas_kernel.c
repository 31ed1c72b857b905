// Which OpenBLAS kernel runs the engine's GEMM, and what the CPU could run.
//
// Debian's OpenBLAS is built with DYNAMIC_ARCH: at load time it picks one of its per-CPU kernel
// tables ("cores") from CPUID. A release older than the CPU does not know its model and falls
// back to a generic core (OpenBLAS 0.3.21 on Sapphire Rapids: Prescott, SSE3 only, 3-7x slower;
// OpenBLAS issue 4267). OpenBLAS reads OPENBLAS_CORETYPE in gotoblas_dynamic_init(), and
// gotoblas_dynamic_quit() forgets the choice, so the engine can re-run the selection with the
// core that the CPU's features call for before its first BLAS call (driver/others/dynamic.c).
#include "CKernels.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>

static unsigned long long gk_xgetbv0(void) {
    unsigned int eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}
#endif

gk_simd_level gk_cpu_simd_level(void) {
#if defined(__x86_64__)
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return GK_SIMD_NONE;
    int sse3 = (ecx & 1u) != 0, fma = (ecx >> 12) & 1u, osxsave = (ecx >> 27) & 1u, avx = (ecx >> 28) & 1u;
    if (!sse3) return GK_SIMD_NONE;
    if (!(osxsave && avx)) return GK_SIMD_SSE3;
    unsigned long long xcr0 = gk_xgetbv0();
    if ((xcr0 & 0x6) != 0x6) return GK_SIMD_SSE3;   // the OS does not save YMM state
    unsigned int b7 = 0, c7 = 0, d7 = 0, a7 = 0;
    if (!__get_cpuid_count(7, 0, &a7, &b7, &c7, &d7)) return GK_SIMD_AVX;
    int avx2 = (b7 >> 5) & 1u;
    if (!(avx2 && fma)) return GK_SIMD_AVX;
    // AVX-512 F, DQ, CD, BW and VL: what OpenBLAS's SkylakeX kernels use; the OS must save
    // the opmask and ZMM state (XCR0 bits 5-7).
    unsigned int avx512 = (1u << 16) | (1u << 17) | (1u << 28) | (1u << 30) | (1u << 31);
    if ((b7 & avx512) != avx512 || (xcr0 & 0xE6) != 0xE6) return GK_SIMD_AVX2;
    unsigned int a71 = 0, b71 = 0, c71 = 0, d71 = 0;
    if (a7 >= 1 && __get_cpuid_count(7, 1, &a71, &b71, &c71, &d71) && ((a71 >> 5) & 1u))
        return GK_SIMD_AVX512_BF16;
    return GK_SIMD_AVX512;
#else
    return GK_SIMD_NONE;
#endif
}

int gk_cpu_amd_family(void) {
#if defined(__x86_64__)
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(0, &eax, &ebx, &ecx, &edx) || ebx != 0x68747541u) return 0;  // "Auth" of "AuthenticAMD"
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    unsigned int family = (eax >> 8) & 0xFu;
    return (int)(family == 0xFu ? family + ((eax >> 20) & 0xFFu) : family);
#else
    return 0;
#endif
}

int gk_blas_has_core(const char *core) {
    // A DYNAMIC_ARCH OpenBLAS exports one kernel table per core it was built with:
    // gotoblas_HASWELL, gotoblas_SKYLAKEX, ...
    char symbol[64] = "gotoblas_";
    size_t n = strlen(symbol);
    for (const char *p = core; *p && n < sizeof symbol - 1; p++, n++)
        symbol[n] = (*p >= 'a' && *p <= 'z') ? (char)(*p - 'a' + 'A') : *p;
    symbol[n] = 0;
    return dlsym(RTLD_DEFAULT, symbol) != NULL;
}

int gk_blas_switch_core(const char *core) {
    void (*quit)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "gotoblas_dynamic_quit");
    void (*init)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "gotoblas_dynamic_init");
    if (!quit || !init || !gk_blas_has_core(core)) return -1;
    const char *previous = getenv("OPENBLAS_CORETYPE");
    char *saved = previous ? strdup(previous) : NULL;
    setenv("OPENBLAS_CORETYPE", core, 1);
    quit();
    init();
    // Leave the environment as it was, so child processes make their own choice.
    if (saved) { setenv("OPENBLAS_CORETYPE", saved, 1); free(saved); }
    else unsetenv("OPENBLAS_CORETYPE");
    return 0;
}

int gk_blas_stop_threads(void) {
    int (*shutdown)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "blas_thread_shutdown_");
    if (!shutdown) return -1;
    shutdown();
    return 0;
}

#if defined(__x86_64__)
// Twelve independent chains keep both FMA pipes busy through the 4-cycle latency. One loop body,
// instantiated for 512- and 256-bit vectors (GCC/Clang vector extensions; a*m + c in one
// expression contracts to one FMA).
#define GK_FMA_CHAINS 12
#define GK_FMA_LOOP(NAME, TARGET, LANES)                                                    \
    typedef float NAME##_vector __attribute__((vector_size(LANES * 4)));                    \
    __attribute__((target(TARGET))) static double NAME(long iterations) {                   \
        NAME##_vector acc[GK_FMA_CHAINS], m, c;                                              \
        for (int l = 0; l < LANES; l++) { m[l] = 0.999999f; c[l] = 1e-6f; }                 \
        for (int j = 0; j < GK_FMA_CHAINS; j++)                                              \
            for (int l = 0; l < LANES; l++) acc[j][l] = (float)j;                           \
        for (long i = 0; i < iterations; i++)                                                \
            for (int j = 0; j < GK_FMA_CHAINS; j++) acc[j] = acc[j] * m + c;                \
        float sum = 0;                                                                       \
        for (int j = 0; j < GK_FMA_CHAINS; j++)                                              \
            for (int l = 0; l < LANES; l++) sum += acc[j][l];                               \
        volatile float sink = sum;                                                           \
        (void)sink;                                                                          \
        return (double)iterations * GK_FMA_CHAINS * LANES * 2;                               \
    }

GK_FMA_LOOP(gk_fma_loop_512, "avx512f", 16)
GK_FMA_LOOP(gk_fma_loop_256, "avx2,fma", 8)
#endif

double gk_fma_peak_loop(long iterations) {
#if defined(__x86_64__)
    gk_simd_level level = gk_cpu_simd_level();
    if (level >= GK_SIMD_AVX512) return gk_fma_loop_512(iterations);
    if (level >= GK_SIMD_AVX2) return gk_fma_loop_256(iterations);
#endif
    (void)iterations;
    return 0;
}
