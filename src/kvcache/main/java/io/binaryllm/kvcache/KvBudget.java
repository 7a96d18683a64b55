package io.binaryllm.kvcache;

import io.binaryllm.BadArgumentException;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * How many cached positions a selecting policy lets a query attend to once the context outgrows it, and how many of
 * those are the first ({@code sink}) and the most recent ones: all of them inside the budget.
 * <ul>
 *   <li>A fixed budget: {@code keys} positions, the first {@code sink} and the last {@code recent} among them.</li>
 *   <li>A share: at n cached positions, {@code ceil(share x n)}, of which {@code floor(sinkShare x that)} are the
 *       first and {@code floor(recentShare x that)} the most recent. Everything scales with the step: a quarter of
 *       the keys is a quarter at every step, sinks and recent positions included. Products and roundings are exact,
 *       on the shares as written in decimal ({@code 0.1 x 30} is 3).</li>
 * </ul>
 * A share keeps the same fraction of the keys at every step, where a fixed budget attends to everything early and to
 * ever less later.
 *
 * @param keys        the fixed number of positions; 0 for a share
 * @param share       the share of cached positions, in (0, 1]; 0 for a fixed budget
 * @param sink        first positions always kept (fixed budgets)
 * @param recent      most recent positions always kept (fixed budgets)
 * @param sinkShare   share of each step's budget given to the first positions (shares)
 * @param recentShare share of each step's budget given to the most recent positions (shares)
 */
public record KvBudget(int keys, double share, int sink, int recent, double sinkShare, double recentShare) {
    public KvBudget {
        if (share == 0) {
            if (keys < 1) {
                throw new BadArgumentException("budget", "budget must be at least 1, got " + keys);
            }
            if (sink < 0 || recent < 0 || sink + recent > keys) {
                throw new BadArgumentException("budget", "sink " + sink + " and recent " + recent + " must fit the budget " + keys);
            }
            if (sinkShare != 0 || recentShare != 0) {
                throw new BadArgumentException("budget", "a fixed budget counts its sink and recent positions");
            }
        } else {
            if (keys != 0 || !(share > 0 && share <= 1)) {
                throw new BadArgumentException("budget", "a share of the cached positions is in (0, 1], got " + share);
            }
            if (sink != 0 || recent != 0) {
                throw new BadArgumentException("budget", "a share's sink and recent positions are shares of it");
            }
            if (!(sinkShare >= 0 && recentShare >= 0 && sharesFit(sinkShare, recentShare))) {
                throw new BadArgumentException("budget", "the sink and recent shares are >= 0 and at most 1 together, got "
                        + sinkShare + " and " + recentShare);
            }
        }
    }

    /** Whether a sink and a recent share, as written in decimal, take at most the whole budget (0.7 + 0.3 is 1). */
    public static boolean sharesFit(double sinkShare, double recentShare) {
        return BigDecimal.valueOf(sinkShare).add(BigDecimal.valueOf(recentShare)).compareTo(BigDecimal.ONE) <= 0;
    }

    /** {@code keys} positions, the first {@code sink} and the last {@code recent} among them. */
    public static KvBudget positions(int keys, int sink, int recent) {
        return new KvBudget(keys, 0, sink, recent, 0, 0);
    }

    /** {@code share} of the cached positions at each step, a {@code sinkShare} and a {@code recentShare} of them the first and the last. */
    public static KvBudget share(double share, double sinkShare, double recentShare) {
        return new KvBudget(0, share, 0, 0, sinkShare, recentShare);
    }

    /** The positions a query attends to when {@code n} are cached (everything when this is at least n). */
    public int keysAt(int n) {
        return share == 0 ? keys : times(share, n, RoundingMode.CEILING);
    }

    /** The first positions among {@link #keysAt}{@code (n)}. */
    public int sinkAt(int n) {
        return share == 0 ? sink : times(sinkShare, keysAt(n), RoundingMode.FLOOR);
    }

    /** The most recent positions among {@link #keysAt}{@code (n)}. */
    public int recentAt(int n) {
        return share == 0 ? recent : times(recentShare, keysAt(n), RoundingMode.FLOOR);
    }

    /**
     * The steps of a sequence of {@code length} tokens at which the budget selects (the cached positions outnumber
     * it), over which a policy's attention mass, recall and output error are averaged.
     */
    public int selectingSteps(int length) {
        int steps = 0;
        for (int n = 1; n <= length; n++) {
            steps += n > keysAt(n) ? 1 : 0;
        }
        return steps;
    }

    /** {@code fraction x count}, rounded as asked, computed on the fraction's decimal form (no binary rounding). */
    private static int times(double fraction, int count, RoundingMode rounding) {
        return BigDecimal.valueOf(fraction).multiply(BigDecimal.valueOf(count)).setScale(0, rounding).intValueExact();
    }

    /** The same budget with everything beyond the sink given to the most recent positions (a window). */
    public KvBudget allRecent() {
        return share == 0 ? positions(keys, sink, keys - sink) : share(share, sinkShare, BigDecimal.ONE.subtract(
                BigDecimal.valueOf(sinkShare)).doubleValue());
    }

    /** "128" or "25%": how reports name it. */
    public String label() {
        return share == 0 ? Integer.toString(keys) : percent(share);
    }

    /** As in a policy's name: {@code budget=128, sink=8, recent=32} or {@code budget=25%, sink=0% of it, recent=25% of it}. */
    public String describe() {
        return share == 0 ? "budget=" + keys + ", sink=" + sink + ", recent=" + recent
                : "budget=" + percent(share) + ", sink=" + percent(sinkShare) + " of it, recent=" + percent(recentShare) + " of it";
    }

    /** {@code 0.0625} as {@code 6.25%}. */
    public static String percent(double fraction) {
        return BigDecimal.valueOf(fraction).movePointRight(2).stripTrailingZeros().toPlainString() + "%";
    }

    /** A share as a budget option writes it ({@code 12.5%}), or null where {@code text} is not a percentage. */
    public static Double parsePercent(String text) {
        String s = text.strip();
        if (!s.endsWith("%")) {
            return null;
        }
        try {
            return new BigDecimal(s.substring(0, s.length() - 1).strip()).movePointLeft(2).doubleValue();
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
