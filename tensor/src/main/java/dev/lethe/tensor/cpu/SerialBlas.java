package dev.lethe.tensor.cpu;

import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas;

/**
 * OpenBLAS on one thread for the duration of a parallel loop whose threads each run their own
 * products. OpenBLAS decides per call whether to use its thread pool from the global
 * {@code blas_cpu_number}. {@code openblas_set_num_threads} sets that variable too, but a call
 * took about 1 ms here (OpenBLAS 0.3.31 through its JavaCPP preset), as long as the loops it
 * would serve. So this class sets the variable itself: to 1 when the first such loop starts, back
 * to the pool's size when the last one ends. The pool's threads stay alive meanwhile, so nothing
 * else about OpenBLAS changes. Where the symbol is not exported (another OpenBLAS build),
 * {@link #available()} is false and callers keep OpenBLAS threaded.
 */
final class SerialBlas {
    private static final IntPointer CPU_NUMBER = find();
    private static final Object LOCK = new Object();
    private static int loops;

    private SerialBlas() {
    }

    /** Whether OpenBLAS's thread count can be switched this way. */
    static boolean available() {
        return CPU_NUMBER != null;
    }

    /** Starts a loop with single-threaded products (the first one switches OpenBLAS to one thread). */
    static void enter() {
        synchronized (LOCK) {
            if (loops++ == 0) {
                CPU_NUMBER.put(0, 1);
            }
        }
    }

    /** Ends such a loop; the last one to end gives OpenBLAS its {@code threads} back. */
    static void exit(int threads) {
        synchronized (LOCK) {
            if (--loops == 0) {
                CPU_NUMBER.put(0, threads);
            }
        }
    }

    /**
     * OpenBLAS's thread-count variable, or null unless it is exported and holds the count the
     * pool gave OpenBLAS (a check that it is the variable this class means).
     */
    private static IntPointer find() {
        try {
            int threads = CpuThreads.threads(); // sets OpenBLAS's count, if not done yet
            Loader.load(openblas.class);
            Pointer symbol = Loader.addressof("blas_cpu_number");
            if (symbol == null || symbol.isNull()) {
                return null;
            }
            IntPointer count = new IntPointer(symbol);
            return count.get(0) == threads ? count : null;
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}
