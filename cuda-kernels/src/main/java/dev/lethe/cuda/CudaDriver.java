package dev.lethe.cuda;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The first class to touch {@code org.bytedeco.cuda}, and the check of every driver result.
 * Its static initialiser loads the JNI glue; without {@code libcuda.so.1} that
 * throws {@link UnsatisfiedLinkError} (wrapped in {@link ExceptionInInitializerError}) on the
 * first touch and {@link NoClassDefFoundError} on every later one, so only
 * {@link CudaAvailability} may touch it first, once, and remember why it failed. The classes
 * that call the bindings afterwards ({@link CudaContext} and the device ops) are reached only
 * through {@link CudaContext#get()}, which asks that probe first; CPU-only code paths never load
 * any of them.
 */
final class CudaDriver {
    static {
        Loader.load(cudart.class);
    }

    private CudaDriver() {
    }

    /**
     * Initialises the driver and describes device {@code ordinal}.
     *
     * @throws CudaException when the driver refuses (no device, driver too old, ...)
     */
    static CudaDeviceInfo probe(int ordinal) {
        check(cudart.cuInit(0), "cuInit");
        int[] version = new int[1];
        check(cudart.cuDriverGetVersion(version), "cuDriverGetVersion");
        int[] count = new int[1];
        check(cudart.cuDeviceGetCount(count), "cuDeviceGetCount");
        if (ordinal >= count[0]) {
            throw new CudaException("no CUDA device " + ordinal + " (the driver reports " + count[0] + ")");
        }
        int[] device = new int[1];
        check(cudart.cuDeviceGet(device, ordinal), "cuDeviceGet");
        byte[] name = new byte[256];
        check(cudart.cuDeviceGetName(name, name.length, device[0]), "cuDeviceGetName");
        int[] major = new int[1];
        int[] minor = new int[1];
        int[] sms = new int[1];
        check(cudart.cuDeviceGetAttribute(major, cudart.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device[0]),
                "cuDeviceGetAttribute");
        check(cudart.cuDeviceGetAttribute(minor, cudart.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device[0]),
                "cuDeviceGetAttribute");
        check(cudart.cuDeviceGetAttribute(sms, cudart.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device[0]),
                "cuDeviceGetAttribute");
        int nameLength = 0;
        while (nameLength < name.length && name[nameLength] != 0) {
            nameLength++;
        }
        return new CudaDeviceInfo(ordinal, new String(name, 0, nameLength, java.nio.charset.StandardCharsets.UTF_8),
                major[0], minor[0], sms[0], version[0]);
    }

    /** Throws a {@link CudaException} naming {@code call} and the driver's error when {@code result} is not success. */
    static void check(int result, String call) {
        if (result != cudart.CUDA_SUCCESS) {
            throw new CudaException(call + " failed: " + errorName(result) + " (" + result + ")");
        }
    }

    private static String errorName(int result) {
        PointerPointer<BytePointer> out = new PointerPointer<>(1);
        if (cudart.cuGetErrorName(result, out) == cudart.CUDA_SUCCESS && out.get(0) != null) {
            return out.getString(0);
        }
        return "unknown CUDA error";
    }
}
