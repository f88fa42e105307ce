// Credence: the C face of OpenBLAS. Only FactorKernels imports this module.
#include <cblas.h>
