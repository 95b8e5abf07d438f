package dev.lethe.cuda;

import dev.lethe.tensor.Tensor;

/** Argument checks of the library-backed ops (cuDNN, cuSOLVER) that hand raw device addresses to native code. */
final class DeviceArgs {
    private DeviceArgs() {
    }

    /** Fails unless {@code t} is a live tensor in this backend's device memory. */
    static void requireOnDevice(Tensor t, String what, String op) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": " + what + " must not be null");
        }
        if (!(t.storage() instanceof DeviceStorage)) {
            throw new IllegalArgumentException(op + ": " + what + " is on " + t.device()
                    + ", the CUDA backend needs device tensors");
        }
    }
}
