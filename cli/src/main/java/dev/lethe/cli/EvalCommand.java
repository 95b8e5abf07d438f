package dev.lethe.cli;

import dev.lethe.data.Dataset;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.unlearn.ForgetSet;
import dev.lethe.unlearn.TrainedModel;
import dev.lethe.unlearn.UnlearningRecord;
import dev.lethe.unlearn.UnlearningRequest;
import dev.lethe.unlearn.eval.Measurement;
import dev.lethe.unlearn.eval.Scores;
import dev.lethe.unlearn.report.MethodRow;
import dev.lethe.unlearn.report.ReportJson;
import dev.lethe.unlearn.report.ReportTable;
import dev.lethe.unlearn.report.ScenarioReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lethe eval}: the metrics of UNLEARNING.md for a model and a forget set — forget, retain
 * and test accuracy (class-wise: test accuracy without the forgotten classes), MIA-efficacy —
 * and, with {@code --reference}, the same for the retrained model plus the average gap and the
 * KL divergence from the reference's predictions on D_f. The reference's row comes first.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Measure how well a model forgot: UA, RA, TA, MIA-efficacy, gap to a retrained model.")
final class EvalCommand extends LetheCommand {
    @Mixin
    private ModelFileOptions model;

    @Option(names = "--data", required = true, paramLabel = "DATASET", converter = DatasetArgument.Converter.class,
            description = "The training data D (e.g. fashion-mnist).")
    private DatasetArgument data;

    @Option(names = "--test", paramLabel = "DATASET", converter = DatasetArgument.Converter.class,
            description = "The test data D_t (default: the test split of fashion-mnist; required otherwise).")
    private DatasetArgument test;

    @Option(names = "--forget", required = true, paramLabel = "SPEC",
            description = "class:K[,K2...], random:FRACTION[:SEED], indices:FILE or range:A-B.")
    private String forget;

    @Option(names = "--reference", paramLabel = "RETRAINED",
            description = "The model retrained without D_f, to measure the gap to.")
    private Path reference;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "1000",
            description = "Evaluation batch size (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--json", description = "Print one JSON document instead of the table.")
    private boolean json;

    @Mixin
    private DeviceOption device;

    EvalCommand(Console console) {
        super(console);
    }

    @Override
    protected void run() throws Exception {
        if (batchSize <= 0) {
            throw usage("--batch-size must be > 0, got " + batchSize);
        }
        DatasetArgument testArgument = test != null ? test : data.testSplit();
        if (testArgument == null) {
            throw usage("--test DATASET is needed when --data is not fashion-mnist");
        }
        Device on = device.device();
        try (MemoryScope scope = MemoryScope.open()) {
            TrainedModel m = UnlearningInputs.model(model, on);
            Dataset train = UnlearningInputs.data(data, m.spec(), console);
            Dataset testData = UnlearningInputs.data(testArgument, m.spec(), console);
            ForgetSet set = UnlearningInputs.forget(forget, train);
            UnlearningRequest request = UnlearningRequest.of(train, set);
            List<MethodRow> rows = new ArrayList<>();
            Measurement measured = Measurement.of(m.classifier(), request, testData, batchSize);
            Scores scores = measured.scores();
            String name = model.file().getFileName().toString();
            if (reference != null) {
                TrainedModel ref = TrainedModel.read(reference);
                ref.network().to(on);
                if (!ref.spec().equals(m.spec())) {
                    throw new BadInputException(reference + " holds a " + ref.spec() + " model; " + model.file()
                            + " holds a " + m.spec());
                }
                Measurement refMeasured = Measurement.of(ref.classifier(), request, testData, batchSize);
                rows.add(new MethodRow("retrain", refMeasured.scores(), Double.NaN, 0.0, 0.0,
                        record(reference.getFileName().toString())));
                rows.add(new MethodRow(name, scores, Double.NaN, scores.averageGap(refMeasured.scores()),
                        measured.klFrom(refMeasured), record(name)));
            } else {
                rows.add(new MethodRow(name, scores, Double.NaN, Double.NaN, Double.NaN, record(name)));
            }
            String kind = forget.startsWith("class:") ? "class-wise" : forget.startsWith("random:") ? "random" : "custom";
            ScenarioReport report = ScenarioReport.of(kind, m.spec().arch(), train.source(), set.description(),
                    List.of(), null, rows);
            console.out().print(json ? ReportJson.render(report) + "\n" : ReportTable.render(rows));
        }
    }

    private static UnlearningRecord record(String name) {
        return new UnlearningRecord(name, Double.NaN, Double.NaN, 0, Map.of());
    }
}
