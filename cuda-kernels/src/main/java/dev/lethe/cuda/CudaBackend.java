package dev.lethe.cuda;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.Backends;
import dev.lethe.tensor.BinaryOp;
import dev.lethe.tensor.Conv2dSpec;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.FusedUpdates;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Pool2dSpec;
import dev.lethe.tensor.ReduceOp;
import dev.lethe.tensor.Storage;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.UnaryOp;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CUDA backend ({@code cuda:0}), found through {@link java.util.ServiceLoader}. Creating it
 * touches no CUDA class: availability is probed once, on the first question, by
 * {@link CudaAvailability}, so a CPU-only machine lists it as unavailable with the reason and
 * nothing else changes.
 *
 * <p>Every primitive of the SPI runs on the device: storage (the {@link CachingAllocator}), copies
 * within the device and to and from the host (pinned staging), fill, elementwise unary/binary/where
 * ops and sum/max/min reductions in every dtype, argmax/argmin and the k-th largest value, matrix
 * products (cuBLAS), convolutions and their gradients (cuDNN), Cholesky and LU solves
 * (cuSOLVER), pooling, batch and layer normalisation, softmax, log-softmax and the fused
 * cross-entropy with their backward, dropout masks from the CPU's Philox stream, and
 * gather/index-select/scatter-add/index-add, on the project's own kernels. It also offers the
 * fused SGD, AdamW and SSD-dampening updates of {@link FusedUpdates}. A caller never gets a
 * silent fallback to the host.
 */
public final class CudaBackend implements Backend, FusedUpdates {
    private static final Device DEVICE = new Device("cuda", 0);

