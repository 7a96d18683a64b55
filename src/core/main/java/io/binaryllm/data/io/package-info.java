/**
 * Files: {@code .npy} (read memory-mapped, written whole), {@code .fvecs/.bvecs/.ivecs}, TREC qrels; inputs read only
 * from regular files; mapped inputs that shrink named ({@link io.binaryllm.data.io.MappedFaults}, which a backend
 * calls). The plumbing beneath (outputs that appear whole, file kinds, digests) is {@code io.binaryllm.internal.io}.
 */
package io.binaryllm.data.io;
