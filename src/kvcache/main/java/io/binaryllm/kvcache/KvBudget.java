package io.binaryllm.kvcache;

import io.binaryllm.BadArgumentException;

import java.util.Locale;

/**
 * How many cached positions a selecting policy lets a query attend to once the context outgrows it, and how many of
 * those are the first ({@code sink}) and the most recent ones. Either a fixed number of positions, or a share of the
 * positions cached at each step: at n cached positions, {@code max(sink + 1, floor(share * n))} (never more than the
 * share, beyond the sink's floor), of which a {@code recentShare} (at least one) are the most recent. A share keeps the same
 * fraction of the keys at every step, where a fixed budget attends to everything early and to ever less later.
 *
 * @param keys        the fixed number of positions; 0 for a share
 * @param share       the share of cached positions, in (0, 1]; 0 for a fixed budget
 * @param sink        first positions always kept
 * @param recent      most recent positions always kept (fixed budgets)
 * @param recentShare share of each step's budget given to the most recent positions (shares)
 */
public record KvBudget(int keys, double share, int sink, int recent, double recentShare) {
    public KvBudget {
        if (share == 0) {
            if (keys < 1) {
                throw new BadArgumentException("budget", "budget must be at least 1, got " + keys);
            }
            if (sink < 0 || recent < 0 || sink + recent > keys) {
                throw new BadArgumentException("budget", "sink " + sink + " and recent " + recent + " must fit the budget " + keys);
            }
        } else {
            if (keys != 0 || !(share > 0 && share <= 1)) {
                throw new BadArgumentException("budget", "a share of the cached positions is in (0, 1], got " + share);
            }
            if (sink < 0 || !(recentShare >= 0 && recentShare <= 1)) {
                throw new BadArgumentException("budget", "sink must be >= 0 and the recent share in [0, 1], got " + sink + " and " + recentShare);
            }
        }
    }

    /** {@code keys} positions, the first {@code sink} and the last {@code recent} among them. */
    public static KvBudget positions(int keys, int sink, int recent) {
        return new KvBudget(keys, 0, sink, recent, 0);
    }

    /** {@code share} of the cached positions at each step, the first {@code sink} and a {@code recentShare} of the most recent among them. */
    public static KvBudget share(double share, int sink, double recentShare) {
        return new KvBudget(0, share, sink, 0, recentShare);
    }

    /** The positions a query attends to when {@code n} are cached (everything when this is at least n). */
    public int keysAt(int n) {
        return share == 0 ? keys : Math.max(sink + 1, (int) Math.floor(share * n));
    }

    /**
     * The most recent positions among {@link #keysAt}{@code (n)}: a share's recent positions are at least one (the
     * query's own key) whenever its recent share is above 0.
     */
    public int recentAt(int n) {
        int room = keysAt(n) - sink;
        if (share == 0) {
            return Math.min(room, recent);
        }
        return Math.min(room, recentShare == 0 ? 0 : Math.max(1, (int) Math.floor(recentShare * keysAt(n))));
    }

    /** The same budget with everything beyond the sink given to the most recent positions (a window). */
    public KvBudget allRecent() {
        return share == 0 ? positions(keys, sink, keys - sink) : share(share, sink, 1.0);
    }

    /** "128" or "25%": how reports name it. */
    public String label() {
        return share == 0 ? Integer.toString(keys) : String.format(Locale.ROOT, "%s%%", trim(share * 100));
    }

    /** As in a policy's name: {@code budget=128, sink=8, recent=32} or {@code budget=25%, sink=8, recent=25% of it}. */
    public String describe() {
        return "budget=" + label() + ", sink=" + sink + ", recent="
                + (share == 0 ? Integer.toString(recent) : trim(recentShare * 100) + "% of it");
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
