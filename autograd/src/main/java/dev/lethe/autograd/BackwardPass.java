package dev.lethe.autograd;

import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Storage;
import dev.lethe.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One reverse sweep over the graph below a root: nodes in reverse topological order (found by
 * an iterative depth-first search, so graphs of any depth are fine), each node's backward rule
 * run once with the sum of the gradients its output received, leaf gradients accumulated.
 *
 * <p>Memory: the sweep runs in its own {@link MemoryScope}, and each rule in a nested one from
 * which only its results are kept. Gradients waiting for a node are reference-counted by
 * storage (a rule may return views of its incoming gradient), and storage the sweep itself
 * allocated is freed as soon as no pending gradient uses it, so peak memory holds the
 * gradients of the current frontier, not of the whole graph.
 */
final class BackwardPass {
    private final Map<Function, Tensor> pending = new IdentityHashMap<>();
    private final Map<Storage, int[]> refs = new IdentityHashMap<>();
    private final Set<Storage> ownStorage = Collections.newSetFromMap(new IdentityHashMap<>());

    private BackwardPass() {
    }

    /** Back-propagates {@code seed} (shape-checked by the caller) from {@code root}. */
    static void run(Variable root, Tensor seed, boolean retainGraph) {
        Function rootFn = root.gradFn();
        if (rootFn == null) {
            root.accumulateGrad(seed);
            return;
        }
        List<Function> order = topologicalOrder(rootFn);
        try (MemoryScope scope = MemoryScope.open()) {
            new BackwardPass().sweep(order, seed, retainGraph);
        }
    }

    /** Nodes reachable from {@code root}, each after every node that consumes its output. */
    private static List<Function> topologicalOrder(Function root) {
        List<Function> postOrder = new ArrayList<>();
        Set<Function> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Function> nodes = new ArrayDeque<>();
        Deque<int[]> next = new ArrayDeque<>(); // per stacked node: index of the next input to visit
        checkLive(root);
        seen.add(root);
        nodes.push(root);
        next.push(new int[1]);
        while (!nodes.isEmpty()) {
            Function fn = nodes.peek();
            Variable[] in = fn.inputs();
            int[] at = next.peek();
            if (at[0] < in.length) {
                Variable v = in[at[0]++];
                Function child = v == null || !v.requiresGrad() ? null : v.gradFn();
                if (child != null && seen.add(child)) {
                    checkLive(child);
                    nodes.push(child);
                    next.push(new int[1]);
                }
            } else {
                nodes.pop();
                next.pop();
                postOrder.add(fn);
            }
        }
        Collections.reverse(postOrder);
        return postOrder;
    }

    private static void checkLive(Function fn) {
        if (fn.isReleased()) {
            throw new IllegalStateException("backward through a graph that was already freed (at " + fn.name()
                    + "); pass retainGraph = true to the first backward to run backward again");
        }
    }

    private void sweep(List<Function> order, Tensor seed, boolean retainGraph) {
        put(order.get(0), seed);
        for (Function fn : order) {
            Tensor g = pending.remove(fn);
            if (g != null) {
                propagate(fn, g);
                unref(g);
            }
            if (!retainGraph) {
                fn.release();
            }
        }
    }

    /** Runs one backward rule and routes its results to leaves or to pending nodes. */
    private void propagate(Function fn, Tensor g) {
        Variable[] in = fn.inputs();
        Tensor[] grads;
        try (MemoryScope local = MemoryScope.open()) {
            grads = fn.backward(g);
            if (grads.length != in.length) {
                throw new IllegalStateException(fn.name() + ".backward returned " + grads.length
                        + " gradients for " + in.length + " inputs");
            }
            for (int i = 0; i < in.length; i++) {
                if (grads[i] == null || !fn.needsInputGrad(i)) {
                    grads[i] = null;
                    continue;
                }
                int[] want = in[i].value().shape();
                if (!Arrays.equals(grads[i].shape(), want)) {
                    throw new IllegalStateException(fn.name() + ".backward returned a gradient of shape "
                            + Shape.str(grads[i].shape()) + " for input " + i + " of shape " + Shape.str(want));
                }
                if (grads[i].dtype() != in[i].dtype()) {
                    grads[i] = grads[i].to(in[i].dtype()); // an input promoted by a mixed-type operation
                }
                int before = local.size();
                local.keep(grads[i]);
                if (local.size() < before) {
                    ownStorage.add(grads[i].storage());
                }
            }
        }
        // Count every result first: one storage may back several of them.
        for (Tensor t : grads) {
            if (t != null) {
                ref(t);
            }
        }
        for (int i = 0; i < in.length; i++) {
            if (grads[i] == null) {
                continue;
            }
            Variable v = in[i];
            if (v.gradFn() == null) {
                v.accumulateGrad(grads[i]);
            } else {
                Tensor old = pending.get(v.gradFn());
                if (old == null) {
                    put(v.gradFn(), grads[i]);
                } else {
                    Tensor sum = old.add(grads[i]);
                    ownStorage.add(sum.storage());
                    put(v.gradFn(), sum);
                    unref(old);
                }
            }
        }
        for (Tensor t : grads) {
            if (t != null) {
                unref(t);
            }
        }
    }

    private void put(Function fn, Tensor g) {
        pending.put(fn, g);
        ref(g);
    }

    private void ref(Tensor t) {
        refs.computeIfAbsent(t.storage(), s -> new int[1])[0]++;
    }

    private void unref(Tensor t) {
        Storage s = t.storage();
        int[] count = refs.get(s);
        if (--count[0] == 0) {
            refs.remove(s);
            if (ownStorage.remove(s)) {
                s.release();
            }
        }
    }
}
