package io.binaryllm.cli;

import io.binaryllm.BadInputException;
import io.binaryllm.data.io.AtomicOutput;
import io.binaryllm.data.io.FileKinds;
import io.binaryllm.kvcache.KvEval;
import io.binaryllm.kvcache.LlamaConfig;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** kv-eval's report.md and its two charts (perplexity and attention mass against budget, a line a policy). */
final class KvEvalReport {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private KvEvalReport() {
    }

    static void write(Path dir, String model, LlamaConfig c, int sequences, int length, long seed, List<Integer> budgets, List<KvEval.Row> rows) {
        StringBuilder md = new StringBuilder();
        md.append("# kv-eval of `").append(model).append("`\n\n");
        md.append(String.format(Locale.ROOT, "%d layers, %d heads (%d key/value), head size %d, vocabulary %d, %,d parameters. "
                        + "%d sequences of %d tokens drawn from the model (seed %d), teacher-forced.%n%n", c.layers(), c.heads(), c.kvHeads(),
                c.headSize(), c.vocab(), c.parameters(), sequences, length, seed));
        md.append("Sink positions: budget/16 (at least 1); recent: budget/4; the rest of the budget is the policy's choice.\n\n");
        md.append("| policy | budget | perplexity | attention mass | top-B recall | output error | selection bits a position |\n");
        md.append("| --- | --- | --- | --- | --- | --- | --- |\n");
        for (KvEval.Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %.4f | %.4f | %.4f | %.4f | %d |%n", r.policy(), r.budget(), r.perplexity(),
                    r.mass(), r.recall(), r.outputError(), r.selectionBits()));
        }
        md.append("\n![perplexity against budget](perplexity.png)\n\n![attention mass against budget](attention_mass.png)\n");
        chart(dir.resolve("perplexity.png"), "perplexity against budget", "perplexity", rows, KvEval.Row::perplexity);
        chart(dir.resolve("attention_mass.png"), "attention mass on the selection against budget", "attention mass", rows, KvEval.Row::mass);
        AtomicOutput.writeBytes(dir.resolve("report.md"), false, md.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void chart(Path file, String title, String y, List<KvEval.Row> rows, ToDoubleFunction<KvEval.Row> value) {
        XYChart chart = new XYChartBuilder().width(900).height(520).title(title).xAxisTitle("budget (positions attended)").yAxisTitle(y).build();
        Map<String, List<KvEval.Row>> byPolicy = new LinkedHashMap<>();
        for (KvEval.Row r : rows) {
            byPolicy.computeIfAbsent(r.policy(), k -> new java.util.ArrayList<>()).add(r);
        }
        for (var e : byPolicy.entrySet()) {
            double[] xs = e.getValue().stream().mapToDouble(KvEval.Row::budget).toArray();
            double[] ys = e.getValue().stream().mapToDouble(value).toArray();
            chart.addSeries(e.getKey(), xs, ys).setMarker(SeriesMarkers.CIRCLE);
        }
        try {
            String name = file.toString();
            BitmapEncoder.saveBitmap(chart, name.substring(0, name.length() - ".png".length()), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw BadInputException.in(file, "cannot write: " + FileKinds.reason(e));
        }
    }
}
