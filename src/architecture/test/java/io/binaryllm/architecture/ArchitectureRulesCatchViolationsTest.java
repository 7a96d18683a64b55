package io.binaryllm.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.binaryllm.data.fixture.UsesTheEngine;
import io.binaryllm.gpu.fixture.ReachesIntoCoreInternals;
import io.binaryllm.runner.fixture.ImportsTheCli;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules fail on deliberate violations (classes in this module's test sources, placed in other modules' packages):
 * a rule that could not fail would prove nothing.
 */
class ArchitectureRulesCatchViolationsTest {
    /** Every module's classes and this module's test classes, the fixtures among them. */
    private static JavaClasses withViolations() {
        JavaClasses classes = new ClassFileImporter().importPackages("io.binaryllm");
        assertThat(classes.contain(ReachesIntoCoreInternals.class)).isTrue();
        assertThat(classes.contain(UsesTheEngine.class)).isTrue();
        assertThat(classes.contain(ImportsTheCli.class)).isTrue();
        return classes;
    }

    private static void assertViolates(ArchRule rule, JavaClasses classes, Class<?> culprit) {
        EvaluationResult result = rule.evaluate(classes);
        assertThat(result.hasViolation()).as(rule.getDescription()).isTrue();
        assertThat(String.join("\n", result.getFailureReport().getDetails())).contains(culprit.getName());
    }

    @Test
    void aModuleReachingIntoCoreInternalsFails() {
        JavaClasses classes = withViolations();
        assertViolates(ArchitectureRules.noModuleReachesIntoAnothersInternals().getFirst(), classes, ReachesIntoCoreInternals.class);
    }

    @Test
    void aLowerLayerImportingAHigherOneFails() {
        JavaClasses classes = withViolations();
        assertViolates(ArchitectureRules.coreLayers(), classes, UsesTheEngine.class);
        assertViolates(ArchitectureRules.modulesDependDownward(), classes, ImportsTheCli.class);
    }

    @Test
    void aPublicSignatureExposingAnInternalTypeFails() {
        JavaClasses classes = withViolations();
        assertViolates(ArchitectureRules.publicSignaturesExposeNoInternals(), classes, ReachesIntoCoreInternals.class);
    }
}
