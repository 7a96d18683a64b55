/**
 * Text to vectors: the {@link io.binaryllm.langchain4j.embed.TextEmbedder} interface, all-MiniLM-L6-v2 in-process
 * (through langchain4j's ONNX wrapper, an optional dependency), a content-hash cache of vectors, and batched jobs over
 * it.
 */
package io.binaryllm.langchain4j.embed;
