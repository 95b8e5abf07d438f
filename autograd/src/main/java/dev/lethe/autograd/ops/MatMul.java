package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;

/**
 * Batched matrix product {@code C = A·B} of rank-&ge;2 operands with broadcast batch dimensions.
 * Backward: dA = dC·Bᵀ and dB = Aᵀ·dC per batch element, summed over the batch dimensions an
 * operand was broadcast along. Transposes are views that BLAS reads as flags, not copies.
 */
public final class MatMul extends Function {
    private final int[] aShape;
    private final int[] bShape;

    private MatMul(Variable a, Variable b) {
        this.aShape = a.shape();
        this.bShape = b.shape();
    }

    /** The forward rule; both operands have rank &ge; 2 and one floating dtype (the error names the shapes). */
    public static Variable apply(Variable a, Variable b) {
        if (a.rank() < 2 || b.rank() < 2) {
            throw new IllegalArgumentException("MatMul needs operands of rank >= 2, got "
                    + java.util.Arrays.toString(a.shape()) + " and " + java.util.Arrays.toString(b.shape()));
        }
        MatMul fn = new MatMul(a, b);
        fn.save(a.value(), b.value());
        return fn.record(a.value().matmul(b.value()), a, b);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor a = saved(0);
        Tensor b = saved(1);
        Tensor ga = needsInputGrad(0) ? unbroadcast(g.matmul(b.t()), aShape) : null;
        Tensor gb = null;
        if (needsInputGrad(1)) {
            if (b.rank() == 2 && (a.rank() > 2 || isTransposed(b))) {
                // A weight shared by every batch element (a Linear layer on [B, N, D]): one GEMM
                // over the flattened batch instead of a batched product and a sum. When the
                // weight is a transposed view (x·Wᵀ), compute dWᵀ = Gᵀ·A and hand back its
                // transpose, so the gradient has the weight's own layout and reaches the
                // parameter without a strided copy.
                int k = a.size(-1);
                int n = g.size(-1);
                Tensor a2 = a.reshape(-1, k);
                Tensor g2 = g.reshape(-1, n);
                gb = isTransposed(b) ? g2.t().matmul(a2).t() : a2.t().matmul(g2);
            } else {
                gb = unbroadcast(a.t().matmul(g), bShape);
            }
        }
        return new Tensor[] {ga, gb};
    }

    /** A 2-D view whose columns are contiguous: the transpose of a row-major matrix. */
    private static boolean isTransposed(Tensor m) {
        return m.size(0) > 1 && m.size(1) > 1 && m.strides()[0] == 1;
    }
}
