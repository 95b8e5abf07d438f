package dev.lethe.nn;

import dev.lethe.autograd.Variable;
import java.util.ArrayList;
import java.util.List;

/** Modules applied one after another, registered as children {@code 0, 1, ...} (PyTorch's {@code nn.Sequential}). */
public final class Sequential extends Module {
    private final List<Module> layers = new ArrayList<>();

    /** The given modules, in order. */
    public Sequential(Module... modules) {
        for (Module m : modules) {
            add(m);
        }
    }

    /** The given modules, in order. */
    public Sequential(List<? extends Module> modules) {
        for (Module m : modules) {
            add(m);
        }
    }

    /** Appends a module as child {@code size()}; returns this. */
    public Sequential add(Module module) {
        registerModule(Integer.toString(layers.size()), module);
        layers.add(module);
        return this;
    }

    /** The module at position {@code i}. */
    public Module get(int i) {
        return layers.get(i);
    }

    /** Number of modules. */
    public int size() {
        return layers.size();
    }

    @Override
    public Variable forward(Variable x) {
        Variable y = x;
        for (Module m : layers) {
            y = m.forward(y);
        }
        return y;
    }
}
