package io.binaryllm.runner.internal.datasets;

import io.binaryllm.BadInputException;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WordNetTest {
    @Test
    void parsesADataLine() {
        WordNet.Synset s = WordNet.parse("x", "02084071 05 n 03 dog 0 domestic_dog 0 Canis_familiaris 0 001 @ 02083346 n 0000 "
                + "| a member of the genus Canis (probably descended from the common wolf); \"the dog barked all night\"");
        assertThat(s.key()).isEqualTo("n02084071");
        assertThat(s.lexFile()).isEqualTo(5);
        assertThat(s.words()).containsExactly("dog", "domestic dog", "Canis familiaris");
        assertThat(s.definition()).isEqualTo("a member of the genus Canis (probably descended from the common wolf)");
    }

    @Test
    void satelliteAdjectivesDropTheirMarkersAndWordCountsAreHex() {
        StringBuilder words = new StringBuilder();
        for (int i = 0; i < 17; i++) {
            words.append("w").append(i).append(i == 0 ? "(a)" : "").append(" 0 ");
        }
        WordNet.Synset s = WordNet.parse("x", "00001740 00 s 11 " + words + "000 | able to do it");
        assertThat(s.key()).isEqualTo("a00001740");
        assertThat(s.words()).hasSize(17).startsWith("w0", "w1").endsWith("w16");
    }

    @Test
    void aGarbledLineNamesItsPlace() {
        assertThatThrownBy(() -> WordNet.parse("data.noun:31", "garbage"))
                .isInstanceOf(BadInputException.class).message().startsWith("data.noun:31: not a WordNet data line");
    }

    @Test
    void readsTheWholeDebianDatabase() {
        RealData.requireWordNet();
        List<WordNet.Synset> all = WordNet.read(WordNet.dir());
        assertThat(all).hasSize(WordNetGlosses.ALL_SYNSETS).hasSize(117_659);
        Set<String> keys = new HashSet<>();
        for (WordNet.Synset s : all) {
            assertThat(keys.add(s.key())).as(s.key()).isTrue();
            assertThat(s.lexFile()).isBetween(0, 44);
            assertThat(s.words()).isNotEmpty();
            assertThat(s.definition()).isNotBlank().doesNotContain("\"");
        }
    }
}
