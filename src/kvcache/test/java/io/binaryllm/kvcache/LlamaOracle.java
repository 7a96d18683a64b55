package io.binaryllm.kvcache;

import java.util.Arrays;

/**
 * The decoder written out plainly in double, independent of the engine's kernels and orders: what the Llama
 * architecture computes, for checking that {@link Decoder} computes it (to float rounding, not bit for bit). With a
 * {@link BitLinearPlan}, each low-bit projection is BitNet's arithmetic written out here too: weights and inputs
 * quantized in double (absmean trits with a half-precision scale a matrix; signs with a half mean |w| a row; int8
 * inputs by absmax; sign inputs with their mean |x|), their integer products, then the two scales.
 */
final class LlamaOracle {
    private final LlamaConfig c;
    private final LlamaModel.Weights w;
    private final BitLinearPlan plan;
    private final double[][][] keys;
    private final double[][][] values;
    private int pos;

    LlamaOracle(LlamaModel m) {
        this.c = m.config();
        this.w = m.weights();
        this.plan = m.plan();
        this.keys = new double[c.layers()][c.seqLen()][];
        this.values = new double[c.layers()][c.seqLen()][];
    }

    double[] next(int token) {
        int d = c.dim();
        int hs = c.headSize();
        double[] x = new double[d];
        for (int i = 0; i < d; i++) {
            x[i] = w.embedding()[token * d + i];
        }
        for (int l = 0; l < c.layers(); l++) {
            double[] xn = rms(x, w.rmsAtt(), l * d);
            double[] q = project(BitLinearPlan.Projection.Q, w.wq(), l * d * d, d, d, xn);
            double[] k = project(BitLinearPlan.Projection.K, w.wk(), l * c.kvDim() * d, c.kvDim(), d, xn);
            double[] v = project(BitLinearPlan.Projection.V, w.wv(), l * c.kvDim() * d, c.kvDim(), d, xn);
            rotate(q, pos);
            rotate(k, pos);
            keys[l][pos] = k;
            values[l][pos] = v;
            double[] att = new double[d];
            for (int h = 0; h < c.heads(); h++) {
                int kvh = h / (c.heads() / c.kvHeads());
                double[] s = new double[pos + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int t = 0; t <= pos; t++) {
                    double dot = 0;
                    for (int i = 0; i < hs; i++) {
                        dot += q[h * hs + i] * keys[l][t][kvh * hs + i];
                    }
                    s[t] = dot / Math.sqrt(hs);
                    max = Math.max(max, s[t]);
                }
                double sum = 0;
                for (int t = 0; t <= pos; t++) {
                    s[t] = Math.exp(s[t] - max);
                    sum += s[t];
                }
                for (int t = 0; t <= pos; t++) {
                    for (int i = 0; i < hs; i++) {
                        att[h * hs + i] += s[t] / sum * values[l][t][kvh * hs + i];
                    }
                }
            }
            double[] o = project(BitLinearPlan.Projection.O, w.wo(), l * d * d, d, d, att);
            for (int i = 0; i < d; i++) {
                x[i] += o[i];
            }
            xn = rms(x, w.rmsFfn(), l * d);
            int hid = c.hiddenDim();
            double[] g = project(BitLinearPlan.Projection.GATE, w.w1(), l * hid * d, hid, d, xn);
            double[] u = project(BitLinearPlan.Projection.UP, w.w3(), l * hid * d, hid, d, xn);
            for (int i = 0; i < hid; i++) {
                g[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
            }
            double[] down = project(BitLinearPlan.Projection.DOWN, w.w2(), l * d * hid, d, hid, g);
            for (int i = 0; i < d; i++) {
                x[i] += down[i];
            }
        }
        pos++;
        return mat(w.classifier(), 0, c.vocab(), d, rms(x, w.rmsFinal(), 0));
    }

    private double[] rms(double[] x, float[] weight, int offset) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double scale = 1 / Math.sqrt(ss / x.length + c.rmsEps());
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = weight[offset + i] * x[i] * scale;
        }
        return out;
    }

    /** The (rows, cols) matrix at {@code m[offset]} times x, as the plan's kind for {@code p} computes it. */
    private double[] project(BitLinearPlan.Projection p, float[] m, int offset, int rows, int cols, double[] x) {
        BitLinearPlan.Kind kind = plan.kind(p);
        if (kind == BitLinearPlan.Kind.FLOAT) {
            return mat(m, offset, rows, cols, x);
        }
        double[] wq = new double[rows * cols]; // the weights' integer levels: trits, or signs
        double[] ws = new double[rows];        // and each row's scale
        if (kind == BitLinearPlan.Kind.TERNARY) {
            double abs = 0;
            for (int i = 0; i < rows * cols; i++) {
                abs += Math.abs(m[offset + i]);
            }
            double scale = Math.max(abs / (rows * cols), 1e-5);
            for (int i = 0; i < rows * cols; i++) {
                wq[i] = Math.max(-1, Math.min(1, Math.rint(m[offset + i] / scale)));
            }
            Arrays.fill(ws, half(scale));
        } else {
            for (int r = 0; r < rows; r++) {
                double abs = 0;
                for (int j = 0; j < cols; j++) {
                    float v = m[offset + r * cols + j];
                    abs += Math.abs(v);
                    wq[r * cols + j] = v > 0 ? 1 : -1;
                }
                ws[r] = half(abs / cols);
            }
        }
        double[] xq = new double[cols];
        double xScale; // x ~ xq * xScale
        if (kind == BitLinearPlan.Kind.BINARY_SIGNS) {
            double abs = 0;
            for (int j = 0; j < cols; j++) {
                abs += Math.abs(x[j]);
                xq[j] = x[j] > 0 ? 1 : -1;
            }
            xScale = abs / cols;
        } else {
            double max = 1e-5;
            for (double v : x) {
                max = Math.max(max, Math.abs(v));
            }
            for (int j = 0; j < cols; j++) {
                xq[j] = Math.max(-128, Math.min(127, Math.rint(x[j] * 127 / max)));
            }
            xScale = max / 127;
        }
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += wq[r * cols + j] * xq[j];
            }
            out[r] = s * ws[r] * xScale;
        }
        return out;
    }

    private static double half(double v) {
        return Float.float16ToFloat(Float.floatToFloat16((float) v));
    }

    private static double[] mat(float[] m, int offset, int rows, int cols, double[] x) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += m[offset + r * cols + j] * x[j];
            }
            out[r] = s;
        }
        return out;
    }

    private void rotate(double[] v, int p) {
        int hs = c.headSize();
        for (int i = 0; i < v.length; i += 2) {
            int pair = (i % hs) / 2;
            double angle = p * Math.pow(c.ropeTheta(), -2.0 * pair / hs);
            double a = v[i];
            double b = v[i + 1];
            v[i] = a * Math.cos(angle) - b * Math.sin(angle);
            v[i + 1] = a * Math.sin(angle) + b * Math.cos(angle);
        }
    }
}
