/**
 * Core's backends' shared parts: the {@code reference} backend (the specification of Hamming and osq search) and the bounded
 * (distance, index) heap.
 */
package io.binaryllm.internal.search;
