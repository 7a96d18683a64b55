/**
 * The blocked search behind {@code cpu} and {@code native}: the database in L2-sized tiles re-laid in blocks of
 * codes, queries in groups sharing each block load, per-thread heaps or a counting selection, merged by (distance,
 * index); osq searches ({@code OsqBlockedSearch}) share the tiles, threads and merge, with heaps for every k (their keys
 * are full ints). The two backends differ only in their kernels.
 */
package io.binaryllm.internal.search.blocked;
