package dev.lethe.tensor;

import java.util.List;

/**
 * The primitive operations every device implements (the backend SPI). Everything else in Lethe
 * is composed from these. Implementations are found through {@link java.util.ServiceLoader}
 * (see {@link Backends}); the CPU backend is always present.
 *
 * <p>Contract for all methods: arguments were validated by the caller ({@link Tensor} or the
 * autograd layer) only as far as the Javadoc says; a backend still checks every size and offset
 * it passes to native code. Methods that take an {@code out} tensor write into it (it may be a
 * strided view); the others allocate their results in the current {@link MemoryScope}.
 */
public interface Backend {

    /** Short name, e.g. {@code cpu} or {@code cuda}. */
    String name();

    /** True when this backend can run here; see {@link #unavailableReason()}. */
    boolean isAvailable();

    /** Why the backend cannot run here (empty when it can). */
    String unavailableReason();

    /** The device tensors of this backend live on. */
    Device device();

    /**
     * What this backend can say of its device beyond its name, for {@code lethe devices} and
     * reports: e.g. the GPU's model, memory, library versions and its allocator's bookkeeping
     * (bytes in use, cached, peak). Keys are snake_case; values are numbers or strings. Empty by
     * default.
     */
    default java.util.Map<String, Object> details() {
        return java.util.Map.of();
    }

    /**
     * Waits until every operation queued on this backend has finished. A no-op where operations
     * complete before they return (the CPU); an asynchronous device waits for its stream, which
     * a timing needs before it reads the clock.
     */
    default void synchronize() {
    }

    /** Allocates uninitialised storage of {@code bytes} bytes in the current scope. */
    Storage allocate(long bytes);

    // ---- data movement -------------------------------------------------------------------

    /** Copies {@code src} into {@code dst} (same shape; any strides; converts dtypes). */
    void copy(Tensor src, Tensor dst);

    /** Sets every element of {@code dst} to {@code value}. */
    void fill(Tensor dst, double value);

    /**
     * Concatenates along {@code axis}; all parts have equal dtype and equal other dimensions.
     * Composed from {@link #allocate} and {@link #copy} into consecutive slices of the result.
     */
    default Tensor cat(List<Tensor> parts, int axis) {
        int[] shape = parts.get(0).shape().clone();
        int total = 0;
        for (Tensor p : parts) {
            total += p.shape()[axis];
        }
        shape[axis] = total;
        Tensor out = Tensor.empty(this, parts.get(0).dtype(), shape);
        int at = 0;
        for (Tensor p : parts) {
            int length = p.shape()[axis];
            if (length > 0) {
                copy(p, out.narrow(axis, at, length));
            }
            at += length;
        }
        return out;
    }

    // ---- elementwise ----------------------------------------------------------------------

    /** {@code out = op(x)}; x has out's shape (or broadcasts to it). */
    void unary(UnaryOp op, Tensor x, Tensor out);

    /** {@code out = op(a, b)} with a and b broadcast to out's shape. */
    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

    /** {@code out = cond != 0 ? a : b}, all three broadcast to out's shape. */
    void where(Tensor cond, Tensor a, Tensor b, Tensor out);

    // ---- reductions -----------------------------------------------------------------------

    /**
     * Reduces x over the sorted, distinct {@code axes} into {@code out}, whose shape is x's with
     * those axes set to 1 (keepdim form).
     */
    void reduce(ReduceOp op, Tensor x, int[] axes, Tensor out);

    /** Index of the first maximum ({@code max}) or minimum along {@code axis}, into int64 {@code out} (keepdim form). */
    void argReduce(boolean max, Tensor x, int axis, Tensor out);

    /** The k-th largest value (k = 1 is the maximum) of all elements. */
    double kthLargest(Tensor x, long k);

    // ---- linear algebra -------------------------------------------------------------------

    /**
     * Batched matrix product {@code out[..., M, N] = a[..., M, K] · b[..., K, N]} with broadcast
     * batch dimensions; a and b have rank &ge; 2 and one floating dtype; transposed views are
     * passed to BLAS as flags, not copied.
     */
    void matmul(Tensor a, Tensor b, Tensor out);

    /** Lower Cholesky factor L of a symmetric positive-definite float64 matrix (A = L·Lᵀ). */
    Tensor cholesky(Tensor a);

    /** Solves A·X = B given A's lower Cholesky factor L (float64). */
    Tensor choleskySolve(Tensor l, Tensor b);

    /** Solves A·X = B by LU factorisation with partial pivoting (float64). */
    Tensor luSolve(Tensor a, Tensor b);

    // ---- neural-network primitives --------------------------------------------------------

