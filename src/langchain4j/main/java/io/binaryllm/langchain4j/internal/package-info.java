/**
 * The store's insides: its codes ({@code StoreCodes}: a main index, a delta of recent adds, removed rows skipped),
 * how vectors become codes ({@code StoreCodec}: Hamming or osq), the memory-mapped scratch file of float vectors,
 * and saved stores.
 */
package io.binaryllm.langchain4j.internal;
