package dev.lethe.cuda;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.Tensor;
import org.bytedeco.cuda.cusolver.cusolverDnContext;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cusolver;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * Float64 Cholesky factor, solve from a Cholesky factor, and LU solve with partial pivoting
 * through cuSOLVER's dense API ({@code cusolverDnDpotrf}/{@code Dpotrs}, {@code Dgetrf}/
 * {@code Dgetrs}) on the backend's stream, with the CPU backend's semantics: [n, n] matrices,
 * right-hand sides [n] or [n, k], float64 only, the lower factor with zeros above the diagonal,
 * and the same exceptions for a matrix that is not positive-definite or is singular. How the
 * row-major tensors map onto the column-major routines is {@link SolverLayout}'s.
 *
 * <p>cuSOLVER reports failures in a device integer ({@code devInfo}); it is read back after each
 * factorisation, which waits for the stream. cuSOLVER is loaded on the first call.
 */
final class CusolverDense {
    private final CudaContext context;
    private cusolverDnContext handle;

    CusolverDense(CudaContext context) {
        this.context = context;
    }

    /** L with A = L·Lᵀ, zeros above the diagonal. */
    synchronized Tensor cholesky(Tensor a) {
        String op = "cholesky";
        OperandChecks.requireOnDevice(a, "matrix", op);
        int n = SolverLayout.squareSize(a.dtype(), a.shape(), "matrix", op);
        if (n == 0) {
            return a.copy();
        }
        Tensor l = lowerTriangle(a);
        try {
            cusolverDnContext h = handle();
            int fill = SolverLayout.LOWER_FACTOR_FILL.cublas;
            try (IntPointer lwork = new IntPointer(1)) {
                check(cusolver.cusolverDnDpotrf_bufferSize(h, fill, n, doubles(l), n, lwork), "cusolverDnDpotrf_bufferSize");
                try (Tensor work = Tensor.empty(l.backend(), DType.FLOAT64, Math.max(1, lwork.get()));
                     Tensor info = Tensor.empty(l.backend(), DType.INT32, 1)) {
                    check(cusolver.cusolverDnDpotrf(h, fill, n, doubles(l), n, doubles(work), lwork.get(), ints(info)),
                            "cusolverDnDpotrf");
                    int i = (int) info.item();
                    if (i != 0) {
                        throw i > 0 ? SolverLayout.notPositiveDefinite(op, i)
                                : SolverLayout.rejected(op, "cusolverDnDpotrf", i);
                    }
                }
            }
            return l;
        } catch (RuntimeException | Error e) {
            l.close();
            throw e;
        }
    }

    /** X with A·X = B given the lower Cholesky factor L of A. */
    synchronized Tensor choleskySolve(Tensor l, Tensor b) {
        String op = "choleskySolve";
        OperandChecks.requireOnDevice(l, "factor", op);
        OperandChecks.requireOnDevice(b, "right-hand side", op);
        int n = SolverLayout.squareSize(l.dtype(), l.shape(), "factor", op);
        int k = SolverLayout.rhsColumns(b.dtype(), b.shape(), n, op);
        return solveInto(b, n, k, x -> {
            cusolverDnContext h = handle();
            try (DeviceOperand cl = DeviceOperand.contiguous(l, DType.FLOAT64);
                 Tensor info = Tensor.empty(b.backend(), DType.INT32, 1)) {
                check(cusolver.cusolverDnDpotrs(h, SolverLayout.LOWER_FACTOR_FILL.cublas, n, k,
                        new DoublePointer(new NativeAddress(cl.address())), n, doubles(x), n, ints(info)), "cusolverDnDpotrs");
                int i = (int) info.item();
                if (i != 0) {
                    throw SolverLayout.rejected(op, "cusolverDnDpotrs", i);
                }
            }
        });
    }

    /** X with A·X = B by LU factorisation with partial pivoting. */
    synchronized Tensor luSolve(Tensor a, Tensor b) {
        String op = "luSolve";
        OperandChecks.requireOnDevice(a, "matrix", op);
        OperandChecks.requireOnDevice(b, "right-hand side", op);
        int n = SolverLayout.squareSize(a.dtype(), a.shape(), "matrix", op);
        int k = SolverLayout.rhsColumns(b.dtype(), b.shape(), n, op);
        return solveInto(b, n, k, x -> {
            cusolverDnContext h = handle();
            // A transposed copy: getrf overwrites it, and its column-major reading is A itself (SolverLayout).
            try (Tensor lu = a.t().copy();
                 Tensor pivots = Tensor.empty(a.backend(), DType.INT32, n);
                 Tensor info = Tensor.empty(a.backend(), DType.INT32, 1);
                 IntPointer lwork = new IntPointer(1)) {
                check(cusolver.cusolverDnDgetrf_bufferSize(h, n, n, doubles(lu), n, lwork), "cusolverDnDgetrf_bufferSize");
                try (Tensor work = Tensor.empty(a.backend(), DType.FLOAT64, Math.max(1, lwork.get()))) {
                    check(cusolver.cusolverDnDgetrf(h, n, n, doubles(lu), n, doubles(work), ints(pivots), ints(info)),
                            "cusolverDnDgetrf");
                    int i = (int) info.item();
                    if (i != 0) {
                        throw i > 0 ? SolverLayout.singular(op, i) : SolverLayout.rejected(op, "cusolverDnDgetrf", i);
                    }
                }
                check(cusolver.cusolverDnDgetrs(h, cublas.CUBLAS_OP_N, n, k, doubles(lu), n, ints(pivots), doubles(x), n,
                        ints(info)), "cusolverDnDgetrs");
                int i = (int) info.item();
                if (i != 0) {
                    throw SolverLayout.rejected(op, "cusolverDnDgetrs", i);
                }
            }
        });
    }

