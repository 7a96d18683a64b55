/**
 * The {@code opencl} backend: its device through JOCL (the program built from {@code kernels/binaryllm.cl}).
 */
package io.binaryllm.gpu.internal.opencl;