    /** The backend; {@link java.util.ServiceLoader} calls this. */
    public CudaBackend() {
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public boolean isAvailable() {
        return CudaAvailability.get().available();
    }

    @Override
    public String unavailableReason() {
        return CudaAvailability.get().reason();
    }

    @Override
    public Device device() {
        return DEVICE;
    }

    /** The device the probe found; fails with the reason when CUDA is unavailable. */
    public CudaDeviceInfo deviceInfo() {
        CudaAvailability.Outcome outcome = CudaAvailability.get();
        if (!outcome.available()) {
            throw new IllegalStateException("backend cuda is unavailable: " + outcome.reason());
        }
        return outcome.device();
    }

    /**
     * The GPU (model, compute capability, multiprocessors, driver), its memory (total and free),
     * the CUDA runtime and cuDNN versions (cuDNN's load failure, if it fails, in its place), and
     * the allocator's bookkeeping; fails with the reason when CUDA is unavailable.
     */
    @Override
    public Map<String, Object> details() {
        CudaDeviceInfo info = deviceInfo();
        Ops o = ops();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("gpu", info.name());
        d.put("compute_capability", info.major() + "." + info.minor());
        d.put("multiprocessors", info.multiprocessors());
        d.put("driver_cuda", info.driverVersion() / 1000 + "." + info.driverVersion() % 1000 / 10);
        long[] memory = o.context.memoryInfo();
        d.put("memory_bytes", memory[1]);
        d.put("memory_free_bytes", memory[0]);
        d.put("runtime_cuda", o.context.runtimeVersion());
        d.put("cudnn", CudnnConvolution.version());
        AllocatorStats a = allocatorStats();
        d.put("allocator_in_use_bytes", a.inUseBytes());
        d.put("allocator_cached_bytes", a.cachedBytes());
        d.put("allocator_peak_bytes", a.peakInUseBytes());
        return d;
    }

    /** The allocator's bookkeeping: bytes in use, cached, peak. */
    public AllocatorStats allocatorStats() {
        return ops().context.allocator().stats();
    }

    /** Waits until all work queued on the device has finished. */
    @Override
    public void synchronize() {
        ops().context.synchronize();
    }

    /** The device-side helpers, made on first use (after the availability probe said yes). */
    private static final class Ops {
        final CudaContext context = CudaContext.get();
        final DeviceElementwise elementwise = new DeviceElementwise(context);
        final DeviceReductions reductions = new DeviceReductions(context);
        final CublasGemm gemm = new CublasGemm(context);
        final HostTransfers transfers = new HostTransfers(context);
        final DeviceSoftmax softmax = new DeviceSoftmax(context);
        final DeviceSelection selection = new DeviceSelection(context);
        final DeviceIndexing indexing = new DeviceIndexing(context);
        final DeviceRandom random = new DeviceRandom(context);
        final DeviceUpdates updates = new DeviceUpdates(context);
        final CudnnConvolution conv = new CudnnConvolution(context);
        final CusolverDense solver = new CusolverDense(context);
        final DevicePooling pooling = new DevicePooling(context);
        final DeviceNormalization normalization = new DeviceNormalization(context);

        static final Ops INSTANCE = new Ops();
    }

    /** The helpers, with the context current on this thread; fails with the reason when CUDA is unavailable. */
    private static Ops ops() {
        CudaContext.get(); // checks availability first, so Ops is only ever initialised on a device
        return Ops.INSTANCE;
    }

    @Override
    public Storage allocate(long bytes) {
        return new DeviceStorage(ops().context.allocator(), DEVICE, bytes);
    }

    /**
     * {@code dst = src} converted to dst's dtype, src already broadcast to dst's shape. Either
     * side may be on the host. Host data that is already contiguous in the right dtype and shape
     * (a data batch, a checkpoint tensor) moves straight from or into its own storage; anything
     * else is first made so on the host, and on the device side through a dense device copy.
     */
    @Override
    public void copy(Tensor src, Tensor dst) {
        Ops o = ops();
        boolean srcHere = src.device().equals(DEVICE);
        boolean dstHere = dst.device().equals(DEVICE);
        if (srcHere && dstHere) {
            o.elementwise.copy(src, dst);
        } else if (dstHere) {
            Tensor host = direct(src, dst) ? src : Tensor.empty(Backends.cpu(), dst.dtype(), dst.shape());
            try {
                if (host != src) {
                    Backends.cpu().copy(src, host);
                }
                Tensor dense = dst.isContiguous() ? dst : Tensor.empty(this, dst.dtype(), dst.shape());
                try {
                    o.transfers.toDevice((HostStorage) host.storage(), byteOffset(host), deviceAddress(dense),
                            byteSize(dense));
                    if (dense != dst) {
                        o.elementwise.copy(dense, dst);
                    }
                } finally {
                    if (dense != dst) {
                        dense.close();
                    }
                }
            } finally {
                if (host != src) {
                    host.close();
                }
            }
        } else if (srcHere) {
            Tensor dense = src.isContiguous() ? src : Tensor.empty(this, src.dtype(), src.shape());
            Tensor host = direct(dst, src) ? dst : Tensor.empty(Backends.cpu(), src.dtype(), src.shape());
            try {
                if (dense != src) {
                    o.elementwise.copy(src, dense);
                }
                o.transfers.toHost(deviceAddress(dense), (HostStorage) host.storage(), byteOffset(host), byteSize(dense));
                if (host != dst) {
                    Backends.cpu().copy(host, dst);
                }
            } finally {
                if (dense != src) {
                    dense.close();
                }
                if (host != dst) {
                    host.close();
                }
            }
        } else {
            throw new IllegalArgumentException("the CUDA backend copies only from or to " + DEVICE + ", not " + src.device()
                    + " -> " + dst.device());
        }
    }

    /** Whether host tensor {@code host} can be the transfer's own buffer for device tensor {@code device}. */
    private static boolean direct(Tensor host, Tensor device) {
        return host.storage() instanceof HostStorage && host.isContiguous() && host.dtype() == device.dtype()
                && java.util.Arrays.equals(host.shape(), device.shape());
    }

    private static long byteOffset(Tensor t) {
        return (long) t.offset() * t.dtype().byteSize();
    }

    private static long byteSize(Tensor t) {
        return t.numel() * (long) t.dtype().byteSize();
    }

    /** The device address of a contiguous device tensor's first element, after checking it lies in its storage. */
    private static long deviceAddress(Tensor t) {
        LaunchChecks.checkWithinStorage(t, "copy");
        return DeviceElementwise.address(t) + byteOffset(t);
    }

    @Override
    public void fill(Tensor dst, double value) {
        ops().elementwise.fill(dst, value);
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        ops().elementwise.unary(op, x, out);
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        ops().elementwise.binary(op, a, b, out);
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        ops().elementwise.where(cond, a, b, out);
    }

    @Override
    public void reduce(ReduceOp op, Tensor x, int[] axes, Tensor out) {
        ops().reductions.reduce(op, x, axes, out);
    }

    @Override
    public void argReduce(boolean max, Tensor x, int axis, Tensor out) {
        ops().selection.argReduce(max, x, axis, out);
    }

    @Override
    public double kthLargest(Tensor x, long k) {
        return ops().selection.kthLargest(x, k);
    }

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        ops().gemm.matmul(a, b, out);
    }

    @Override
    public Tensor cholesky(Tensor a) {
        return ops().solver.cholesky(a);
    }

    @Override
    public Tensor choleskySolve(Tensor l, Tensor b) {
        return ops().solver.choleskySolve(l, b);
    }

    @Override
    public Tensor luSolve(Tensor a, Tensor b) {
        return ops().solver.luSolve(a, b);
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec) {
        return ops().conv.forward(x, w, bias, spec);
    }

    @Override
    public Tensor conv2dBackwardData(Tensor gradOut, Tensor w, int[] inputShape, Conv2dSpec spec) {
        return ops().conv.backwardData(gradOut, w, inputShape, spec);
    }

