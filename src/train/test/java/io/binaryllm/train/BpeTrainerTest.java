package io.binaryllm.train;

import io.binaryllm.BadArgumentException;
import io.binaryllm.kvcache.Tokenizer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A learned vocabulary is llama2.c's layout and run.c's encoding of it reproduces the learned merges. */
class BpeTrainerTest {
    @Test
    void learnsMergesByFrequencyInLlama2cLayout() {
        // " low" x 5, " lower" x 2, " newest" x 6, " widest" x 3 (Sennrich et al.'s example, with run.c's spaces)
        String text = "low ".repeat(5) + "lower ".repeat(2) + "newest ".repeat(6) + "widest ".repeat(3);
        Tokenizer t = BpeTrainer.train(text.strip(), 259 + 11 + 4);
        assertThat(t.token(0)).isEqualTo("<unk>");
        assertThat(t.token(1)).isEqualTo("<s>");
        assertThat(t.token(3)).isEqualTo("<0x00>");
        assertThat(t.token(258)).isEqualTo("<0xFF>");
        // code points by frequency (ties by code point): e 17, " " 16, then l o w ... (11 in all) then the merges, highest score first
        assertThat(t.token(259)).isEqualTo("e");
        int first = 259 + 11;
        // "es" and "st" (9 each) are the most frequent pairs; the tie goes to the pair of lower ids
        assertThat(t.token(first)).isIn("es", "st");
        assertThat(t.score(first)).isGreaterThan(t.score(first + 1));
        assertThat(t.score(first + 1)).isGreaterThan(t.score(first + 2));
        for (String s : new String[]{"low lower newest", "widest low", "lowest"}) {
            assertThat(t.decode(t.encode(s, true))).isEqualTo(s);
        }
    }

    @Test
    void theVocabularyIsAFunctionOfTheText() {
        String text = SyntheticText.sentences(3, 500);
        Tokenizer a = BpeTrainer.train(text, 380);
        Tokenizer b = BpeTrainer.train(text, 380);
        assertThat(a.vocab()).isEqualTo(380);
        for (int i = 0; i < 380; i++) {
            assertThat(b.token(i)).isEqualTo(a.token(i));
            assertThat(b.score(i)).isEqualTo(a.score(i));
        }
        // frequent words become single tokens with their space, as run.c encodes them
        int[] ids = a.encode("Emma walked to Hartfield.", false);
        assertThat(ids.length).isLessThan("Emma walked to Hartfield.".length() / 2);
        assertThat(a.decode(ids)).isEqualTo(" Emma walked to Hartfield.");
    }

    @Test
    void rareCodePointsAreSpelledInBytesAndAVocabularyTooSmallIsRefused() {
        Tokenizer t = BpeTrainer.train("aa bb aa bb €", 270);
        // the pairs of letters run out before 270 tokens; the euro's bytes are never merged
        assertThat(t.vocab()).isLessThan(270);
        assertThat(t.encode("€", false)).containsExactly(t.encode(" ", false)[0], 0xE2 + 3, 0x82 + 3, 0xAC + 3);
        for (int i = 3 + 256; i < t.vocab(); i++) {
            assertThat(t.token(i)).doesNotContain("<0x");
        }
        assertThatThrownBy(() -> BpeTrainer.train("abcdefghij abcdefghij", 265)).isInstanceOf(BadArgumentException.class)
                .hasMessageContaining("code points of its own");
    }
}
