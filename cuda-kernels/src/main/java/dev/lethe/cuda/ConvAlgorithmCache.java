package dev.lethe.cuda;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The cuDNN algorithm of each convolution shape, chosen once: the first call with a
 * {@link ConvPlanKey} asks cuDNN, later calls with an equal key reuse the answer. Hits and misses
 * are counted so tests can see that a repeated shape is not planned again.
 */
final class ConvAlgorithmCache {
    private final ConcurrentHashMap<ConvPlanKey, ConvAlgorithm> plans = new ConcurrentHashMap<>();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    // Over every cache in the process (the backend has one): what tests of the backend can observe.
    private static final AtomicLong PLANNED = new AtomicLong();
    private static final AtomicLong REUSED = new AtomicLong();

    /** The algorithm of {@code key}, computed by {@code choose} the first time. */
    ConvAlgorithm get(ConvPlanKey key, Function<ConvPlanKey, ConvAlgorithm> choose) {
        ConvAlgorithm known = plans.get(key);
        if (known != null) {
            hits.incrementAndGet();
            REUSED.incrementAndGet();
            return known;
        }
        return plans.computeIfAbsent(key, k -> {
            misses.incrementAndGet();
            PLANNED.incrementAndGet();
            return choose.apply(k);
        });
    }

    /** Calls answered from the cache. */
    long hits() {
        return hits.get();
    }

    /** Calls that planned (one per distinct key). */
    long misses() {
        return misses.get();
    }

    /** Algorithms chosen by every cache so far (one per distinct key and cache). */
    static long totalPlanned() {
        return PLANNED.get();
    }

    /** Calls every cache answered without choosing again. */
    static long totalReused() {
        return REUSED.get();
    }

    /** Distinct keys planned. */
    int size() {
        return plans.size();
    }
}
