package dev.lethe.tensor.testing;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.Backends;
import dev.lethe.tensor.BinaryOp;
import dev.lethe.tensor.Conv2dSpec;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.FusedUpdates;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Pool2dSpec;
import dev.lethe.tensor.ReduceOp;
import dev.lethe.tensor.Storage;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.UnaryOp;

/**
 * A second device for tests on machines without an accelerator: {@code test:0}. Its tensors are
 * host memory under the hood and every primitive is the CPU backend's, so results are
 * bit-identical to the CPU's; but the tensors report {@link #DEVICE}, so code that mixes a host
 * tensor into a device computation fails the same-device checks of {@link Tensor} and of this
 * backend exactly where it would fail with CUDA.
 *
 * <p>Each call checks that every tensor argument is on {@code test:0} (a copy may have a host
 * tensor on one side, as a device backend's copy does), re-labels the arguments as CPU tensors
 * over the same storage, runs the CPU primitive and re-labels tensor results as {@code test:0}.
 * Registered through {@code META-INF/services}, so {@link Backends#forDevice} finds it and
 * {@code tensor.to(DEVICE)} works.
 *
 * <p>Like the CUDA backend it offers {@link FusedUpdates}, computed by a Java model of the CUDA
 * kernels ({@link FusedKernelModel}), so optimizers and SSD on {@code test:0} take the fused path.
 */
public final class EmulatedDeviceBackend implements Backend, FusedUpdates {
    /** The device this backend's tensors report. */
    public static final Device DEVICE = new Device("test", 0);

    private static final java.util.concurrent.atomic.AtomicLong FUSED = new java.util.concurrent.atomic.AtomicLong();

    private final Backend cpu = Backends.cpu();

    /** Fused updates this backend has run so far (tests check that the fused path was taken). */
    public static long fusedUpdates() {
        return FUSED.get();
    }

    /** The backend as {@link java.util.ServiceLoader} makes it; use {@link #get()} in tests. */
    public EmulatedDeviceBackend() {
    }

    /** The registered instance (the one tensors moved with {@code to(DEVICE)} use). */
    public static Backend get() {
        return Backends.forDevice(DEVICE);
    }

    @Override
    public String name() {
        return "test";
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
        return DEVICE;
    }

    @Override
    public Storage allocate(long bytes) {
        return cpu.allocate(bytes);
    }

    // ---- re-labelling -------------------------------------------------------------------

    /** The CPU view of a {@code test:0} tensor (null stays null); any other device is a mixing bug. */
    private Tensor in(Tensor t, String op) {
        if (t == null) {
            return null;
        }
        if (!t.device().equals(DEVICE)) {
            throw new IllegalArgumentException(op + ": a tensor on " + t.device() + " was passed to the "
                    + DEVICE + " backend");
        }
        return host(t);
    }

    private static Tensor host(Tensor t) {
        return Tensor.wrap(t.storage(), Backends.cpu(), t.dtype(), t.shape(), t.strides(), t.offset());
    }

    private Tensor out(Tensor t) {
        return t == null ? null : Tensor.wrap(t.storage(), this, t.dtype(), t.shape(), t.strides(), t.offset());
    }

    private Tensor either(Tensor t, String op) {
        if (t.device().equals(Device.CPU)) {
            return t;
        }
        return in(t, op);
    }

    // ---- data movement ------------------------------------------------------------------

    @Override
    public void copy(Tensor src, Tensor dst) {
        cpu.copy(either(src, "copy"), either(dst, "copy"));
    }

    @Override
    public void fill(Tensor dst, double value) {
        cpu.fill(in(dst, "fill"), value);
    }

