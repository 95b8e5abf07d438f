package dev.lethe.unlearn;

import dev.lethe.unlearn.analytic.AnalyticUnlearning;
import dev.lethe.unlearn.baseline.FineTune;
import dev.lethe.unlearn.baseline.GradientAscent;
import dev.lethe.unlearn.baseline.L1Sparse;
import dev.lethe.unlearn.baseline.RandomLabels;
import dev.lethe.unlearn.baseline.Retrain;
import dev.lethe.unlearn.salun.SaliencyUnlearning;
import dev.lethe.unlearn.ssd.SelectiveSynapticDampening;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Every method by the name the command line uses, in the order tables list them (retrain, the
 * gold standard, first).
 */
public final class UnlearningMethods {
    private static final Map<String, Function<Hyperparameters, Unlearner>> FACTORIES = new LinkedHashMap<>();

    static {
        FACTORIES.put("retrain", Retrain::new);
        FACTORIES.put("ft", FineTune::new);
        FACTORIES.put("ga", GradientAscent::new);
        FACTORIES.put("rl", RandomLabels::new);
        FACTORIES.put("l1", L1Sparse::new);
        FACTORIES.put("ssd", SelectiveSynapticDampening::new);
        FACTORIES.put("salun", SaliencyUnlearning::new);
        FACTORIES.put("acu", AnalyticUnlearning::new);
    }

    /** The method names, retrain first. */
    public static final List<String> NAMES = List.copyOf(FACTORIES.keySet());

    private UnlearningMethods() {
    }

    /**
     * The method {@code name} with hyper-parameters {@code h} (checked now: an unknown key or a
     * value out of range is an {@link InvalidHyperparameterException}).
     */
    public static Unlearner create(String name, Hyperparameters h) {
        Function<Hyperparameters, Unlearner> factory = FACTORIES.get(name);
        if (factory == null) {
            throw new InvalidHyperparameterException("unknown method '" + name + "'; expected one of "
                    + String.join(", ", NAMES));
        }
        return factory.apply(h);
    }
}
