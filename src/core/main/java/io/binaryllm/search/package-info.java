/**
 * Exact Hamming top-k: the {@link io.binaryllm.search.SearchBackend} SPI every backend implements (registered
 * in {@code META-INF/services}), the choice by name ({@link io.binaryllm.search.SearchBackends}), the result, the one
 * index concept ({@link io.binaryllm.search.BinaryIndex}), and the equivalence suite that holds a backend to the
 * reference.
 */
package io.binaryllm.search;
