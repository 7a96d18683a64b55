package io.binaryllm.benchmarks.bbq;

import java.util.Locale;

/**
 * One measured configuration of one process: quality (the same in every round: both sides are deterministic),
 * {@code pair} names what it is set against on the other side ("1 bit", "1 bit + rescore x4"; empty for none), the
 * median pass's queries per second, the passes timed, and the seconds the index or the codes took to build.
 */
record Row(String system, String encoding, String pair, int bytesPerVector, double ndcg, double recall, double qps, int passes, double buildSeconds) {

    String tsv() {
        return String.format(Locale.ROOT, "%s\t%s\t%s\t%d\t%.6f\t%.6f\t%.3f\t%d\t%.3f", system, encoding, pair, bytesPerVector, ndcg, recall, qps, passes, buildSeconds);
    }

    static Row parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 9) {
            throw new IllegalArgumentException("not a row of 9 fields: " + line);
        }
        return new Row(f[0], f[1], f[2], Integer.parseInt(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                Double.parseDouble(f[6]), Integer.parseInt(f[7]), Double.parseDouble(f[8]));
    }

    /** The pairing name of a configuration at {@code bits} a dimension, with or without rescoring. */
    static String pair(int bits, boolean rescore) {
        return bits + (bits == 1 ? " bit" : " bits") + (rescore ? " + rescore x" + Workload.RESCORE : "");
    }

    /** What identifies the configuration across rounds. */
    String key() {
        return system + " | " + encoding;
    }
}
