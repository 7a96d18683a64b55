package io.binaryllm.kvcache;

import io.binaryllm.BadArgumentException;
import io.binaryllm.kvcache.internal.BinarySelector;
import io.binaryllm.seed.Seeds;


/**
 * The KV cache policies. Each keeps at most {@code budget} positions for a query (the first {@code sink} and the last
 * {@code recent} always among them) and attends to every position while the context is no longer than the budget,
 * so with the budget equal to the context every policy is {@link #full()} exactly.
 */
public final class KvPolicies {
    private KvPolicies() {
    }

    /** Every cached position. */
    public static KvPolicy full() {
        return new KvPolicy() {
            @Override
            public String describe() {
                return "full";
            }

            @Override
            public int selectionBitsPerPosition(LlamaConfig config) {
                return 0;
            }

            @Override
            public Selector open(LlamaConfig config) {
                return new Selector() {
                    @Override
                    public void keyWritten(int layer, int pos, float[] keys, int offset) {
                    }

                    @Override
                    public int[] select(int layer, int head, float[] q, int qOffset, int n) {
                        return null;
                    }
                };
            }
        };
    }

    /** The first {@code sink} positions and the most recent {@code budget - sink} (StreamingLLM's window). */
    public static KvPolicy window(int budget, int sink) {
        check(budget, sink, 0);
        return fixed("window(budget=" + budget + ", sink=" + sink + ")", budget, sink, budget - sink, null);
    }

    /** {@code sink} first and {@code recent} last positions, the rest of the budget drawn at random (seeded): a floor. */
    public static KvPolicy random(int budget, int sink, int recent, long seed) {
        check(budget, sink, recent);
        return fixed("random(budget=" + budget + ", sink=" + sink + ", recent=" + recent + ", seed=" + seed + ")", budget, sink, recent,
                new Seeds(seed));
    }

    /**
     * The binary cache: each key, when written, becomes a code per key/value head ({@code sign}: one bit a dimension,
     * the sign; {@code hyperplane}: {@code bits} signs of seeded random projections); each query is coded the same
     * way, and {@code backend} (any search backend, by name) picks the {@code budget - sink - recent} cached positions
     * of smallest Hamming distance, ties to the earlier position, besides the sink and recent ones.
     */
    public static KvPolicy binary(int budget, int sink, int recent, String binarizer, Integer bits, long seed, String backend) {
        check(budget, sink, recent);
        if (!binarizer.equals("sign") && !binarizer.equals("hyperplane")) {
            throw new BadArgumentException("binarizer", "a binary cache codes keys with sign or hyperplane, got " + binarizer);
        }
        String name = "binary(" + binarizer + (bits == null ? "" : "-" + bits) + ", budget=" + budget + ", sink=" + sink
                + ", recent=" + recent + ", backend=" + backend + ")";
        return new KvPolicy() {
            @Override
            public String describe() {
                return name;
            }

            @Override
            public int selectionBitsPerPosition(LlamaConfig config) {
                return config.kvHeads() * (bits == null ? config.headSize() : bits);
            }

            @Override
            public Selector open(LlamaConfig config) {
                return new BinarySelector(config, budget, sink, recent, binarizer, bits, new Seeds(seed), backend);
            }
        };
    }

    /**
     * QJL's asymmetric cache: each key keeps the signs of {@code bits} seeded Gaussian projections and its norm; the
     * float query, projected the same way, ranks keys by |k| * (Sq . sign(Sk)); the top ones (ties to the earlier
     * position) fill the budget beside the sink and recent positions.
     */
    public static KvPolicy binaryAsym(int budget, int sink, int recent, int bits, long seed) {
        check(budget, sink, recent);
        if (bits < 1 || bits > 4096) {
            throw new BadArgumentException("bits", "projection bits are 1 to 4096, got " + bits);
        }
        String name = "binary-asym(bits=" + bits + ", budget=" + budget + ", sink=" + sink + ", recent=" + recent + ", seed=" + seed + ")";
        return new KvPolicy() {
            @Override
            public String describe() {
                return name;
            }

            @Override
            public int selectionBitsPerPosition(LlamaConfig config) {
                return config.kvHeads() * (bits + Float.SIZE);
            }

            @Override
            public Selector open(LlamaConfig config) {
                return new io.binaryllm.kvcache.internal.AsymmetricSelector(config, budget, sink, recent, bits, new Seeds(seed));
            }
        };
    }

    /**
     * Quest's pages, the non-binary anchor: pages of {@code page} positions keep their keys' elementwise minimum and
     * maximum; whole pages of highest upper bound on q.k fill the budget beside the sink and recent positions.
     */
    public static KvPolicy pages(int budget, int sink, int recent, int page) {
        check(budget, sink, recent);
        if (page < 1) {
            throw new BadArgumentException("page", "pages hold at least one position, got " + page);
        }
        String name = "pages(page=" + page + ", budget=" + budget + ", sink=" + sink + ", recent=" + recent + ")";
        return new KvPolicy() {
            @Override
            public String describe() {
                return name;
            }

            @Override
            public int selectionBitsPerPosition(LlamaConfig config) {
                return config.kvHeads() * 2 * config.headSize() * Float.SIZE / page; // a page's min and max, shared by its positions
            }

            @Override
            public Selector open(LlamaConfig config) {
                return new io.binaryllm.kvcache.internal.PageSelector(config, budget, sink, recent, page);
            }
        };
    }

    private static void check(int budget, int sink, int recent) {
        if (budget < 1) {
            throw new BadArgumentException("budget", "budget must be at least 1, got " + budget);
        }
        if (sink < 0 || recent < 0 || sink + recent > budget) {
            throw new BadArgumentException("budget", "sink " + sink + " and recent " + recent + " must fit the budget " + budget);
        }
    }

    /** Sink and recent positions plus, with seeds, random ones from between them. */
    private static KvPolicy fixed(String name, int budget, int sink, int recent, Seeds seeds) {
        return new KvPolicy() {
            @Override
            public String describe() {
                return name;
            }

            @Override
            public int selectionBitsPerPosition(LlamaConfig config) {
                return 0;
            }

            @Override
            public Selector open(LlamaConfig config) {
                return new Selector() {
                    @Override
                    public void keyWritten(int layer, int pos, float[] keys, int offset) {
                    }

                    @Override
                    public int[] select(int layer, int head, float[] q, int qOffset, int n) {
                        if (n <= budget) {
                            return null;
                        }
                        int middle = budget - sink - recent;
                        int[] out = new int[budget];
                        for (int i = 0; i < sink; i++) {
                            out[i] = i;
                        }
                        if (middle > 0) {
                            // A partial Fisher-Yates shuffle of [sink, n - recent), seeded by (layer, head, n).
                            io.binaryllm.seed.SplitMix64 r = seeds.stream("random-cache/" + layer + "/" + head + "/" + n);
                            int span = n - recent - sink;
                            int[] pool = new int[span];
                            for (int i = 0; i < span; i++) {
                                pool[i] = sink + i;
                            }
                            for (int i = 0; i < middle; i++) {
                                int j = i + (int) r.nextLong(span - i);
                                int t = pool[i];
                                pool[i] = pool[j];
                                pool[j] = t;
                            }
                            java.util.Arrays.sort(pool, 0, middle);
                            System.arraycopy(pool, 0, out, sink, middle);
                        }
                        for (int i = 0; i < recent; i++) {
                            out[sink + middle + i] = n - recent + i;
                        }
                        return out;
                    }
                };
            }
        };
    }
}