    /** Convolution of x [N,C,H,W] with w [O,C,kh,kw] and optional bias [O]. */
    Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec);

    /** Gradient of conv2d with respect to its input, given the output gradient. */
    Tensor conv2dBackwardData(Tensor gradOut, Tensor w, int[] inputShape, Conv2dSpec spec);

    /** Gradient of conv2d with respect to its weight, given the output gradient. */
    Tensor conv2dBackwardWeight(Tensor gradOut, Tensor x, int[] weightShape, Conv2dSpec spec);

    /** Max pooling; also returns, per output, the flat index (h·W + w) of the first maximum. */
    Pooled maxPool2d(Tensor x, Pool2dSpec spec);

    /** Routes each output gradient to the input position its maximum came from. */
    Tensor maxPool2dBackward(Tensor gradOut, Tensor indices, int[] inputShape);

    /** Average pooling (padding counted in the divisor). */
    Tensor avgPool2d(Tensor x, Pool2dSpec spec);

    /** Gradient of {@link #avgPool2d}. */
    Tensor avgPool2dBackward(Tensor gradOut, int[] inputShape, Pool2dSpec spec);

    /** PyTorch's adaptive average pooling to {@code outH × outW}. */
    Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW);

    /** Gradient of {@link #adaptiveAvgPool2d}. */
    Tensor adaptiveAvgPool2dBackward(Tensor gradOut, int[] inputShape);

    /**
     * Batch normalisation over N,H,W per channel of x [N,C,...]. Training: normalise with the
     * biased batch variance, update running statistics in place with the unbiased one
     * ({@code running = (1−momentum)·running + momentum·batch}); evaluation: use the running
     * statistics. Weight, bias and the running tensors may be null (affine off / not tracked).
     */
    Normalized batchNorm(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar,
                         boolean training, double momentum, double eps);

    /** Gradients of batch-norm (input, weight, bias); {@code training} says whether the statistics were the batch's. */
    NormGrads batchNormBackward(Tensor gradOut, Tensor x, Tensor weight, Normalized forward, boolean training);

    /** Layer normalisation over the last {@code normDims} dimensions; weight and bias may be null. */
    Normalized layerNorm(Tensor x, int normDims, Tensor weight, Tensor bias, double eps);

    /** Gradients of layer-norm (input, weight, bias). */
    NormGrads layerNormBackward(Tensor gradOut, Tensor x, int normDims, Tensor weight, Normalized forward);

    /** Softmax ({@code log=false}) or log-softmax along {@code axis}. */
    Tensor softmax(Tensor x, int axis, boolean log);

    /** Input gradient of softmax or log-softmax from its output {@code y}. */
    Tensor softmaxBackward(Tensor gradOut, Tensor y, int axis, boolean log);

    /**
     * Mean cross-entropy of logits [N,C] against int64 targets [N], with label smoothing ε:
     * loss = mean over n of −((1−ε)·log p[n,t_n] + ε/C · Σ_c log p[n,c]).
     */
    CrossEntropy crossEntropy(Tensor logits, Tensor targets, double labelSmoothing);

    /** Gradient of {@link #crossEntropy} with respect to the logits, scaled by {@code gradLoss}. */
    Tensor crossEntropyBackward(double gradLoss, CrossEntropy forward, Tensor targets, double labelSmoothing);

    /** A dropout mask of x's shape and dtype: 0 with probability p, else 1/(1−p), drawn from {@code rng}. */
    Tensor dropoutMask(int[] shape, DType dtype, double p, Philox rng);

    // ---- indexing -------------------------------------------------------------------------

    /** {@code out[i][j] = x[index[i][j]][j]} along {@code axis} (torch.gather); index is int64. */
    Tensor gather(Tensor x, int axis, Tensor index);

    /** Selects whole slices of x along {@code axis} (torch.index_select); index is 1-D int64. */
    Tensor indexSelect(Tensor x, int axis, Tensor index);

    /** {@code out[index[i][j]][j] += src[i][j]} along {@code axis} (torch.scatter_add_), in place. */
    void scatterAdd(Tensor out, int axis, Tensor index, Tensor src);

    /** {@code out.select(axis, index[i]) += src.select(axis, i)} (torch.index_add_), in place. */
    void indexAdd(Tensor out, int axis, Tensor index, Tensor src);

    // ---- result types ---------------------------------------------------------------------

    /** Pooling output and the int64 argmax indices backward needs. */
    record Pooled(Tensor output, Tensor indices) {
    }

    /** Normalised output plus the per-group mean and 1/sqrt(var + eps) used (float32 or float64 like x). */
    record Normalized(Tensor output, Tensor mean, Tensor invStd) {
    }

    /** Gradients of a normalisation; weight and bias gradients are null when there is no affine part. */
    record NormGrads(Tensor input, Tensor weight, Tensor bias) {
    }

    /** A scalar loss and the log-probabilities backward reuses. */
    record CrossEntropy(Tensor loss, Tensor logProbs) {
    }
}
