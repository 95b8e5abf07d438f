package dev.lethe.unlearn.scenario;

import dev.lethe.unlearn.Hyperparameters;
import dev.lethe.unlearn.Unlearner;
import dev.lethe.unlearn.UnlearningMethods;

/**
 * A method to run in a scenario and its hyper-parameters.
 *
 * @param name            the method's name ({@link UnlearningMethods#NAMES})
 * @param hyperparameters its settings
 */
public record MethodChoice(String name, Hyperparameters hyperparameters) {
    /** The method with its defaults. */
    public static MethodChoice of(String name) {
        return new MethodChoice(name, Hyperparameters.none());
    }

    /** A new unlearner of this method (hyper-parameters checked). */
    public Unlearner create() {
        return UnlearningMethods.create(name, hyperparameters);
    }
}
