package io.binaryllm.benchmarks.bbq;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The rounds' rows of one dataset combined: per configuration the median of its rounds' queries per second (and
 * their range), quality checked equal in every round, the float ranking's quality as the 100% line, the ratio of
 * every BinaryLLM configuration to Lucene's of the same bits, a markdown table and a chart.
 */
final class Report {
    private Report() {
    }

    /** A configuration's rounds. */
    record Measured(Row first, double[] qps) {
        double median() {
            double[] s = qps.clone();
            Arrays.sort(s);
            int n = s.length;
            return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        }

        String range() {
            return String.format("%.0f-%.0f (%d)", Arrays.stream(qps).min().orElseThrow(), Arrays.stream(qps).max().orElseThrow(), qps.length);
        }
    }

    static void write(Workload work, String name, Path dir, Path out) throws IOException {
        Map<String, List<Row>> byKey = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".tsv")).sorted().toList();
        }
        for (Path f : files) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                Row r = Row.parse(line);
                byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
            }
        }
        List<Measured> measured = new ArrayList<>();
        int maxRounds = 0;
        for (List<Row> rs : byKey.values()) {
            Row first = rs.getFirst();
            for (Row r : rs) {
                if (r.ndcg() != first.ndcg() || r.recall() != first.recall()) {
                    throw new IllegalStateException(first.key() + ": quality differs between rounds (" + first.ndcg() + " and " + r.ndcg() + ")");
                }
            }
            maxRounds = Math.max(maxRounds, rs.size());
            measured.add(new Measured(first, rs.stream().mapToDouble(Row::qps).toArray()));
        }
        measured.sort((a, b) -> Integer.compare(order(a.first()), order(b.first())));
        double[] floatScores = work.quality(work.floatTop());
        StringBuilder md = new StringBuilder();
        md.append("### ").append(name).append(": ").append(work.corpus.rows()).append(" documents, ").append(work.queries.rows())
                .append(" queries, ").append(work.dims).append(" dims, ").append(work.threads).append(" threads, ")
                .append("up to ").append(maxRounds).append(" rounds, ").append(LocalDate.now()).append("\n\n");
        md.append("| system | encoding | bytes/vector | nDCG@10 | kept | recall@10 | kept | queries/s (median of rounds) | rounds' range (rounds) | build s |\n");
        md.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        md.append(String.format("| float32 | exact cosine | %d | %.4f | 100.0%% | %.4f | 100.0%% |  |  |  |%n", work.dims * Float.BYTES, floatScores[0], floatScores[1]));
        for (Measured m : measured) {
            Row r = m.first();
            md.append(String.format("| %s | %s | %d | %.4f | %.1f%% | %.4f | %.1f%% | %.0f | %s | %.1f |%n", r.system(), r.encoding(), r.bytesPerVector(),
                    r.ndcg(), 100 * r.ndcg() / floatScores[0], r.recall(), 100 * r.recall() / floatScores[1], m.median(), m.range(), r.buildSeconds()));
        }
        md.append("\nQueries per second against Lucene BBQ's at the same bits (medians of rounds):\n\n| system | bits | x Lucene BBQ |\n| --- | --- | --- |\n");
        for (Measured m : measured) {
            if (m.first().system().startsWith("Lucene") || m.first().pair().isEmpty()) {
                continue;
            }
            for (Measured l : measured) {
                if (l.first().system().startsWith("Lucene") && l.first().pair().equals(m.first().pair())) {
                    md.append(String.format("| %s | %s | %.1fx |%n", m.first().system(), m.first().pair(), m.median() / l.median()));
                }
            }
        }
        Files.writeString(out, md, StandardCharsets.UTF_8);
        Path png = out.resolveSibling(out.getFileName().toString().replace(".md", ".png"));
        chart(name, work.threads, measured, floatScores[0], png);
        System.out.print(md);
        System.out.println("wrote " + out + " and " + png);
    }

    /** Lucene first, then osq, then sign; within a system by bits and rescoring. */
    private static int order(Row r) {
        int system = r.system().startsWith("Lucene") ? 0 : r.system().contains("osq") ? 1 : 2;
        int backend = r.system().contains("(native)") ? 0 : r.system().contains("(cpu)") ? 1 : 2;
        int bits = r.pair().isEmpty() ? 0 : r.pair().charAt(0) - '0';
        return ((system * 4 + backend) * 8 + bits) * 2 + (r.pair().contains("rescore") ? 1 : 0);
    }

    /** Share of float nDCG@10 against queries per second (log scale), one series per system and backend. */
    private static void chart(String name, int threads, List<Measured> rows, double floatNdcg, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(1000).height(600)
                .title(name + ": quality kept against speed (" + threads + " threads, each system in its own JVM)")
                .xAxisTitle("queries per second (log)").yAxisTitle("share of float32 nDCG@10 (%)").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setMarkerSize(10);
        Map<String, List<Measured>> bySystem = new LinkedHashMap<>();
        for (Measured m : rows) {
            bySystem.computeIfAbsent(m.first().system(), k -> new ArrayList<>()).add(m);
        }
        bySystem.forEach((system, ms) -> chart.addSeries(system, ms.stream().mapToDouble(Measured::median).toArray(),
                ms.stream().mapToDouble(m -> 100 * m.first().ndcg() / floatNdcg).toArray()));
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
