package dev.lethe.cuda;

import org.bytedeco.cuda.global.cudart;

/** Device memory straight from the driver ({@code cuMemAlloc}/{@code cuMemFree}) on the current context. */
final class DriverMemory implements DeviceMemory {
    @Override
    public long allocate(long bytes) {
        long[] address = new long[1];
        int result = cudart.cuMemAlloc(address, bytes);
        if (result == cudart.CUDA_ERROR_OUT_OF_MEMORY) {
            return 0;
        }
        CudaDriver.check(result, "cuMemAlloc(" + bytes + " bytes)");
        return address[0];
    }

    @Override
    public void free(long address) {
        CudaDriver.check(cudart.cuMemFree(address), "cuMemFree");
    }
}
