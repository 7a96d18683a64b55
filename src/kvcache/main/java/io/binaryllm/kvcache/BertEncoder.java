package io.binaryllm.kvcache;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.internal.io.FileKinds;
import io.binaryllm.kvcache.internal.OnnxFile;
import io.binaryllm.kvcache.internal.ParallelMatVec;
import io.binaryllm.metric.Dot;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * A BERT encoder (post-LayerNorm, GELU, bidirectional attention) computed in Java from an ONNX export's weights, such
 * as the all-MiniLM-L6-v2 the project embeds text with: so that its real attention (each layer's and head's queries,
 * keys and values) can be measured against cache policies, and its embeddings checked against the ONNX runtime's.
 * Projection weights are found through the MatMul nodes that use them (exports name them {@code onnx::MatMul_N}).
 */
public final class BertEncoder {
    /** What {@link #forward} shows of each layer: its queries, keys and values, (tokens, dim) each, heads side by side. */
    public interface AttentionObserver {
        void attention(int layer, float[][] q, float[][] k, float[][] v);
    }

    private final int dim;
    private final int heads;
    private final int layers;
    private final int maxPositions;
    private final Map<String, OnnxFile.Tensor> w;
    private final Map<String, float[]> transposed = new HashMap<>();
    private static final float EPS = 1e-12f;

