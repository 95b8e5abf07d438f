package dev.lethe.optim;

import dev.lethe.autograd.Variable;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** Argument checks shared by the optimizers, with messages that name the bad value. */
final class OptimizerChecks {
    private OptimizerChecks() {
    }

    /** A non-empty list of distinct floating-point leaves, copied. */
    static List<Variable> parameters(List<Variable> params, String optimizer) {
        if (params == null || params.isEmpty()) {
            throw new IllegalArgumentException(optimizer + " needs at least one parameter");
        }
        Set<Variable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < params.size(); i++) {
            Variable p = params.get(i);
            if (p == null) {
                throw new IllegalArgumentException(optimizer + ": parameter " + i + " is null");
            }
            if (!p.isLeaf() || !p.dtype().isFloating()) {
                throw new IllegalArgumentException(optimizer + ": parameter " + i
                        + " must be a floating-point leaf, got " + p);
            }
            if (!seen.add(p)) {
                throw new IllegalArgumentException(optimizer + ": parameter " + i + " appears twice");
            }
        }
        return List.copyOf(params);
    }

    static void learningRate(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a finite number >= 0, got " + lr);
        }
    }

    static void weightDecay(double wd) {
        if (!(wd >= 0) || Double.isInfinite(wd)) {
            throw new IllegalArgumentException("weight decay must be a finite number >= 0, got " + wd);
        }
    }
}
