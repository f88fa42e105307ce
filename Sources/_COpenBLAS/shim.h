// Credence: the C face of OpenBLAS. Only FactorKernels imports this module.
#include <cblas.h>
// glibc's allocator controls (mallopt), used by FactorKernels' AllocatorTuning.
#include <malloc.h>
