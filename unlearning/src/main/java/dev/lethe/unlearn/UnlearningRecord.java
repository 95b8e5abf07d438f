package dev.lethe.unlearn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one unlearning call did (UNLEARNING.md, Interface).
 *
 * @param method            the method's name
 * @param seconds           wall-clock seconds of the call (RTE)
 * @param passes            passes over data, counted in samples seen / |D| (a fine-tuning epoch
 *                          over D_r counts |D_r|/|D|)
 * @param parametersChanged scalar parameters whose value differs from the original's
 * @param statistics        method-specific numbers and summaries (selected counts, histograms,
 *                          mask densities, ...), by name, in a stable order; values are numbers,
 *                          strings, {@link Histogram}s, or maps and lists of those
 */
public record UnlearningRecord(String method, double seconds, double passes, long parametersChanged,
                               Map<String, Object> statistics) {
    /** Keeps a read-only copy of the statistics. */
    public UnlearningRecord {
        statistics = Collections.unmodifiableMap(new LinkedHashMap<>(statistics));
    }
}
