/**
 * The blocked search behind {@code cpu} and {@code native}: the database in L2-sized tiles re-laid in blocks of
 * codes, queries in groups sharing each block load, per-thread heaps or a counting selection, merged by (distance,
 * index); the two backends differ only in their Hamming kernel.
 */
package io.binaryllm.internal.search.blocked;
