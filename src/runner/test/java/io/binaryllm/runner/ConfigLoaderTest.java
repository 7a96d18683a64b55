package io.binaryllm.runner;

import io.binaryllm.BadInputException;
import io.binaryllm.runner.internal.Nearest;
import io.binaryllm.testing.SpecialFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static final String GOOD = """
            name: t
            dataset: {name: golden/clusters}
            variants:
              - binarizer: sign
              - {binarizer: hyperplane, bits: 64, rescore: 2}
            """;

    @Test
    void yamlAndJsonReadTheSameSchemaAndDefaultsAreExplicit() throws Exception {
        RunConfig yaml = ConfigLoader.load(write("a.yaml", GOOD)).withDefaults();
        RunConfig json = ConfigLoader.load(write("a.json", """
                {"name": "t", "dataset": {"name": "golden/clusters"},
                 "variants": [{"binarizer": "sign"}, {"binarizer": "hyperplane", "bits": 64, "rescore": 2}]}
                """)).withDefaults();
        assertThat(json).isEqualTo(yaml);
        assertThat(yaml.seed()).isZero();
        assertThat(yaml.backend()).isEqualTo("auto");
        assertThat(yaml.evaluation().k()).containsExactly(1, 10, 100);
        assertThat(yaml.variants().get(1).name()).isEqualTo("hyperplane-64+rescore2");
        String resolved = ConfigLoader.toYaml(yaml);
        assertThat(resolved).contains("seed: 0").contains("recall_k_prime: 100").contains("test_fraction: 0.2")
                .contains("- \"retrieval\"");
        assertThat(yaml.variants().get(0).seed()).isZero(); // a variant's seed defaults to the run's
        // The resolved config reads back to itself.
        assertThat(ConfigLoader.load(write("r.yaml", resolved))).isEqualTo(yaml);
    }

    @Test
    void unknownKeysNameTheirPathAndTheNearestValidKey() throws Exception {
        Path p = write("u.yaml", GOOD.replace("bits: 64", "bitz: 64"));
        assertThatThrownBy(() -> ConfigLoader.load(p)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(p + ": variants[1].bitz: unknown key; did you mean 'bits'?");
        Path top = write("t.yaml", GOOD + "seeed: 3\n");
        assertThatThrownBy(() -> ConfigLoader.load(top)).hasMessageContaining("seeed: unknown key; did you mean 'seed'?");
    }

    @Test
    void missingRequiredKeysAndWrongTypesNameTheKey() throws Exception {
        Path noName = write("n.yaml", GOOD.replace("name: t\n", ""));
        assertThatThrownBy(() -> ConfigLoader.load(noName)).hasMessage(noName + ": name: required key is missing");
        Path noBinarizer = write("b.yaml", GOOD.replace("- binarizer: sign", "- rescore: 1"));
        assertThatThrownBy(() -> ConfigLoader.load(noBinarizer)).hasMessageContaining("variants[0].binarizer: required key is missing");
        Path seedText = write("s.yaml", GOOD + "seed: forty-two\n");
        assertThatThrownBy(() -> ConfigLoader.load(seedText)).hasMessageContaining("seed: expected an integer");
        Path quotedNumber = write("q.json", "{\"name\": \"t\", \"seed\": \"5\", \"dataset\": {\"name\": \"x\"}, \"variants\": []}");
        assertThatThrownBy(() -> ConfigLoader.load(quotedNumber)).hasMessageContaining("seed: expected an integer");
        Path list = write("l.yaml", GOOD.replace("variants:", "variants: sign\nx:"));
        assertThatThrownBy(() -> ConfigLoader.load(list)).isInstanceOf(BadInputException.class);
        Path broken = write("x.json", "{\"name\": ");
        assertThatThrownBy(() -> ConfigLoader.load(broken)).hasMessageContaining("not valid JSON");
        Path txt = write("c.txt", GOOD);
        assertThatThrownBy(() -> ConfigLoader.load(txt)).hasMessageContaining(".yaml, .yml or .json");
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("none.yaml"))).hasMessageContaining("no such file");
    }

    @Test
    void nearestWordIsSensible() {
        assertThat(Nearest.to("hyperplan", List.of("sign", "scaled-sign", "hyperplane"))).contains("hyperplane");
        assertThat(Nearest.to("zzzzzz", List.of("sign", "hyperplane"))).isEmpty();
    }

    @Test
    void nullIsNotAValueAnywhereAndNamesItsKey() throws Exception {
        String[][] cases = {
                {"name: null\ndataset: {name: x}\nvariants: [{binarizer: sign}]\n", "name"},
                {GOOD + "seed: null\n", "seed"},
                {GOOD + "seed: ~\n", "seed"},
                {GOOD + "evaluation: null\n", "evaluation"},
                {GOOD + "evaluation: {k: [1, null]}\n", "evaluation.k[1]"},
                {GOOD.replace("- binarizer: sign", "- null"), "variants[0]"},
                {GOOD.replace("bits: 64", "bits: null"), "variants[1].bits"},
                {"name: t\ndataset: null\nvariants: [{binarizer: sign}]\n", "dataset"},
                {"name: t\ndataset: {name: x}\nvariants: null\n", "variants"},
        };
        for (String[] c : cases) {
            Path p = write("n.yaml", c[0]);
            assertThatThrownBy(() -> ConfigLoader.load(p)).as(c[1]).isInstanceOf(BadInputException.class)
                    .hasMessage(p + ": " + c[1] + ": null is not a value; give one, or leave the key out for its default");
        }
        Path json = write("n.json", "{\"name\": \"t\", \"dataset\": {\"name\": \"x\"}, \"variants\": [{\"binarizer\": \"sign\", \"rescore\": null}]}");
        assertThatThrownBy(() -> ConfigLoader.load(json)).hasMessageContaining(": variants[0].rescore: null is not a value");
    }

    @Test
    void aKeyGivenTwiceIsRefusedWhereverItIs() throws Exception {
        Path yaml = write("d.yaml", GOOD + "name: u\n");
        assertThatThrownBy(() -> ConfigLoader.load(yaml)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(yaml + ": name: key given twice (line ");
        Path json = write("d.json", "{\"name\": \"t\", \"name\": \"u\", \"dataset\": {\"name\": \"x\"}, \"variants\": []}");
        assertThatThrownBy(() -> ConfigLoader.load(json)).hasMessageStartingWith(json + ": name: key given twice (line 1)");
        Path nested = write("e.json", "{\"name\": \"t\", \"dataset\": {\"name\": \"x\", \"name\": \"y\"}, \"variants\": []}");
        assertThatThrownBy(() -> ConfigLoader.load(nested)).hasMessageStartingWith(nested + ": dataset.name: key given twice");
        Path inList = write("f.yaml", GOOD.replace("bits: 64", "bits: 64, bits: 65"));
        assertThatThrownBy(() -> ConfigLoader.load(inList)).hasMessageStartingWith(inList + ": variants[1].bits: key given twice");
    }

    @Test
    void aConfigIsARegularFileOfBoundedSizeInUtf8() throws Exception {
        Path fifo = SpecialFiles.fifo(dir.resolve("pipe.yaml"));
        Path device = Files.createSymbolicLink(dir.resolve("zero.yaml"), Path.of("/dev/zero"));
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            assertThatThrownBy(() -> ConfigLoader.load(fifo)).hasMessage(fifo + ": is a FIFO (named pipe), not a regular file");
            assertThatThrownBy(() -> ConfigLoader.load(device)).hasMessage(device + ": is a character device, not a regular file");
        });
        Path big = write("big.yaml", GOOD + "#" + "x".repeat((int) ConfigLoader.MAX_BYTES) + "\n");
        assertThatThrownBy(() -> ConfigLoader.load(big)).hasMessageStartingWith(big + ": is ").hasMessageEndingWith(" bytes; a config is at most 1048576");
        Path latin1 = dir.resolve("l.yaml");
        Files.write(latin1, (GOOD + "# caf\u00e9\n").getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> ConfigLoader.load(latin1)).hasMessage(latin1 + ": not valid UTF-8");
    }

    @Test
    void aParsersMessageOverSeveralLinesBecomesOne() throws Exception {
        Path p = write("b.yaml", "name: [t\n");
        assertThatThrownBy(() -> ConfigLoader.load(p)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(p + ": not valid YAML (line 1): ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
