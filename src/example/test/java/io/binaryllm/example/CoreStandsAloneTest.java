package io.binaryllm.example;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** binaryllm-core brings no third-party library: this module's classpath is core, its own tests and the test tools. */
class CoreStandsAloneTest {
    /** JUnit 5, AssertJ and what they bring, and Maven's surefire booter. */
    private static final Pattern TEST_TOOLS = Pattern.compile(
            "(junit-jupiter|junit-platform|opentest4j|apiguardian|assertj-core|byte-buddy|surefire|common-java5|common-junit)[-.].*\\.jar");

    @Test
    void theClasspathHoldsCoreAndTheTestToolsOnly() {
        // surefire starts the JVM through a manifest-only jar and names the real classpath in this property
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> entries = Arrays.stream(classpath.split(File.pathSeparator))
                .filter(e -> !e.isBlank()).toList();
        List<String> others = entries.stream()
                .filter(e -> !e.endsWith("example/target/test-classes") && !e.endsWith("example/target/classes"))
                .filter(e -> !new File(e).getName().matches("binaryllm-core-[^/]*\\.jar") && !e.endsWith("core/target/classes"))
                .filter(e -> !TEST_TOOLS.matcher(new File(e).getName()).matches())
                .toList();
        assertThat(others).as("classpath entries that are neither core nor test tools").isEmpty();
        assertThat(entries).anyMatch(e -> e.contains("binaryllm-core") || e.endsWith("core/target/classes"));
    }
}
