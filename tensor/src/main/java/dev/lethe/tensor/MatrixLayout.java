package dev.lethe.tensor;

/**
 * How a BLAS library addresses the last two dimensions of a view: stored row by row with
 * strides (ld, 1), or column by column with strides (1, ld), read as a transposed flag. Shared by
 * the backends so a view reaches OpenBLAS and cuBLAS on the same terms, without a copy.
 *
 * @param transposed whether the matrix is stored column by column
 * @param ld         its leading dimension
 */
public record MatrixLayout(boolean transposed, int ld) {

    /** The layout of the [..., rows, cols] view with these shape and strides, or null when BLAS cannot address it. */
    public static MatrixLayout of(int[] shape, int[] strides) {
        int r = shape.length;
        int rows = shape[r - 2];
        int cols = shape[r - 1];
        int sr = strides[r - 2];
        int sc = strides[r - 1];
        if ((sc == 1 || cols == 1) && (rows == 1 || sr >= Math.max(cols, 1))) {
            return new MatrixLayout(false, rows == 1 ? Math.max(cols, 1) : sr);
        }
        if ((sr == 1 || rows == 1) && (cols == 1 || sc >= Math.max(rows, 1))) {
            return new MatrixLayout(true, cols == 1 ? Math.max(rows, 1) : sc);
        }
        return null;
    }
}
