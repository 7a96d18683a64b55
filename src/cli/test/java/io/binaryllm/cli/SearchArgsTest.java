package io.binaryllm.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The picocli-free parse of {@code search} must agree with picocli wherever it accepts a line, and decline the rest. */
class SearchArgsTest {
    private static final PrintWriter ERR = new PrintWriter(new StringWriter());

    private static SearchCommand picocli(List<String> args) {
        SearchCommand c = new SearchCommand();
        new CommandLine(new Main()).addSubcommand("search", c).parseArgs(args.toArray(String[]::new));
        return c;
    }

    private static void assertSameFields(SearchCommand a, SearchCommand b) {
        assertThat(a.databases).isEqualTo(b.databases);
        assertThat(a.queries).isEqualTo(b.queries);
        assertThat(a.k).isEqualTo(b.k);
        assertThat(a.backend).isEqualTo(b.backend);
        assertThat(a.bits).isEqualTo(b.bits);
        assertThat(a.indices).isEqualTo(b.indices);
        assertThat(a.distances).isEqualTo(b.distances);
        assertThat(a.force).isEqualTo(b.force);
    }

    @Test
    void acceptedLinesParseAsPicocliParsesThem() {
        List<List<String>> lines = List.of(
                List.of("search", "--database", "db.npy", "--queries", "q.npy", "--k", "10", "--indices", "i.npy", "--distances", "d.npy"),
                List.of("search", "--k=7", "--database=a b.npy", "--queries", "q.npy", "--indices", "i.npy", "--distances", "d.npy",
                        "--backend", "cpu", "--bits", "257", "--force"),
                List.of("search", "--debug", "--database", "/x/db.npy", "--queries", "../q.npy", "--k", "1", "--indices", "i=1.npy",
                        "--distances", "d.npy", "--backend=native"),
                List.of("search", "--database", "db.npy", "--queries", "q.npy", "--k", "007", "--indices", "i.npy", "--distances", "d.npy"));
        for (List<String> line : lines) {
            var fast = SearchArgs.parse(line.toArray(String[]::new), ERR);
            assertThat(fast).as(line.toString()).isPresent();
            assertSameFields(fast.get().command(), picocli(line));
            assertThat(fast.get().debug()).isEqualTo(line.contains("--debug"));
        }
    }

    @Test
    void everythingElseIsLeftToPicocli() {
        String[] base = {"--database", "db.npy", "--queries", "q.npy", "--indices", "i.npy", "--distances", "d.npy"};
        List<List<String>> declined = List.of(
                List.of("search", "--help"),
                List.of("search", "-h"),
                List.of("search", "--database", "db.npy"),                                  // required options missing
                List.of("pack", "--input", "x.npy"),
                List.of("--debug", "search", "--k", "1"));
        for (List<String> line : declined) {
            assertThat(SearchArgs.parse(line.toArray(String[]::new), ERR)).as(line.toString()).isEmpty();
        }
        for (List<String> extra : List.of(List.of("--k", "-1"), List.of("--k", "1e3"), List.of("--k", "99999999999"), List.of("--k", "+3"),
                List.of("--k", "1", "--k", "2"), List.of("--k", "1", "--kk", "2"), List.of("--k", "1", "--force=true"),
                List.of("--k", "1", "stray"), List.of("--k"), List.of("--k", "1", "--bits", "0x40"), List.of("--k", "1", "--backend", ""),
                List.of("--k", "1", "--backend", "--force"))) {
            List<String> line = new ArrayList<>(List.of("search"));
            line.addAll(List.of(base));
            line.addAll(extra);
            assertThat(SearchArgs.parse(line.toArray(String[]::new), ERR)).as(line.toString()).isEmpty();
        }
    }
}
