package dev.lethe.cuda;

import dev.lethe.tensor.HostStorage;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Host↔device copies through one pinned (page-locked) staging buffer: the DMA engine reads and
 * writes pinned memory directly, while pageable memory costs the driver an extra staging copy of
 * its own. Large copies go through in chunks of {@link #STAGING_BYTES}; each chunk waits for its
 * transfer before the buffer is reused. A copy to the host returns once the data is there.
 */
final class HostTransfers {
    /** Size of the pinned staging buffer. */
    static final long STAGING_BYTES = 8L << 20;

    private final CudaContext context;
    private Pointer pinned;

    HostTransfers(CudaContext context) {
        this.context = context;
    }

    /** Copies {@code bytes} bytes from host storage (at byte {@code srcByte}) to device address {@code dst}. */
    synchronized void toDevice(HostStorage src, long srcByte, long dst, long bytes) {
        checkHostRange(src, srcByte, bytes, "host-to-device copy");
        Pointer staging = staging();
        for (long done = 0; done < bytes; done += STAGING_BYTES) {
            long n = Math.min(STAGING_BYTES, bytes - done);
            Pointer.memcpy(staging, new NativeAddress(src.address() + srcByte + done), n);
            CudaDriver.check(cudart.cuMemcpyHtoDAsync(dst + done, staging, n, context.stream()), "cuMemcpyHtoDAsync");
            context.synchronize();
        }
    }

    /** Copies {@code bytes} bytes from device address {@code src} to host storage at byte {@code dstByte}. */
    synchronized void toHost(long src, HostStorage dst, long dstByte, long bytes) {
        checkHostRange(dst, dstByte, bytes, "device-to-host copy");
        Pointer staging = staging();
        for (long done = 0; done < bytes; done += STAGING_BYTES) {
            long n = Math.min(STAGING_BYTES, bytes - done);
            CudaDriver.check(cudart.cuMemcpyDtoHAsync(staging, src + done, n, context.stream()), "cuMemcpyDtoHAsync");
            context.synchronize();
            Pointer.memcpy(new NativeAddress(dst.address() + dstByte + done), staging, n);
        }
    }

    private Pointer staging() {
        if (pinned == null) {
            PointerPointer<?> out = new PointerPointer<>(1);
            CudaDriver.check(cudart.cuMemAllocHost(out, STAGING_BYTES), "cuMemAllocHost(" + STAGING_BYTES + " bytes)");
            pinned = new NativeAddress(out.get(0).address());
            out.close();
        }
        return pinned;
    }

    static void checkHostRange(HostStorage s, long from, long bytes, String op) {
        if (from < 0 || bytes < 0 || from + bytes > s.byteSize()) {
            throw new IllegalArgumentException(op + ": bytes " + from + ".." + (from + bytes) + " are outside a host storage of "
                    + s.byteSize() + " bytes");
        }
    }
}
