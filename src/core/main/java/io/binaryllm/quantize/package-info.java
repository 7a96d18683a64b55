/**
 * Quantization that keeps more quality per bit than sign codes: {@link io.binaryllm.quantize.OsqQuantizer} (optimized
 * scalar quantization: vectors centred on the corpus mean, each with its own optimized interval, 1, 2 or 4 bits a
 * dimension for documents and 4 or 8 for queries), the encoded form {@link io.binaryllm.quantize.OsqCodes} (bit planes
 * plus four correction floats a row), and {@link io.binaryllm.quantize.OsqScores}, the specification of the
 * asymmetric score every backend reproduces bit for bit.
 */
package io.binaryllm.quantize;
