package io.binaryllm.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.binaryllm.BadInputException;
import io.binaryllm.internal.io.AtomicOutput;
import io.binaryllm.internal.io.FileKinds;
import io.binaryllm.kvcache.KvEval;
import io.binaryllm.kvcache.LlamaConfig;
import io.binaryllm.kvcache.LlamaModel;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/** model-eval's metrics (records, serialised as they are), its report.md and its two charts. */
final class ModelEvalReport {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private ModelEvalReport() {
    }

    /**
     * What metrics.json holds, in this order; everything but {@code speeds} is the same bytes on every rerun.
     *
     * @param budget the policies' budget; {@code sink} and {@code recent} its shares, inside it
     */
    record Metrics(Windows windows, String budget, String sink, String recent, List<String> policies, int codeBits, long seed,
                   List<Model> models, @JsonInclude(JsonInclude.Include.NON_NULL) Speeds speeds) {
    }

    /** The held-out windows: the text, how many, how long, and the predictions scored (length - 1 a window). */
    record Windows(String text, int count, int length, long predictions) {
    }

    /**
     * One model.
     *
     * @param bitsPerWeight           file bytes x 8 / parameters (the embedding and norms included)
     * @param projectionBitsPerWeight bits a weight of the seven projections as the decoder holds them in memory
     *                                (float32, trits, TQ2_0 blocks or bits, with their scales)
     * @param perplexity              full attention
     * @param policies                each policy at the budget (the first row is full attention)
     * @param sample                  text generated from BOS at temperature 1 with the seed
     */
    record Model(String model, LlamaConfig config, long parameters, long fileBytes, double bitsPerWeight, double projectionBitsPerWeight,
                 String layers, double perplexity, List<Policy> policies, String sample) {
    }

    /** A policy's perplexity at the budget, its increase over full attention and its attention mass. */
    record Policy(String policy, double perplexity, double overFull, double mass) {
    }

    /** Decode speeds: the machine, the decoder's threads, the rule, a row a model. Not reproducible to the byte, hence apart. */
    record Speeds(String machine, int threads, int decodeTokens, double seconds, List<Speed> models) {
    }

    /** A model's median tokens a second over {@code passes} timed passes. */
    record Speed(String model, double tokensPerSecond, int passes) {
    }

    static Model model(String label, LlamaModel m, long fileBytes, List<KvEval.Row> rows, String sample) {
        LlamaConfig c = m.config();
        long projections = (long) c.layers() * ((long) 2 * c.dim() * c.dim() + 2L * c.dim() * c.kvDim() + 3L * c.dim() * c.hiddenDim());
        double full = rows.getFirst().perplexity();
        List<Policy> policies = rows.stream().map(r -> new Policy(r.policy(), r.perplexity(), r.perplexity() / full - 1, r.mass())).toList();
        return new Model(label, c, c.parameters(), fileBytes, fileBytes * 8.0 / c.parameters(), m.projectionBytes() * 8.0 / projections,
                m.plan().toShortString(), full, policies, sample);
    }

    /** The decoder's threads: {@code -Dbinaryllm.threads} where it is a positive number, else every core. */
    static int decoderThreads() {
        Integer set = Integer.getInteger("binaryllm.threads");
        return set != null && set > 0 ? set : Runtime.getRuntime().availableProcessors();
    }

