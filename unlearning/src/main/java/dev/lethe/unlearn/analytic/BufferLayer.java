package dev.lethe.unlearn.analytic;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.UnaryOp;

/**
 * The fixed random buffer layer of ACU (UNLEARNING.md, acu): {@code X = ReLU(W_buf · φ(x))} maps
 * backbone features φ [n, feat] to X [n, d], d = {@code buffer_size}. W_buf [d, feat] is never
 * trained; it is drawn uniform in ±1/√feat (the fan-in bound of PyTorch's Linear default) from
 * {@code Philox(seed)} as float64 uniforms in row-major order, u ↦ (2u − 1)/√feat. No bias;
 * everything in float64.
 *
 * <p>The weight is owned by this object (outside every {@link MemoryScope}) and freed by
 * {@link #close()}.
 */
public final class BufferLayer implements AutoCloseable {
    private final Tensor weight;

    private BufferLayer(Tensor weight) {
        this.weight = weight;
    }

    /** A layer of {@code bufferSize} units over {@code features} inputs, drawn from {@code Philox(seed)}. */
    public static BufferLayer random(int bufferSize, int features, long seed) {
        if (bufferSize < 1 || bufferSize > RecursiveRidge.MAX_DIMENSION || features < 1) {
            throw new IllegalArgumentException("a buffer layer needs 1 <= buffer_size <= " + RecursiveRidge.MAX_DIMENSION
                    + " and at least one input feature, got buffer_size " + bufferSize + " over " + features
                    + " features");
        }
        double[] u = new double[Math.multiplyExact(bufferSize, features)];
        new Philox(seed).uniformDoubles(u);
        double bound = 1 / Math.sqrt(features);
        for (int i = 0; i < u.length; i++) {
            u[i] = bound * (2 * u[i] - 1);
        }
        return new BufferLayer(MemoryScope.detach(Tensor.of(u, bufferSize, features)));
    }

    /**
     * The layer whose weight is {@code weight} [d, feat] (contiguous float64, e.g. read from a
     * checkpoint); the tensor is taken, not copied: it leaves every memory scope and this layer
     * frees it on {@link #close()}.
     */
    public static BufferLayer of(Tensor weight) {
        if (weight.dtype() != DType.FLOAT64 || weight.rank() != 2 || !weight.isContiguous() || weight.numel() == 0) {
            throw new IllegalArgumentException("a buffer layer weight must be a contiguous, non-empty float64 [d, feat]"
                    + " matrix, got " + weight.dtype() + " " + Shape.str(weight.shape()));
        }
        return new BufferLayer(MemoryScope.detach(weight));
    }

    /** X = ReLU(φ W_bufᵀ) [n, d] for features φ [n, feat] (float64), in the current scope. */
    public Tensor apply(Tensor features) {
        if (features.dtype() != DType.FLOAT64 || features.rank() != 2 || features.size(1) != features()) {
            throw new IllegalArgumentException("the buffer layer takes float64 features [n, " + features() + "], got "
                    + features.dtype() + " " + Shape.str(features.shape()));
        }
        Tensor pre = features.matmul(weight.t());
        return pre.map_(UnaryOp.RELU);
    }

    /** W_buf [d, feat] (the live tensor: read it, do not write it or close it). */
    public Tensor weight() {
        return weight;
    }

    /** d, the number of units ({@code buffer_size}). */
    public int bufferSize() {
        return weight.size(0);
    }

    /** The number of backbone features the layer takes. */
    public int features() {
        return weight.size(1);
    }

    /** A deep copy owning its own weight. */
    public BufferLayer copy() {
        return new BufferLayer(MemoryScope.detach(weight.copy()));
    }

    /** Frees the weight now (closing twice is harmless). */
    @Override
    public void close() {
        weight.close();
    }
}
