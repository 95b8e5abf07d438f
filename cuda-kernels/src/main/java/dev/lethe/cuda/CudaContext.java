package dev.lethe.cuda;

import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Everything the backend holds on device 0: the device's primary context (made current on each
 * thread that calls in), the one stream all work is queued on, the kernels' module loaded from
 * the fatbin, the caching allocator, and the launch of a kernel by name. Created on first use,
 * only after {@link CudaAvailability} found a device.
 *
 * <p>With {@code -Dlethe.cuda.syncLaunches=true} every launch is followed by a stream
 * synchronisation, so an asynchronous fault is reported against the kernel that caused it
 * (slow; for debugging).
 */
final class CudaContext {
    private static final boolean SYNC_LAUNCHES = Boolean.getBoolean("lethe.cuda.syncLaunches");

    private final CudaDeviceInfo info;
    private final CUctx_st context = new CUctx_st();
    private final CUstream_st stream = new CUstream_st();
    private final CUmod_st module = new CUmod_st();
    private final ConcurrentHashMap<String, Kernel> functions = new ConcurrentHashMap<>();
    private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private final CachingAllocator allocator;

    private CudaContext(CudaDeviceInfo info) {
        this.info = info;
        int[] device = new int[1];
        CudaDriver.check(cudart.cuDeviceGet(device, info.ordinal()), "cuDeviceGet");
        CudaDriver.check(cudart.cuDevicePrimaryCtxRetain(context, device[0]), "cuDevicePrimaryCtxRetain");
        makeCurrent();
        CudaDriver.check(cudart.cuStreamCreate(stream, cudart.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
        byte[] image = KernelImage.read();
        try (BytePointer bytes = new BytePointer(image)) {
            CudaDriver.check(cudart.cuModuleLoadData(module, bytes), "cuModuleLoadData(" + KernelImage.RESOURCE + ")");
        }
        this.allocator = new CachingAllocator(new DriverMemory());
    }

    private static final class Holder {
        static final CudaContext CONTEXT = new CudaContext(CudaAvailability.get().device());
    }

    /** The context of device 0; fails with the reason when CUDA is unavailable. */
    static CudaContext get() {
        CudaAvailability.Outcome outcome = CudaAvailability.get();
        if (!outcome.available()) {
            throw new IllegalStateException("backend cuda is unavailable: " + outcome.reason());
        }
        CudaContext c = Holder.CONTEXT;
        c.makeCurrent();
        return c;
    }

    /** The device. */
    CudaDeviceInfo info() {
        return info;
    }

    /** The stream all of the backend's work is queued on. */
    CUstream_st stream() {
        return stream;
    }

    /** The caching allocator of this device. */
    CachingAllocator allocator() {
        return allocator;
    }

    /** Makes the primary context current on the calling thread (once per thread). */
    void makeCurrent() {
        if (!current.get()) {
            CudaDriver.check(cudart.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            current.set(Boolean.TRUE);
        }
    }

    /** Waits for all queued work; a fault of an earlier asynchronous launch surfaces here. */
    /** {free, total} bytes of the device's memory (cuMemGetInfo). */
    long[] memoryInfo() {
        makeCurrent();
        try (SizeTPointer free = new SizeTPointer(1); SizeTPointer total = new SizeTPointer(1)) {
            CudaDriver.check(cudart.cuMemGetInfo(free, total), "cuMemGetInfo");
            return new long[] {free.get(), total.get()};
        }
    }

    /** The CUDA runtime's version, as "13.0". */
    String runtimeVersion() {
        try (IntPointer v = new IntPointer(1)) {
            CudaDriver.check(cudart.cudaRuntimeGetVersion(v), "cudaRuntimeGetVersion");
            return v.get() / 1000 + "." + v.get() % 1000 / 10;
        }
    }

    void synchronize() {
        CudaDriver.check(cudart.cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    /**
     * Launches kernel {@code name} with the given geometry and parameters on the stream. Nothing
     * is launched for a null geometry (no work). The caller has checked every size and offset.
     */
    void launch(String name, LaunchGeometry g, KernelArgs args) {
        if (g == null) {
            return;
        }
        Kernel kernel = function(name);
        if (kernel.signature != null) {
            kernel.signature.check(name, args);
        }
        CUfunc_st f = kernel.function;
        byte[] values = args.bytes();
        int[] offsets = args.offsets();
        try (BytePointer buffer = new BytePointer(Math.max(values.length, 8));
             PointerPointer<?> params = new PointerPointer<>(Math.max(offsets.length, 1))) {
            buffer.put(values, 0, values.length);
            for (int i = 0; i < offsets.length; i++) {
                params.put(i, new NativeAddress(buffer.address() + offsets[i]));
            }
            CudaDriver.check(cudart.cuLaunchKernel(f, g.gridX(), 1, 1, g.blockX(), 1, 1, g.sharedBytes(), stream,
                    params, null), "cuLaunchKernel(" + name + ", grid " + g.gridX() + ", block " + g.blockX() + ")");
        }
        if (SYNC_LAUNCHES) {
            CudaDriver.check(cudart.cuStreamSynchronize(stream), "kernel " + name);
        }
    }

    /** A kernel of the module and its parameter list (null where the driver cannot report it). */
    private record Kernel(CUfunc_st function, KernelSignature signature) {
    }

    private Kernel function(String name) {
        return functions.computeIfAbsent(name, n -> {
            CUfunc_st f = new CUfunc_st();
            CudaDriver.check(cudart.cuModuleGetFunction(f, module, n), "cuModuleGetFunction(" + n + ")");
            return new Kernel(f, signature(f));
        });
    }

    /**
     * The parameters' offsets and sizes from {@code cuFuncGetParamInfo}, asked index by index
     * until the driver answers that there is no such parameter; null when the driver does not
     * offer the query (launches then go unchecked, as before CUDA 12.4).
     */
    private static KernelSignature signature(CUfunc_st f) {
        java.util.List<long[]> params = new java.util.ArrayList<>();
        try (SizeTPointer offset = new SizeTPointer(1); SizeTPointer size = new SizeTPointer(1)) {
            for (int i = 0; ; i++) {
                int result = cudart.cuFuncGetParamInfo(f, i, offset, size);
                if (result == cudart.CUDA_ERROR_INVALID_VALUE) {
                    break; // past the last parameter
                }
                if (result != cudart.CUDA_SUCCESS) {
                    return null; // CUDA_ERROR_NOT_SUPPORTED and the like: no check rather than a false alarm
                }
                params.add(new long[] {offset.get(), size.get()});
            }
        }
        return new KernelSignature(params.stream().mapToLong(p -> p[0]).toArray(),
                params.stream().mapToLong(p -> p[1]).toArray());
    }
}
