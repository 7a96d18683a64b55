/**
 * Metrics: Hamming distance, cosine in double with a fixed summation order (and the exact float top-k),
 * overlap@k, recall/nDCG/MRR@k against relevance judgments, kNN classification scores.
 */
package io.binaryllm.metric;
