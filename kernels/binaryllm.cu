/* CUDA entry file: everything is in the shared core; nvcc turns this into binaryllm.ptx (kept beside it). */
#include "binaryllm_core.h"
