package dev.lethe.unlearn.ssd;

import dev.lethe.data.Dataset;
import dev.lethe.data.FashionMnist;
import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.train.Progress;
import dev.lethe.train.TrainingRecipe;
import dev.lethe.unlearn.ForgetSet;
import dev.lethe.unlearn.Hyperparameters;
import dev.lethe.unlearn.TrainedModel;
import dev.lethe.unlearn.UnlearningRecord;
import dev.lethe.unlearn.UnlearningRequest;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The cost of SSD on Fashion-MNIST (60,000 training images, the default MLP 784-512-256-10)
 * against one training epoch of the MLP's recipe (retraining runs ten): the time of
 * {@link ImportanceEstimator#estimate} over all of D at batch 64 (cross-entropy and LFSSD), the
 * per-sample estimator over 6,000 images, and a whole unlearning call for a random 10% forget
 * set. Each is run three times, interleaved with the training epochs, and the fastest run
 * counts (the machine may be shared; wall and process CPU seconds are both shown). Off by
 * default (it needs the data and a few minutes); run with {@code -Dlethe.timing=ssd}, and on a
 * machine other jobs share add {@code -Dlethe.threads=1}: oversubscribed BLAS and pool threads
 * make multi-threaded timings there swing by an order of magnitude.
 */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class SsdTiming {
    private static final int RUNS = 3;

    @Test
    void report() throws Exception {
        if (!"ssd".equals(System.getProperty("lethe.timing", ""))) {
            return;
        }
        Dataset train = FashionMnist.locate().load(FashionMnist.Split.TRAIN);
        ModelSpec spec = ModelSpec.of("mlp");
        TrainingRecipe oneEpoch = TrainingRecipe.defaults("mlp").with("epochs", "1");
        ImportanceEstimator ce = new ImportanceEstimator(ImportanceEstimator.Loss.CE,
                ImportanceEstimator.Estimator.BATCH, 64);
        ImportanceEstimator l2 = new ImportanceEstimator(ImportanceEstimator.Loss.L2,
                ImportanceEstimator.Estimator.BATCH, 64);
        ImportanceEstimator sample = new ImportanceEstimator(ImportanceEstimator.Loss.CE,
                ImportanceEstimator.Estimator.SAMPLE, 64);
        Dataset part = train.subset(Arrays.copyOf(train.allIndices(), 6000), "first 6000");
        int[] forget = Arrays.copyOf(new Philox(0).permutation(train.size()), train.size() / 10);
        UnlearningRequest request = UnlearningRequest.of(train, ForgetSet.of(forget, train.size(), "random:0.1"));

        Module[] model = new Module[1];
        double[][] epoch = new double[RUNS][];
        double[][] ceTime = new double[RUNS][];
        double[][] l2Time = new double[RUNS][];
        double[][] ssdTime = new double[RUNS][];
        UnlearningRecord[] record = new UnlearningRecord[1];
        for (int run = 0; run < RUNS; run++) {
            epoch[run] = time(() -> model[0] = oneEpoch.train(spec, train, 0, Progress.none()));
            ceTime[run] = time(() -> ce.estimate(model[0], train, Progress.none()));
            l2Time[run] = time(() -> l2.estimate(model[0], train, Progress.none()));
            TrainedModel original = TrainedModel.of(spec, model[0], oneEpoch, 0);
            ssdTime[run] = time(() -> record[0] = new SelectiveSynapticDampening(Hyperparameters.none())
                    .unlearn(original, request, Progress.none()).record());
            System.out.printf(Locale.ROOT, "run %d: epoch %.2f s, I_D ce %.2f s, I_D l2 %.2f s, ssd %.2f s (record %.2f s)%n",
                    run + 1, epoch[run][0], ceTime[run][0], l2Time[run][0], ssdTime[run][0], record[0].seconds());
        }
        double[] sampleTime = time(() -> sample.estimate(model[0], part, Progress.none()));
        double[] e = fastest(epoch);
        print("one training epoch (batch 128, SGD)", e, e);
        print("I_D, cross-entropy, batch 64, 60k images", fastest(ceTime), e);
        print("I_D, LFSSD, batch 64, 60k images", fastest(l2Time), e);
        print("I_D, per-sample, 6k images", sampleTime, e);
        print("ssd unlearn, random 10% (I_D + I_f + dampening)", fastest(ssdTime), e);
        System.out.printf(Locale.ROOT, "ssd = %.1f%% of retraining (10 epochs); last run selected %s, changed %d%n",
                100 * fastest(ssdTime)[0] / (10 * e[0]), record[0].statistics().get("selected_total"),
                record[0].parametersChanged());
    }

    /** Work that may throw. */
    private interface Work {
        void run() throws Exception;
    }

    /** Wall and process-CPU seconds of {@code work}, in a memory scope of its own. */
    private static double[] time(Work work) throws Exception {
        try (MemoryScope scope = MemoryScope.open()) {
            long c = cpuNanos();
            long t = System.nanoTime();
            work.run();
            return new double[] {(System.nanoTime() - t) / 1e9, (cpuNanos() - c) / 1e9};
        }
    }

    private static double[] fastest(double[][] runs) {
        double[] best = runs[0];
        for (double[] r : runs) {
            best = r[0] < best[0] ? r : best;
        }
        return best;
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void print(String what, double[] t, double[] epoch) {
        System.out.printf(Locale.ROOT, "%-50s %7.2f s wall (%.2f epochs), %7.2f s CPU (%.2f epochs)%n", what, t[0],
                t[0] / epoch[0], t[1], t[1] / epoch[1]);
    }
}
