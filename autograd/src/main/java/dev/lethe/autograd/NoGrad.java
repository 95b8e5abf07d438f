package dev.lethe.autograd;

/**
 * A region in which operations on {@link Variable}s record nothing: results have no
 * {@linkplain Variable#gradFn() node} and do not require gradients, so no graph (and no saved
 * tensor) is kept. Used for evaluation, optimizer updates and finite differences.
 *
 * <pre>{@code
 * try (var g = NoGrad.enter()) {
 *     Variable logits = model.forward(x);    // nothing recorded
 * }
 * }</pre>
 *
 * The switch is per thread and nestable: recording resumes when the outermost region closes.
 */
public final class NoGrad implements AutoCloseable {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private final Thread thread = Thread.currentThread();
    private boolean closed;

    private NoGrad() {
    }

    /** Turns recording off on the current thread until the returned region is closed. */
    public static NoGrad enter() {
        DEPTH.get()[0]++;
        return new NoGrad();
    }

    /** True while at least one no-grad region is open on the current thread. */
    public static boolean isActive() {
        return DEPTH.get()[0] > 0;
    }

    /** Ends this region (closing twice is harmless). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("a NoGrad region must be closed on the thread that entered it");
        }
        closed = true;
        DEPTH.get()[0]--;
    }
}
