package io.binaryllm.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

import java.util.ArrayList;
import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The architecture as rules (docs/architecture.md draws it). Modules own package trees: core the root package and
 * {@code engine, search, data, binarize, quantize, metric, seed, internal}; each other module {@code io.binaryllm.<module>}.
 * A module's public API is its packages outside {@code internal}.
 */
final class ArchitectureRules {
    static final String[] CORE = {"io.binaryllm", "io.binaryllm.engine..", "io.binaryllm.search..", "io.binaryllm.data..",
            "io.binaryllm.binarize..", "io.binaryllm.quantize..", "io.binaryllm.lowbit..", "io.binaryllm.metric..", "io.binaryllm.seed..",
            "io.binaryllm.internal.."};
    static final String GPU = "io.binaryllm.gpu..";
    static final String LANGCHAIN4J = "io.binaryllm.langchain4j..";
    static final String RUNNER = "io.binaryllm.runner..";
    static final String CLI = "io.binaryllm.cli..";
    static final String SPARK = "io.binaryllm.spark..";
    static final String KVCACHE = "io.binaryllm.kvcache..";
    static final String TRAIN = "io.binaryllm.train..";

    private ArchitectureRules() {
    }

    /**
     * Modules depend downward only: core on nothing, gpu and langchain4j on core, runner on those two, cli on all;
     * spark on runner and core, and nothing on spark (it brings a cluster's worth of jars); kvcache on core; train on
     * kvcache and core, and nothing on train (it brings PyTorch).
     */
    static ArchRule modulesDependDownward() {
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("core").definedBy(CORE)
                .layer("gpu").definedBy(GPU)
                .layer("langchain4j").definedBy(LANGCHAIN4J)
                .layer("runner").definedBy(RUNNER)
                .layer("cli").definedBy(CLI)
                .layer("spark").definedBy(SPARK)
                .layer("kvcache").definedBy(KVCACHE)
                .layer("train").definedBy(TRAIN)
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("spark").mayNotBeAccessedByAnyLayer()
                .whereLayer("train").mayNotBeAccessedByAnyLayer()
                .whereLayer("kvcache").mayOnlyBeAccessedByLayers("cli", "train")
                .whereLayer("runner").mayOnlyBeAccessedByLayers("cli", "spark")
                .whereLayer("gpu").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("langchain4j").mayOnlyBeAccessedByLayers("runner", "cli")
                .as("modules depend downward: cli -> runner -> langchain4j -> core, cli -> gpu -> core, spark -> runner -> core, train -> kvcache -> core");
    }

    /** Every module's {@code internal} packages are its own. */
    static List<ArchRule> noModuleReachesIntoAnothersInternals() {
        List<ArchRule> rules = new ArrayList<>();
        // but core's io.binaryllm.internal.io and internal.boundary, the file plumbing and the error boundary its
        // module-info exports to this project's modules only
        rules.add(noClasses().that().resideOutsideOfPackages(CORE).should().dependOnClassesThat(
                        JavaClass.Predicates.resideInAPackage("io.binaryllm.internal..")
                                .and(DescribedPredicate.not(JavaClass.Predicates.resideInAnyPackage("io.binaryllm.internal.io..",
                                        "io.binaryllm.internal.boundary.."))))
                .as("no class outside core depends on core's internal packages (io.binaryllm.internal.., but for internal.io"
                        + " and internal.boundary)"));
        rules.add(internalsOf("gpu", "io.binaryllm.gpu.internal..", GPU));
        rules.add(internalsOf("langchain4j", "io.binaryllm.langchain4j.internal..", LANGCHAIN4J));
        rules.add(internalsOf("runner", "io.binaryllm.runner.internal..", RUNNER));
        rules.add(internalsOf("kvcache", "io.binaryllm.kvcache.internal..", KVCACHE));
        rules.add(internalsOf("train", "io.binaryllm.train.internal..", TRAIN));
        return rules;
    }

    private static ArchRule internalsOf(String module, String internal, String... own) {
        return noClasses().that().resideOutsideOfPackages(own).should().dependOnClassesThat().resideInAPackage(internal)
                .as("no class outside " + module + " depends on " + module + "'s internal packages (" + internal + ")");
    }

