package io.binaryllm.cli;

import io.binaryllm.BadInputException;
import io.binaryllm.internal.io.AtomicOutput;
import io.binaryllm.internal.io.FileKinds;
import io.binaryllm.kvcache.KvEval;
import io.binaryllm.kvcache.LlamaConfig;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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

    static void write(Path dir, String model, LlamaConfig c, int sequences, int length, String source, String sink, String recent,
                      List<KvEval.Row> rows) {
        StringBuilder md = new StringBuilder();
        md.append("# kv-eval of `").append(model).append("`\n\n");
        md.append(String.format(Locale.ROOT, "%d layers, %d heads (%d key/value), head size %d, vocabulary %d, %,d parameters. "
                        + "%d sequences of %d tokens %s, teacher-forced.%n%n", c.layers(), c.heads(), c.kvHeads(),
                c.headSize(), c.vocab(), c.parameters(), sequences, length, source));
        md.append(String.format(Locale.ROOT, "Every budget holds its sink and recent positions: %s of each step's budget are the first "
                + "positions, %s the most recent (rounded down), the rest the policy's choice. A budget P%% attends to ceil(P%% x n) of "
                + "the n cached positions at every step; a fixed budget attends to everything until the context outgrows it. Attention "
                + "mass, recall and output error are means over the steps at which the policy selects (of %d a sequence).%n%n", sink,
                recent, length));
        md.append("| policy | budget | steps selecting | perplexity | attention mass | top-B recall | output error | selection bits a position |\n");
        md.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (KvEval.Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.4f | %.4f | %.4f | %.4f | %d |%n", r.policy(), r.budget().label(),
                    r.budget().selectingSteps(length), r.perplexity(), r.mass(), r.recall(), r.outputError(), r.selectionBits()));
        }
        md.append("\nAttention mass by layer (mean over its heads; the weakest head in brackets):\n\n| policy | budget |");
        for (int l = 0; l < c.layers(); l++) {
            md.append(" layer ").append(l).append(" |");
        }
        md.append("\n| --- | --- |").append(" --- |".repeat(c.layers())).append('\n');
        for (KvEval.Row r : rows) {
            md.append("| ").append(r.policy()).append(" | ").append(r.budget().label()).append(" |");
            for (int l = 0; l < c.layers(); l++) {
                double weakest = Arrays.stream(r.massByHead()[l]).min().orElse(1.0);
                md.append(String.format(Locale.ROOT, " %.3f (%.2f) |", r.layerMass(l), weakest));
            }
            md.append('\n');
        }
        List<KvEval.Row> fixed = rows.stream().filter(r -> r.budget().share() == 0).toList();
        List<KvEval.Row> shares = rows.stream().filter(r -> r.budget().share() > 0).toList();
        if (!fixed.isEmpty()) {
            md.append("\n![perplexity against budget](perplexity.png)\n\n![attention mass against budget](attention_mass.png)\n");
            chart(dir.resolve("perplexity.png"), "perplexity against budget", "perplexity", fixed, KvEval.Row::perplexity);
            chart(dir.resolve("attention_mass.png"), "attention mass on the selection against budget", "attention mass", fixed, KvEval.Row::mass);
        }
        if (!shares.isEmpty()) {
            md.append("\n![perplexity against share](perplexity_share.png)\n\n![attention mass against share](attention_mass_share.png)\n");
            chart(dir.resolve("perplexity_share.png"), "perplexity against share of positions attended", "perplexity", shares, KvEval.Row::perplexity);
            chart(dir.resolve("attention_mass_share.png"), "attention mass on the selection against share of positions attended",
                    "attention mass", shares, KvEval.Row::mass);
        }
        AtomicOutput.writeBytes(dir.resolve("report.md"), false, md.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void chart(Path file, String title, String y, List<KvEval.Row> rows, ToDoubleFunction<KvEval.Row> value) {
        boolean share = rows.getFirst().budget().share() > 0;
        XYChart chart = new XYChartBuilder().width(900).height(520).title(title)
                .xAxisTitle(share ? "budget (% of cached positions attended)" : "budget (positions attended)").yAxisTitle(y).build();
        Map<String, List<KvEval.Row>> byPolicy = new LinkedHashMap<>();
        for (KvEval.Row r : rows) {
            byPolicy.computeIfAbsent(r.policy(), k -> new ArrayList<>()).add(r);
        }
        for (var e : byPolicy.entrySet()) {
            double[] xs = e.getValue().stream().mapToDouble(r -> share ? r.budget().share() * 100 : r.budget().keys()).toArray();
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
