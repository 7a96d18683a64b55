package io.binaryllm.langchain4j.embed;

/** What a model's vector must be: finite, and of L2 norm 1 where the model promises it (MiniLM normalises). */
final class VectorChecks {
    /** A unit vector's squared norm in float32 is within a few ulps of 1; a damaged one is rarely this close. */
    static final double UNIT_NORM_TOLERANCE = 1e-4;

    private VectorChecks() {
    }

    /** What is wrong with {@code v} ("has NaN at 3", "has L2 norm 2.0, not 1"), or null. */
    static String problem(float[] v, boolean unitNorm) {
        double squares = 0;
        for (int j = 0; j < v.length; j++) {
            if (!Float.isFinite(v[j])) {
                return "has " + v[j] + " at " + j;
            }
            squares += (double) v[j] * v[j];
        }
        if (unitNorm && Math.abs(squares - 1) > UNIT_NORM_TOLERANCE) {
            return "has L2 norm " + Math.sqrt(squares) + ", not 1";
        }
        return null;
    }
}
