/**
 * File plumbing the modules of this project share, exported to them only: inputs read only from regular files
 * ({@link io.binaryllm.internal.io.FileKinds}); outputs that appear complete or not at all, alone or together
 * ({@link io.binaryllm.internal.io.AtomicOutput}, {@link io.binaryllm.internal.io.StagedDirectory}), with what killed
 * writers leave tidied by the next one; SHA-256 of files and bytes.
 */
package io.binaryllm.internal.io;
