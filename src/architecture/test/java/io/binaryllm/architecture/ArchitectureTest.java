package io.binaryllm.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules of {@link ArchitectureRules} hold on every module's classes (their jars, as a user gets them). */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importEveryModule() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.binaryllm");
    }

    static List<ArchRule> rules() {
        return ArchitectureRules.all();
    }

    @Test
    void everyModuleIsImported() {
        for (String type : List.of("io.binaryllm.engine.BinaryEngine", "io.binaryllm.gpu.GpuBackend",
                "io.binaryllm.langchain4j.BinaryEmbeddingStore", "io.binaryllm.runner.Runner", "io.binaryllm.cli.Main",
                "io.binaryllm.internal.vectorization.VectorizationProvider", "io.binaryllm.gpu.internal.GpuRuntime")) {
            assertThat(classes.contain(type)).as(type).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void ruleHolds(ArchRule rule) {
        rule.check(classes);
    }

    @Test
    void corePackagesAreFreeOfCycles() {
        ArchitectureRules.packagesAreFreeOfCycles().check(ArchitectureRules.core(classes));
    }
}
