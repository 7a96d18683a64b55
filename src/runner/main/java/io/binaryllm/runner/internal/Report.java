package io.binaryllm.runner.internal;


import io.binaryllm.data.io.AtomicOutput;
import io.binaryllm.runner.RunConfig;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code report.md} and its charts: the run's metrics as tables a person reads, and three PNG plots. */
final class Report {
    private Report() {
    }

    @SuppressWarnings("unchecked")
    static void write(Path dir, RunConfig config, Map<String, Object> metrics, Map<String, double[]> distances,
                      RunPipeline.Throughput throughput) {
        Map<String, Object> dataset = (Map<String, Object>) metrics.get("dataset");
        Map<String, Object> floatM = (Map<String, Object>) metrics.get("float");
        List<Map<String, Object>> variants = (List<Map<String, Object>>) metrics.get("variants");
        List<Integer> ks = config.evaluation().k().stream().distinct().sorted().toList();
        boolean qrels = floatM.containsKey("retrieval");
        boolean classify = floatM.containsKey("classification");
        int mainK = ks.contains(10) ? 10 : ks.getLast();
        StringBuilder md = new StringBuilder();
        md.append("# BinaryLLM run `").append(config.name()).append("`\n\n");
        md.append("Dataset `").append(dataset.get("name")).append("`: ").append(dataset.get("corpus_rows")).append(" documents, ")
                .append(dataset.get("query_rows")).append(" queries, ").append(dataset.get("dims")).append(" dimensions. Backend `")
                .append(config.backend()).append("`, seed ").append(config.seed()).append(". Float baseline: exact cosine in double, ties by index.\n\n");

        md.append("## How much of the float ranking binary codes keep\n\n");
        md.append("Overlap@k of rescored variants is that of the re-ranked list; the top-").append(config.evaluation().recallKPrime())
                .append(" columns are of the binary ranking alone.\n\n");
        md.append("| variant | bits | bytes/vector |");
        ks.forEach(k -> md.append(" overlap@").append(k).append(" |"));
        ks.stream().filter(k -> k <= config.evaluation().recallKPrime()).forEach(k ->
                md.append(" float top-").append(k).append(" in top-").append(config.evaluation().recallKPrime()).append(" |"));
        md.append("\n|").append(" --- |".repeat(3 + ks.size() + (int) ks.stream().filter(k -> k <= config.evaluation().recallKPrime()).count())).append("\n");
        for (Map<String, Object> v : variants) {
            md.append("| ").append(v.get("name")).append(" | ").append(v.get("bits")).append(" | ").append(v.get("bytes_per_vector")).append(" |");
            Map<String, Object> o = (Map<String, Object>) v.getOrDefault(v.containsKey("overlap_rescored") ? "overlap_rescored" : "overlap", Map.of());
            ks.forEach(k -> md.append(" ").append(fmt(o.get(String.valueOf(k)))).append(" |"));
            Map<String, Object> r = (Map<String, Object>) v.getOrDefault("recall_of_float_top_k_in_top_k_prime", Map.of());
            ks.stream().filter(k -> k <= config.evaluation().recallKPrime()).forEach(k -> md.append(" ").append(fmt(r.get(String.valueOf(k)))).append(" |"));
            md.append("\n");
        }
        if (qrels) {
            Map<String, Map<String, Object>> fr = (Map<String, Map<String, Object>>) floatM.get("retrieval");
            Map<String, Object> f = fr.get(String.valueOf(mainK));
            md.append("\n## Retrieval against the relevance judgments (k = ").append(mainK).append(")\n\n");
            md.append("Queries evaluated: ").append(f.get("evaluated_queries")).append("; without any relevant document (excluded): ")
                    .append(f.get("queries_without_relevant")).append(".\n\n");
            md.append("Kept: the share of the float32 score.\n\n");
            md.append("| variant | nDCG | kept | recall | kept | MRR | nDCG rescored | kept | recall rescored | kept |\n")
                    .append("|").append(" --- |".repeat(10)).append("\n");
            md.append("| float32 | ").append(fmt(f.get("ndcg"))).append(" | 100% | ").append(fmt(f.get("recall"))).append(" | 100% | ")
                    .append(fmt(f.get("mrr"))).append(" | | | | |\n");
            for (Map<String, Object> v : variants) {
                Map<String, Object> b = ((Map<String, Map<String, Object>>) v.get("retrieval")).get(String.valueOf(mainK));
                Map<String, Map<String, Object>> rs = (Map<String, Map<String, Object>>) v.get("retrieval_rescored");
                Map<String, Object> re = rs == null ? null : rs.get(String.valueOf(mainK));
                md.append("| ").append(v.get("name")).append(" | ").append(fmt(b.get("ndcg"))).append(" | ").append(share(b.get("ndcg"), f.get("ndcg")))
                        .append(" | ").append(fmt(b.get("recall"))).append(" | ").append(share(b.get("recall"), f.get("recall")))
                        .append(" | ").append(fmt(b.get("mrr"))).append(" | ");
                for (String metric : List.of("ndcg", "recall")) {
                    md.append(re == null ? "" : fmt(re.get(metric))).append(" | ").append(re == null ? "" : share(re.get(metric), f.get(metric))).append(" | ");
                }
                md.setLength(md.length() - 1);
                md.append("\n");
            }
        }
        if (classify) {
            Map<String, Object> fc = (Map<String, Object>) floatM.get("classification");
            md.append("\n## kNN classification (").append(fc.get("neighbours")).append(" neighbours, ").append(fc.get("tested"))
                    .append(" held-out documents, seeded split)\n\n| variant | accuracy | macro-F1 |\n| --- | --- | --- |\n");
            md.append("| float32 | ").append(fmt(fc.get("accuracy"))).append(" | ").append(fmt(fc.get("macro_f1"))).append(" |\n");
            for (Map<String, Object> v : variants) {
                Map<String, Object> c = (Map<String, Object>) v.get("classification");
                md.append("| ").append(v.get("name")).append(" | ").append(fmt(c.get("accuracy"))).append(" | ").append(fmt(c.get("macro_f1"))).append(" |\n");
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
        for (Map<String, Object> v : variants) {
            String key = v.get("binarizer") + (v.containsKey("query_bits") ? " (" + v.get("query_bits") + "-bit queries)" : "")
                    + ((Integer) v.get("rescore") > 0 ? " + rescore x" + v.get("rescore") : "");
            boolean rescored = (Integer) v.get("rescore") > 0;
            Object overlap = ((Map<String, Object>) v.getOrDefault(rescored ? "overlap_rescored" : "overlap", Map.of())).get(String.valueOf(mainK));
            double y = qrels ? ((Number) ((Map<String, Map<String, Object>>) v.get(rescored ? "retrieval_rescored" : "retrieval"))
                    .get(String.valueOf(mainK)).get("ndcg")).doubleValue()
                    : overlap == null ? Double.NaN : ((Number) overlap).doubleValue();
            points.computeIfAbsent(key, k -> new ArrayList<>()).add(new double[]{((Number) v.get("bits")).doubleValue(), y});
            bytePoints.computeIfAbsent(key, k -> new ArrayList<>()).add(new double[]{((Number) v.get("bytes_per_vector")).doubleValue(), y});
        }
        double floatValue = qrels ? ((Number) ((Map<String, Map<String, Object>>) floatM.get("retrieval")).get(String.valueOf(mainK)).get("ndcg")).doubleValue() : 1.0;
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
            list.sort(java.util.Comparator.comparingDouble(p -> p[0]));
            series.put(key, new double[][]{list.stream().mapToDouble(p -> p[0]).toArray(), list.stream().mapToDouble(p -> p[1]).toArray()});
        });
        return series;
    }

    private static String fmt(Object value) {
        return value == null ? "" : String.format("%.4f", ((Number) value).doubleValue());
    }

    private static String share(Object part, Object whole) {
        double w = ((Number) whole).doubleValue();
        return w == 0 ? "" : String.format("%.1f%%", 100 * ((Number) part).doubleValue() / w);
    }
}
