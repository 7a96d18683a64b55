package io.binaryllm.benchmarks.bbq;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Lucene 10.6's BBQ against osq on the same vectors and threads, each configuration measured in a JVM of its own
 * (no system runs in a JVM another has warmed or filled), all under {@link PassTimer}'s rule; the script
 * {@code benchmarks/lucene-bbq.sh} runs the processes in interleaved rounds and then the report.
 *
 * <pre>
 * LuceneBbqComparison lucene DATASET THREADS BITS OUT.tsv            Lucene BBQ at BITS (1, 2, 4), plain and rescored
 * LuceneBbqComparison osq    DATASET THREADS BACKEND BITS OUT.tsv    osq on BACKEND at BITS, plain and rescored
 * LuceneBbqComparison osq1   DATASET THREADS BACKEND BITS OUT.tsv    the same, one query a search call on each thread
 * LuceneBbqComparison sign   DATASET THREADS BACKEND OUT.tsv         sign codes' Hamming search on BACKEND
 * LuceneBbqComparison report DATASET THREADS DIR OUT.md              the rounds' rows of DIR/*.tsv: table, ratios, chart
 * </pre>
 */
public final class LuceneBbqComparison {
    private LuceneBbqComparison() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        if (mode.equals("osq1")) {
            // Before any backend reads it: one query a call on each workload thread, the backend's own loop on one.
            System.setProperty("binaryllm.threads", "1");
        }
        int threads = Integer.parseInt(args[2]);
        try (Workload work = Workload.load(args[1], threads)) {
            switch (mode) {
                case "lucene" -> write(LuceneSide.measure(work, Integer.parseInt(args[3])), Path.of(args[4]));
                case "osq" -> write(OsqSide.osq(work, args[3], Integer.parseInt(args[4]), false), Path.of(args[5]));
                case "osq1" -> write(OsqSide.osq(work, args[3], Integer.parseInt(args[4]), true), Path.of(args[5]));
                case "sign" -> write(OsqSide.sign(work, args[3]), Path.of(args[4]));
                case "report" -> Report.write(work, args[1], Path.of(args[3]), Path.of(args[4]));
                default -> throw new IllegalArgumentException("mode must be lucene, osq, osq1, sign or report, got " + mode);
            }
        }
    }

    private static void write(List<Row> rows, Path out) throws Exception {
        StringBuilder text = new StringBuilder();
        for (Row r : rows) {
            System.out.printf("%s %s: nDCG@10 %.4f recall@10 %.4f, %.0f queries/s (median of %d passes; built in %.1f s)%n",
                    r.system(), r.encoding(), r.ndcg(), r.recall(), r.qps(), r.passes(), r.buildSeconds());
            text.append(r.tsv()).append('\n');
        }
        Files.writeString(out, text, StandardCharsets.UTF_8);
    }
}
