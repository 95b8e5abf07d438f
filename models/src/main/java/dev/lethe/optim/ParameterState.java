package dev.lethe.optim;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-parameter state of an optimizer: for each named slot (e.g. {@code exp_avg}) at most
 * one tensor per parameter, allocated on first use outside every {@link MemoryScope} and freed
 * by {@link #close()}. Slots are either shaped like their parameter or rank-0 counters (int64).
 */
final class ParameterState implements AutoCloseable {

    /** One kind of state: a tensor like the parameter, or a rank-0 int64 counter. */
    record Slot(String name, boolean counter) {
        static Slot like(String name) {
            return new Slot(name, false);
        }

        static Slot counter(String name) {
            return new Slot(name, true);
        }
    }

    private final List<Variable> params;
    private final List<Slot> slots;
    private final Tensor[][] tensors;

    ParameterState(List<Variable> params, Slot... slots) {
        this.params = params;
        this.slots = List.of(slots);
        this.tensors = new Tensor[slots.length][params.size()];
    }

    /** The tensor of {@code slot} for parameter {@code param}, or null before its first update. */
    Tensor get(int slot, int param) {
        return tensors[slot][param];
    }

    /** A new state tensor holding a copy of {@code value} (which has the slot's shape). */
    Tensor create(int slot, int param, Tensor value) {
        Tensor p = params.get(param).value();
        Tensor t = MemoryScope.detach(Tensor.empty(p.backend(), expectedDType(slot, param), expectedShape(slot, param)));
        try (MemoryScope scope = MemoryScope.open()) {
            t.copyFrom_(value.to(p.device())); // state read from a file is on the host
        }
        Tensor old = tensors[slot][param];
        tensors[slot][param] = t;
        if (old != null) {
            old.close();
        }
        return t;
    }

    /** A new state tensor of zeros. */
    Tensor zeros(int slot, int param) {
        Tensor p = params.get(param).value();
        Tensor t = MemoryScope.detach(Tensor.empty(p.backend(), expectedDType(slot, param), expectedShape(slot, param)));
        t.fill_(0.0);
        tensors[slot][param] = t;
        return t;
    }

    /** Frees the tensor of {@code slot} for parameter {@code param}, as before its first update. */
    void discard(int slot, int param) {
        Tensor old = tensors[slot][param];
        tensors[slot][param] = null;
        if (old != null) {
            old.close();
        }
    }

    /** Every allocated tensor as {@code <param>.<slot>}, parameters in order. */
    Map<String, Tensor> export() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int p = 0; p < params.size(); p++) {
            for (int s = 0; s < slots.size(); s++) {
                if (tensors[s][p] != null) {
                    out.put(p + "." + slots.get(s).name(), tensors[s][p]);
                }
            }
        }
        return out;
    }

    /**
     * Replaces all state by copies of {@code state}'s entries, after checking every name and
     * shape.
     */
    void load(Map<String, Tensor> state) {
        Map<int[], Tensor> parsed = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            int[] at = parse(e.getKey());
            Tensor t = e.getValue();
            int[] shape = expectedShape(at[1], at[0]);
            if (!Arrays.equals(t.shape(), shape)) {
                throw new IllegalArgumentException("optimizer state \"" + e.getKey() + "\" has shape "
                        + Shape.str(t.shape()) + ", expected " + Shape.str(shape));
            }
            parsed.put(at, t);
        }
        clear();
        for (Map.Entry<int[], Tensor> e : parsed.entrySet()) {
            create(e.getKey()[1], e.getKey()[0], e.getValue());
        }
    }

    /** Frees every state tensor. */
    @Override
    public void close() {
        clear();
    }

    private void clear() {
        for (Tensor[] row : tensors) {
            for (int p = 0; p < row.length; p++) {
                if (row[p] != null) {
                    row[p].close();
                    row[p] = null;
                }
            }
        }
    }

    /** {@code "<param>.<slot>"} as {param, slot}; an IllegalArgumentException for anything else. */
    private int[] parse(String key) {
        int dot = key.indexOf('.');
        String known = "known slots: " + slots.stream().map(Slot::name).toList() + " of parameters 0.."
                + (params.size() - 1);
        if (dot > 0) {
            try {
                int p = Integer.parseInt(key.substring(0, dot));
                String name = key.substring(dot + 1);
                for (int s = 0; s < slots.size(); s++) {
                    if (slots.get(s).name().equals(name) && p >= 0 && p < params.size()) {
                        return new int[] {p, s};
                    }
                }
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
        }
        throw new IllegalArgumentException("unknown optimizer state \"" + key + "\" (" + known + ")");
    }

    private int[] expectedShape(int slot, int param) {
        return slots.get(slot).counter() ? new int[0] : params.get(param).shape();
    }

    private DType expectedDType(int slot, int param) {
        return slots.get(slot).counter() ? DType.INT64 : params.get(param).dtype();
    }
}
