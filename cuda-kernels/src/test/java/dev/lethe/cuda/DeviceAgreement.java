package dev.lethe.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lethe.tensor.Backends;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;

/**
 * What every device-against-CPU test shares: the device, the skip where none exists, the
 * tolerances of the op test suite, and the comparison in float64 as relative error
 * ‖gpu − cpu‖ / ‖cpu‖.
 */
final class DeviceAgreement {
    static final Device CUDA = new Device("cuda", 0);

    private DeviceAgreement() {
    }

    /** Skips the calling test class unless a CUDA device is available. */
    static void requireDevice() {
        assumeTrue(Backends.all().stream().anyMatch(b -> b.name().equals("cuda") && b.isAvailable()),
                "no CUDA device here");
    }

    static CudaBackend backend() {
        return (CudaBackend) Backends.forDevice(CUDA);
    }

    /** 1e-5 for float32 elementwise ops, 1e-4 for float32 products and convolutions (TF32 off), 1e-12 in float64. */
    static double tol(DType t, boolean product) {
        return t == DType.FLOAT64 ? 1e-12 : (product ? 1e-4 : 1e-5);
    }

    /** A seeded standard-normal tensor on the host. */
    static Tensor randn(int seed, DType t, int... shape) {
        return Tensor.randn(new Philox(seed), t, shape);
    }

    /**
     * ‖got − want‖ / ‖want‖ ≤ tol (absolute when want is zero); NaN and infinities must sit at the
     * same places. Prints the error as an {@code [agreement]} line and returns it, for reports.
     */
    static double assertClose(Tensor got, Tensor want, double tol, String what) {
        assertArrayEquals(want.shape(), got.shape(), what + ": shape");
        double[] g = got.toDoubleArray();
        double[] w = want.toDoubleArray();
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < w.length; i++) {
            if (Double.isNaN(w[i]) || Double.isNaN(g[i])) {
                assertEquals(Double.isNaN(w[i]), Double.isNaN(g[i]), what + ": NaN at " + i);
                continue;
            }
            if (Double.isInfinite(w[i])) {
                assertEquals(w[i], g[i], what + ": infinity at " + i);
                continue;
            }
            diff += (g[i] - w[i]) * (g[i] - w[i]);
            norm += w[i] * w[i];
        }
        double err = norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
        // one line per comparison, so a run's log gives the error of every op family (grep agreement)
        System.out.printf(java.util.Locale.ROOT, "[agreement] %s: %.3e (limit %.0e)%n", what, err, tol);
        assertTrue(err <= tol, what + ": relative error " + err + " > " + tol);
        return err;
    }
}
