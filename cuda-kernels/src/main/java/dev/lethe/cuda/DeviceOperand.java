package dev.lethe.cuda;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.Tensor;

/**
 * A device tensor as a kernel wants it: of one dtype (the kernels compute in one) and, for the
 * kernels that index rows directly, contiguous. It is the tensor itself when it already is, or a
 * converted device copy that {@link #close()} frees. The view is checked against its storage
 * before anything reads it.
 */
final class DeviceOperand implements AutoCloseable {
    /** The tensor to hand to the kernel. */
    final Tensor tensor;
    private final boolean owned;

    private DeviceOperand(Tensor t, DType type, boolean contiguous) {
        LaunchChecks.checkWithinStorage(t, "operand");
        if (t.dtype() == type && (!contiguous || t.isContiguous())) {
            tensor = t;
            owned = false;
        } else {
            tensor = Tensor.empty(t.backend(), type, t.shape());
            tensor.copyFrom_(t);
            owned = true;
        }
    }

    /** t in {@code type}, any strides (elementwise kernels walk views through their layout). */
    static DeviceOperand of(Tensor t, DType type) {
        return new DeviceOperand(t, type, false);
    }

    /** t in {@code type} and contiguous (row kernels address elements from a base pointer). */
    static DeviceOperand contiguous(Tensor t, DType type) {
        return new DeviceOperand(t, type, true);
    }

    /** The device address of the tensor's first element. */
    long address() {
        return DeviceElementwise.address(tensor) + (long) tensor.offset() * tensor.dtype().byteSize();
    }

    @Override
    public void close() {
        if (owned) {
            tensor.close();
        }
    }
}
