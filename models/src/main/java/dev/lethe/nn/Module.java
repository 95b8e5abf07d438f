package dev.lethe.nn;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Backends;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layer or a model: a function of one input {@link Variable} with named state, organised as in
 * PyTorch's {@code nn.Module}.
 *
 * <p>A module owns <em>parameters</em> (trainable leaf variables), <em>buffers</em> (plain tensors
 * such as BatchNorm's running statistics) and <em>child modules</em>, each registered under a
 * name. Dotted names ({@code layer1.0.conv1.weight}) and their order are PyTorch's: a module's
 * own parameters (buffers) in registration order, then each child's, depth first. So a PyTorch
 * {@code state_dict} of the same architecture lines up key for key with {@link #stateDict()}.
 *
 * <p>Parameters and buffers are taken out of every open {@link MemoryScope} when registered:
 * they persist across training steps. Loading a state dict and optimizer steps write into the
 * same storage, so references to a parameter stay valid.
 *
 * <p>Models are built on the host; {@link #to(Device)} moves every parameter and buffer to a
 * device in place, as PyTorch's {@code module.to(device)}. A parameter keeps its
 * {@link Variable} (only the tensor inside is replaced), so layers and optimizers holding the
 * variable see the new device; a buffer is replaced in this module's buffer map, which is why
 * layers read their buffers through {@link #buffer(String)} on every use instead of keeping the
 * tensor in a field.
 */
public abstract class Module {
    private final Map<String, Variable> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Computes this module's output for {@code x} (recording the graph unless under NoGrad). */
    public abstract Variable forward(Variable x);

    /** {@link #forward(Variable)} of a tensor that needs no gradient (an input batch). */
    public final Variable forward(Tensor x) {
        return forward(Variable.constant(x));
    }

    // ======================================================================================
    // registration (for subclasses' constructors)
    // ======================================================================================

    /**
     * Registers {@code value} as a trainable parameter named {@code name} and returns its
     * variable. The tensor leaves every open memory scope.
     */
    protected final Variable registerParameter(String name, Tensor value) {
        checkNewName(name);
        Variable p = Variable.parameter(MemoryScope.detach(value));
        parameters.put(name, p);
        return p;
    }

    /** Registers a buffer (state that is saved but not trained); the tensor leaves every open memory scope. */
    protected final Tensor registerBuffer(String name, Tensor value) {
        checkNewName(name);
        buffers.put(name, MemoryScope.detach(value));
        return value;
    }

    /**
     * The current tensor of this module's buffer {@code name}. Read it on every use: {@link #to}
     * replaces buffers, so a tensor kept from an earlier call may be freed.
     */
    protected final Tensor buffer(String name) {
        Tensor b = buffers.get(name);
        if (b == null) {
            throw new IllegalArgumentException(typeName() + " has no buffer '" + name + "'; it has " + buffers.keySet());
        }
        return b;
    }

    /** Registers a child module under {@code name} and returns it. */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkNewName(name);
        if (module == null) {
            throw new IllegalArgumentException("child module '" + name + "' is null");
        }
        children.put(name, module);
        return module;
    }

    private void checkNewName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("a module member needs a non-empty name without dots, got '"
                    + name + "'");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("'" + name + "' is already registered in " + typeName());
        }
    }

    // ======================================================================================
    // traversal
    // ======================================================================================

    /** Every parameter by dotted name, in PyTorch's order. */
    public final LinkedHashMap<String, Variable> namedParameters() {
        LinkedHashMap<String, Variable> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> m : namedModules().entrySet()) {
            String prefix = m.getKey().isEmpty() ? "" : m.getKey() + ".";
            m.getValue().parameters.forEach((name, p) -> out.put(prefix + name, p));
        }
        return out;
    }

    /** Every parameter, in the order of {@link #namedParameters()}. */
    public final List<Variable> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Every buffer by dotted name, in PyTorch's order. */
    public final LinkedHashMap<String, Tensor> namedBuffers() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> m : namedModules().entrySet()) {
            String prefix = m.getKey().isEmpty() ? "" : m.getKey() + ".";
            m.getValue().buffers.forEach((name, b) -> out.put(prefix + name, b));
        }
        return out;
    }

    /**
     * This module and every descendant by dotted path ({@code ""} for this one), parents before
     * children, children in registration order.
     */
    public final LinkedHashMap<String, Module> namedModules() {
        LinkedHashMap<String, Module> out = new LinkedHashMap<>();
        collectModules("", this, out);
        return out;
    }

    private static void collectModules(String path, Module m, Map<String, Module> out) {
        out.put(path, m);
        m.children.forEach((name, c) -> collectModules(path.isEmpty() ? name : path + "." + name, c, out));
    }

    /** The direct children by name, in registration order (read-only). */
    public final Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(children);
    }

    /** The direct child named {@code name}. */
    public final Module child(String name) {
        Module m = children.get(name);
        if (m == null) {
            throw new IllegalArgumentException(typeName() + " has no child module '" + name + "'; it has "
                    + children.keySet());
        }
        return m;
    }

    /**
     * Parameters and buffers by dotted name, as PyTorch's {@code state_dict()} orders them: for
     * each module (parents first), its parameters, then its buffers. The tensors are the live
     * ones, not copies, on the module's device (as PyTorch; writers copy to the host).
     */
    public final LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> m : namedModules().entrySet()) {
            String prefix = m.getKey().isEmpty() ? "" : m.getKey() + ".";
            m.getValue().parameters.forEach((name, p) -> out.put(prefix + name, p.value()));
            m.getValue().buffers.forEach((name, b) -> out.put(prefix + name, b));
        }
        return out;
    }

    // ======================================================================================
    // devices
    // ======================================================================================

    /**
     * Moves every parameter and buffer of this module and its descendants to {@code device}, in
     * place, and returns this (PyTorch's {@code module.to(device)}). Parameters keep their
     * {@link Variable}s (see {@link Variable#moveTo}), gradients move with them, buffers are
     * replaced in the buffer maps; the old storage of each moved tensor is freed at once, so
     * tensors taken from {@link #stateDict()} before the move must not be used afterwards. A
     * tensor already on {@code device} is left alone, so moving a model to its own device does
     * nothing. Move the model before making its optimizer: optimizer state made earlier stays
     * where it was made. Fails before anything moves when no usable backend serves the device.
     */
    public final Module to(Device device) {
        Backends.forDevice(device);
        for (Module m : namedModules().values()) {
            for (Variable p : m.parameters.values()) {
                p.moveTo(device);
            }
            for (Map.Entry<String, Tensor> e : m.buffers.entrySet()) {
                Tensor old = e.getValue();
                if (!old.device().equals(device)) {
                    e.setValue(MemoryScope.detach(old.to(device)));
                    old.close();
                }
            }
        }
        return this;
    }

    /**
     * The device of this module's first parameter (or, without parameters, first buffer), where
     * inputs must be for {@link #forward}; the CPU for a module without state.
     */
    public final Device device() {
        for (Variable p : namedParameters().values()) {
            return p.value().device();
        }
        for (Tensor b : namedBuffers().values()) {
            return b.device();
        }
        return Device.CPU;
    }

    // ======================================================================================
    // loading
    // ======================================================================================

    /** {@link #loadStateDict(Map, boolean)} with {@code strict = true}. */
    public final LoadResult loadStateDict(Map<String, Tensor> state) {
        return loadStateDict(state, true);
    }

    /**
     * Copies {@code state} into this module's parameters and buffers, in place (converting the
     * dtype, e.g. float64 to float32, and moving host tensors into a device model's storage). Everything is checked before anything is written: with
     * {@code strict}, every missing, unexpected, mis-shaped or non-convertible tensor is named in
     * one {@link StateDictMismatchException} and nothing is loaded. Without {@code strict},
     * missing and unexpected names are only reported in the result, but a shape or dtype
     * mismatch is still an error (as in PyTorch). An absent {@code num_batches_tracked} (older
     * PyTorch exports) is tolerated and set to 0.
     */
    public final LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        LinkedHashMap<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        List<String> resetToZero = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            String name = e.getKey();
            Tensor src = state.get(name);
            if (src == null) {
                if (name.equals("num_batches_tracked") || name.endsWith(".num_batches_tracked")) {
                    resetToZero.add(name);
                } else {
                    missing.add(name);
                }
                continue;
            }
            Tensor dst = e.getValue();
            if (!Arrays.equals(src.shape(), dst.shape())) {
                mismatched.add(name + " has shape " + Shape.str(src.shape()) + ", the model expects "
                        + Shape.str(dst.shape()));
            } else if (src.dtype().isFloating() != dst.dtype().isFloating()) {
                mismatched.add(name + " has dtype " + src.dtype() + ", the model expects " + dst.dtype());
            }
        }
        for (String name : state.keySet()) {
            if (!own.containsKey(name)) {
                unexpected.add(name);
            }
        }
        if (!mismatched.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
            throw new StateDictMismatchException(typeName(), strict ? missing : List.of(),
                    strict ? unexpected : List.of(), mismatched);
        }
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src != null) {
                e.getValue().copyFrom_(src);
            }
        }
        for (String name : resetToZero) {
            own.get(name).fill_(0);
        }
        return new LoadResult(List.copyOf(missing), List.copyOf(unexpected));
    }

    /**
     * What a non-strict {@link #loadStateDict(Map, boolean)} skipped.
     *
     * @param missing    model tensors the state dict did not have (left unchanged)
     * @param unexpected state-dict entries the model does not have (ignored)
     */
    public record LoadResult(List<String> missing, List<String> unexpected) {
    }

    // ======================================================================================
    // modes, gradients, counting
    // ======================================================================================

    /** Training mode for this module and every descendant (dropout active, batch statistics); returns this. */
    public Module train() {
        return train(true);
    }

    /** Sets training ({@code true}) or evaluation mode on this module and every descendant; returns this. */
    public Module train(boolean on) {
        for (Module m : namedModules().values()) {
            m.training = on;
        }
        return this;
    }

    /** Evaluation mode for this module and every descendant; returns this. */
    public Module eval() {
        return train(false);
    }

    /** True in training mode. */
    public final boolean isTraining() {
        return training;
    }

    /** Frees every parameter's accumulated gradient. */
    public final void zeroGrad() {
        for (Variable p : parameters()) {
            p.zeroGrad();
        }
    }

    /** Number of parameter elements (buffers excluded). */
    public final long parameterCount() {
        long n = 0;
        for (Variable p : parameters()) {
            n += p.numel();
        }
        return n;
    }

    /** Number of elements of parameters that currently require a gradient. */
    public final long trainableParameterCount() {
        long n = 0;
        for (Variable p : parameters()) {
            if (p.requiresGrad()) {
                n += p.numel();
            }
        }
        return n;
    }

    /**
     * A table of every parameter (name, shape, element count) and the totals, e.g.
     * <pre>
     * Mlp
     * parameter      shape        count
     * fc1.weight     [32, 784]   25,088
     * ...
     * total parameters: 25,962 (trainable 25,962); buffers: 0 tensors
     * </pre>
     */
    public final String summary() {
        LinkedHashMap<String, Variable> params = namedParameters();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"parameter", "shape", "count"});
        for (Map.Entry<String, Variable> e : params.entrySet()) {
            Variable p = e.getValue();
            String name = p.requiresGrad() ? e.getKey() : e.getKey() + " (frozen)";
            rows.add(new String[] {name, Shape.str(p.shape()), String.format("%,d", (long) p.numel())});
        }
        int[] width = new int[3];
        for (String[] r : rows) {
            for (int i = 0; i < 3; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder(typeName()).append('\n');
        for (String[] r : rows) {
            sb.append(pad(r[0], width[0], false)).append("  ")
                    .append(pad(r[1], width[1], false)).append("  ")
                    .append(pad(r[2], width[2], true)).append('\n');
        }
        Map<String, Tensor> bufs = namedBuffers();
        long bufferElements = 0;
        for (Tensor b : bufs.values()) {
            bufferElements += b.numel();
        }
        sb.append(String.format("total parameters: %,d (trainable %,d); buffers: %d tensors, %,d elements%n",
                parameterCount(), trainableParameterCount(), bufs.size(), bufferElements));
        return sb.toString();
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(width - s.length());
        return right ? fill + s : s + fill;
    }

    /** The name shown in summaries and errors: the class's simple name. */
    public String typeName() {
        return getClass().getSimpleName();
    }

    /** The type name and parameter count, e.g. {@code ResNet(11,173,962 parameters)}. */
    @Override
    public String toString() {
        return String.format("%s(%,d parameters)", typeName(), parameterCount());
    }
}
