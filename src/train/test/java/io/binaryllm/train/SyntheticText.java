package io.binaryllm.train;

import java.util.SplittableRandom;

/** Seeded sentences over a small vocabulary with some structure (subject, verb, object), for training tests. */
final class SyntheticText {
    private static final String[] SUBJECTS = {"Emma", "Mr. Knightley", "Harriet", "the lady", "her father", "Miss Bates"};
    private static final String[] VERBS = {"walked to", "spoke of", "thought of", "laughed at", "wrote to", "admired"};
    private static final String[] OBJECTS = {"Highbury", "the garden", "a letter", "the ball", "Hartfield", "the vicar"};

    private SyntheticText() {
    }

    static String sentences(long seed, int count) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < count; i++) {
            int s = r.nextInt(SUBJECTS.length);
            b.append(SUBJECTS[s]).append(' ').append(VERBS[(s + r.nextInt(2)) % VERBS.length]).append(' ')
                    .append(OBJECTS[r.nextInt(OBJECTS.length)]).append(r.nextInt(5) == 0 ? ".\n" : ". ");
        }
        return b.toString();
    }
}
