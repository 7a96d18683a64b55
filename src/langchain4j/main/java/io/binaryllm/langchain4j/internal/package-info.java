/**
 * The store's files: the memory-mapped scratch file of float vectors, and saved stores.
 */
package io.binaryllm.langchain4j.internal;
