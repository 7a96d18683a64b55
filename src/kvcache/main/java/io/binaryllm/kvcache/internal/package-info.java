/**
 * The decoder's insides: numerics (normalization, rotary tables, softmax and activation, each in its specified
 * order), the projections ({@code Linear}: float, or low-bit through a backend's kernels, built by
 * {@code LowBitLayers}), the cache policies' selectors, and the {@code WorkerTeam} that splits a step's products
 * and heads over threads.
 */
package io.binaryllm.kvcache.internal;