    @Override
    public Tensor conv2dBackwardWeight(Tensor gradOut, Tensor x, int[] weightShape, Conv2dSpec spec) {
        return ops().conv.backwardWeight(gradOut, x, weightShape, spec);
    }

    @Override
    public Pooled maxPool2d(Tensor x, Pool2dSpec spec) {
        return ops().pooling.maxPool2d(x, spec);
    }

    @Override
    public Tensor maxPool2dBackward(Tensor gradOut, Tensor indices, int[] inputShape) {
        return ops().pooling.maxPool2dBackward(gradOut, indices, inputShape);
    }

    @Override
    public Tensor avgPool2d(Tensor x, Pool2dSpec spec) {
        return ops().pooling.avgPool2d(x, spec);
    }

    @Override
    public Tensor avgPool2dBackward(Tensor gradOut, int[] inputShape, Pool2dSpec spec) {
        return ops().pooling.avgPool2dBackward(gradOut, inputShape, spec);
    }

    @Override
    public Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        return ops().pooling.adaptiveAvgPool2d(x, outH, outW);
    }

    @Override
    public Tensor adaptiveAvgPool2dBackward(Tensor gradOut, int[] inputShape) {
        return ops().pooling.adaptiveAvgPool2dBackward(gradOut, inputShape);
    }

    @Override
    public Normalized batchNorm(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar,
                                boolean training, double momentum, double eps) {
        return ops().normalization.batchNorm(x, weight, bias, runningMean, runningVar, training, momentum, eps);
    }

    @Override
    public NormGrads batchNormBackward(Tensor gradOut, Tensor x, Tensor weight, Normalized forward, boolean training) {
        return ops().normalization.batchNormBackward(gradOut, x, weight, forward, training);
    }

    @Override
    public Normalized layerNorm(Tensor x, int normDims, Tensor weight, Tensor bias, double eps) {
        return ops().normalization.layerNorm(x, normDims, weight, bias, eps);
    }

    @Override
    public NormGrads layerNormBackward(Tensor gradOut, Tensor x, int normDims, Tensor weight, Normalized forward) {
        return ops().normalization.layerNormBackward(gradOut, x, normDims, weight, forward);
    }

    @Override
    public Tensor softmax(Tensor x, int axis, boolean log) {
        return ops().softmax.forward(x, axis, log);
    }

    @Override
    public Tensor softmaxBackward(Tensor gradOut, Tensor y, int axis, boolean log) {
        return ops().softmax.backward(gradOut, y, axis, log);
    }

    @Override
    public CrossEntropy crossEntropy(Tensor logits, Tensor targets, double labelSmoothing) {
        return ops().softmax.crossEntropy(logits, targets, labelSmoothing);
    }

    @Override
    public Tensor crossEntropyBackward(double gradLoss, CrossEntropy forward, Tensor targets, double labelSmoothing) {
        return ops().softmax.crossEntropyBackward(gradLoss, forward, targets, labelSmoothing);
    }

    @Override
    public Tensor dropoutMask(int[] shape, DType dtype, double p, Philox rng) {
        return ops().random.dropoutMask(this, shape, dtype, p, rng);
    }

    @Override
    public Tensor gather(Tensor x, int axis, Tensor index) {
        return ops().indexing.gather(x, axis, index);
    }

    @Override
    public Tensor indexSelect(Tensor x, int axis, Tensor index) {
        return ops().indexing.indexSelect(x, axis, index);
    }

    @Override
    public void scatterAdd(Tensor out, int axis, Tensor index, Tensor src) {
        ops().indexing.scatterAdd(out, axis, index, src);
    }

    @Override
    public void indexAdd(Tensor out, int axis, Tensor index, Tensor src) {
        ops().indexing.indexAdd(out, axis, index, src);
    }

    // ---- fused updates ----------------------------------------------------------------------

    @Override
    public boolean sgdStep(Tensor p, Tensor g, Tensor momentumBuffer, boolean firstStep, double lr, double momentum,
                           boolean nesterov, double weightDecay) {
        return ops().updates.sgdStep(p, g, momentumBuffer, firstStep, lr, momentum, nesterov, weightDecay);
    }

    @Override
    public boolean adamwStep(Tensor p, Tensor g, Tensor expAvg, Tensor expAvgSq, long step, double lr, double beta1,
                             double beta2, double eps, double weightDecay) {
        return ops().updates.adamwStep(p, g, expAvg, expAvgSq, step, lr, beta1, beta2, eps, weightDecay);
    }

    @Override
    public Dampened ssdDampen(Tensor theta, Tensor importanceData, Tensor importanceForget, double alpha,
                              double lambda) {
        return ops().updates.ssdDampen(theta, importanceData, importanceForget, alpha, lambda);
    }
}
