package dev.lethe.cuda;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.Shape;

/**
 * How Lethe's row-major matrices reach cuSOLVER's column-major routines, and the argument checks
 * and failure messages the dense solvers share with the CPU backend's LAPACK calls.
 *
 * <p>The rule: an n×m row-major buffer read as column-major with leading dimension m is the m×n
 * matrix Mᵀ (row-major element (i, j) at i·m + j is column-major element (j, i)). Hence:
 * <ul>
 *   <li><b>Cholesky.</b> A symmetric A is its own transpose, so its buffer is A in either order.
 *       {@code potrf} with {@link Fill#UPPER} computes A = Uᵀ·U in the column-major upper
 *       triangle; read back row-major that triangle is the lower one and holds Uᵀ =: L with
 *       A = L·Lᵀ — the factor LAPACK's row-major {@code dpotrf('L')} returns. Both read only the
 *       row-major lower triangle of A, and the leading minors (the failure index) are the same.
 *       The row-major strict upper triangle is never touched, so it is zeroed beforehand.</li>
 *   <li><b>Solve from a Cholesky factor.</b> The row-major lower factor L is, column-major, the
 *       upper factor Lᵀ = U with A = Uᵀ·U, so {@code potrs} takes it as is with {@link Fill#UPPER}.</li>
 *   <li><b>LU.</b> The row-major buffer of A is Aᵀ column-major. The matrix is copied transposed
 *       (a copy is needed anyway, {@code getrf} overwrites it), so {@code getrf} factors A itself,
 *       P·A = L·U as LAPACK's {@code dgesv} does, and {@code getrs} solves with
 *       {@code CUBLAS_OP_N}; a zero pivot is reported at the same index as on the CPU.</li>
 *   <li><b>Right-hand sides.</b> B [n, k] is needed column-major n×k with leading dimension n,
 *       which is the row-major buffer of Bᵀ [k, n]: B is copied transposed in and the solution
 *       transposed back. A vector [n] or a single column [n, 1] already is column-major.</li>
 * </ul>
 */
final class SolverLayout {
    private SolverLayout() {
    }

    /** {@code cublasFillMode_t}: which triangle of the column-major matrix a routine reads and writes. */
    enum Fill {
        LOWER(0), UPPER(1);

        /** The value of {@code CUBLAS_FILL_MODE_*}. */
        final int cublas;

        Fill(int cublas) {
            this.cublas = cublas;
        }
    }

    /** The column-major triangle that holds a row-major lower Cholesky factor. */
    static final Fill LOWER_FACTOR_FILL = Fill.UPPER;

    /** Whether a right-hand side of this shape must be transposed to be column-major n×k. */
    static boolean rhsNeedsTranspose(int[] bShape) {
        return bShape.length == 2 && bShape[1] > 1;
    }

    /** n of a square float64 [n, n] matrix, or the CPU backend's exception. */
    static int squareSize(DType t, int[] shape, String what, String op) {
        requireFloat64(t, what, op);
        if (shape.length != 2 || shape[0] != shape[1]) {
            throw new IllegalArgumentException(op + ": the " + what + " must be square [n, n], got " + Shape.str(shape));
        }
        return shape[0];
    }

    /** k of a float64 right-hand side [n] (k = 1) or [n, k], or the CPU backend's exception. */
    static int rhsColumns(DType t, int[] shape, int n, String op) {
        requireFloat64(t, "right-hand side", op);
        if ((shape.length != 1 && shape.length != 2) || shape[0] != n) {
            throw new IllegalArgumentException(op + ": the right-hand side must be [" + n + "] or [" + n + ", k], got "
                    + Shape.str(shape));
        }
        return shape.length == 1 ? 1 : shape[1];
    }

    /** The exception of a Cholesky whose leading minor of order {@code info} (1-based) is not positive-definite. */
    static IllegalArgumentException notPositiveDefinite(String op, int info) {
        return new IllegalArgumentException(op + ": the matrix is not positive-definite (the leading minor of order "
                + info + " is not positive-definite)");
    }

    /** The exception of an LU whose pivot U[info−1][info−1] is exactly zero ({@code info} 1-based, as LAPACK's). */
    static IllegalArgumentException singular(String op, int info) {
        return new IllegalArgumentException(op + ": the matrix is singular (U[" + (info - 1) + "][" + (info - 1)
                + "] is exactly zero)");
    }

    /** The exception of a routine that rejected its argument number {@code -info}. */
    static IllegalStateException rejected(String op, String routine, int info) {
        return new IllegalStateException(op + ": " + routine + " rejected argument " + -info);
    }

    private static void requireFloat64(DType t, String what, String op) {
        if (t != DType.FLOAT64) {
            throw new IllegalArgumentException(op + ": " + what + " must be " + DType.FLOAT64 + " like the input, got " + t);
        }
    }
}
