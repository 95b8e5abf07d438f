package dev.lethe.tensor.cpu;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.Tensor;

/**
 * A row-major, gap-free form of a tensor for the duration of one kernel: the tensor itself when
 * it already is contiguous, otherwise a copy that {@link #close()} frees. Kernels then address
 * elements as {@code offset + flat position}.
 */
final class Dense implements AutoCloseable {
    /** The contiguous tensor (the original or the copy). */
    final Tensor tensor;
    /** Its storage. */
    final HostStorage storage;
    /** Element offset of its first element. */
    final int offset;
    private final boolean copied;

    private Dense(Tensor tensor, boolean copied) {
        this.tensor = tensor;
        this.storage = (HostStorage) tensor.storage();
        this.offset = tensor.offset();
        this.copied = copied;
    }

    /** The tensor as it is when contiguous, else a contiguous copy. */
    static Dense of(Tensor t) {
        return t.isContiguous() ? new Dense(t, false) : new Dense(t.copy(), true);
    }

    /** Element type. */
    DType dtype() {
        return tensor.dtype();
    }

    @Override
    public void close() {
        if (copied) {
            tensor.close();
        }
    }
}