    /**
     * Core's layers, lowest first: data types, files and seeds; osq's definition (its codes and the specified score,
     * which the kernels implement); the kernels; binarizers and metrics; the search SPI; the backends; the engine
     * facade. A layer uses only the layers below it.
     */
    static ArchRule coreLayers() {
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("foundation").definedBy("io.binaryllm", "io.binaryllm.data..", "io.binaryllm.seed..", "io.binaryllm.internal.io..")
                .layer("quantize").definedBy("io.binaryllm.quantize..")
                .layer("kernels").definedBy("io.binaryllm.internal.vectorization..")
                .layer("measures").definedBy("io.binaryllm.binarize..", "io.binaryllm.metric..", "io.binaryllm.lowbit..")
                .layer("search").definedBy("io.binaryllm.search..")
                .layer("backends").definedBy("io.binaryllm.internal.search..")
                .layer("engine").definedBy("io.binaryllm.engine..")
                .layer("boundary").definedBy("io.binaryllm.internal.boundary..")
                .whereLayer("engine").mayNotBeAccessedByAnyLayer()
                .whereLayer("boundary").mayNotBeAccessedByAnyLayer()
                .whereLayer("backends").mayNotBeAccessedByAnyLayer()
                .whereLayer("search").mayOnlyBeAccessedByLayers("backends", "engine")
                .whereLayer("measures").mayOnlyBeAccessedByLayers("search", "backends", "engine")
                .whereLayer("kernels").mayOnlyBeAccessedByLayers("measures", "search", "backends", "engine")
                .whereLayer("quantize").mayOnlyBeAccessedByLayers("kernels", "measures", "search", "backends", "engine")
                .as("core's layers: foundation < osq's definition < kernels < binarizers and metrics < search SPI < backends < engine;"
                        + " the error boundary above the foundation, used by no layer");
    }

    /** Packages form no cycle (checked on core's classes: the library a user depends on). */
    static ArchRule packagesAreFreeOfCycles() {
        return slices().matching("io.binaryllm.(**)").should().beFreeOfCycles().as("core's packages are free of cycles");
    }

    /** Core's classes of {@code classes}. */
    static JavaClasses core(JavaClasses classes) {
        return classes.that(JavaClass.Predicates.resideInAnyPackage(CORE));
    }

    /** A public API does not hand out internal types: no public method or constructor of an API class takes or returns one. */
    static ArchRule publicSignaturesExposeNoInternals() {
        return codeUnits().that().arePublic().and().areDeclaredInClassesThat().arePublic()
                .and().areDeclaredInClassesThat().resideOutsideOfPackage("..internal..")
                .should(new ArchCondition<JavaCodeUnit>("take and return no type of an internal package") {
                    @Override
                    public void check(JavaCodeUnit unit, ConditionEvents events) {
                        List<JavaClass> types = new ArrayList<>(unit.getRawParameterTypes());
                        types.add(unit.getRawReturnType());
                        for (JavaClass t : types) {
                            JavaClass base = t.isArray() ? t.getBaseComponentType() : t;
                            if (base.getPackageName().contains(".internal") && base.getPackageName().startsWith("io.binaryllm")) {
                                events.add(SimpleConditionEvent.violated(unit, unit.getFullName() + " exposes " + base.getName()));
                            }
                        }
                    }
                })
                .as("public signatures of public API classes expose no internal type");
    }

    /** The command line's API is the command line: only its entry point is public. */
    static ArchRule onlyTheCliEntryPointIsPublic() {
        return noClasses().that().resideInAPackage(CLI).and().doNotHaveFullyQualifiedName("io.binaryllm.cli.Main")
                .should().haveModifier(JavaModifier.PUBLIC)
                .as("only io.binaryllm.cli.Main is public in the cli module");
    }

    /** Every rule that holds on all classes ({@link #packagesAreFreeOfCycles()} holds on core's). */
    static List<ArchRule> all() {
        List<ArchRule> rules = new ArrayList<>();
        rules.add(modulesDependDownward());
        rules.addAll(noModuleReachesIntoAnothersInternals());
        rules.add(coreLayers());
        rules.add(publicSignaturesExposeNoInternals());
        rules.add(onlyTheCliEntryPointIsPublic());
        return rules;
    }
}
