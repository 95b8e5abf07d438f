package dev.lethe.tensor.cpu;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.BinaryOp;
import dev.lethe.tensor.Conv2dSpec;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Pool2dSpec;
import dev.lethe.tensor.ReduceOp;
import dev.lethe.tensor.Storage;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.UnaryOp;

/**
 * The CPU backend: off-heap host memory, OpenBLAS/LAPACK for GEMM and factorizations, Java
 * loops for everything else, parallel over {@link CpuThreads}. This class only routes each
 * primitive to the small class that implements it.
 */
public final class CpuBackend implements Backend {
    /**
     * What runs float32 convolutions with kernels larger than 1×1: "oneDNN x.y.z", or
     * "im2col + OpenBLAS (reason)" when oneDNN is not loaded or is turned off.
     */
    public static String convolutionLibrary() {
        return OneDnn.description();
    }


    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public String unavailableReason() {
        return "";
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public Storage allocate(long bytes) {
        return new HostStorage(bytes);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        if (!src.device().equals(Device.CPU) || !dst.device().equals(Device.CPU)) {
            throw new IllegalArgumentException("the CPU backend copies between host tensors only; "
                    + "ask the device's backend to copy " + src.device() + " -> " + dst.device());
        }
        Elementwise.copy(src, dst);
    }

    @Override
    public void fill(Tensor dst, double value) {
        Elementwise.fill(dst, value);
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        Elementwise.unary(op, x, out);
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        Elementwise.binary(op, a, b, out);
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        Elementwise.where(cond, a, b, out);
    }

    @Override
    public void reduce(ReduceOp op, Tensor x, int[] axes, Tensor out) {
        Reductions.reduce(op, x, axes, out);
    }

    @Override
    public void argReduce(boolean max, Tensor x, int axis, Tensor out) {
        Reductions.argReduce(max, x, axis, out);
    }

    @Override
    public double kthLargest(Tensor x, long k) {
        return Reductions.kthLargest(x, k);
    }

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        Gemm.matmul(a, b, out);
    }

    @Override
    public Tensor cholesky(Tensor a) {
        return LinearSolvers.cholesky(a);
    }

    @Override
    public Tensor choleskySolve(Tensor l, Tensor b) {
        return LinearSolvers.choleskySolve(l, b);
    }

    @Override
    public Tensor luSolve(Tensor a, Tensor b) {
        return LinearSolvers.luSolve(a, b);
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec) {
        return Conv2d.forward(x, w, bias, spec);
    }

    @Override
    public Tensor conv2dBackwardData(Tensor gradOut, Tensor w, int[] inputShape, Conv2dSpec spec) {
        return Conv2d.backwardData(gradOut, w, inputShape, spec);
    }

    @Override
    public Tensor conv2dBackwardWeight(Tensor gradOut, Tensor x, int[] weightShape, Conv2dSpec spec) {
        return Conv2d.backwardWeight(gradOut, x, weightShape, spec);
    }

    @Override
    public Pooled maxPool2d(Tensor x, Pool2dSpec spec) {
        return MaxPool2d.forward(x, spec);
    }

    @Override
    public Tensor maxPool2dBackward(Tensor gradOut, Tensor indices, int[] inputShape) {
        return MaxPool2d.backward(gradOut, indices, inputShape);
    }

    @Override
    public Tensor avgPool2d(Tensor x, Pool2dSpec spec) {
        return AvgPool2d.forward(x, spec);
    }

    @Override
    public Tensor avgPool2dBackward(Tensor gradOut, int[] inputShape, Pool2dSpec spec) {
        return AvgPool2d.backward(gradOut, inputShape, spec);
    }

    @Override
    public Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        return AdaptiveAvgPool2d.forward(x, outH, outW);
    }

    @Override
    public Tensor adaptiveAvgPool2dBackward(Tensor gradOut, int[] inputShape) {
        return AdaptiveAvgPool2d.backward(gradOut, inputShape);
    }

    @Override
    public Normalized batchNorm(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar,
                                boolean training, double momentum, double eps) {
        return BatchNorm.forward(x, weight, bias, runningMean, runningVar, training, momentum, eps);
    }

    @Override
    public NormGrads batchNormBackward(Tensor gradOut, Tensor x, Tensor weight, Normalized forward, boolean training) {
        return BatchNorm.backward(gradOut, x, weight, forward, training);
    }

    @Override
    public Normalized layerNorm(Tensor x, int normDims, Tensor weight, Tensor bias, double eps) {
        return LayerNorm.forward(x, normDims, weight, bias, eps);
    }

    @Override
    public NormGrads layerNormBackward(Tensor gradOut, Tensor x, int normDims, Tensor weight, Normalized forward) {
        return LayerNorm.backward(gradOut, x, normDims, weight, forward);
    }

    @Override
    public Tensor softmax(Tensor x, int axis, boolean log) {
        return Softmax.forward(x, axis, log);
    }

    @Override
    public Tensor softmaxBackward(Tensor gradOut, Tensor y, int axis, boolean log) {
        return Softmax.backward(gradOut, y, axis, log);
    }

    @Override
    public CrossEntropy crossEntropy(Tensor logits, Tensor targets, double labelSmoothing) {
        return CrossEntropyLoss.forward(logits, targets, labelSmoothing);
    }

    @Override
    public Tensor crossEntropyBackward(double gradLoss, CrossEntropy forward, Tensor targets, double labelSmoothing) {
        return CrossEntropyLoss.backward(gradLoss, forward, targets, labelSmoothing);
    }

    @Override
    public Tensor dropoutMask(int[] shape, DType dtype, double p, Philox rng) {
        return Dropout.mask(shape, dtype, p, rng);
    }

    @Override
    public Tensor gather(Tensor x, int axis, Tensor index) {
        return Indexing.gather(x, axis, index);
    }

    @Override
    public Tensor indexSelect(Tensor x, int axis, Tensor index) {
        return Indexing.indexSelect(x, axis, index);
    }

    @Override
    public void scatterAdd(Tensor out, int axis, Tensor index, Tensor src) {
        Indexing.scatterAdd(out, axis, index, src);
    }

    @Override
    public void indexAdd(Tensor out, int axis, Tensor index, Tensor src) {
        Indexing.indexAdd(out, axis, index, src);
    }
}
