package dev.lethe.unlearn.report;

import java.util.List;

/**
 * The table after one request of a continual scenario: every method's model after requests
 * 1..{@code number}, measured against retraining on what remains.
 *
 * @param number the request's position in the sequence, from 1
 * @param forget what this request asked to forget (e.g. {@code random:0.02:1} or {@code class:3})
 * @param rows   one row per method, retrain first
 */
public record ContinualStep(int number, String forget, List<MethodRow> rows) {
    /** Puts the retrain row first and keeps a read-only copy of the rows. */
    public ContinualStep {
        if (number < 1) {
            throw new IllegalArgumentException("continual steps are numbered from 1, got " + number);
        }
        rows = ScenarioReport.retrainFirst(rows);
    }
}