    /** a with its row-major strict upper triangle zeroed, as a new contiguous tensor (what potrf does not write). */
    private static Tensor lowerTriangle(Tensor a) {
        int n = a.size(0);
        try (Tensor hostRows = Tensor.arange(0, n, 1, DType.FLOAT64).reshape(n, 1);
             Tensor hostCols = Tensor.arange(0, n, 1, DType.FLOAT64).reshape(1, n);
             Tensor rows = hostRows.to(a.device());
             Tensor cols = hostCols.to(a.device());
             Tensor below = rows.ge(cols);
             Tensor zero = Tensor.empty(a.backend(), DType.FLOAT64).fill_(0)) {
            return Tensor.where(below, a, zero);
        }
    }

    /**
     * Solves into a copy of the right-hand side b ([n] or [n, k]) with {@code solver}, which
     * overwrites its argument, column-major [n, k], with X: b with k &gt; 1 goes in transposed
     * and X comes back transposed (SolverLayout). Nothing to solve for n = 0 or k = 0.
     */
    private static Tensor solveInto(Tensor b, int n, int k, java.util.function.Consumer<Tensor> solver) {
        if (n == 0 || k == 0) {
            return b.copy();
        }
        boolean transposed = SolverLayout.rhsNeedsTranspose(b.shape());
        Tensor x = transposed ? b.t().copy() : b.copy();
        try {
            solver.accept(x);
        } catch (RuntimeException | Error e) {
            x.close();
            throw e;
        }
        if (!transposed) {
            return x;
        }
        try {
            return x.t().copy();
        } finally {
            x.close();
        }
    }

    private static DoublePointer doubles(Tensor t) {
        return new DoublePointer(new NativeAddress(DeviceElementwise.address(t) + (long) t.offset() * Double.BYTES));
    }

    private static IntPointer ints(Tensor t) {
        return new IntPointer(new NativeAddress(DeviceElementwise.address(t) + (long) t.offset() * Integer.BYTES));
    }

    /** The cuSOLVER handle, bound to the backend's stream; loads cuSOLVER on first use. */
    private cusolverDnContext handle() {
        if (handle == null) {
            cusolverDnContext h;
            try {
                h = new cusolverDnContext();
                check(cusolver.cusolverDnCreate(h), "cusolverDnCreate");
            } catch (LinkageError e) {
                CudaException missing = new CudaException("the dense solvers of the CUDA backend need cuSOLVER "
                        + "(libcusolver), which could not be loaded: " + e);
                missing.initCause(e);
                throw missing;
            }
            check(cusolver.cusolverDnSetStream(h, context.stream()), "cusolverDnSetStream");
            handle = h;
        }
        return handle;
    }

    /** Throws naming the call and the status unless it is success. */
    static void check(int status, String call) {
        if (status != cusolver.CUSOLVER_STATUS_SUCCESS) {
            throw new CudaException(call + " failed: " + statusName(status) + " (cuSOLVER status " + status + ")");
        }
    }

    /** The name of a {@code cusolverStatus_t} (cusolver_common.h); cuSOLVER has no error-string function. */
    static String statusName(int status) {
        return switch (status) {
            case 0 -> "CUSOLVER_STATUS_SUCCESS";
            case 1 -> "CUSOLVER_STATUS_NOT_INITIALIZED";
            case 2 -> "CUSOLVER_STATUS_ALLOC_FAILED";
            case 3 -> "CUSOLVER_STATUS_INVALID_VALUE";
            case 4 -> "CUSOLVER_STATUS_ARCH_MISMATCH";
            case 5 -> "CUSOLVER_STATUS_MAPPING_ERROR";
            case 6 -> "CUSOLVER_STATUS_EXECUTION_FAILED";
            case 7 -> "CUSOLVER_STATUS_INTERNAL_ERROR";
            case 8 -> "CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED";
            case 9 -> "CUSOLVER_STATUS_NOT_SUPPORTED";
            case 10 -> "CUSOLVER_STATUS_ZERO_PIVOT";
            case 11 -> "CUSOLVER_STATUS_INVALID_LICENSE";
            default -> "unknown cuSOLVER status";
        };
    }
}
