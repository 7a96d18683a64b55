package io.binaryllm.langchain4j.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class IdTableTest {
    /** Random adds, removes and re-adds against a HashMap: every lookup and every slot's id agree, through rehashes. */
    @Test
    void agreesWithAMapThroughAddsRemovesAndRehashes() {
        SplittableRandom r = new SplittableRandom(3);
        IdTable table = new IdTable();
        Map<String, Integer> oracle = new HashMap<>();
        List<String> bySlot = new ArrayList<>();
        String[] alphabet = {"a", "é", "字", "😀", "-", "0"};
        for (int step = 0; step < 60_000; step++) {
            int op = r.nextInt(10);
            if (op < 6 || oracle.isEmpty()) {
                StringBuilder id = new StringBuilder();
                for (int i = r.nextInt(1, 12); i > 0; i--) {
                    id.append(alphabet[r.nextInt(alphabet.length)]);
                }
                String key = id.toString();
                Integer old = oracle.remove(key);
                if (old != null) {
                    table.remove(old);
                    bySlot.set(old, null);
                }
                int slot = table.add(key);
                assertThat(slot).isEqualTo(bySlot.size());
                bySlot.add(key);
                oracle.put(key, slot);
            } else if (op < 9) {
                List<String> keys = new ArrayList<>(oracle.keySet());
                String key = keys.get(r.nextInt(keys.size()));
                table.remove(oracle.remove(key));
                bySlot.set(bySlot.indexOf(key), null);
            } else {
                String probe = "absent-" + r.nextInt(1000);
                assertThat(table.slotOf(probe)).isEqualTo(oracle.getOrDefault(probe, -1));
            }
        }
        for (Map.Entry<String, Integer> e : oracle.entrySet()) {
            assertThat(table.slotOf(e.getKey())).isEqualTo(e.getValue());
        }
        for (int slot = 0; slot < bySlot.size(); slot++) {
            assertThat(table.id(slot)).isEqualTo(bySlot.get(slot));
        }
        assertThat(table.slots()).isEqualTo(bySlot.size());
    }

    /** An id longer than a page gets a page of its own; ids after it still land on shared pages. */
    @Test
    void idsOfAnyLengthRoundTrip() {
        IdTable table = new IdTable();
        String huge = "x".repeat(3 << 20);
        String wide = "é".repeat(200); // a two-byte varint length
        assertThat(table.add("small")).isZero();
        assertThat(table.add(huge)).isEqualTo(1);
        assertThat(table.add(wide)).isEqualTo(2);
        assertThat(table.add("")).isEqualTo(3);
        assertThat(table.id(1)).isEqualTo(huge);
        assertThat(table.id(2)).isEqualTo(wide);
        assertThat(table.id(3)).isEmpty();
        assertThat(table.slotOf(huge)).isEqualTo(1);
        assertThat(table.slotOf("x".repeat((3 << 20) - 1))).isEqualTo(-1);
        table.clear();
        assertThat(table.slotOf("small")).isEqualTo(-1);
        assertThat(table.add("again")).isZero();
    }
}
