package dev.lethe.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.Backends;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The backend is found through ServiceLoader and, wherever it cannot run, says why and changes nothing. */
class CudaBackendAvailabilityTest {

    private static Backend cuda() {
        return Backends.all().stream().filter(b -> b.name().equals("cuda")).findFirst().orElse(null);
    }

    @Test
    void serviceLoaderFindsTheBackendAfterTheCpu() {
        Backend cuda = cuda();
        assertNotNull(cuda, "cuda backend not registered: " + Backends.all());
        assertEquals("cpu", Backends.all().get(0).name());
        assertEquals(new Device("cuda", 0), cuda.device());
        assertTrue(cuda instanceof CudaBackend);
    }

    @Test
    void availabilityAndReasonAgreeAndAreStable() {
        Backend cuda = cuda();
        boolean available = cuda.isAvailable();
        String reason = cuda.unavailableReason();
        assertEquals(available, reason.isEmpty(), "reason: " + reason);
        // Asking again never touches CUDA again and gives the same answer.
        assertEquals(available, cuda.isAvailable());
        assertEquals(reason, cuda.unavailableReason());
        assertFalse(reason.contains("\n"), reason);
    }

    @Test
    void anUnavailableBackendIsRefusedWithItsReasonAndTheCpuKeepsWorking() {
        Backend cuda = cuda();
        if (cuda.isAvailable()) {
            return; // nothing to refuse on a machine with a device
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.forDevice(cuda.device()));
        assertTrue(e.getMessage().contains(cuda.unavailableReason()), e.getMessage());
        assertThrows(IllegalStateException.class, () -> ((CudaBackend) cuda).deviceInfo());
        // Device work on the unavailable backend is refused with the same reason, before any CUDA call.
        IllegalStateException direct = assertThrows(IllegalStateException.class, () -> cuda.allocate(16));
        assertTrue(direct.getMessage().contains(cuda.unavailableReason()), direct.getMessage());
        Tensor t = Tensor.of(new float[] {1, 2, 3}, 3);
        assertEquals(6.0, t.sum().item(), 0.0);
    }

    @Test
    void aMissingDriverLibraryIsNamedWithoutJavaCppsCachePath() {
        UnsatisfiedLinkError inner = new UnsatisfiedLinkError("/root/.javacpp/cache/cuda.jar/org/bytedeco/cuda/"
                + "linux-x86_64/libjnicudart.so: libcuda.so.1: cannot open shared object file: No such file or directory");
        UnsatisfiedLinkError outer = new UnsatisfiedLinkError("no jnicudart in java.library.path: /usr/lib");
        outer.initCause(inner);
        assertEquals("the CUDA libraries could not be loaded: libcuda.so.1: cannot open shared object file: "
                + "No such file or directory", CudaAvailability.reasonFrom(new ExceptionInInitializerError(outer)));
        assertEquals("cuInit failed: CUDA_ERROR_NO_DEVICE (100)",
                CudaAvailability.reasonFrom(new CudaException("cuInit failed: CUDA_ERROR_NO_DEVICE (100)")));
    }
}