    /** The CPU (its model name where /proc/cpuinfo says it), the cores, the OS and the JVM. */
    static String machine() {
        String cpu = System.getProperty("os.arch");
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).strip();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the architecture says enough
        }
        return String.format(Locale.ROOT, "%s, %d cores, %s, Java %s", cpu, Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("java.version"));
    }

    static void write(Path dir, Metrics m) {
        Model base = m.models().getFirst();
        StringBuilder md = new StringBuilder("# model-eval\n\n");
        md.append(String.format(Locale.ROOT, "%d windows of %d tokens of `%s` (%,d predictions), teacher-forced. Policies at a budget of %s "
                        + "(sink %s, recent %s of it). Ratios are to the first model, `%s`.%n%n", m.windows().count(), m.windows().length(),
                m.windows().text(), m.windows().predictions(), m.budget(), m.sink(), m.recent(), base.model()));
        md.append("| model | parameters | file bytes | bits a weight | projections, bits a weight (memory) | perplexity | x first |");
        for (Policy p : base.policies().subList(1, base.policies().size())) {
            md.append(' ').append(p.policy()).append(" @ ").append(m.budget()).append(" |");
        }
        if (m.speeds() != null) {
            md.append(" tokens/s | x first |");
        }
        md.append("\n|").append(" --- |".repeat(7 + base.policies().size() - 1 + (m.speeds() != null ? 2 : 0))).append('\n');
        for (int i = 0; i < m.models().size(); i++) {
            Model r = m.models().get(i);
            md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %.2f | %.2f | %.4f | %.3f |", r.model(), r.parameters(), r.fileBytes(),
                    r.bitsPerWeight(), r.projectionBitsPerWeight(), r.perplexity(), r.perplexity() / base.perplexity()));
            for (Policy p : r.policies().subList(1, r.policies().size())) {
                md.append(String.format(Locale.ROOT, " %.4f (%+.2f%%) |", p.perplexity(), 100 * p.overFull()));
            }
            if (m.speeds() != null) {
                Speed s = m.speeds().models().get(i);
                md.append(String.format(Locale.ROOT, " %.1f | %.2f |", s.tokensPerSecond(), s.tokensPerSecond() / m.speeds().models().getFirst().tokensPerSecond()));
            }
            md.append('\n');
        }
        if (m.speeds() != null) {
            md.append(String.format(Locale.ROOT, "%nTokens a second: greedy decoding of %d tokens from BOS, full attention, the median of the passes "
                    + "in %.1f s after 2 s of warm-up, on %s, the decoder on %d thread%s.%n", m.speeds().decodeTokens(), m.speeds().seconds(),
                    m.speeds().machine(), m.speeds().threads(), m.speeds().threads() == 1 ? "" : "s"));
        }
        md.append("\n![perplexity against bits a weight](perplexity_bits.png)\n");
        chart(dir.resolve("perplexity_bits.png"), "perplexity against bits a weight (file)", "bits a weight", m.models(), Model::bitsPerWeight, null);
        if (m.speeds() != null) {
            md.append("\n![perplexity against tokens a second](perplexity_speed.png)\n");
            chart(dir.resolve("perplexity_speed.png"), "perplexity against decode speed", "tokens a second", m.models(), null, m.speeds());
        }
        if (m.models().stream().anyMatch(r -> !r.sample().isEmpty())) {
            md.append(String.format(Locale.ROOT, "%n## Samples%n%nEach model's text from BOS, sampled at temperature 1 with seed %d.%n", m.seed()));
            for (Model r : m.models()) {
                md.append("\n**").append(r.model()).append("**\n\n> ").append(r.sample().strip().replace("\n", "\n> ")).append('\n');
            }
        }
        AtomicOutput.writeBytes(dir.resolve("report.md"), false, md.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** One point a model: perplexity against {@code x} (or against its speed). */
    private static void chart(Path file, String title, String xTitle, List<Model> models, ToDoubleFunction<Model> x, Speeds speeds) {
        XYChart chart = new XYChartBuilder().width(900).height(520).title(title).xAxisTitle(xTitle).yAxisTitle("perplexity").build();
        chart.getStyler().setYAxisLogarithmic(models.stream().mapToDouble(Model::perplexity).max().orElse(1)
                > 10 * models.stream().mapToDouble(Model::perplexity).min().orElse(1));
        Set<String> names = new HashSet<>();
        for (int i = 0; i < models.size(); i++) {
            Model r = models.get(i);
            double at = x != null ? x.applyAsDouble(r) : speeds.models().get(i).tokensPerSecond();
            String name = names.add(r.model()) ? r.model() : r.model() + " (" + (i + 1) + ")"; // a series name is unique
            names.add(name);
            chart.addSeries(name, new double[]{at}, new double[]{r.perplexity()}).setMarker(SeriesMarkers.CIRCLE);
        }
        try {
            String name = file.toString();
            BitmapEncoder.saveBitmap(chart, name.substring(0, name.length() - ".png".length()), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw BadInputException.in(file, "cannot write: " + FileKinds.reason(e));
        }
    }
}
