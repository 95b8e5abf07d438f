package dev.lethe.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deterministic lifetime for native memory. Every {@link Storage} allocated while a scope is
 * open on the current thread belongs to the innermost scope and is released when that scope
 * closes, unless it was {@linkplain #keep(Tensor) kept}, which hands it to the enclosing scope
 * (or, at the outermost level, to the caller, who frees it with {@link Tensor#close()} or leaves
 * it to the garbage collector).
 *
 * <pre>{@code
 * try (var scope = MemoryScope.open()) {
 *     Tensor h = x.matmul(w).relu();        // freed at the end of the block
 *     result = scope.keep(h.sum());         // survives the block
 * }
 * }</pre>
 *
 * Scopes are per thread and must be closed in the reverse order of opening.
 */
public final class MemoryScope implements AutoCloseable {
    private static final ThreadLocal<Deque<MemoryScope>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

    private final Map<Storage, Boolean> owned = new IdentityHashMap<>();
    private final Thread thread = Thread.currentThread();
    private boolean closed;

    private MemoryScope() {
    }

    /** Opens a scope on the current thread. */
    public static MemoryScope open() {
        MemoryScope scope = new MemoryScope();
        STACK.get().push(scope);
        return scope;
    }

    /** The innermost open scope of this thread, or null. */
    public static MemoryScope current() {
        return STACK.get().peek();
    }

    /**
     * Hands a newly allocated storage to the innermost scope of this thread, if one is open.
     * Every backend calls this once for each storage it allocates.
     */
    public static void register(Storage storage) {
        MemoryScope scope = STACK.get().peek();
        if (scope != null) {
            scope.owned.put(storage, Boolean.TRUE);
        }
    }

    /**
     * Moves the tensor's storage out of this scope into the enclosing one (or to no scope), so
     * it survives {@link #close()}. Returns the tensor for chaining.
     */
    public Tensor keep(Tensor tensor) {
        if (owned.remove(tensor.storage()) != null) {
            MemoryScope parent = parentOf(this);
            if (parent != null) {
                parent.owned.put(tensor.storage(), Boolean.TRUE);
            }
        }
        return tensor;
    }

    /** Keeps every tensor of the list; see {@link #keep(Tensor)}. */
    public <T extends Iterable<Tensor>> T keepAll(T tensors) {
        for (Tensor t : tensors) {
            keep(t);
        }
        return tensors;
    }

    /** Keeps a tensor wherever it was allocated: it is removed from every open scope of this thread. */
    public static Tensor detach(Tensor tensor) {
        for (MemoryScope s : STACK.get()) {
            s.owned.remove(tensor.storage());
        }
        return tensor;
    }

    /** Number of storages this scope currently owns. */
    public int size() {
        return owned.size();
    }

    /** Releases every storage still owned. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("a MemoryScope must be closed on the thread that opened it");
        }
        Deque<MemoryScope> stack = STACK.get();
        if (stack.peek() != this) {
            throw new IllegalStateException("MemoryScopes must be closed innermost first");
        }
        stack.pop();
        closed = true;
        List<Storage> toFree = new ArrayList<>(owned.keySet());
        owned.clear();
        for (Storage s : toFree) {
            s.release();
        }
    }

    private static MemoryScope parentOf(MemoryScope scope) {
        boolean found = false;
        for (MemoryScope s : STACK.get()) { // iterates innermost first
            if (found) {
                return s;
            }
            found = s == scope;
        }
        return null;
    }
}
