/**
 * Files: {@code .npy} (read memory-mapped, written whole), {@code .fvecs/.bvecs/.ivecs}, TREC qrels; inputs read only
 * from regular files ({@link io.binaryllm.data.io.FileKinds}); outputs that appear complete or not at all, alone or
 * together ({@link io.binaryllm.data.io.AtomicOutput}, {@link io.binaryllm.data.io.StagedDirectory}), with what killed
 * writers leave tidied by the next one; mapped inputs that shrink named ({@link io.binaryllm.data.io.MappedFaults});
 * SHA-256 of files and bytes.
 */
package io.binaryllm.data.io;
