package dev.lethe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lethe.data.Dataset;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.train.Progress;
import dev.lethe.unlearn.ForgetSet;
import dev.lethe.unlearn.Hyperparameters;
import dev.lethe.unlearn.TrainedModel;
import dev.lethe.unlearn.Unlearner;
import dev.lethe.unlearn.UnlearningMethods;
import dev.lethe.unlearn.UnlearningRecord;
import dev.lethe.unlearn.UnlearningRequest;
import dev.lethe.unlearn.UnlearningResult;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lethe unlearn}: one method on one request (CLI.md). Reads the model and its training
 * data, forgets the samples {@code --forget} names and writes the whole unlearned model to
 * {@code --out} (same names and metadata as the input, plus the analytic head's tensors when it
 * has one). The hyper-parameters are checked before any work; the input model file is never
 * written (an {@code --out} naming it is a usage error).
 */
@Command(name = "unlearn", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Make a trained model forget samples or classes with one method.")
final class UnlearnCommand extends LetheCommand {
    @Option(names = "--method", required = true, paramLabel = "METHOD",
            description = "retrain, ft, ga, rl, l1, ssd, salun or acu.")
    private String method;

    @Mixin
    private ModelFileOptions model;

    @Option(names = "--data", required = true, paramLabel = "DATASET", converter = DatasetArgument.Converter.class,
            description = "The training data D the model learned (e.g. fashion-mnist).")
    private DatasetArgument data;

    @Option(names = "--forget", required = true, paramLabel = "SPEC",
            description = "class:K[,K2...], random:FRACTION[:SEED], indices:FILE or range:A-B.")
    private String forget;

    @Option(names = "--out", required = true, paramLabel = "OUT.safetensors",
            description = "Where to write the unlearned model.")
    private Path out;

    @Option(names = "--json", description = "Print the run's record as one JSON document.")
    private boolean json;

    @Mixin
    private DeviceOption device;

    UnlearnCommand(Console console) {
        super(console);
    }

    @Override
    protected void run() throws Exception {
        OutputFiles.requireDistinct(this, out, "--out", model.file(), "--model");
        Device on = device.device();
        Hyperparameters h = UnlearningInputs.hyperparameters(model);
        Unlearner unlearner = UnlearningMethods.create(method.toLowerCase(Locale.ROOT), h);
        try (MemoryScope scope = MemoryScope.open()) {
            TrainedModel original = UnlearningInputs.model(model, on);
            Dataset train = UnlearningInputs.data(data, original.spec(), console);
            ForgetSet forgetSet = UnlearningInputs.forget(forget, train);
            UnlearningRequest request = UnlearningRequest.of(train, forgetSet);
            console.err().printf(Locale.ROOT, "%s: forgetting %s with %s%s%n", model.file(), forgetSet,
                    unlearner.name(), h.values().isEmpty() ? "" : " " + h.values());
            UnlearningResult result = unlearner.unlearn(original, request, Progress.forConsole(console.err(), 50));
            result.model().write(out);
            UnlearningRecord r = result.record();
            if (json) {
                console.out().println(recordJson(r, forgetSet, out));
            } else {
                console.out().printf(Locale.ROOT, "%s forgot %s in %.2f s (%.2f passes over D, %,d parameters "
                        + "changed); wrote %s%n", r.method(), forgetSet, r.seconds(), r.passes(),
                        r.parametersChanged(), out);
            }
        }
    }

    /** The record as JSON: method, forget, rte_s, passes, parameters_changed, statistics, out. */
    static String recordJson(UnlearningRecord r, ForgetSet forgetSet, Path out) throws Exception {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("method", r.method());
        doc.put("forget", forgetSet.description());
        doc.put("forget_size", forgetSet.size());
        doc.put("rte_s", r.seconds());
        doc.put("passes", r.passes());
        doc.put("parameters_changed", r.parametersChanged());
        doc.put("statistics", r.statistics());
        doc.put("out", out.toString());
        return new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).writeValueAsString(doc);
    }
}
