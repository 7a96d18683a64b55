package io.binaryllm.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.binaryllm.engine.BinaryEngine;
import io.binaryllm.gpu.GpuBackend;
import io.binaryllm.kvcache.LlamaModel;
import io.binaryllm.langchain4j.BinaryEmbeddingStore;
import io.binaryllm.runner.Runner;
import io.binaryllm.spark.ShardedSearch;
import io.binaryllm.train.TrainMain;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/api.md is the public API, exactly: for every library module, the packages its {@code module-info} exports
 * without qualification are the packages its section lists, and each package's public types (top-level, and the
 * public types nested in them, written "(with `Builder`)") are the types listed there. A type made public, or an API
 * type removed, fails here until the page says so.
 */
class PublicApiTest {
    private static final Path HOME = Path.of(System.getProperty("binaryllm.home", "../.."));
    /** Each library module's section of docs/api.md, and one of its classes (to find its jar or classes directory). */
    private static final Map<String, Class<?>> MODULES = new LinkedHashMap<>();

    static {
        MODULES.put("binaryllm-core", BinaryEngine.class);
        MODULES.put("binaryllm-gpu", GpuBackend.class);
        MODULES.put("binaryllm-langchain4j", BinaryEmbeddingStore.class);
        MODULES.put("binaryllm-spark", ShardedSearch.class);
        MODULES.put("binaryllm-kvcache", LlamaModel.class);
        MODULES.put("binaryllm-train", TrainMain.class);
        MODULES.put("binaryllm-runner", Runner.class);
    }

    private static JavaClasses classes;
    private static Map<String, Map<String, Set<String>>> documented;

    @BeforeAll
    static void read() throws IOException {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.binaryllm");
        documented = ApiPage.read(Files.readString(HOME.resolve("docs/api.md")));
    }

    static List<String> modules() {
        return List.copyOf(MODULES.keySet());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    void theExportedPackagesAreTheDocumentedOnes(String module) throws Exception {
        assertThat(documented).as("docs/api.md has a section ## %s", module).containsKey(module);
        assertThat(new TreeSet<>(documented.get(module).keySet())).as("the packages docs/api.md lists for %s", module)
                .isEqualTo(exported(MODULES.get(module)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    void everyPublicTypeOfAnExportedPackageIsDocumented(String module) throws Exception {
        Map<String, Set<String>> actual = new TreeMap<>();
        for (String pkg : exported(MODULES.get(module))) {
            actual.put(pkg, publicTypes(pkg));
        }
        assertThat(documented).as("docs/api.md has a section ## %s", module).containsKey(module);
        Map<String, Set<String>> listed = new TreeMap<>();
        documented.get(module).forEach((pkg, types) -> listed.put(pkg, new TreeSet<>(types)));
        assertThat(listed).as("docs/api.md's types of %s (nested ones as Outer.Inner)", module).isEqualTo(actual);
    }

    /** The page's reading, on a page made for it: a type left out or listed wrongly shows as a difference. */
    @Test
    void thePageIsReadAsWritten() {
        String page = """
                ## binaryllm-x

                | package | types | for |
                | --- | --- | --- |
                | `io.x.a` | `Engine` (with `Builder`, `Quality`), `Result` | the facade |
                | `io.x.b` | `Codes` | a `Map` in words |

                ## binaryllm-y
                """;
        assertThat(ApiPage.read(page)).isEqualTo(Map.of("binaryllm-x", Map.of("io.x.a", Set.of("Engine", "Engine.Builder",
                "Engine.Quality", "Result"), "io.x.b", Set.of("Codes")), "binaryllm-y", Map.of()));
    }

    /**
     * The packages a module exports to everyone: its module descriptor's, or for a module without one (spark, an
     * automatic module) every package outside {@code internal}.
     */
    private static Set<String> exported(Class<?> member) throws IOException, URISyntaxException {
        Path location = Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
        ModuleDescriptor descriptor = descriptor(location);
        if (descriptor != null) {
            return descriptor.exports().stream().filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source)
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        String root = member.getPackageName();
        String where = location.toUri().getRawPath();
        return classes.stream().filter(c -> c.getSource().isPresent() && c.getSource().get().getUri().toString().contains(where))
                .map(JavaClass::getPackageName).filter(p -> p.startsWith(root) && !p.contains(".internal"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static ModuleDescriptor descriptor(Path location) throws IOException {
        if (Files.isDirectory(location)) {
            Path file = location.resolve("module-info.class");
            if (!Files.exists(file)) {
                return null;
            }
            try (InputStream in = Files.newInputStream(file)) {
                return ModuleDescriptor.read(in);
            }
        }
        try (JarFile jar = new JarFile(location.toFile())) {
            var entry = jar.getEntry("module-info.class");
            if (entry == null) {
                return null;
            }
            try (InputStream in = jar.getInputStream(entry)) {
                return ModuleDescriptor.read(in);
            }
        }
    }

    /** The public top-level types of {@code pkg}, and the public types nested in them as Outer.Inner. */
    private static Set<String> publicTypes(String pkg) {
        Set<String> out = new TreeSet<>();
        for (JavaClass c : classes) {
            if (!c.getPackageName().equals(pkg) || !c.getModifiers().contains(JavaModifier.PUBLIC) || c.isAnonymousClass()
                    || c.isLocalClass() || c.getSimpleName().equals("package-info")) {
                continue;
            }
            if (c.isTopLevelClass()) {
                out.add(c.getSimpleName());
            } else if (c.getEnclosingClass().map(JavaClass::isTopLevelClass).orElse(false)
                    && c.getEnclosingClass().get().getModifiers().contains(JavaModifier.PUBLIC)) {
                out.add(c.getEnclosingClass().get().getSimpleName() + "." + c.getSimpleName());
            }
        }
        return out;
    }

    /** docs/api.md's tables: a {@code ## binaryllm-x} section a module, a row a package, its types' cell. */
    static final class ApiPage {
        private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9.]+)` \\| (.*?) \\| .*\\|$");
        private static final Pattern TYPE = Pattern.compile("`([A-Z][A-Za-z0-9]*)`(?: \\(with ([^)]*)\\))?");
        private static final Pattern NAME = Pattern.compile("`([A-Z][A-Za-z0-9]*)`");

        static Map<String, Map<String, Set<String>>> read(String page) {
            Map<String, Map<String, Set<String>>> out = new LinkedHashMap<>();
            Map<String, Set<String>> section = null;
            for (String line : page.lines().toList()) {
                if (line.startsWith("## ")) {
                    section = new LinkedHashMap<>();
                    out.put(line.substring(3).strip(), section);
                    continue;
                }
                Matcher row = ROW.matcher(line);
                if (section != null && row.matches()) {
                    Set<String> types = new TreeSet<>();
                    Matcher t = TYPE.matcher(row.group(2));
                    while (t.find()) {
                        types.add(t.group(1));
                        if (t.group(2) != null) {
                            Matcher nested = NAME.matcher(t.group(2));
                            while (nested.find()) {
                                types.add(t.group(1) + "." + nested.group(1));
                            }
                        }
                    }
                    section.put(row.group(1), types);
                }
            }
            return out;
        }
    }
}
