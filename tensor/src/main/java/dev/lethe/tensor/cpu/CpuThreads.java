package dev.lethe.tensor.cpu;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.openblas.global.openblas;

/**
 * The one fixed thread pool of the CPU backend. Its size is {@code -Dlethe.threads} or the
 * number of available processors; OpenBLAS is set to the same count, so Lethe's loops and BLAS
 * never run more threads than cores between them. A parallel loop started from inside a pool
 * thread runs serially (no nested oversubscription).
 */
public final class CpuThreads {
    private static final int THREADS = Math.max(1, Integer.getInteger("lethe.threads",
            Runtime.getRuntime().availableProcessors()));
    private static final ThreadLocal<Boolean> IN_POOL = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private static final ExecutorService POOL;

    static {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(() -> {
                IN_POOL.set(Boolean.TRUE);
                r.run();
            }, "lethe-cpu-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        POOL = THREADS > 1 ? Executors.newFixedThreadPool(THREADS - 1, factory) : null;
        openblas.blas_set_num_threads(THREADS);
    }

    private CpuThreads() {
    }

    /** Body of a parallel loop over the index range {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    /** Number of threads loops and BLAS use. */
    public static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into at most {@link #threads()} contiguous
     * ranges of at least {@code grain} indices; the calling thread takes the first range. The
     * split depends only on n, grain and the thread count, so results are reproducible.
     */
    public static void parallelFor(int n, int grain, RangeBody body) {
        int parts = parts(n, grain);
        if (parts <= 1) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        @SuppressWarnings("unchecked")
        Future<?>[] futures = new Future<?>[parts - 1];
        for (int p = 1; p < parts; p++) {
            int s = (int) ((long) n * p / parts);
            int e = (int) ((long) n * (p + 1) / parts);
            futures[p - 1] = POOL.submit(() -> body.run(s, e));
        }
        Throwable failure = null;
        try {
            body.run(0, (int) ((long) n / parts));
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure == null ? e : failure;
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException("parallel loop failed", failure);
        }
    }

    /**
     * As {@link #parallelFor}, with OpenBLAS single-threaded while the loop runs in parallel, so
     * each thread's products run on that thread alone: for loops of many small products (one per
     * sample), where one product per core beats every core on each product. Run serially (one
     * range), or where OpenBLAS's thread count cannot be switched ({@link SerialBlas}), the loop
     * runs on the calling thread and its products keep all of OpenBLAS's threads. The switch is
     * global: while such a loop runs, products started elsewhere also run on one thread (correct,
     * only slower).
     */
    public static void parallelForSerialBlas(int n, int grain, RangeBody body) {
        if (parts(n, grain) <= 1 || !SerialBlas.available()) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        SerialBlas.enter();
        try {
            parallelFor(n, grain, body);
        } finally {
            SerialBlas.exit(THREADS);
        }
    }

    /** Ranges a loop over n indices with the given grain is split into; 1 inside a pool thread. */
    private static int parts(int n, int grain) {
        if (POOL == null || IN_POOL.get()) {
            return 1;
        }
        return (int) Math.min(THREADS, Math.max(1, n / (long) Math.max(grain, 1)));
    }
}
