package io.binaryllm.seed;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Determinism (plan task T10): main code draws random numbers only through {@link Seeds}. */
class NoOtherRandomnessTest {
    private static final Pattern FORBIDDEN = Pattern.compile(
            "java\\.util\\.Random\\b|new Random\\(|\\bRandom\\.|Math\\.random|ThreadLocalRandom|SplittableRandom|SecureRandom"
                    + "|RandomGenerator|UUID\\.randomUUID|nanoTime\\(\\)\\s*\\^|currentTimeMillis\\(\\)\\s*\\^");

    @Test
    void mainSourcesCreateNoRandomnessOutsideTheSeedPackage() throws IOException {
        Path main = Path.of(System.getProperty("binaryllm.home", ".")).resolve("src/main");
        assertThat(main).isDirectory();
        List<String> offenders = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") || p.toString().endsWith(".c")
                    || p.toString().endsWith(".cl") || p.toString().endsWith(".cu") || p.toString().endsWith(".h")).toList()) {
                if (f.toString().replace('\\', '/').contains("/io/binaryllm/seed/")) {
                    continue;
                }
                scanned++;
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    if (FORBIDDEN.matcher(lines.get(i)).find()) {
                        offenders.add(main.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertThat(scanned).isGreaterThan(10);
        assertThat(offenders).as("randomness outside io.binaryllm.seed").isEmpty();
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
