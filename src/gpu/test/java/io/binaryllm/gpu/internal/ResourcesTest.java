package io.binaryllm.gpu.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Driver objects made while a device opens are released, newest first, when a later step fails; kept when it opens. */
class ResourcesTest {
    @Test
    void aFailedOpeningReleasesWhatWasMadeNewestFirst() {
        List<String> freed = new ArrayList<>();
        Resources r = new Resources();
        assertThatThrownBy(() -> {
            try (r) {
                r.add("context", "ctx", x -> freed.add(x));
                r.add("queue", "q", x -> freed.add(x));
                throw new IllegalStateException("the program did not build");
            }
        }).hasMessage("the program did not build");
        assertThat(freed).containsExactly("q", "ctx");
        assertThat(r.released()).containsExactly("queue", "context");
    }

    @Test
    void everyReleaseIsTriedAndFailuresAreAttachedToTheFirst() {
        List<String> freed = new ArrayList<>();
        Resources r = new Resources();
        r.add("a", "a", freed::add);
        r.add("b", "b", x -> {
            throw new IllegalStateException("b failed");
        });
        r.add("c", "c", x -> {
            throw new IllegalStateException("c failed");
        });
        assertThatThrownBy(r::close).hasMessage("c failed")
                .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("b failed"));
        assertThat(freed).containsExactly("a");
    }

    @Test
    void keptResourcesAreNotReleased() {
        List<String> freed = new ArrayList<>();
        try (Resources r = new Resources()) {
            r.add("context", "ctx", freed::add);
            r.keep();
        }
        assertThat(freed).isEmpty();
    }
}
