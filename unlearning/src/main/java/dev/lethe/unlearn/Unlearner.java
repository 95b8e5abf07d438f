package dev.lethe.unlearn;

import dev.lethe.train.Progress;
import java.io.IOException;

/**
 * An unlearning method: takes the original model θ_o and a request, and returns the unlearned
 * model θ_u with a record of what it did. The original is never modified; the result is a new
 * model. Every method is deterministic given its seed (UNLEARNING.md, Interface).
 */
public interface Unlearner {
    /** The method's name as the command line knows it ({@code ssd}, {@code salun}, ...). */
    String name();

    /** Forgets {@code request}'s D_f from {@code original}, reporting long steps to {@code progress}. */
    UnlearningResult unlearn(TrainedModel original, UnlearningRequest request, Progress progress) throws IOException;
}