    private BertEncoder(Path file, OnnxFile onnx, int heads) {
        this.w = onnx.tensors();
        for (OnnxFile.Node n : onnx.nodes()) {
            if ("MatMul".equals(n.op()) && n.inputs().size() == 2 && w.containsKey(n.inputs().get(1)) && !n.outputs().isEmpty()) {
                // "/encoder/layer.0/attention/self/query/MatMul_output_0" -> "encoder.layer.0.attention.self.query.weight"
                String role = n.outputs().getFirst().substring(1).replace('/', '.').replace(".MatMul_output_0", ".weight");
                OnnxFile.Tensor t = w.get(n.inputs().get(1));
                if (t.dims().length != 2) {
                    throw BadInputException.in(file, "MatMul weight " + n.inputs().get(1) + " is not a matrix (dimensions "
                            + java.util.Arrays.toString(t.dims()) + ")");
                }
                transposed.put(role, transpose(t.values(), (int) t.dims()[0], (int) t.dims()[1])); // dims checked by OnnxFile
            }
        }
        OnnxFile.Tensor words = tensor(file, "embeddings.word_embeddings.weight");
        if (words.dims().length != 2 || words.dims()[1] < 1) {
            throw BadInputException.in(file, "embeddings.word_embeddings.weight is not a matrix of rows of at least one value (dimensions "
                    + java.util.Arrays.toString(words.dims()) + ")");
        }
        this.dim = (int) words.dims()[1];
        this.heads = heads;
        int l = 0;
        while (transposed.containsKey("encoder.layer." + l + ".attention.self.query.weight")) {
            l++;
        }
        this.layers = l;
        if (layers == 0 || dim % heads != 0) {
            throw BadInputException.in(file, "not a BERT encoder of " + heads + " heads (" + layers + " layers of width " + dim + " found)");
        }
        this.maxPositions = (int) tensor(file, "embeddings.position_embeddings.weight").values().length / dim;
        // Every tensor the forward pass reads, present and of its width, so that forward() never meets a missing one.
        if (tensor(file, "embeddings.token_type_embeddings.weight").values().length < dim) { // (types, dim): type 0 is read
            throw BadInputException.in(file, "tensor embeddings.token_type_embeddings.weight holds no row of " + dim);
        }
        width(file, "embeddings.LayerNorm.weight", dim);
        width(file, "embeddings.LayerNorm.bias", dim);
        for (int i = 0; i < layers; i++) {
            String p = "encoder.layer." + i + ".";
            for (String part : new String[]{"attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                    "intermediate.dense", "output.dense"}) {
                OnnxFile.Tensor bias = tensor(file, p + part + ".bias");
                if (bias.values().length == 0) {
                    throw BadInputException.in(file, p + part + ".bias is empty");
                }
                int in = part.equals("output.dense") ? -1 : dim;
                float[] weight = weight(file, p + part + ".weight");
                if (weight.length % bias.values().length != 0 || in > 0 && weight.length != (long) in * bias.values().length) {
                    throw BadInputException.in(file, p + part + ": a weight of " + weight.length + " floats for a bias of "
                            + bias.values().length);
                }
            }
            for (String norm : new String[]{"attention.output.LayerNorm", "output.LayerNorm"}) {
                width(file, p + norm + ".weight", dim);
                width(file, p + norm + ".bias", dim);
            }
        }
    }

    private void width(Path file, String name, int width) {
        if (tensor(file, name).values().length != width) {
            throw BadInputException.in(file, "tensor " + name + " has " + tensor(file, name).values().length + " values, not " + width);
        }
    }

    private OnnxFile.Tensor tensor(Path file, String name) {
        OnnxFile.Tensor t = w.get(name);
        if (t == null) {
            throw BadInputException.in(file, "tensor " + name + " is missing");
        }
        return t;
    }

    private float[] weight(Path file, String role) {
        float[] t = transposed.get(role);
        if (t == null) {
            throw BadInputException.in(file, "no MatMul computes " + role);
        }
        return t;
    }

    private static float[] transpose(float[] a, int rows, int cols) {
        float[] out = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = a[r * cols + c];
            }
        }
        return out;
    }

    /** Reads the ONNX export at {@code file}, a BERT of {@code heads} attention heads. */
    public static BertEncoder readOnnx(Path file, int heads) {
        FileKinds.requireRegularFile(file); // a FIFO would block the open forever
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            MemorySegment data = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return new BertEncoder(file, OnnxFile.parse(file, data), heads);
        } catch (NoSuchFileException e) {
            throw BadInputException.in(file, "no such file");
        } catch (IOException e) {
            throw BadInputException.in(file, "cannot read: " + FileKinds.reason(e));
        }
    }

    public int dim() {
        return dim;
    }

    public int heads() {
        return heads;
    }

    public int layers() {
        return layers;
    }

    /**
     * The last layer's hidden states (tokens, dim) of {@code ids} (with [CLS] and [SEP] as the tokenizer put them):
     * 1 to the model's position count of ids, each in its vocabulary.
     */
    public float[][] forward(int[] ids, AttentionObserver observer) {
        int n = ids.length;
        float[] words = w.get("embeddings.word_embeddings.weight").values();
        if (n < 1 || n > maxPositions) {
            throw new BadArgumentException("ids", "1 to " + maxPositions + " token ids, got " + n);
        }
        for (int id : ids) {
            if (id < 0 || (long) id * dim >= words.length) {
                throw new BadArgumentException("ids", "token ids are 0 to " + (words.length / dim - 1) + ", got " + id);
            }
        }
        float[] positions = w.get("embeddings.position_embeddings.weight").values();
        float[] types = w.get("embeddings.token_type_embeddings.weight").values();
        float[][] h = new float[n][dim];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                h[i][j] = words[ids[i] * dim + j] + positions[i * dim + j] + types[j];
            }
            layerNorm(h[i], "embeddings.LayerNorm");
        }
        int hs = dim / heads;
        double scale = Math.sqrt(hs);
        for (int l = 0; l < layers; l++) {
            String p = "encoder.layer." + l + ".";
            float[][] q = linear(h, p + "attention.self.query");
            float[][] k = linear(h, p + "attention.self.key");
            float[][] v = linear(h, p + "attention.self.value");
            if (observer != null) {
                observer.attention(l, q, k, v);
            }
            float[][] context = new float[n][dim];
            double[] s = new double[n];
            for (int head = 0; head < heads; head++) {
                int o = head * hs;
                for (int i = 0; i < n; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < n; j++) {
                        s[j] = Dot.dot(q[i], o, k[j], o, hs) / scale;
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < n; j++) {
                        s[j] = StrictMath.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int d = 0; d < hs; d++) {
                        double acc = 0;
                        for (int j = 0; j < n; j++) {
                            acc += s[j] / sum * v[j][o + d];
                        }
                        context[i][o + d] = (float) acc;
                    }
                }
            }
            float[][] attended = linear(context, p + "attention.output.dense");
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < dim; j++) {
                    h[i][j] += attended[i][j];
                }
                layerNorm(h[i], p + "attention.output.LayerNorm");
            }
            float[][] up = linear(h, p + "intermediate.dense");
            for (float[] row : up) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = (float) gelu(row[j]);
                }
            }
            float[][] down = linear(up, p + "output.dense");
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < dim; j++) {
                    h[i][j] += down[i][j];
                }
                layerNorm(h[i], p + "output.LayerNorm");
            }
        }
        return h;
    }

    /** Sentence-transformers' embedding: the mean of the last hidden states, L2-normalized (in double). */
    public float[] embedding(int[] ids) {
        float[][] h = forward(ids, null);
        double[] mean = new double[dim];
        for (float[] row : h) {
            for (int j = 0; j < dim; j++) {
                mean[j] += row[j];
            }
        }
        double norm = 0;
        for (int j = 0; j < dim; j++) {
            mean[j] /= h.length;
            norm += mean[j] * mean[j];
        }
        float[] out = new float[dim];
        for (int j = 0; j < dim; j++) {
            out[j] = (float) (mean[j] / Math.sqrt(norm));
        }
        return out;
    }

    private float[][] linear(float[][] x, String name) {
        float[] weight = transposed.get(name + ".weight");
        float[] bias = w.get(name + ".bias").values();
        int out = bias.length;
        int in = weight.length / out;
        float[][] y = new float[x.length][out];
        for (int i = 0; i < x.length; i++) {
            ParallelMatVec.matVec(weight, 0, out, in, x[i], 0, y[i], 0);
            for (int j = 0; j < out; j++) {
                y[i][j] += bias[j];
            }
        }
        return y;
    }

    private void layerNorm(float[] x, String name) {
        float[] gamma = w.get(name + ".weight").values();
        float[] beta = w.get(name + ".bias").values();
        double mean = 0;
        for (float v : x) {
            mean += v;
        }
        mean /= x.length;
        double var = 0;
        for (float v : x) {
            var += (v - mean) * (v - mean);
        }
        var /= x.length;
        double inv = 1 / Math.sqrt(var + EPS);
        for (int j = 0; j < x.length; j++) {
            x[j] = (float) ((x[j] - mean) * inv * gamma[j] + beta[j]);
        }
    }

    /** GELU with the error function, as BERT's exports compute it. */
    static double gelu(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    /** erf to ~1.2e-7 relative (Numerical Recipes' erfc, Chebyshev fit), in double. */
    static double erf(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double erfc = t * StrictMath.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - erfc : erfc - 1;
    }
}
