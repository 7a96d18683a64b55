package io.binaryllm.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.binaryllm.runner.ConfigLoader;
import io.binaryllm.runner.RunConfig;
import io.binaryllm.runner.internal.RunPipeline;

import java.nio.file.Path;

import static io.binaryllm.fuzz.Refusals.answerOrRefuse;

/** Run configs, YAML and JSON: read, defaults filled in, and every check a run makes before it starts. */
class ConfigFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void yaml(byte[] bytes) throws Exception {
        check(Scratch.write("config.yaml", bytes));
    }

    @FuzzTest(maxDuration = "10m")
    void json(byte[] bytes) throws Exception {
        check(Scratch.write("config.json", bytes));
    }

    private static void check(Path file) throws Exception {
        answerOrRefuse(() -> {
            RunConfig config = ConfigLoader.load(file).withDefaults();
            RunPipeline.validate(file, config);
            ConfigLoader.toYaml(config);
        });
    }
}
