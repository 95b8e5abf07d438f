package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Concatenation along an axis; each part's gradient is its slice (a view) of the incoming one. */
public final class Cat extends Function {
    private final int axis;
    private final int[] lengths;

    private Cat(int axis, int[] lengths) {
        this.axis = axis;
        this.lengths = lengths;
    }

    /** The forward rule; parts agree in dtype and in every dimension but {@code axis}. */
    public static Variable apply(List<Variable> parts, int axis) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("cat needs at least one variable");
        }
        int a = Shape.axis(axis, parts.get(0).rank());
        List<Tensor> values = new ArrayList<>(parts.size());
        int[] lengths = new int[parts.size()];
        for (int i = 0; i < lengths.length; i++) {
            values.add(parts.get(i).value());
            lengths[i] = parts.get(i).rank() > a ? parts.get(i).size(a) : 0;
        }
        Tensor out = Tensor.cat(values, a);
        return new Cat(a, lengths).record(out, parts.toArray(new Variable[0]));
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor[] grads = new Tensor[lengths.length];
        int at = 0;
        for (int i = 0; i < lengths.length; i++) {
            if (needsInputGrad(i)) {
                grads[i] = g.narrow(axis, at, lengths[i]);
            }
            at += lengths[i];
        }
        return grads;
    }
}
