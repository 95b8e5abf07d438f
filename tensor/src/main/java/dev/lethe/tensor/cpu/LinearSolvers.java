package dev.lethe.tensor.cpu;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntSupplier;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * Float64 factorisations and solves through LAPACKE on row-major copies: Cholesky factor
 * ({@code dpotrf}), solve from a Cholesky factor ({@code dpotrs}) and LU solve with partial
 * pivoting ({@code dgesv}). Shapes and dtypes are checked in Java before any native call; LAPACK's
 * failure codes become exceptions that name the failing minor or pivot.
 */
final class LinearSolvers {
    private static final byte LOWER = (byte) 'L';

    /**
     * OpenBLAS's threaded LAPACK puts work arrays on the calling thread's stack: dgesv with a few
     * hundred rows overflows a JVM thread's default 1 MB stack and kills the process without a
     * trace. Every LAPACK call therefore runs on this one thread with a 256 MB stack (reserved,
     * not committed); the caller waits for it, so nothing else about the call changes.
     */
    private static final ExecutorService LAPACK_THREAD = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(null, r, "lethe-lapack", 256L << 20);
        t.setDaemon(true);
        return t;
    });

    private LinearSolvers() {
    }

    /** The lower factor L of A = L·Lᵀ, zeros above the diagonal (as torch.linalg.cholesky). */
    static Tensor cholesky(Tensor a) {
        String op = "cholesky";
        int n = squareSize(a, "matrix", op);
        Tensor l = a.copy();
        int info = n == 0 ? 0 : onLapackThread(() -> openblas.LAPACKE_dpotrf(openblas.LAPACK_ROW_MAJOR, LOWER, n,
                doubles(l), n));
        if (info != 0) {
            l.close();
            throw info > 0
                    ? new IllegalArgumentException(op + ": the matrix is not positive-definite (the leading minor of order "
                            + info + " is not positive-definite)")
                    : new IllegalStateException(op + ": LAPACKE_dpotrf rejected argument " + -info);
        }
        // dpotrf leaves the strict upper triangle as it was; the factor has zeros there.
        java.nio.DoubleBuffer v = ((HostStorage) l.storage()).doubles();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                v.put(i * n + j, 0.0);
            }
        }
        return l;
    }

    /** X with A·X = B given the lower Cholesky factor L of A; b is [n] or [n, k]. */
    static Tensor choleskySolve(Tensor l, Tensor b) {
        String op = "choleskySolve";
        int n = squareSize(l, "factor", op);
        int k = rhsColumns(b, n, op);
        Tensor x = b.copy();
        if (n == 0 || k == 0) {
            return x;
        }
        int info;
        try (Dense dl = Dense.of(l)) {
            info = onLapackThread(() -> openblas.LAPACKE_dpotrs(openblas.LAPACK_ROW_MAJOR, LOWER, n, k,
                    doubles(dl.tensor), n, doubles(x), k));
        }
        if (info != 0) {
            x.close();
            throw new IllegalStateException(op + ": LAPACKE_dpotrs rejected argument " + -info);
        }
        return x;
    }

    /** X with A·X = B by LU factorisation with partial pivoting; b is [n] or [n, k]. */
    static Tensor luSolve(Tensor a, Tensor b) {
        String op = "luSolve";
        int n = squareSize(a, "matrix", op);
        int k = rhsColumns(b, n, op);
        Tensor x = b.copy();
        if (n == 0 || k == 0) {
            return x;
        }
        int info;
        try (Tensor lu = a.copy(); IntPointer pivots = new IntPointer(n)) {
            info = onLapackThread(() -> openblas.LAPACKE_dgesv(openblas.LAPACK_ROW_MAJOR, n, k, doubles(lu), n,
                    pivots, doubles(x), k));
        }
        if (info != 0) {
            x.close();
            throw info > 0
                    ? new IllegalArgumentException(op + ": the matrix is singular (U[" + (info - 1) + "][" + (info - 1)
                            + "] is exactly zero)")
                    : new IllegalStateException(op + ": LAPACKE_dgesv rejected argument " + -info);
        }
        return x;
    }

    /** Runs one native LAPACK call on {@link #LAPACK_THREAD} and returns its info code. */
    private static int onLapackThread(IntSupplier call) {
        try {
            return LAPACK_THREAD.submit(call::getAsInt).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for LAPACK", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("LAPACK call failed", cause);
        }
    }

    /** A contiguous float64 tensor's elements as a native pointer at its first element. */
    private static DoublePointer doubles(Tensor t) {
        return new DoublePointer(((HostStorage) t.storage()).pointer()).position(t.offset());
    }

    private static int squareSize(Tensor a, String what, String op) {
        ArgChecks.requireDType(a, DType.FLOAT64, what, op);
        if (a.rank() != 2 || a.size(0) != a.size(1)) {
            throw new IllegalArgumentException(op + ": the " + what + " must be square [n, n], got "
                    + Shape.str(a.shape()));
        }
        return a.size(0);
    }

    private static int rhsColumns(Tensor b, int n, String op) {
        ArgChecks.requireDType(b, DType.FLOAT64, "right-hand side", op);
        if ((b.rank() != 1 && b.rank() != 2) || b.size(0) != n) {
            throw new IllegalArgumentException(op + ": the right-hand side must be [" + n + "] or [" + n + ", k], got "
                    + Shape.str(b.shape()));
        }
        return b.rank() == 1 ? 1 : b.size(1);
    }
}
