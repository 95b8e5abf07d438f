package dev.lethe.cli;

import dev.lethe.data.Dataset;
import dev.lethe.nn.ModelSpec;
import dev.lethe.tensor.Device;
import dev.lethe.unlearn.ForgetSet;
import dev.lethe.unlearn.ForgetSpec;
import dev.lethe.unlearn.Hyperparameters;
import dev.lethe.unlearn.TrainedModel;
import java.io.IOException;

/**
 * What the unlearning commands read: the model (its {@code --set} config keys applied, the
 * other {@code --set} keys left to the method), the data checked against the model, and the
 * forget set.
 */
final class UnlearningInputs {
    private UnlearningInputs() {
    }

    /** The model of {@code options}, with its recipe, seed and analytic head, its network moved to {@code device}. */
    static TrainedModel model(ModelFileOptions options, Device device) throws IOException {
        TrainedModel m = TrainedModel.of(options.file(), options.load(ModelSpec::isConfigKey));
        m.network().to(device);
        return m;
    }

    /** The {@code --set} keys that are not model config keys: the method's hyper-parameters. */
    static Hyperparameters hyperparameters(ModelFileOptions options) {
        return Hyperparameters.of(options.otherSettings(ModelSpec::isConfigKey));
    }

    /** {@code argument}'s data, normalised as the model expects and checked against its input shape and classes. */
    static Dataset data(DatasetArgument argument, ModelSpec spec, Console console) throws IOException {
        Dataset data = argument.load(ModelInputs.normalization(spec), spec.numClasses(), console);
        ModelInputs.checkImages(spec, data);
        ModelInputs.checkLabels(spec, data);
        return data;
    }

    /** The forget set {@code spec} names in {@code data}. */
    static ForgetSet forget(String spec, Dataset data) throws IOException {
        return ForgetSpec.parse(spec, data);
    }
}
