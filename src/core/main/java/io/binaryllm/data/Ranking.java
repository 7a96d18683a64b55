package io.binaryllm.data;

/**
 * How a family's codes rank and what the integer keys of a search mean. Every backend selects the k smallest
 * {@code (key, index)} pairs of a query, whatever the family: a Hamming distance is its own key, and a float score is
 * mapped to an int whose ascending order is the descending score order ({@link #keyOf(float)}), so one integer
 * selection serves every family and ties always go to the lower index.
 */
public enum Ranking {
    /** Keys are distances: smaller is nearer. */
    DISTANCE,
    /** Keys are {@link #keyOf(float)} of a float32 score: higher scores first, -0.0 just below +0.0. */
    SCORE;

    /** The key of a score: ascending keys are descending scores, a bijection on ints. */
    public static int keyOf(float score) {
        int bits = Float.floatToRawIntBits(score);
        return ~(bits ^ ((bits >> 31) & 0x7fffffff));
    }

    /** The score a key was made from. */
    public static float scoreOf(int key) {
        int sortable = ~key;
        return Float.intBitsToFloat(sortable ^ ((sortable >> 31) & 0x7fffffff));
    }
}
