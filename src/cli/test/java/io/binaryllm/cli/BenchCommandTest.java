package io.binaryllm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.io.Npy;
import io.binaryllm.search.SearchBackends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench command's plumbing (rows, JSON, generated data); its timings are never asserted. */
class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesARowPerAvailableBackendAndKAsJson() throws Exception {
        Path json = dir.resolve("bench.json");
        CliHarness.Run run = CliHarness.cli("bench", "--n", 3000, "--nq", 12, "--bits", 65, "--k", "1,3", "--repeat", 1,
                "--check", 5, "--json", json);
        assertThat(run.code()).as(run.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertThat(doc.at("/machine/cores").asInt()).isPositive();
        long available = SearchBackends.loadAll().stream().filter(b -> b.availability().available()).count();
        assertThat(doc.get("rows")).hasSize((int) available * 2);
        for (JsonNode row : doc.get("rows")) {
            assertThat(row.get("bits").asInt()).isEqualTo(65);
            assertThat(row.get("pairsPerSecond").asDouble()).isPositive();
            assertThat(row.get("checkedQueries").asInt()).isEqualTo(5);
        }
        assertThat(run.out()).contains("reference").contains("speedup");
    }

    /** osq rows: every available backend checked against the reference and timed; bits are dims x document bits. */
    @Test
    void osqRowsNameTheirWidthsAndBadWidthsAreRefused() throws Exception {
        Path json = dir.resolve("osq.json");
        CliHarness.Run run = CliHarness.cli("bench", "--osq", "1x4,2x8", "--n", 2000, "--nq", 9, "--bits", 97, "--k", 5,
                "--repeat", 1, "--check", 4, "--json", json);
        assertThat(run.code()).as(run.err()).isZero();
        long available = SearchBackends.loadAll().stream().filter(b -> b.availability().available()).count();
        JsonNode rows = new ObjectMapper().readTree(json.toFile()).get("rows");
        assertThat(rows).hasSize((int) available * 2);
        assertThat(rows.get(0).get("osq").asText()).isEqualTo("1x4");
        assertThat(rows.get(0).get("bits").asInt()).isEqualTo(97);
        assertThat(rows.get((int) available).get("osq").asText()).isEqualTo("2x8");
        assertThat(rows.get((int) available).get("bits").asInt()).isEqualTo(194);
        assertThat(run.out()).contains("osq 1x4").contains("osq 2x8");
        for (String bad : new String[]{"3x4", "1x2", "1by4", "x"}) {
            CliHarness.Run refused = CliHarness.cli("bench", "--osq", bad, "--n", 100, "--nq", 2, "--bits", 64);
            assertThat(refused.code()).as(bad).isEqualTo(2);
            assertThat(refused.err()).contains("--osq: '" + bad + "'");
        }
    }

    @Test
    void writesGeneratedDataOthersCanRead() {
        CliHarness.Run run = CliHarness.cli("bench", "--write-data", dir, "--n", 100, "--nq", 7, "--bits", 130);
        assertThat(run.code()).as(run.err()).isZero();
        try (BinaryCodeBatch db = Npy.readCodes(dir.resolve("db130.npy")); BinaryCodeBatch q = Npy.readCodes(dir.resolve("q130.npy"))) {
            assertThat(db.rows()).isEqualTo(100);
            assertThat(db.words()).isEqualTo(3);
            assertThat(q.rows()).isEqualTo(7);
            assertThat(db.withBits(130).bits()).isEqualTo(130); // padding is clear
        }
        assertThat(CliHarness.cli("bench", "--write-data", dir, "--n", 100, "--nq", 7, "--bits", 130).code()).isEqualTo(2);
    }
}
