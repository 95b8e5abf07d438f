package dev.lethe.train;

import dev.lethe.tensor.io.MalformedFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The counters a checkpoint stores next to the weights and the optimizer state so that training
 * can resume exactly, as {@code __metadata__} strings:
 * {@code lethe.train.epoch} (epochs completed), {@code lethe.train.step} (optimizer steps taken),
 * {@code lethe.train.seed}, {@code lethe.train.batch_size} and
 * {@code lethe.train.dropout_counter} (the dropout generator's next Philox block).
 * The optimizer's state tensors are stored under {@value #OPTIMIZER_PREFIX}.
 *
 * @param epochs         epochs completed
 * @param steps          optimizer steps taken
 * @param seed           the run's seed
 * @param batchSize      the run's batch size
 * @param dropoutCounter the dropout generator's counter
 */
record TrainingState(int epochs, long steps, long seed, int batchSize, long dropoutCounter) {
    /** Prefix of the optimizer's state tensors in a checkpoint. */
    static final String OPTIMIZER_PREFIX = "optim.";

    private static final String EPOCH = "lethe.train.epoch";
    private static final String STEP = "lethe.train.step";
    private static final String SEED = "lethe.train.seed";
    private static final String BATCH_SIZE = "lethe.train.batch_size";
    private static final String DROPOUT_COUNTER = "lethe.train.dropout_counter";

    Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(EPOCH, Integer.toString(epochs));
        m.put(STEP, Long.toString(steps));
        m.put(SEED, Long.toString(seed));
        m.put(BATCH_SIZE, Integer.toString(batchSize));
        m.put(DROPOUT_COUNTER, Long.toString(dropoutCounter));
        return m;
    }

    static TrainingState fromMetadata(Path file, Map<String, String> metadata) throws MalformedFileException {
        if (!metadata.containsKey(EPOCH)) {
            throw new MalformedFileException(file, "has no training state (" + EPOCH + ", " + STEP + ", ...): it is "
                    + "a model, not a checkpoint written during training, and cannot be resumed");
        }
        return new TrainingState((int) number(file, metadata, EPOCH), number(file, metadata, STEP),
                number(file, metadata, SEED), (int) number(file, metadata, BATCH_SIZE),
                number(file, metadata, DROPOUT_COUNTER));
    }

    private static long number(Path file, Map<String, String> metadata, String key) throws MalformedFileException {
        String v = metadata.get(key);
        try {
            if (v != null) {
                return Long.parseLong(v.trim());
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new MalformedFileException(file, "training state " + key + " = " + (v == null ? "(missing)"
                : "\"" + v + "\"") + " is not an integer");
    }
}
