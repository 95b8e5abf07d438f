package dev.lethe.cuda;

/**
 * What the driver says about one device.
 *
 * @param ordinal        device index ({@code cuda:ordinal})
 * @param name           marketing name, e.g. {@code NVIDIA H200}
 * @param major          compute capability, major part
 * @param minor          compute capability, minor part
 * @param multiprocessors number of streaming multiprocessors (sizes grid-stride launches)
 * @param driverVersion  the driver's CUDA version as {@code 1000·major + 10·minor}
 */
public record CudaDeviceInfo(int ordinal, String name, int major, int minor, int multiprocessors,
                             int driverVersion) {

    /** {@code "NVIDIA H200 (sm_90, 132 SMs, driver CUDA 13.0)"}. */
    public String describe() {
        return name + " (sm_" + major + minor + ", " + multiprocessors + " SMs, driver CUDA "
                + driverVersion / 1000 + "." + driverVersion % 1000 / 10 + ")";
    }
}
