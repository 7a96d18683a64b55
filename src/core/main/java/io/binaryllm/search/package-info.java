/**
 * Exact top-k: the {@link io.binaryllm.search.SearchBackend} SPI every backend implements (registered in
 * {@code META-INF/services}): Hamming search of codes and osq search of quantized codes; the choice by name
 * ({@link io.binaryllm.search.SearchBackends}), the results ({@link io.binaryllm.search.SearchResult},
 * {@link io.binaryllm.search.ScoredResult}), the index concept ({@link io.binaryllm.search.BinaryIndex}, and
 * {@link io.binaryllm.search.OsqIndex} for osq codes), the
 * host-side selection a device backend may use ({@link io.binaryllm.search.TopKLists}), and the equivalence suite that
 * holds a backend to the reference.
 */
package io.binaryllm.search;
