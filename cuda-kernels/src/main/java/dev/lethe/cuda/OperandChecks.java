package dev.lethe.cuda;

import dev.lethe.tensor.OperandRules;
import dev.lethe.tensor.Tensor;

/**
 * The device backend's own operand check, made before any launch or library call: that a tensor
 * lives in this device's memory (kernels and libraries take its address). Shapes and dtypes are
 * checked by {@link OperandRules}, with the same rules and messages as on the CPU.
 */
final class OperandChecks {
    private OperandChecks() {
    }

    /** Fails unless {@code t} is present and lives in device memory (the kernels take its address). */
    static void requireOnDevice(Tensor t, String what, String op) {
        OperandRules.requirePresent(t, what, op);
        if (!(t.storage() instanceof DeviceStorage)) {
            throw new IllegalArgumentException(op + ": " + what + " is on " + t.device()
                    + ", the CUDA backend needs tensors on the device");
        }
    }

    /** As {@link #requireOnDevice} for an optional operand: null passes. */
    static void requireOnDeviceIfPresent(Tensor t, String what, String op) {
        if (t != null) {
            requireOnDevice(t, what, op);
        }
    }
}
