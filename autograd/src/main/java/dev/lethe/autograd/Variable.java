package dev.lethe.autograd;

import dev.lethe.autograd.ops.Abs;
import dev.lethe.autograd.ops.AdaptiveAvgPool2d;
import dev.lethe.autograd.ops.Add;
import dev.lethe.autograd.ops.AddScalar;
import dev.lethe.autograd.ops.AvgPool2d;
import dev.lethe.autograd.ops.BatchNorm;
import dev.lethe.autograd.ops.Cat;
import dev.lethe.autograd.ops.Conv2d;
import dev.lethe.autograd.ops.CrossEntropy;
import dev.lethe.autograd.ops.Div;
import dev.lethe.autograd.ops.DivScalar;
import dev.lethe.autograd.ops.Dropout;
import dev.lethe.autograd.ops.Exp;
import dev.lethe.autograd.ops.Expand;
import dev.lethe.autograd.ops.Gather;
import dev.lethe.autograd.ops.Gelu;
import dev.lethe.autograd.ops.IndexSelect;
import dev.lethe.autograd.ops.LayerNorm;
import dev.lethe.autograd.ops.Log;
import dev.lethe.autograd.ops.MatMul;
import dev.lethe.autograd.ops.Max;
import dev.lethe.autograd.ops.MaxPool2d;
import dev.lethe.autograd.ops.Mean;
import dev.lethe.autograd.ops.Mul;
import dev.lethe.autograd.ops.MulScalar;
import dev.lethe.autograd.ops.Neg;
import dev.lethe.autograd.ops.Permute;
import dev.lethe.autograd.ops.PowScalar;
import dev.lethe.autograd.ops.Relu;
import dev.lethe.autograd.ops.Reshape;
import dev.lethe.autograd.ops.Select;
import dev.lethe.autograd.ops.Sigmoid;
import dev.lethe.autograd.ops.Slice;
import dev.lethe.autograd.ops.Softmax;
import dev.lethe.autograd.ops.Sqrt;
import dev.lethe.autograd.ops.Square;
import dev.lethe.autograd.ops.Sub;
import dev.lethe.autograd.ops.Sum;
import dev.lethe.autograd.ops.Tanh;
import dev.lethe.autograd.ops.Var;
import dev.lethe.tensor.Conv2dSpec;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Pool2dSpec;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A tensor in a differentiable computation. Operations on variables compute their result at
 * once (define-by-run) and, while recording and when some input {@linkplain #requiresGrad()
 * requires a gradient}, remember the {@link Function} that made it; {@link #backward()} then
 * walks that graph in reverse and accumulates gradients into the leaves.
 *
 * <pre>{@code
 * Variable w = Variable.parameter(Tensor.randn(rng, DType.FLOAT32, 10, 784));
 * Variable b = Variable.parameter(Tensor.zeros(DType.FLOAT32, 10));
 * Variable loss = Variable.constant(x).matmul(w.t()).add(b).relu().crossEntropy(labels, 0.0);
 * loss.backward();
 * Tensor dw = w.grad();
 * }</pre>
 *
 * <p>Method names and semantics follow PyTorch (broadcasting, negative axes, {@code keepdim}).
 * Argument errors name the shapes involved. Leaf gradients live outside every
 * {@link MemoryScope}: they survive the scope in which backward ran and are freed by
 * {@link #zeroGrad()}.
 */
public final class Variable {
    /** Replaced only by {@link #moveTo}, which keeps shape and dtype: the leaf stays the same object. */
    private Tensor value;
    private final Function gradFn;
    private boolean requiresGrad;
    private Tensor grad;

    Variable(Tensor value, boolean requiresGrad, Function gradFn) {
        if (value == null) {
            throw new IllegalArgumentException("a Variable needs a tensor value");
        }
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.gradFn = gradFn;
    }

    // ======================================================================================
    // leaves
    // ======================================================================================

    /** A leaf that requires a gradient (a trainable parameter); the tensor must be float32 or float64. */
    public static Variable parameter(Tensor value) {
        requireFloating(value, "parameter");
        return new Variable(value, true, null);
    }

    /** A leaf without gradient (inputs, targets, frozen weights). */
    public static Variable constant(Tensor value) {
        return new Variable(value, false, null);
    }

    /** A leaf that requires a gradient or not. */
    public static Variable of(Tensor value, boolean requiresGrad) {
        return requiresGrad ? parameter(value) : constant(value);
    }

    /** The same tensor as a new leaf without gradient: cuts the graph here. */
    public Variable detach() {
        return new Variable(value, false, null);
    }

    // ======================================================================================
    // state
    // ======================================================================================

    /** The tensor this variable holds (in-place updates of it, e.g. by an optimizer, are not recorded). */
    public Tensor value() {
        return value;
    }

    /** The accumulated gradient of a leaf, or null when none has been computed (or after {@link #zeroGrad()}). */
    public Tensor grad() {
        return grad;
    }

    /** True when gradients flow to this variable. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Turns gradient tracking of a leaf on or off (e.g. to freeze a layer); returns this. */
    public Variable requiresGrad(boolean on) {
        if (gradFn != null) {
            throw new IllegalStateException("requiresGrad can only be changed on a leaf; this variable was made by "
                    + gradFn.name() + " (use detach())");
        }
        if (on) {
            requireFloating(value, "requiresGrad");
        }
        requiresGrad = on;
        return this;
    }

    /** True for variables not made by a recorded operation. */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /** The operation that made this variable, or null for leaves and unrecorded results. */
    public Function gradFn() {
        return gradFn;
    }

    /** Frees the accumulated gradient (the next backward starts from zero). */
    public void zeroGrad() {
        if (grad != null) {
            grad.close();
            grad = null;
        }
    }

    /**
     * Moves a leaf to {@code device} in place, as PyTorch's {@code param.data = param.data.to(device)}
     * inside {@code module.to(device)}: the variable keeps its identity, so every holder of it
     * (the layer, an optimizer, a user's {@code parameters()} list) sees the new device. The
     * value and the gradient, if any, are copied there (outside every memory scope) and their
     * old storage is freed at once, so views of the old value must not be used afterwards.
     * Nothing happens when the value is already on {@code device}. Only leaves move: a recorded
     * result belongs to its graph. Returns this.
     */
    public Variable moveTo(Device device) {
        if (gradFn != null) {
            throw new IllegalStateException("only a leaf can be moved to another device; this variable was made by "
                    + gradFn.name());
        }
        if (value.device().equals(device)) {
            return this;
        }
        Tensor old = value;
        value = MemoryScope.detach(old.to(device));
        old.close();
        if (grad != null) {
            Tensor oldGrad = grad;
            grad = MemoryScope.detach(oldGrad.to(device));
            oldGrad.close();
        }
        return this;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return value.shape();
    }

    /** Size of dimension {@code axis} (negative counts from the end). */
    public int size(int axis) {
        return value.size(axis);
    }

    /** Number of dimensions. */
    public int rank() {
        return value.rank();
    }

    /** Number of elements. */
    public int numel() {
        return value.numel();
    }

    /** Element type. */
    public DType dtype() {
        return value.dtype();
    }

    /** The value of a one-element variable. */
    public double item() {
        return value.item();
    }

    // ======================================================================================
    // backward
    // ======================================================================================

    /** Back-propagates from this one-element variable (seed 1) and frees the graph. */
    public void backward() {
        backward(null, false);
    }

    /** Back-propagates {@code seed} (this variable's shape) and frees the graph. */
    public void backward(Tensor seed) {
        backward(seed, false);
    }

    /**
     * Back-propagates {@code seed} (of this variable's shape; null means 1 for a one-element
     * variable): every leaf that requires a gradient gets d(seed·this)/d(leaf) added to its
     * {@link #grad()}. Unless {@code retainGraph}, the graph's saved tensors are released
     * afterwards and a second backward through it fails.
     */
    public void backward(Tensor seed, boolean retainGraph) {
        if (!requiresGrad) {
            throw new IllegalStateException("backward on a variable that does not require a gradient (shape "
                    + Shape.str(value.shape()) + "): no input of its computation requires one, or it was made "
                    + "under NoGrad");
        }
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor s;
            if (seed == null) {
                if (value.numel() != 1) {
                    throw new IllegalArgumentException("backward() without a seed needs a one-element output, got shape "
                            + Shape.str(value.shape()) + "; pass a seed of that shape");
                }
                s = value.fullLike(1.0, value.shape());
            } else {
                if (!Arrays.equals(seed.shape(), value.shape())) {
                    throw new IllegalArgumentException("backward seed of shape " + Shape.str(seed.shape())
                            + " does not match the output shape " + Shape.str(value.shape()));
                }
                s = seed.to(value.dtype());
            }
            BackwardPass.run(this, s, retainGraph);
        }
    }

    /** Adds {@code g} to this leaf's gradient: the first time into a scope-free copy, later in place. */
    void accumulateGrad(Tensor g) {
        if (grad == null) {
            Tensor own = Tensor.empty(value.backend(), value.dtype(), value.shape());
            own.copyFrom_(g);
            grad = MemoryScope.detach(own);
        } else {
            grad.add_(g);
        }
    }

    // ======================================================================================
    // arithmetic (broadcasting)
    // ======================================================================================

    /** {@code this + other}, broadcasting. */
    public Variable add(Variable other) { return Add.apply(this, other); }
    /** {@code this − other}, broadcasting. */
    public Variable sub(Variable other) { return Sub.apply(this, other); }
    /** {@code this · other} elementwise, broadcasting. */
    public Variable mul(Variable other) { return Mul.apply(this, other); }
    /** {@code this / other} elementwise, broadcasting. */
    public Variable div(Variable other) { return Div.apply(this, other); }
    /** {@code this + c}. */
    public Variable add(double c) { return AddScalar.apply(this, c); }
    /** {@code this − c}. */
    public Variable sub(double c) { return AddScalar.apply(this, -c); }
    /** {@code c − this}. */
    public Variable rsub(double c) { return Neg.apply(this).add(c); }
    /** {@code this · c}. */
    public Variable mul(double c) { return MulScalar.apply(this, c); }
    /** {@code this / c}. */
    public Variable div(double c) { return DivScalar.apply(this, c); }
    /** {@code this ^ c} elementwise. */
    public Variable pow(double c) { return PowScalar.apply(this, c); }
    /** {@code −this}. */
    public Variable neg() { return Neg.apply(this); }
    /** {@code |this|}; the derivative at 0 is 0 (sign). */
    public Variable abs() { return Abs.apply(this); }
    /** {@code this²}. */
    public Variable square() { return Square.apply(this); }
    /** {@code √this}. */
    public Variable sqrt() { return Sqrt.apply(this); }
    /** {@code e^this}. */
    public Variable exp() { return Exp.apply(this); }
    /** Natural logarithm. */
    public Variable log() { return Log.apply(this); }

    // ======================================================================================
    // activations
    // ======================================================================================

    /** max(x, 0) with ReLU′(0) = 0. */
    public Variable relu() { return Relu.apply(this); }
    /** Exact GELU, x·Φ(x). */
    public Variable gelu() { return Gelu.apply(this); }
    /** Hyperbolic tangent. */
    public Variable tanh() { return Tanh.apply(this); }
    /** Logistic sigmoid. */
    public Variable sigmoid() { return Sigmoid.apply(this); }
    /** Softmax along {@code axis}. */
    public Variable softmax(int axis) { return Softmax.apply(this, axis, false); }
    /** Log-softmax along {@code axis}. */
    public Variable logSoftmax(int axis) { return Softmax.apply(this, axis, true); }

    // ======================================================================================
    // linear algebra
    // ======================================================================================

    /**
     * Matrix product with PyTorch's {@code matmul} semantics: batch dimensions broadcast; a 1-D
     * left operand is a row, a 1-D right operand a column, and that dimension is removed again.
     */
    public Variable matmul(Variable other) {
        if (rank() == 1) {
            return unsqueeze(0).matmul(other).squeeze(-2);
        }
        if (other.rank() == 1) {
            return matmul(other.unsqueeze(1)).squeeze(-1);
        }
        return MatMul.apply(this, other);
    }

    /** Batched matrix product of [B, M, K] and [B, K, N] (torch.bmm). */
    public Variable bmm(Variable other) {
        if (rank() != 3 || other.rank() != 3 || size(0) != other.size(0)) {
            throw new IllegalArgumentException("bmm needs [B, M, K] and [B, K, N] with equal B, got "
                    + Shape.str(shape()) + " and " + Shape.str(other.shape()));
        }
        return MatMul.apply(this, other);
    }

    // ======================================================================================
    // reductions
    // ======================================================================================

    /** Sum of all elements (rank 0). */
    public Variable sum() { return Sum.apply(this, null, false); }
    /** Sum over one axis. */
    public Variable sum(int axis, boolean keepdim) { return Sum.apply(this, new int[] {axis}, keepdim); }
    /** Sum over several axes. */
    public Variable sum(int[] axes, boolean keepdim) { return Sum.apply(this, axes, keepdim); }
    /** Mean of all elements (rank 0). */
    public Variable mean() { return Mean.apply(this, null, false); }
    /** Mean over one axis. */
    public Variable mean(int axis, boolean keepdim) { return Mean.apply(this, new int[] {axis}, keepdim); }
    /** Mean over several axes. */
    public Variable mean(int[] axes, boolean keepdim) { return Mean.apply(this, axes, keepdim); }

    /** Variance over {@code axes} (all when null) with {@code correction} (1 = unbiased, 0 = biased). */
    public Variable var(int[] axes, int correction, boolean keepdim) {
        return Var.apply(this, axes, correction, keepdim);
    }

    /** Maximum along {@code axis}; the gradient goes to the first maximum, as in PyTorch. */
    public Variable max(int axis, boolean keepdim) { return Max.apply(this, axis, keepdim); }

    /** Maximum of all elements; the gradient goes to the first maximum in row-major order. */
    public Variable max() { return reshape(-1).max(0, false); }

    // ======================================================================================
    // views and shape changes
    // ======================================================================================

    /** A view with a new shape (one entry may be −1); fails where the strides do not allow it. */
    public Variable view(int... shape) { return Reshape.view(this, shape); }
    /** Like {@link #view}, copying first when needed. */
    public Variable reshape(int... shape) { return Reshape.reshape(this, shape); }
    /** Merges dimensions {@code start..end} (inclusive). */
    public Variable flatten(int start, int end) { return Reshape.flatten(this, start, end); }
    /** All elements in one dimension. */
    public Variable flatten() { return Reshape.reshape(this, -1); }
    /** Removes dimension {@code axis} of size 1. */
    public Variable squeeze(int axis) { return Reshape.squeeze(this, axis); }
    /** Inserts a dimension of size 1 at {@code axis}. */
    public Variable unsqueeze(int axis) { return Reshape.unsqueeze(this, axis); }
    /** This variable if contiguous, else a contiguous copy. */
    public Variable contiguous() { return Reshape.contiguous(this); }
    /** Reorders dimensions: result dimension i is dimension {@code order[i]}. */
    public Variable permute(int... order) { return Permute.apply(this, order); }

    /** Swaps two dimensions. */
    public Variable transpose(int a, int b) {
        int[] order = new int[rank()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        int x = Shape.axis(a, order.length);
        int y = Shape.axis(b, order.length);
        order[x] = y;
        order[y] = x;
        return Permute.apply(this, order);
    }

    /** Transpose of the last two dimensions. */
    public Variable t() {
        if (rank() < 2) {
            throw new IllegalArgumentException("t() needs rank >= 2, got shape " + Shape.str(shape()));
        }
        return transpose(-2, -1);
    }

    /** Elements {@code start .. start+length−1} of dimension {@code axis}. */
    public Variable narrow(int axis, int start, int length) {
        return Slice.narrow(this, axis, start, length);
    }

    /** Elements {@code start, start+step, ...} below {@code end} of {@code axis} (Python slicing, step &gt; 0). */
    public Variable slice(int axis, int start, int end, int step) {
        return Slice.apply(this, axis, start, end, step);
    }

    /** The slice at {@code index} of {@code axis}, removing that dimension. */
    public Variable select(int axis, int index) { return Select.apply(this, axis, index); }

    /** Broadcasts to a larger shape (size-1 and new leading dimensions; −1 keeps a size). */
    public Variable expand(int... shape) { return Expand.apply(this, shape); }

    /** Joins variables of equal shape except along {@code axis}. */
    public static Variable cat(List<Variable> parts, int axis) { return Cat.apply(parts, axis); }

    /** Stacks variables of equal shape along a new dimension {@code axis}. */
    public static Variable stack(List<Variable> parts, int axis) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("stack needs at least one variable");
        }
        int a = Shape.axis(axis, parts.get(0).rank() + 1);
        List<Variable> u = new ArrayList<>(parts.size());
        for (Variable p : parts) {
            if (!Arrays.equals(p.shape(), parts.get(0).shape())) {
                throw new IllegalArgumentException("stack: shape " + Shape.str(p.shape()) + " differs from "
                        + Shape.str(parts.get(0).shape()));
            }
            u.add(p.unsqueeze(a));
        }
        return Cat.apply(u, a);
    }

    // ======================================================================================
    // indexing
    // ======================================================================================

    /** Slices along {@code axis} at the positions of the 1-D int64 {@code index} (torch.index_select). */
    public Variable indexSelect(int axis, Tensor index) { return IndexSelect.apply(this, axis, index); }

    /** torch.gather along {@code axis}. */
    public Variable gather(int axis, Tensor index) { return Gather.apply(this, axis, index); }

    // ======================================================================================
    // neural-network layers
    // ======================================================================================

    /** 2-D convolution of this [N, C, H, W] with {@code weight} [O, C, kh, kw] and optional {@code bias} [O]. */
    public Variable conv2d(Variable weight, Variable bias, Conv2dSpec spec) {
        return Conv2d.apply(this, weight, bias, spec);
    }

    /** Max pooling of [N, C, H, W]; the gradient goes to the first maximum of each window. */
    public Variable maxPool2d(Pool2dSpec spec) { return MaxPool2d.apply(this, spec); }

    /** Average pooling of [N, C, H, W] (padding counted in the divisor). */
    public Variable avgPool2d(Pool2dSpec spec) { return AvgPool2d.apply(this, spec); }

    /** Adaptive average pooling of [N, C, H, W] to {@code outH × outW}. */
    public Variable adaptiveAvgPool2d(int outH, int outW) { return AdaptiveAvgPool2d.apply(this, outH, outW); }

    /**
     * Batch normalisation of [N, C, ...] per channel (PyTorch's {@code batch_norm}). Training
     * uses the batch statistics and updates the running tensors in place; evaluation uses the
     * running ones. Weight, bias and the running tensors may be null.
     */
    public Variable batchNorm(Variable weight, Variable bias, Tensor runningMean, Tensor runningVar,
                              boolean training, double momentum, double eps) {
        return BatchNorm.apply(this, weight, bias, runningMean, runningVar, training, momentum, eps);
    }

    /** Layer normalisation over the last {@code normDims} dimensions; weight and bias may be null. */
    public Variable layerNorm(int normDims, Variable weight, Variable bias, double eps) {
        return LayerNorm.apply(this, normDims, weight, bias, eps);
    }

    /** Mean cross-entropy of these logits [N, C] against int64 {@code targets} [N], with label smoothing. */
    public Variable crossEntropy(Tensor targets, double labelSmoothing) {
        return CrossEntropy.apply(this, targets, labelSmoothing);
    }

    /**
     * Dropout: in training, zeroes each element with probability {@code p} (mask drawn from
     * {@code rng}) and scales the rest by 1/(1−p); in evaluation, returns this variable.
     */
    public Variable dropout(double p, boolean training, Philox rng) { return Dropout.apply(this, p, training, rng); }

    // ======================================================================================

    /** Shape, dtype, the maker and a few values, e.g. {@code Variable(MatMul) Tensor[2, 3] float32 [...]}. */
    @Override
    public String toString() {
        String kind = gradFn != null ? gradFn.name() : requiresGrad ? "leaf, requires grad" : "constant";
        return "Variable(" + kind + ") " + value;
    }

    private static void requireFloating(Tensor t, String op) {
        if (!t.dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": only float32 and float64 tensors can require gradients, got "
                    + t.dtype());
        }
    }
}
