/**
 * Evaluation runs: {@link io.binaryllm.runner.Runner} (a config through dataset, binarization, search and
 * evaluation into a run directory), {@link io.binaryllm.runner.Sweep} (its variants measured elsewhere, on a cluster), the config schema and its strict loader, the dataset catalog, the golden set, and
 * the terminal progress bar.
 */
package io.binaryllm.runner;
