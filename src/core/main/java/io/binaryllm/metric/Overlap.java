package io.binaryllm.metric;

import java.util.Arrays;

/** overlap@k = |top_k(A) ∩ top_k(B)| / k, for two result lists of the same query. */
public final class Overlap {
    private Overlap() {
    }

    public static double atK(long[] a, long[] b, int k) {
        if (k < 1 || a.length < k || b.length < k) {
            throw new IllegalArgumentException("overlap@" + k + " needs two lists of at least k entries, got " + a.length + " and " + b.length);
        }
        long[] sortedB = Arrays.copyOf(b, k);
        Arrays.sort(sortedB);
        long[] sortedA = Arrays.copyOf(a, k);
        Arrays.sort(sortedA);
        int common = 0;
        for (int i = 0; i < k; i++) {
            if ((i == 0 || sortedA[i] != sortedA[i - 1]) && Arrays.binarySearch(sortedB, sortedA[i]) >= 0) {
                common++;
            }
        }
        return (double) common / k;
    }

    /** Mean overlap@k over queries. */
    public static double meanAtK(long[][] a, long[][] b, int k) {
        if (a.length != b.length || a.length == 0) {
            throw new IllegalArgumentException("need the same, nonzero number of queries, got " + a.length + " and " + b.length);
        }
        double sum = 0;
        for (int q = 0; q < a.length; q++) {
            sum += atK(a[q], b[q], k);
        }
        return sum / a.length;
    }
}
