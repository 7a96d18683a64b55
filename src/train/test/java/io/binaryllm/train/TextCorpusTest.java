package io.binaryllm.train;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TextCorpusTest {
    @Test
    void joinsHardWrappedLinesIntoParagraphs() {
        String raw = "CHAPTER I\r\n\r\n\r\nEmma Woodhouse, handsome, clever,  and rich,\n   with a comfortable home\n\nseemed to unite\tsome\n";
        assertThat(TextCorpus.paragraphs(raw)).isEqualTo("CHAPTER I\nEmma Woodhouse, handsome, clever, and rich, with a comfortable home\n"
                + "seemed to unite some\n");
        assertThat(TextCorpus.paragraphs("\n\n  \n")).isEmpty();
    }
}
