/**
 * The built-in datasets: synthetic clusters and WordNet 3.0 definitions (read from Debian's {@code wordnet-base}).
 */
package io.binaryllm.runner.internal.datasets;
