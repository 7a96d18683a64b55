/**
 * Every inner loop of core, chosen once by {@link io.binaryllm.internal.vectorization.VectorizationProvider}: the
 * scalar kernels (the specification: Hamming tiles, osq scores, the fixed-order float products, StrictMath's
 * exponential, the low-bit integer sums), their Vector API versions, the C Hamming, osq, low-bit and float
 * matrix-vector kernels through Panama FFM, and what the kernels work on (blocked tiles, flat heaps, an osq batch).
 */
package io.binaryllm.internal.vectorization;
