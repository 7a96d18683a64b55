/**
 * The decoder's insides: numerics (normalization, rotary tables, softmax and activation, each in its specified
 * order), the projections ({@code Linear}: float, or low-bit through a backend's kernels, built by
 * {@code LowBitLayers}), and the cache policies' selectors.
 */
package io.binaryllm.kvcache.internal;
