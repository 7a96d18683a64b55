/**
 * Metrics: Hamming distance, cosine in double with a fixed summation order (and the exact float top-k), the
 * fixed-order arithmetic the decoder shares with them ({@link io.binaryllm.metric.Dot}, {@link io.binaryllm.metric.Exp}),
 * overlap@k, recall/nDCG/MRR@k against relevance judgments, kNN classification scores.
 */
package io.binaryllm.metric;
