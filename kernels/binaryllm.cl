/* OpenCL entry file: everything is in the shared core (the host inlines the header when it builds this). */
#include "binaryllm_core.h"
