/**
 * The decoder's insides: numerics (normalization, rotary tables, softmax and activation, each in its specified
 * order), the projections ({@code Linear}: float, or low-bit through a backend's kernels, built by
 * {@code LowBitLayers}), an int8 embedding or classifier as its codes ({@code Int8Rows}), the cache policies' selectors, and the {@code WorkerTeam} that splits a step's products
 * and heads over threads.
 */
package io.binaryllm.kvcache.internal;
