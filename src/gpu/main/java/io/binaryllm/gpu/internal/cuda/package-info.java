/**
 * The {@code cuda} backend: its device through JCuda's driver API (the kept PTX, JIT-compiled by the driver).
 */
package io.binaryllm.gpu.internal.cuda;
