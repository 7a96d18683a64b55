/**
 * Every inner loop of core, chosen once by {@link io.binaryllm.internal.vectorization.VectorizationProvider}: the
 * scalar kernels (the specification), their Vector API versions, the C Hamming and osq kernels through Panama FFM, and
 * what the kernels work on (blocked tiles, flat heaps, an osq batch).
 */
package io.binaryllm.internal.vectorization;
