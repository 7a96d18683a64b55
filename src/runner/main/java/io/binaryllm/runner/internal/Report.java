package io.binaryllm.runner.internal;

import io.binaryllm.internal.io.AtomicOutput;
import io.binaryllm.runner.RunConfig;
import io.binaryllm.runner.RunMetrics;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code report.md} and its charts: the run's metrics as tables a person reads, and three PNG plots. */
final class Report {
    private Report() {
    }

    static void write(Path dir, RunConfig config, RunMetrics metrics, Map<String, double[]> distances,
                      Throughput throughput) {
        RunMetrics.DatasetSummary dataset = metrics.dataset();
        RunMetrics.FloatMetrics floatM = metrics.floatMetrics();
        List<RunMetrics.VariantMetrics> variants = metrics.variants();
        List<Integer> ks = config.evaluation().k().stream().distinct().sorted().toList();
        boolean qrels = floatM.retrieval() != null;
        boolean classify = floatM.classification() != null;
        int mainK = ks.contains(10) ? 10 : ks.getLast();
        String atK = String.valueOf(mainK);
        int kPrime = config.evaluation().recallKPrime();
        StringBuilder md = new StringBuilder();
        md.append("# BinaryLLM run `").append(config.name()).append("`\n\n");
        md.append("Dataset `").append(dataset.name()).append("`: ").append(dataset.corpusRows()).append(" documents, ")
                .append(dataset.queryRows()).append(" queries, ").append(dataset.dims()).append(" dimensions. Backend `")
                .append(config.backend()).append("`, seed ").append(config.seed()).append(". Float baseline: exact cosine in double, ties by index.\n\n");

        md.append("## How much of the float ranking binary codes keep\n\n");
        md.append("Overlap@k of rescored variants is that of the re-ranked list; the top-").append(kPrime)
                .append(" columns are of the binary ranking alone.\n\n");
        md.append("| variant | bits | bytes/vector |");
        ks.forEach(k -> md.append(" overlap@").append(k).append(" |"));
        ks.stream().filter(k -> k <= kPrime).forEach(k -> md.append(" float top-").append(k).append(" in top-").append(kPrime).append(" |"));
        md.append("\n|").append(" --- |".repeat(3 + ks.size() + (int) ks.stream().filter(k -> k <= kPrime).count())).append("\n");
        for (RunMetrics.VariantMetrics v : variants) {
            md.append("| ").append(v.name()).append(" | ").append(v.bits()).append(" | ").append(v.bytesPerVector()).append(" |");
            Map<String, Double> o = orEmpty(v.overlapRescored() != null ? v.overlapRescored() : v.overlap());
            ks.forEach(k -> md.append(" ").append(fmt(o.get(String.valueOf(k)))).append(" |"));
            Map<String, Double> r = orEmpty(v.recallOfFloatTopKInTopKPrime());
            ks.stream().filter(k -> k <= kPrime).forEach(k -> md.append(" ").append(fmt(r.get(String.valueOf(k)))).append(" |"));
            md.append("\n");
        }
        if (qrels) {
            RunMetrics.Retrieval f = floatM.retrieval().get(atK);
            md.append("\n## Retrieval against the relevance judgments (k = ").append(mainK).append(")\n\n");
            md.append("Queries evaluated: ").append(f.evaluatedQueries()).append("; without any relevant document (excluded): ")
                    .append(f.queriesWithoutRelevant()).append(".\n\n");
            md.append("Kept: the share of the float32 score.\n\n");
            md.append("| variant | nDCG | kept | recall | kept | MRR | nDCG rescored | kept | recall rescored | kept |\n")
                    .append("|").append(" --- |".repeat(10)).append("\n");
            md.append("| float32 | ").append(fmt(f.ndcg())).append(" | 100% | ").append(fmt(f.recall())).append(" | 100% | ")
                    .append(fmt(f.mrr())).append(" | | | | |\n");
            for (RunMetrics.VariantMetrics v : variants) {
                RunMetrics.Retrieval b = v.retrieval().get(atK);
                RunMetrics.Retrieval re = v.retrievalRescored() == null ? null : v.retrievalRescored().get(atK);
                md.append("| ").append(v.name()).append(" | ").append(fmt(b.ndcg())).append(" | ").append(share(b.ndcg(), f.ndcg()))
                        .append(" | ").append(fmt(b.recall())).append(" | ").append(share(b.recall(), f.recall()))
                        .append(" | ").append(fmt(b.mrr())).append(" | ");
                md.append(re == null ? "" : fmt(re.ndcg())).append(" | ").append(re == null ? "" : share(re.ndcg(), f.ndcg())).append(" | ");
                md.append(re == null ? "" : fmt(re.recall())).append(" | ").append(re == null ? "" : share(re.recall(), f.recall())).append(" |");
                md.append("\n");
            }
        }
        if (classify) {
            RunMetrics.ClassificationScores fc = floatM.classification();
            md.append("\n## kNN classification (").append(fc.neighbours()).append(" neighbours, ").append(fc.tested())
                    .append(" held-out documents, seeded split)\n\n| variant | accuracy | macro-F1 |\n| --- | --- | --- |\n");
            md.append("| float32 | ").append(fmt(fc.accuracy())).append(" | ").append(fmt(fc.macroF1())).append(" |\n");
            for (RunMetrics.VariantMetrics v : variants) {
                RunMetrics.ClassificationScores c = v.classification();
                md.append("| ").append(v.name()).append(" | ").append(fmt(c.accuracy())).append(" | ").append(fmt(c.macroF1())).append(" |\n");
            }
        }
        md.append("\n## Search throughput (first variant's ").append(throughput.bits())
                .append("-bit codes, every query, as deep as the metrics need)\n\n")
                .append("Each backend's result was checked identical to the run's before it was timed (one timed call; `bench` for careful numbers).\n\n")
                .append("| backend | million pairs/s |\n| --- | --- |\n");
        for (int i = 0; i < throughput.backends().size(); i++) {
            md.append("| ").append(throughput.backends().get(i)).append(" | ").append(String.format("%.1f", throughput.mpairs().get(i))).append(" |\n");
        }

        // Charts.
        String metric = qrels ? "nDCG@" + mainK : "overlap@" + mainK;
        Map<String, List<double[]>> points = new LinkedHashMap<>();
        Map<String, List<double[]>> bytePoints = new LinkedHashMap<>();
        for (RunMetrics.VariantMetrics v : variants) {
            String key = v.binarizer() + (v.queryBits() != null ? " (" + v.queryBits() + "-bit queries)" : "")
                    + (v.rescored() ? " + rescore x" + v.rescore() : "");
            Double overlap = orEmpty(v.rescored() ? v.overlapRescored() : v.overlap()).get(atK);
            double y = qrels ? (v.rescored() ? v.retrievalRescored() : v.retrieval()).get(atK).ndcg()
                    : overlap == null ? Double.NaN : overlap;
            points.computeIfAbsent(key, k -> new ArrayList<>()).add(new double[]{v.bits(), y});
            bytePoints.computeIfAbsent(key, k -> new ArrayList<>()).add(new double[]{v.bytesPerVector(), y});
        }
        double floatValue = qrels ? floatM.retrieval().get(atK).ndcg() : 1.0;
        Plots.qualityVsBits(dir.resolve("quality_vs_bits.png"), metric, series(points), floatValue);
        Plots.qualityVsBytes(dir.resolve("quality_vs_bytes.png"), metric, series(bytePoints), floatValue);
        Plots.distanceHistogram(dir.resolve("hamming_distances.png"), distances, 40);
        Plots.throughput(dir.resolve("throughput.png"), throughput.backends(), throughput.mpairs(),
                "search throughput, " + throughput.bits() + "-bit codes");
        md.append("\n## Charts\n\n![").append(metric).append(" against bits](quality_vs_bits.png)\n\n")
                .append("![").append(metric).append(" against bytes per vector, corrections included](quality_vs_bytes.png)\n\n")
                .append("![Hamming distances of the neighbours](hamming_distances.png)\n\n![throughput](throughput.png)\n");
        AtomicOutput.writeBytes(dir.resolve("report.md"), false, md.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Each series' points sorted by x, as (xs, ys). */
    private static Map<String, double[][]> series(Map<String, List<double[]>> points) {
        Map<String, double[][]> series = new LinkedHashMap<>();
        points.forEach((key, list) -> {
            list.sort(Comparator.comparingDouble(p -> p[0]));
            series.put(key, new double[][]{list.stream().mapToDouble(p -> p[0]).toArray(), list.stream().mapToDouble(p -> p[1]).toArray()});
        });
        return series;
    }

    private static String fmt(Double value) {
        return value == null ? "" : String.format("%.4f", value);
    }

    private static String share(double part, double whole) {
        return whole == 0 ? "" : String.format("%.1f%%", 100 * part / whole);
    }

    private static Map<String, Double> orEmpty(Map<String, Double> byK) {
        return byK == null ? Map.of() : byK;
    }
}