    // ---- elementwise, reductions, linear algebra ----------------------------------------

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        cpu.unary(op, in(x, "unary"), in(out, "unary"));
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        cpu.binary(op, in(a, "binary"), in(b, "binary"), in(out, "binary"));
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        cpu.where(in(cond, "where"), in(a, "where"), in(b, "where"), in(out, "where"));
    }

    @Override
    public void reduce(ReduceOp op, Tensor x, int[] axes, Tensor out) {
        cpu.reduce(op, in(x, "reduce"), axes, in(out, "reduce"));
    }

    @Override
    public void argReduce(boolean max, Tensor x, int axis, Tensor out) {
        cpu.argReduce(max, in(x, "argReduce"), axis, in(out, "argReduce"));
    }

    @Override
    public double kthLargest(Tensor x, long k) {
        return cpu.kthLargest(in(x, "kthLargest"), k);
    }

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        cpu.matmul(in(a, "matmul"), in(b, "matmul"), in(out, "matmul"));
    }

    @Override
    public Tensor cholesky(Tensor a) {
        return out(cpu.cholesky(in(a, "cholesky")));
    }

    @Override
    public Tensor choleskySolve(Tensor l, Tensor b) {
        return out(cpu.choleskySolve(in(l, "choleskySolve"), in(b, "choleskySolve")));
    }

    @Override
    public Tensor luSolve(Tensor a, Tensor b) {
        return out(cpu.luSolve(in(a, "luSolve"), in(b, "luSolve")));
    }

    // ---- neural-network primitives ------------------------------------------------------

    @Override
    public Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec) {
        return out(cpu.conv2d(in(x, "conv2d"), in(w, "conv2d"), in(bias, "conv2d"), spec));
    }

    @Override
    public Tensor conv2dBackwardData(Tensor gradOut, Tensor w, int[] inputShape, Conv2dSpec spec) {
        return out(cpu.conv2dBackwardData(in(gradOut, "conv2d"), in(w, "conv2d"), inputShape, spec));
    }

    @Override
    public Tensor conv2dBackwardWeight(Tensor gradOut, Tensor x, int[] weightShape, Conv2dSpec spec) {
        return out(cpu.conv2dBackwardWeight(in(gradOut, "conv2d"), in(x, "conv2d"), weightShape, spec));
    }

    @Override
    public Pooled maxPool2d(Tensor x, Pool2dSpec spec) {
        Pooled p = cpu.maxPool2d(in(x, "maxPool2d"), spec);
        return new Pooled(out(p.output()), out(p.indices()));
    }

    @Override
    public Tensor maxPool2dBackward(Tensor gradOut, Tensor indices, int[] inputShape) {
        return out(cpu.maxPool2dBackward(in(gradOut, "maxPool2d"), in(indices, "maxPool2d"), inputShape));
    }

    @Override
    public Tensor avgPool2d(Tensor x, Pool2dSpec spec) {
        return out(cpu.avgPool2d(in(x, "avgPool2d"), spec));
    }

    @Override
    public Tensor avgPool2dBackward(Tensor gradOut, int[] inputShape, Pool2dSpec spec) {
        return out(cpu.avgPool2dBackward(in(gradOut, "avgPool2d"), inputShape, spec));
    }

    @Override
    public Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        return out(cpu.adaptiveAvgPool2d(in(x, "adaptiveAvgPool2d"), outH, outW));
    }

    @Override
    public Tensor adaptiveAvgPool2dBackward(Tensor gradOut, int[] inputShape) {
        return out(cpu.adaptiveAvgPool2dBackward(in(gradOut, "adaptiveAvgPool2d"), inputShape));
    }

    @Override
    public Normalized batchNorm(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar,
                                boolean training, double momentum, double eps) {
        String op = "batchNorm";
        return out(cpu.batchNorm(in(x, op), in(weight, op), in(bias, op), in(runningMean, op), in(runningVar, op),
                training, momentum, eps));
    }

    @Override
    public NormGrads batchNormBackward(Tensor gradOut, Tensor x, Tensor weight, Normalized forward, boolean training) {
        String op = "batchNorm";
        return out(cpu.batchNormBackward(in(gradOut, op), in(x, op), in(weight, op), in(forward, op), training));
    }

    @Override
    public Normalized layerNorm(Tensor x, int normDims, Tensor weight, Tensor bias, double eps) {
        String op = "layerNorm";
        return out(cpu.layerNorm(in(x, op), normDims, in(weight, op), in(bias, op), eps));
    }

    @Override
    public NormGrads layerNormBackward(Tensor gradOut, Tensor x, int normDims, Tensor weight, Normalized forward) {
        String op = "layerNorm";
        return out(cpu.layerNormBackward(in(gradOut, op), in(x, op), normDims, in(weight, op), in(forward, op)));
    }

    @Override
    public Tensor softmax(Tensor x, int axis, boolean log) {
        return out(cpu.softmax(in(x, "softmax"), axis, log));
    }

    @Override
    public Tensor softmaxBackward(Tensor gradOut, Tensor y, int axis, boolean log) {
        return out(cpu.softmaxBackward(in(gradOut, "softmax"), in(y, "softmax"), axis, log));
    }

    @Override
    public CrossEntropy crossEntropy(Tensor logits, Tensor targets, double labelSmoothing) {
        CrossEntropy ce = cpu.crossEntropy(in(logits, "crossEntropy"), in(targets, "crossEntropy"), labelSmoothing);
        return new CrossEntropy(out(ce.loss()), out(ce.logProbs()));
    }

    @Override
    public Tensor crossEntropyBackward(double gradLoss, CrossEntropy forward, Tensor targets, double labelSmoothing) {
        String op = "crossEntropy";
        CrossEntropy f = new CrossEntropy(in(forward.loss(), op), in(forward.logProbs(), op));
        return out(cpu.crossEntropyBackward(gradLoss, f, in(targets, op), labelSmoothing));
    }

    @Override
    public Tensor dropoutMask(int[] shape, DType dtype, double p, Philox rng) {
        return out(cpu.dropoutMask(shape, dtype, p, rng));
    }

    // ---- indexing -----------------------------------------------------------------------

    @Override
    public Tensor gather(Tensor x, int axis, Tensor index) {
        return out(cpu.gather(in(x, "gather"), axis, in(index, "gather")));
    }

    @Override
    public Tensor indexSelect(Tensor x, int axis, Tensor index) {
        return out(cpu.indexSelect(in(x, "indexSelect"), axis, in(index, "indexSelect")));
    }

    @Override
    public void scatterAdd(Tensor out, int axis, Tensor index, Tensor src) {
        cpu.scatterAdd(in(out, "scatterAdd"), axis, in(index, "scatterAdd"), in(src, "scatterAdd"));
    }

    @Override
    public void indexAdd(Tensor out, int axis, Tensor index, Tensor src) {
        cpu.indexAdd(in(out, "indexAdd"), axis, in(index, "indexAdd"), in(src, "indexAdd"));
    }

    // ---- records ------------------------------------------------------------------------

    private Normalized in(Normalized n, String op) {
        return n == null ? null : new Normalized(in(n.output(), op), in(n.mean(), op), in(n.invStd(), op));
    }

    private Normalized out(Normalized n) {
        return new Normalized(out(n.output()), out(n.mean()), out(n.invStd()));
    }

    private NormGrads out(NormGrads g) {
        return new NormGrads(out(g.input()), out(g.weight()), out(g.bias()));
    }

    // ---- fused updates (the CUDA kernels' arithmetic, modelled in Java) -----------------

    @Override
    public boolean sgdStep(Tensor p, Tensor g, Tensor momentumBuffer, boolean firstStep, double lr, double momentum,
                           boolean nesterov, double weightDecay) {
        in(p, "sgdStep");
        in(g, "sgdStep");
        boolean fits = momentum != 0 ? FusedKernelModel.fits(p, g, momentumBuffer) : FusedKernelModel.fits(p, g);
        if (fits) {
            FUSED.incrementAndGet();
            FusedKernelModel.sgd(p, g, momentumBuffer, firstStep, lr, momentum, nesterov, weightDecay);
        }
        return fits;
    }

    @Override
    public boolean adamwStep(Tensor p, Tensor g, Tensor expAvg, Tensor expAvgSq, long step, double lr, double beta1,
                             double beta2, double eps, double weightDecay) {
        in(p, "adamwStep");
        boolean fits = FusedKernelModel.fits(p, g, expAvg, expAvgSq);
        if (fits) {
            FUSED.incrementAndGet();
            FusedKernelModel.adamw(p, g, expAvg, expAvgSq, step, lr, beta1, beta2, eps, weightDecay);
        }
        return fits;
    }

    @Override
    public Dampened ssdDampen(Tensor theta, Tensor importanceData, Tensor importanceForget, double alpha,
                              double lambda) {
        in(theta, "ssdDampen");
        if (!theta.dtype().isFloating() || !theta.isContiguous()
                || !java.util.Arrays.equals(theta.shape(), importanceData.shape())
                || !java.util.Arrays.equals(theta.shape(), importanceForget.shape())
                || !importanceData.device().equals(DEVICE) || !importanceForget.device().equals(DEVICE)) {
            return null;
        }
        FUSED.incrementAndGet();
        return FusedKernelModel.ssd(theta, importanceData, importanceForget, alpha, lambda);
    }
}
