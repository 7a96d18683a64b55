package io.binaryllm.kvcache;

/**
 * Which cached positions each query head attends to: a KV cache policy. Keys and values stay in full precision;
 * a policy only selects. Implementations are pure functions of the keys, queries and their own parameters (seeds
 * included), so the same tokens give the same selection and logits on every run and backend.
 */
public interface KvPolicy {
    /** The policy's name with its parameters, as reports show it. */
    String describe();

    /** Bits of selection state a policy keeps per cached position, per layer (0 for full, window, random). */
    int selectionBitsPerPosition(LlamaConfig config);

    /** A fresh selector for one decoder's cache. */
    Selector open(LlamaConfig config);

    /** One decoder's selection state; closed with the decoder's sequence. */
    interface Selector extends AutoCloseable {
        /**
         * The keys of {@code pos} in {@code layer} have been written (rotated): {@code keys[offset, offset + kvDim)}.
         * {@code keys} is the decoder's key cache of the layer (offset = pos x kvDim): earlier positions stay readable
         * there while the selector is open.
         */
        void keyWritten(int layer, int pos, float[] keys, int offset);

        /**
         * The positions, ascending, among 0..n-1 that query head {@code head} of {@code layer} attends to; its query
         * (rotated) is {@code q[qOffset, qOffset + headSize)}. Null means all n.
         */
        int[] select(int layer, int head, float[] q, int qOffset, int n);

        /**
         * True when {@link #select} always answers null (every position) and keeps no state: the decoder may then
         * skip it and attend with several heads at once.
         */
        default boolean selectsAll() {
            return false;
        }

        @Override
        default void close() {
        }
    }
}
