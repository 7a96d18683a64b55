package io.binaryllm.kvcache;

import java.util.SplittableRandom;

/** Models with seeded random weights (no real checkpoint needed): gaussian matrices scaled by 1/sqrt(fan-in). */
final class RandomLlama {
    private RandomLlama() {
    }

    static LlamaModel model(LlamaConfig c, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int d = c.dim();
        int kv = c.kvDim();
        int h = c.hiddenDim();
        int l = c.layers();
        float[] embedding = gaussian(r, c.vocab() * d, 1.0);
        return LlamaModel.of(c, new LlamaModel.Weights(embedding, around1(r, l * d), gaussian(r, l * d * d, 1 / Math.sqrt(d)),
                gaussian(r, l * kv * d, 1 / Math.sqrt(d)), gaussian(r, l * kv * d, 1 / Math.sqrt(d)), gaussian(r, l * d * d, 1 / Math.sqrt(d)),
                around1(r, l * d), gaussian(r, l * h * d, 1 / Math.sqrt(d)), gaussian(r, l * d * h, 1 / Math.sqrt(h)),
                gaussian(r, l * h * d, 1 / Math.sqrt(d)), around1(r, d),
                c.sharedClassifier() ? embedding : gaussian(r, c.vocab() * d, 1 / Math.sqrt(d))));
    }

    private static float[] gaussian(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (gauss(r) * scale);
        }
        return a;
    }

    private static float[] around1(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (1 + 0.1 * gauss(r));
        }
        return a;
    }

    private static double gauss(SplittableRandom r) { // Box-Muller: one draw, reproducible from the seed
        double u = 1 - r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
