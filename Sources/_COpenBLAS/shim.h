// Credence: the C face of OpenBLAS. Only FactorKernels imports this module.
#include <cblas.h>
// glibc's allocator controls (mallopt), used by FactorKernels' AllocatorTuning.
#include <malloc.h>
// OpenBLAS stops its worker threads (exported by the pthread build; the next threaded
// call starts them again). Used by BLAS.setThreads(1): without it the worker created at
// load time spins in sched_yield for its first ~0.1 s, taking a core from short commands.
int blas_thread_shutdown_(void);
