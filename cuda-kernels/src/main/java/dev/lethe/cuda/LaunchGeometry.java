package dev.lethe.cuda;

/**
 * Grid and block sizes of one kernel launch (1-D), with the dynamic shared memory the block
 * reductions need. The kernels loop grid-stride, so the grid is capped rather than sized to
 * the problem: enough blocks to fill every multiprocessor several times, never more than the
 * work or the hardware's limit.
 *
 * @param gridX       blocks, 1 .. {@link #MAX_GRID_X}
 * @param blockX      threads per block, a multiple of 32 (a power of two for reductions), at most 1024
 * @param sharedBytes dynamic shared memory per block
 */
record LaunchGeometry(int gridX, int blockX, int sharedBytes) {
    /** The largest grid x-dimension any CUDA device accepts (2³¹ − 1). */
    static final int MAX_GRID_X = Integer.MAX_VALUE;
    /** The most threads a block may have. */
    static final int MAX_BLOCK = 1024;
    /** Threads per block for elementwise kernels: 8 warps, full occupancy on sm_80/sm_90. */
    static final int ELEMENTWISE_BLOCK = 256;
    /** Resident blocks aimed for per multiprocessor (2048 threads / 256). */
    static final int BLOCKS_PER_SM = 8;

    LaunchGeometry {
        if (gridX < 1 || blockX < 32 || blockX > MAX_BLOCK || blockX % 32 != 0 || sharedBytes < 0) {
            throw new IllegalArgumentException("bad launch geometry: grid " + gridX + ", block " + blockX
                    + ", shared " + sharedBytes + " bytes");
        }
    }

    /**
     * For {@code n} independent elements on a device with {@code multiprocessors} SMs; null when
     * there is nothing to do (a launch with zero blocks is an error in CUDA).
     */
    static LaunchGeometry elementwise(long n, int multiprocessors) {
        checkCounts(n, multiprocessors, "elements");
        if (n == 0) {
            return null;
        }
        long blocks = (n + ELEMENTWISE_BLOCK - 1) / ELEMENTWISE_BLOCK;
        long cap = (long) multiprocessors * BLOCKS_PER_SM;
        return new LaunchGeometry((int) Math.min(Math.min(blocks, cap), MAX_GRID_X), ELEMENTWISE_BLOCK, 0);
    }

    /**
     * For {@code rows} independent row reductions of {@code cols} elements each (one block per
     * row, grid-stride over rows): the block is the smallest power of two covering the row,
     * between one warp and {@link #MAX_BLOCK}, with one double of shared memory per thread.
     * Null when there are no rows.
     */
    static LaunchGeometry rows(long rows, long cols, int multiprocessors) {
        checkCounts(rows, multiprocessors, "rows");
        if (cols < 0) {
            throw new IllegalArgumentException("a row cannot have " + cols + " elements");
        }
        if (rows == 0) {
            return null;
        }
        int block = 32;
        while (block < MAX_BLOCK && block < cols) {
            block <<= 1;
        }
        long cap = (long) multiprocessors * (2048 / block) * 4;
        int grid = (int) Math.min(Math.min(rows, cap), MAX_GRID_X);
        return new LaunchGeometry(grid, block, block * Double.BYTES);
    }

    /** Adjacent columns one block of {@link #columnTiles} sums, one per lane of a warp. */
    static final int COLUMN_TILE = 32;

    /**
     * For sums down each of {@code cols} columns of a row-major matrix: a block takes
     * {@link #COLUMN_TILE} adjacent columns (so a warp reads a row's run coalesced) and its 8 warps
     * split the rows, with two doubles of shared memory per thread for combining the warps' partial
     * sums in a fixed order. Grid-stride over tiles, capped like {@link #elementwise}; null when
     * there are no columns.
     */
    static LaunchGeometry columnTiles(long cols, int multiprocessors) {
        checkCounts(cols, multiprocessors, "columns");
        if (cols == 0) {
            return null;
        }
        long tiles = (cols + COLUMN_TILE - 1) / COLUMN_TILE;
        long cap = (long) multiprocessors * BLOCKS_PER_SM;
        return new LaunchGeometry((int) Math.min(Math.min(tiles, cap), MAX_GRID_X), ELEMENTWISE_BLOCK,
                2 * ELEMENTWISE_BLOCK * Double.BYTES);
    }

    private static void checkCounts(long n, int multiprocessors, String what) {
        if (n < 0) {
            throw new IllegalArgumentException("cannot launch over " + n + " " + what);
        }
        if (multiprocessors < 1) {
            throw new IllegalArgumentException("a device has at least one multiprocessor, not " + multiprocessors);
        }
    }
}
