package io.binaryllm.runner.internal.datasets;

import io.binaryllm.binarize.Binarized;
import io.binaryllm.binarize.Binarizers;
import io.binaryllm.data.Dataset;
import io.binaryllm.langchain4j.embed.TextEmbedder;
import io.binaryllm.langchain4j.embed.TextEmbedders;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;
import io.binaryllm.search.SearchResult;
import io.binaryllm.seed.Seeds;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class WordNetGlossesTest {
    @TempDir
    Path cache;

    @BeforeEach
    void needsWordNet() {
        RealData.requireWordNet();
    }

    @Test
    void theSampleIsFixedAndEachQueryJudgesItsOwnDefinition() {
        var small = new WordNetGlosses(200, 20).texts(WordNet.dir());
        var catalog = new WordNetGlosses(10_000, 1_000).texts(WordNet.dir());
        // Sampling sorts by a hash of the key, so a smaller dataset is a prefix of a larger one.
        assertThat(catalog.docIds().subList(0, 200)).isEqualTo(small.docIds());
        assertThat(catalog.docs().subList(0, 200)).isEqualTo(small.docs());
        assertThat(new HashSet<>(catalog.docIds())).hasSize(10_000);
        assertThat(Arrays.stream(small.labels()).allMatch(l -> l >= 0 && l <= 44)).isTrue();
        for (int q = 0; q < small.queryIds().size(); q++) {
            String key = small.docIds().get(q);
            assertThat(small.queryIds().get(q)).isEqualTo("q:" + key);
            assertThat(small.qrels().judged("q:" + key)).isEqualTo(Map.of(key, 1));
        }
        assertThat(catalog.labels()).as("a real spread of classes").satisfies(l ->
                assertThat(Arrays.stream(l).distinct().count()).isGreaterThan(40));
    }

    @Test
    void theDefaultBackendFindsWhatReferenceFindsOnEmbeddedDefinitions() {
        var spec = new WordNetGlosses(300, 30);
        var texts = spec.texts(WordNet.dir());
        try (Dataset data = spec.load("wordnet/test", WordNet.dir(), cache); TextEmbedder model = TextEmbedders.miniLm()) {
            assertThat(data.corpus().vectors().rows()).isEqualTo(300);
            assertThat(data.corpus().vectors().row(7)).containsExactly(model.embed(List.of(texts.docs().get(7)))[0]);
            assertThat(data.queries().vectors().row(3)).containsExactly(model.embed(List.of(texts.queryTexts().get(3)))[0]);
            var sign = Binarizers.create("sign", null, new Seeds(1));
            try (Binarized docs = sign.binarize(data.corpus().vectors()); Binarized queries = sign.binarize(data.queries().vectors());
                 SearchBackend auto = SearchBackends.open("auto"); SearchBackend reference = SearchBackends.open("reference")) {
                for (int k : new int[]{1, 10, 300}) {
                    SearchResult expected = reference.search(docs.codes(), queries.codes(), k);
                    assertThat(auto.search(docs.codes(), queries.codes(), k)).as(auto.name() + " k=" + k).isEqualTo(expected);
                }
            }
        }
        // Built again from the cache alone: the same vectors, bit for bit.
        try (Dataset first = spec.load("wordnet/test", WordNet.dir(), cache); Dataset again = spec.load("wordnet/test", WordNet.dir(), cache)) {
            for (long r = 0; r < 300; r++) {
                assertThat(again.corpus().vectors().row(r)).containsExactly(first.corpus().vectors().row(r));
            }
        }
    }
}
