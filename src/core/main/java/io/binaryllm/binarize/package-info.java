/**
 * Float embeddings to packed bit codes: the {@link io.binaryllm.binarize.Binarizer} interface, the {@code sign},
 * {@code scaled-sign} and {@code hyperplane} binarizers (by name through {@link io.binaryllm.binarize.Binarizers}), and
 * conversions between the canonical word layout and the byte layouts of numpy, FAISS and sentence-transformers.
 */
package io.binaryllm.binarize;
