/**
 * Files: {@code .npy} (read memory-mapped, written whole), {@code .fvecs/.bvecs/.ivecs}, outputs that appear
 * complete or not at all ({@link io.binaryllm.data.io.AtomicOutput}), and SHA-256 of files and bytes.
 */
package io.binaryllm.data.io;
