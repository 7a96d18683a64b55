/**
 * Exact top-k over codes of every family: the {@link io.binaryllm.search.SearchBackend} SPI every backend implements
 * (registered in {@code META-INF/services}), the choice by name ({@link io.binaryllm.search.SearchBackends}), one
 * result ({@link io.binaryllm.search.SearchResult}: keys read as distances or scores) and one index concept
 * ({@link io.binaryllm.search.BinaryIndex}) for Hamming and osq codes alike, the host-side selection a device backend
 * may use ({@link io.binaryllm.search.TopKLists}), and the equivalence suite that holds a backend to the reference.
 */
package io.binaryllm.search;
