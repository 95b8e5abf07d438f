package dev.lethe.cuda;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;

/**
 * Dropout masks on the device from the same Philox4x32-10 stream as the CPU ({@code random.cu},
 * {@code philox.cuh}): the request reserves the same counter blocks from the generator, element
 * i uses word i mod 4 of block start + i/4, so a seed gives the CPU's mask bit for bit.
 */
final class DeviceRandom {
    private final CudaContext context;

    DeviceRandom(CudaContext context) {
        this.context = context;
    }

    /** 1/(1−p) where the element's float32-resolution uniform is ≥ p, else 0. */
    Tensor dropoutMask(CudaBackend backend, int[] shape, DType dtype, double p, Philox rng) {
        if (!dtype.isFloating()) {
            throw new IllegalArgumentException("dropoutMask: dtype must be float32 or float64, got " + dtype);
        }
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropoutMask: probability p must be in [0, 1), got " + p);
        }
        long n = Shape.numel(shape);
        Tensor out = Tensor.empty(backend, dtype, shape);
        long blocks = (n + 3) / 4;
        long start = rng.advance(blocks);
        context.launch("dropout_mask_" + DeviceElementwise.suffix(dtype), LaunchGeometry.elementwise(blocks,
                context.info().multiprocessors()), new KernelArgs().i64(n).i64(start).i64(rng.seed()).f64(p)
                .f64(1.0 / (1.0 - p)).pointer(DeviceElementwise.address(out)));
        return out;
    }
}
