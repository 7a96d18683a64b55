package io.binaryllm.runner.internal;

import io.binaryllm.BadInputException;
import io.binaryllm.binarize.Binarizers;
import io.binaryllm.internal.io.FileKinds;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.runner.DatasetCatalog;
import io.binaryllm.runner.RunConfig;
import io.binaryllm.search.SearchBackends;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The checks a resolved config must pass before anything is created: each failure names the key's path. */
final class ConfigValidator {
    /** What a variant's {@code binarizer} key accepts: the binarizers and the {@code osq} quantizer. */
    private static final List<String> ENCODINGS = Stream.concat(Binarizers.NAMES.stream(), Stream.of("osq")).toList();

    private ConfigValidator() {
    }

    static void validate(Path file, RunConfig c) {
        if (c.name().isBlank() || !c.name().matches("[A-Za-z0-9._-]+")) {
            throw bad(file, "name", "must be letters, digits, '.', '_' or '-' (it names the run directory), got '" + c.name() + "'");
        }
        List<String> backends = new ArrayList<>(SearchBackends.names());
        backends.add("auto");
        if (!backends.contains(c.backend())) {
            throw bad(file, "backend", "unknown backend '" + c.backend() + "'" + Nearest.hint(c.backend(), backends) + "; known: " + backends);
        }
        RunConfig.Dataset d = c.dataset();
        boolean named = d.name() != null;
        boolean files = d.corpus() != null || d.queries() != null;
        if (named == files) {
            throw bad(file, "dataset", named ? "give either name or corpus/queries files, not both" : "needs name, or corpus and queries");
        }
        if (named) {
            if (DatasetCatalog.find(d.name()).isEmpty()) {
                throw bad(file, "dataset.name", "unknown dataset '" + d.name() + "'" + Nearest.hint(d.name(),
                        DatasetCatalog.entries().stream().map(DatasetCatalog.Entry::name).toList()) + " (see `binaryllm datasets`)");
            }
            for (String key : new String[]{d.qrels(), d.labels(), d.corpusIds(), d.queryIds()}) {
                if (key != null) {
                    throw bad(file, "dataset", "a catalog dataset brings its own qrels, labels and ids; remove them or use files");
                }
            }
        } else {
            requireFile(file, "dataset.corpus", d.corpus());
            requireFile(file, "dataset.queries", d.queries());
            optionalFile(file, "dataset.qrels", d.qrels());
            optionalFile(file, "dataset.labels", d.labels());
            optionalFile(file, "dataset.corpus_ids", d.corpusIds());
            optionalFile(file, "dataset.query_ids", d.queryIds());
        }
        if (c.variants().isEmpty()) {
            throw bad(file, "variants", "needs at least one variant");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < c.variants().size(); i++) {
            RunConfig.Variant v = c.variants().get(i);
            String at = "variants[" + i + "]";
            if (!ENCODINGS.contains(v.binarizer())) {
                throw bad(file, at + ".binarizer", "unknown binarizer '" + v.binarizer() + "'" + Nearest.hint(v.binarizer(), ENCODINGS)
                        + "; known: " + String.join(", ", ENCODINGS));
            }
            if (v.binarizer().equals("hyperplane") && (v.bits() == null || v.bits() <= 0)) {
                throw bad(file, at + ".bits", v.bits() == null ? "hyperplane needs bits" : "must be positive, got " + v.bits());
            }
            if (v.quantized() && v.bits() != null && v.bits() <= 0) {
                throw bad(file, at + ".bits", "must be positive (dimensions x 1, 2 or 4), got " + v.bits());
            }
            if (!v.binarizer().equals("hyperplane") && !v.quantized() && v.bits() != null) {
                throw bad(file, at + ".bits", v.binarizer() + " keeps one bit per dimension; bits applies to hyperplane and osq only");
            }
            if (v.queryBits() != null && !v.quantized()) {
                throw bad(file, at + ".query_bits", "query_bits applies to osq only (" + v.binarizer() + " codes queries as it codes documents)");
            }
            if (v.queryBits() != null && !OsqCodes.queryBits(v.queryBits())) {
                throw bad(file, at + ".query_bits", "osq queries take 4 or 8 bits a dimension, got " + v.queryBits());
            }
            if (v.rescore() < 0) {
                throw bad(file, at + ".rescore", "must be 0 (off) or a positive oversampling factor, got " + v.rescore());
            }
            if (!names.add(v.name())) {
                throw bad(file, at + ".name", "duplicate variant name '" + v.name() + "'");
            }
        }
        if (c.output() != null && c.output().dir() != null) {
            path(file, "output.dir", c.output().dir());
        }
        RunConfig.Evaluation e = c.evaluation();
        if (e.k().isEmpty()) {
            throw bad(file, "evaluation.k", "needs at least one k");
        }
        for (int i = 0; i < e.k().size(); i++) {
            if (e.k().get(i) < 1) {
                throw bad(file, "evaluation.k[" + i + "]", "must be >= 1, got " + e.k().get(i));
            }
        }
        for (int i = 0; i < e.metrics().size(); i++) {
            String m = e.metrics().get(i);
            if (!RunConfig.Evaluation.METRICS.contains(m)) {
                throw bad(file, "evaluation.metrics[" + i + "]", "unknown metric '" + m + "'" + Nearest.hint(m, RunConfig.Evaluation.METRICS)
                        + "; known: " + String.join(", ", RunConfig.Evaluation.METRICS));
            }
        }
        if (e.recallKPrime() < 1) {
            throw bad(file, "evaluation.recall_k_prime", "must be >= 1, got " + e.recallKPrime());
        }
        RunConfig.Classification cl = e.classification();
        if (cl.neighbours() < 1) {
            throw bad(file, "evaluation.classification.neighbours", "must be >= 1, got " + cl.neighbours());
        }
        if (!(cl.testFraction() > 0 && cl.testFraction() < 1)) {
            throw bad(file, "evaluation.classification.test_fraction", "must be between 0 and 1 (exclusive), got " + cl.testFraction());
        }
    }

    static BadInputException bad(Path file, String key, String problem) {
        return BadInputException.in(file, key + ": " + problem);
    }

    private static void requireFile(Path file, String key, String value) {
        if (value == null) {
            throw bad(file, key, "required with file datasets");
        }
        optionalFile(file, key, value);
    }

    private static void optionalFile(Path file, String key, String value) {
        if (value == null) {
            return;
        }
        Path named = path(file, key, value);
        if (!Files.exists(named)) {
            throw bad(file, key, "no such file " + named);
        }
        String kind = FileKinds.describe(named);
        if (kind != null) {
            throw bad(file, key, named + " is " + kind + ", not a regular file");
        }
    }

    /** {@code value} as a path relative to the config's folder, refused when no path can be made of it (a NUL). */
    private static Path path(Path file, String key, String value) {
        try {
            return base(file).resolve(value);
        } catch (InvalidPathException e) {
            throw bad(file, key, "not a valid path: " + e.getReason());
        }
    }

    /** Relative paths in a config are relative to the config's folder. */
    static Path base(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? Path.of(".") : parent;
    }
}
