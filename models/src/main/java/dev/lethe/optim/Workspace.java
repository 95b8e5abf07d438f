package dev.lethe.optim;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;

/**
 * Work tensors for an optimizer's update arithmetic, reused for every parameter and step: a
 * few flat buffers (per slot, dtype and backend) outside every scope, handed out as views shaped
 * like the parameter at hand. Updates then run as in-place operations only: allocating a fresh
 * temporary per operation costs more than the arithmetic (new pages must be faulted in), and
 * would make the step's memory traffic depend on the allocator.
 */
final class Workspace implements AutoCloseable {
    private record Key(int slot, DType dtype, Backend backend) {
    }

    private final Map<Key, Tensor> buffers = new HashMap<>();

    /**
     * A tensor of {@code like}'s shape, dtype and backend with arbitrary content, valid until
     * the next call for this slot.
     */
    Tensor get(int slot, Tensor like) {
        Key key = new Key(slot, like.dtype(), like.backend());
        int n = like.numel();
        Tensor buf = buffers.get(key);
        if (buf == null || buf.numel() < n) {
            if (buf != null) {
                buf.close();
            }
            buf = MemoryScope.detach(Tensor.empty(like.backend(), like.dtype(), Math.max(n, 1)));
            buffers.put(key, buf);
        }
        return buf.narrow(0, 0, n).view(like.shape());
    }

    /** Work slot {@code slot} holding a copy of {@code src}. */
    Tensor copyOf(int slot, Tensor src) {
        return get(slot, src).copyFrom_(src);
    }

    /** Frees the buffers. */
    @Override
    public void close() {
        buffers.values().forEach(Tensor::close);
        buffers.clear();
    }
}
