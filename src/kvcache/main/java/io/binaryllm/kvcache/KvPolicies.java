package io.binaryllm.kvcache;

import io.binaryllm.BadArgumentException;
import io.binaryllm.kvcache.KvPolicy.Selector;
import io.binaryllm.kvcache.internal.AsymmetricSelector;
import io.binaryllm.kvcache.internal.BinarySelector;
import io.binaryllm.kvcache.internal.ExactSelector;
import io.binaryllm.kvcache.internal.PageSelector;
import io.binaryllm.kvcache.internal.RandomSelector;
import io.binaryllm.seed.Seeds;

import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * The KV cache policies. Each keeps at most a {@link KvBudget}'s positions for a query (the first {@code sink} and the last
 * {@code recent} always among them) and attends to every position while the context is no longer than the budget,
 * so with the budget equal to the context every policy is {@link #full()} exactly.
 */
public final class KvPolicies {
    /** The policies {@link #byName} makes, in the order a listing shows them. */
    public static final List<String> NAMES = List.of("full", "exact", "window", "random", "pages", "binary", "binary-hyperplane",
            "binary-centred", "binary-hyperplane-centred", "binary-asym", "binary-rerank", "binary-hyperplane-rerank");

    private KvPolicies() {
    }

    /**
     * What a policy chosen by name may take beside its budget.
     *
     * @param seed     the seed of {@code random} and of the binary policies' projections
     * @param codeBits bits a key's code for {@code binary-hyperplane}, {@code binary-hyperplane-centred} and {@code binary-asym}
     * @param page     positions a page for {@code pages}
     * @param backend  the search backend of the binary policies
     * @param rerank   the shortlist of {@code binary-rerank} and {@code binary-hyperplane-rerank}, in picks
     */
    public record Options(long seed, int codeBits, int page, String backend, int rerank) {
        /** No re-rank: the shortlist is the picks. */
        public Options(long seed, int codeBits, int page, String backend) {
            this(seed, codeBits, page, backend, 1);
        }
    }

    /**
     * The policy {@code name} ({@link #NAMES}) at any budget; an unknown name is a {@link BadArgumentException} for
     * {@code policies}, with the names there are.
     */
    public static KvEval.PolicyAtBudget byName(String name, Options o) {
        return switch (name) {
            case "full" -> b -> full();
            case "exact" -> KvPolicies::exact;
            case "window" -> KvPolicies::window;
            case "random" -> b -> random(b, o.seed());
            case "binary" -> b -> binary(b, "sign", null, o.seed(), o.backend());
            case "binary-hyperplane" -> b -> binary(b, "hyperplane", o.codeBits(), o.seed(), o.backend());
            case "binary-centred" -> b -> binary(b, "sign", null, true, o.seed(), o.backend());
            case "binary-hyperplane-centred" -> b -> binary(b, "hyperplane", o.codeBits(), true, o.seed(), o.backend());
            case "binary-asym" -> b -> binaryAsym(b, o.codeBits(), o.seed());
            case "binary-rerank" -> b -> binary(b, "sign", null, false, o.rerank(), o.seed(), o.backend());
            case "binary-hyperplane-rerank" -> b -> binary(b, "hyperplane", o.codeBits(), false, o.rerank(), o.seed(), o.backend());
            case "pages" -> b -> pages(b, o.page());
            default -> throw new BadArgumentException("policies", "unknown policy '" + name + "' (" + String.join(", ", NAMES) + ")");
        };
    }

    /** A policy as its name, its selection state a position, and how a decoder's selector is opened. */
    private record Policy(String describe, ToIntFunction<LlamaConfig> bits, Function<LlamaConfig, Selector> opener) implements KvPolicy {
        @Override
        public int selectionBitsPerPosition(LlamaConfig config) {
            return bits.applyAsInt(config);
        }

        @Override
        public Selector open(LlamaConfig config) {
            return opener.apply(config);
        }
    }

    /** Every cached position. */
    public static KvPolicy full() {
        return new Policy("full", c -> 0, c -> new Selector() {
            @Override
            public void keyWritten(int layer, int pos, float[] keys, int offset) {
            }

            @Override
            public int[] select(int layer, int head, float[] q, int qOffset, int n) {
                return null;
            }

            @Override
            public boolean selectsAll() {
                return true;
            }
        });
    }

    /** The first {@code sink} positions and the most recent {@code budget - sink} (StreamingLLM's window). */
    public static KvPolicy window(int budget, int sink) {
        return window(KvBudget.positions(budget, sink, budget - sink));
    }

    /** The budget's sink positions and the most recent ones for the rest of it (its own recent count is not used). */
    public static KvPolicy window(KvBudget budget) {
        KvBudget w = budget.allRecent();
        return new Policy("window(" + w.describe() + ")", c -> 0, c -> new RandomSelector(w, new Seeds(0)));
    }

    /**
     * {@code sink} first and {@code recent} last positions, the rest of the budget a uniform draw without replacement
     * from those between (seeded per layer, head and step): the floor any selection must beat.
     */
    public static KvPolicy random(int budget, int sink, int recent, long seed) {
        return random(KvBudget.positions(budget, sink, recent), seed);
    }

    /** {@link #random(int, int, int, long)} within any budget. */
    public static KvPolicy random(KvBudget budget, long seed) {
        return new Policy("random(" + budget.describe() + ", seed=" + seed + ")", c -> 0, c -> new RandomSelector(budget, new Seeds(seed)));
    }

    /**
     * The binary cache: each key, when written, becomes a code per key/value head ({@code sign}: one bit a dimension,
     * the sign; {@code hyperplane}: {@code bits} signs of seeded random projections); each query is coded the same
     * way, and {@code backend} (any search backend, by name) picks the budget's cached positions of smallest Hamming
     * distance, ties to the earlier position, besides its sink and recent ones.
     */
    public static KvPolicy binary(KvBudget budget, String binarizer, Integer bits, long seed, String backend) {
        return binary(budget, binarizer, bits, false, seed, backend);
    }

    /**
     * The binary cache, its keys coded {@code centred} on their mean or not: a centred cache codes k - mu, mu the mean
     * of a key/value head's first m keys (m the largest power of two not above the positions cached at a selection;
     * the cached keys recoded when m doubles), and the query as it is: q.(k - mu) ranks keys as q.k does, while the
     * keys' common direction no longer decides their signs (MagicPIG's observation).
     */
    public static KvPolicy binary(KvBudget budget, String binarizer, Integer bits, boolean centred, long seed, String backend) {
        return binary(budget, binarizer, bits, centred, 1, seed, backend);
    }

    /**
     * The binary cache with a re-rank: the Hamming top of {@code rerank} times the budget's picks as a shortlist, the
     * picks those of highest exact q.k among it, read from the decoder's float keys (ties to the earlier position).
     * {@code rerank} 1 is the plain binary cache.
     */
    public static KvPolicy binary(KvBudget budget, String binarizer, Integer bits, boolean centred, int rerank, long seed, String backend) {
        if (!binarizer.equals("sign") && !binarizer.equals("hyperplane")) {
            throw new BadArgumentException("binarizer", "a binary cache codes keys with sign or hyperplane, got " + binarizer);
        }
        if (rerank < 1 || rerank > 1024) {
            throw new BadArgumentException("rerank", "the re-ranked shortlist is 1 to 1024 times the picks, got " + rerank);
        }
        String name = "binary(" + binarizer + (bits == null ? "" : "-" + bits) + (centred ? ", centred" : "")
                + (rerank > 1 ? ", rerank x" + rerank + " by q.k" : "") + ", " + budget.describe() + ", backend=" + backend + ")";
        return new Policy(name, c -> c.kvHeads() * (bits == null ? c.headSize() : bits),
                c -> new BinarySelector(c, budget, binarizer, bits, centred, rerank, new Seeds(seed), backend));
    }

    /**
     * QJL's asymmetric cache: each key keeps the signs of {@code bits} seeded Gaussian projections and its norm; the
     * float query, projected the same way, ranks keys by |k| * (Sq . sign(Sk)); the top ones (ties to the earlier
     * position) fill the budget beside the sink and recent positions.
     */
    public static KvPolicy binaryAsym(int budget, int sink, int recent, int bits, long seed) {
        return binaryAsym(KvBudget.positions(budget, sink, recent), bits, seed);
    }

    /** {@link #binaryAsym(int, int, int, int, long)} within any budget. */
    public static KvPolicy binaryAsym(KvBudget budget, int bits, long seed) {
        if (bits < 1 || bits > 4096) {
            throw new BadArgumentException("bits", "projection bits are 1 to 4096, got " + bits);
        }
        return new Policy("binary-asym(bits=" + bits + ", " + budget.describe() + ", seed=" + seed + ")",
                c -> c.kvHeads() * (bits + Float.SIZE), c -> new AsymmetricSelector(c, budget, bits, new Seeds(seed)));
    }

    /**
     * The oracle: sink and recent positions, the rest the positions of highest exact q.k (ties to the earlier
     * position), read from the float keys. Not a cache (it keeps nothing smaller than the keys): the ceiling of any
     * selection by estimated score within the same budget.
     */
    public static KvPolicy exact(KvBudget budget) {
        return new Policy("exact(" + budget.describe() + ")", c -> 0, c -> new ExactSelector(c, budget));
    }

    /**
     * Quest's pages, the non-binary anchor: pages of {@code page} positions keep their keys' elementwise minimum and
     * maximum; whole pages of highest upper bound on q.k fill the budget beside the sink and recent positions.
     */
    public static KvPolicy pages(int budget, int sink, int recent, int page) {
        return pages(KvBudget.positions(budget, sink, recent), page);
    }

    /** {@link #pages(int, int, int, int)} within any budget (pages counted from position 0). */
    public static KvPolicy pages(KvBudget budget, int page) {
        if (page < 1) {
            throw new BadArgumentException("page", "pages hold at least one position, got " + page);
        }
        // A page's minimum and maximum, shared by its positions.
        return new Policy("pages(page=" + page + ", " + budget.describe() + ")",
                c -> c.kvHeads() * 2 * c.headSize() * Float.SIZE / page, c -> new PageSelector(c, budget, page));
    }
}
