package io.binaryllm.langchain4j.internal;

import dev.langchain4j.store.embedding.RelevanceScore;
import io.binaryllm.metric.Cosine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * A search's candidates, best first: the codes' top-depth by (key, slot), each scored by exact cosine (with
 * rescoring) or by the cosine its key estimates; while a store has no codes (osq before its fit), every accepted entry
 * by exact cosine. Ties go to the lower slot, as every ranking here.
 *
 * @param table         the entries
 * @param codes         their codes, or null
 * @param rescoreFactor 0: scores are the codes' estimates; else exact cosines of the shortlist
 */
public record StoreRanking(EntryTable table, StoreCodes<?> codes, int rescoreFactor) {
    /** An entry and its relevance score. */
    public record Candidate(int slot, double score) {
    }

    /** The accepted entries' candidates (at most {@code depth} from the codes), by (score desc, slot asc). */
    public List<Candidate> rank(float[] query, int depth, IntPredicate accept, boolean filtered) {
        List<Candidate> ranked;
        if (codes == null) {
            ranked = exact(query, accept);
        } else {
            codes.enterSearch();
            try {
                ranked = fromCodes(query, depth, accept, filtered);
            } finally {
                codes.leaveSearch();
            }
        }
        ranked.sort(Comparator.comparingDouble(Candidate::score).reversed().thenComparingInt(Candidate::slot));
        return ranked;
    }

    private List<Candidate> fromCodes(float[] query, int depth, IntPredicate accept, boolean filtered) {
        List<StoreCodes.Hit> hits = codes.topK(query, depth, accept, filtered);
        List<Candidate> ranked = new ArrayList<>(hits.size());
        for (StoreCodes.Hit h : hits) {
            double cosine = rescoreFactor > 0 ? Cosine.similarity(query, table.row(h.slot())) : codes.codec().cosine(h.key());
            ranked.add(new Candidate(h.slot(), RelevanceScore.fromCosineSimilarity(cosine)));
        }
        return ranked;
    }

    private List<Candidate> exact(float[] query, IntPredicate accept) {
        List<Candidate> ranked = new ArrayList<>();
        for (int slot = table.nextLive(0); slot >= 0; slot = table.nextLive(slot + 1)) {
            if (accept.test(slot)) {
                ranked.add(new Candidate(slot, RelevanceScore.fromCosineSimilarity(Cosine.similarity(query, table.row(slot)))));
            }
        }
        return ranked;
    }
}
