package dev.lethe.unlearn.baseline;

import dev.lethe.unlearn.Hyperparameters;
import dev.lethe.unlearn.TrainedModel;
import dev.lethe.unlearn.UnlearningRequest;
import java.util.Map;

/**
 * Gradient ascent on the forget set (UNLEARNING.md, ga; Thudi et al. 2022): the loss
 * {@code −mean CE} on D_f only, in training mode; it needs no retained data.
 *
 * <p>Keys and defaults ({@link FineTuningSettings}): {@code lr} 1e-4, {@code epochs} 5,
 * {@code momentum} 0 (plain gradient steps of size lr), {@code weight_decay} 5e-4;
 * {@code batch_size} 128, {@code seed} 0.
 *
 * <p>−CE has no lower bound, and the gradient grows with the weights it inflates, so a run can
 * blow up within a few epochs; a non-finite loss stops it with a
 * {@link dev.lethe.train.NonFiniteLossException} naming the step (the reference code would carry
 * on with NaN weights). That is why the momentum is 0 (a decision): with momentum 0.9, which
 * makes the effective step 10·lr, forgetting a whole Fashion-MNIST class (6000 samples) from
 * the default MLP overflowed in epoch 5 (the mean forget loss went −0.07, −0.46, −38, −5e17),
 * while lr 3e-5 with momentum 0.9 stayed finite.
 */
public final class GradientAscent extends FineTuningMethod {
    /** The method's name. */
    public static final String NAME = "ga";
    /** UNLEARNING.md's rate and epochs, without momentum (see the class comment). */
    public static final FineTuningSettings DEFAULTS = new FineTuningSettings(1e-4, 0.0, 5e-4, 5, 128, 0);

    /** Reads the settings from {@code h}; any other key is an error. */
    public GradientAscent(Hyperparameters h) {
        super(NAME, FineTuningSettings.read(h, DEFAULTS));
        h.requireAllUsed(NAME);
    }

    /** One pass over D_f ascending its cross-entropy. */
    @Override
    protected void configure(FineTuning loop, TrainedModel original, UnlearningRequest request,
                             Map<String, Object> statistics) {
        loop.pass(DataPass.ascending("forget", request.forgetData()));
    }
}
