package io.binaryllm.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Relevance judgments: query id -> (document id -> grade). A grade above 0 means relevant; 0 and negative grades are
 * judged non-relevant and add no gain. Files are read by {@link io.binaryllm.data.io.QrelsFiles}.
 */
public final class Qrels {
    private final Map<String, Map<String, Integer>> judgments;

    public Qrels(Map<String, Map<String, Integer>> judgments) {
        Map<String, Map<String, Integer>> copy = new LinkedHashMap<>();
        judgments.forEach((q, docs) -> copy.put(q, Collections.unmodifiableMap(new LinkedHashMap<>(docs))));
        this.judgments = Collections.unmodifiableMap(copy);
    }

    /** The judged documents of {@code queryId} (empty if it has none). */
    public Map<String, Integer> judged(String queryId) {
        return judgments.getOrDefault(queryId, Map.of());
    }

    public Map<String, Map<String, Integer>> all() {
        return judgments;
    }

    /** Number of documents graded above 0 for {@code queryId}. */
    public long relevantCount(String queryId) {
        return judged(queryId).values().stream().filter(g -> g > 0).count();
    }
}
