package dev.lethe.cuda;

/**
 * Whether CUDA can run here, decided once. This is the only place that touches
 * {@link CudaDriver} first: it catches the {@link LinkageError} a missing {@code libcuda.so.1}
 * raises on that first touch, and the {@link CudaException} of a driver without devices, and
 * keeps the reason so every later question gets the same answer without touching CUDA again.
 */
final class CudaAvailability {
    private static final String NO_KERNELS = "the CUDA kernels were not compiled into this build (no nvcc at build time)";

    private CudaAvailability() {
    }

    /** The probe's outcome: the device, or why there is none. */
    record Outcome(CudaDeviceInfo device, String reason) {
        boolean available() {
            return device != null;
        }
    }

    private static final class Holder {
        static final Outcome OUTCOME = probe();
    }

    /** The outcome for device 0, computed on first call. */
    static Outcome get() {
        return Holder.OUTCOME;
    }

    private static Outcome probe() {
        CudaDeviceInfo device;
        try {
            device = CudaDriver.probe(0);
        } catch (ExceptionInInitializerError e) {
            return new Outcome(null, reasonFrom(e.getCause() != null ? e.getCause() : e));
        } catch (LinkageError | CudaException e) {
            return new Outcome(null, reasonFrom(e));
        }
        if (!KernelImage.isPresent()) {
            return new Outcome(null, NO_KERNELS + "; device " + device.describe() + " is present");
        }
        return new Outcome(device, "");
    }

    /**
     * The reason in one line. JavaCPP reports a failed load as "no jnicudart in
     * java.library.path" and keeps the loader's real complaint (which library could not be
     * opened, e.g. {@code libcuda.so.1: cannot open shared object file}) as the innermost cause;
     * that one is shown, without the path of JavaCPP's cache it was found through.
     */
    static String reasonFrom(Throwable e) {
        Throwable innermost = e;
        while (innermost.getCause() != null && innermost.getCause() != innermost) {
            innermost = innermost.getCause();
        }
        String message = innermost.getMessage() == null ? innermost.getClass().getSimpleName()
                : innermost.getMessage().strip().replace('\n', ' ');
        if (innermost instanceof LinkageError) {
            java.util.regex.Matcher m = SHARED_OBJECT_ERROR.matcher(message);
            return "the CUDA libraries could not be loaded: " + (m.matches() ? m.group(1) : message);
        }
        return message;
    }

    /** "/path/to/libjnicudart.so: libcuda.so.1: cannot open shared object file: ..." → group 1 is the part after the path. */
    private static final java.util.regex.Pattern SHARED_OBJECT_ERROR = java.util.regex.Pattern.compile("/\\S+?\\.so: (.+)");
}
