package io.binaryllm.seed;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Determinism: main code of every module, the native kernel and the GPU kernels draw random numbers only through {@link Seeds}. */
class NoOtherRandomnessTest {
    private static final Pattern FORBIDDEN = Pattern.compile(
            "java\\.util\\.Random\\b|new Random\\(|\\bRandom\\.|Math\\.random|ThreadLocalRandom|SplittableRandom|SecureRandom"
                    + "|RandomGenerator|UUID\\.randomUUID|nanoTime\\(\\)\\s*\\^|currentTimeMillis\\(\\)\\s*\\^");

    @Test
    void mainSourcesCreateNoRandomnessOutsideTheSeedPackage() throws IOException {
        Path home = Path.of(System.getProperty("binaryllm.home", "."));
        assertThat(home.resolve("src/core/main")).isDirectory();
        List<String> offenders = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> files = Stream.of(home.resolve("src"), home.resolve("native"), home.resolve("kernels")).flatMap(NoOtherRandomnessTest::walk)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") || p.toString().endsWith(".c")
                    || p.toString().endsWith(".cl") || p.toString().endsWith(".cu") || p.toString().endsWith(".h")).toList()) {
                String path = f.toString().replace('\\', '/');
                if (path.contains("/io/binaryllm/seed/") || path.contains("/test/java/") || path.contains("/target/")) {
                    continue;
                }
                scanned++;
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    if (FORBIDDEN.matcher(lines.get(i)).find()) {
                        offenders.add(home.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertThat(scanned).isGreaterThan(100);
        assertThat(offenders).as("randomness outside io.binaryllm.seed").isEmpty();
    }

    private static Stream<Path> walk(Path dir) {
        try {
            return Files.walk(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void thePatternCatchesTheUsualSuspects() {
        for (String line : new String[]{"new java.util.Random(1)", "var r = new Random(seed);", "Math.random()",
                "ThreadLocalRandom.current()", "new SplittableRandom()", "UUID.randomUUID()", "seed = System.nanoTime() ^ x"}) {
            assertThat(FORBIDDEN.matcher(line).find()).as(line).isTrue();
        }
        assertThat(FORBIDDEN.matcher("long start = System.nanoTime();").find()).isFalse();
    }
}
