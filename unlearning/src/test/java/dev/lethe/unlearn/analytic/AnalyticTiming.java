package dev.lethe.unlearn.analytic;

import dev.lethe.data.Dataset;
import dev.lethe.data.FashionMnist;
import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.train.Evaluation;
import dev.lethe.train.Progress;
import java.io.IOException;
import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Wall time of fitting an analytic head on Fashion-MNIST's 60,000 training images over the MLP
 * (random weights; the speed does not depend on them) and of unlearning one whole class (6,000
 * images), after a warm-up fit on a few thousand images. Off by default; run with
 * {@code -Dlethe.timing=acu}, optionally {@code -Dlethe.timing.buffer=2048} and
 * {@code -Dlethe.timing.recursive=true} to also time learning the same features by the recursive
 * update (the route {@link NormalEquations} replaces) and compare the two solutions.
 */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class AnalyticTiming {
    @Test
    void report() throws IOException {
        if (!System.getProperty("lethe.timing", "").contains("acu")) {
            return;
        }
        int d = Integer.getInteger("lethe.timing.buffer", AnalyticHead.DEFAULT_BUFFER_SIZE_MLP);
        FashionMnist fashion = FashionMnist.locate();
        Dataset train = fashion.load(FashionMnist.Split.TRAIN);
        Dataset test = fashion.load(FashionMnist.Split.TEST);
        ModelSpec spec = ModelSpec.of("mlp");
        Module network = spec.build(new Philox(1));
        network.eval();
        double gamma = AnalyticHead.DEFAULT_GAMMA;
        try (MemoryScope scope = MemoryScope.open()) {
            Dataset warm = train.subset(IntStream.range(0, 4096).toArray(), "warm-up");
            AnalyticHead.fit(network, spec, warm, d, gamma, 0, Progress.none()).close();
            long t0 = System.nanoTime();
            try (AnalyticHead head = AnalyticHead.fit(network, spec, train, d, gamma, 0, Progress.none())) {
                double fit = (System.nanoTime() - t0) / 1e9;
                double before = Evaluation.of(head.classifier(network, spec), test, 1000).accuracy();
                if (Boolean.getBoolean("lethe.timing.recursive")) {
                    recursive(head, network, spec, train);
                }
                int[] shirts = IntStream.range(0, train.size()).filter(i -> train.label(i) == 6).toArray();
                long t1 = System.nanoTime();
                head.unlearn(network, spec, train, shirts, Progress.none());
                double unlearn = (System.nanoTime() - t1) / 1e9;
                double after = Evaluation.of(head.classifier(network, spec), test, 1000).accuracy();
                double column = 0;
                double largest = 0;
                double[] w = head.ridge().W().toDoubleArray();
                for (int i = 0; i < w.length; i++) {
                    largest = Math.max(largest, Math.abs(w[i]));
                    column = i % head.classes() == 6 ? Math.max(column, Math.abs(w[i])) : column;
                }
                System.out.printf(Locale.ROOT, "acu mlp d=%d: fit %d images %.2f s; unlearn class 6 (%d images) %.2f s;"
                        + " max |W[:, 6]| / max |W| %.1e; test accuracy %.2f%% -> %.2f%%%n", d, train.size(), fit,
                        shirts.length, unlearn, column / largest, 100 * before, 100 * after);
            }
        }
    }

    /** Learns the head's own buffer features of all of {@code data} recursively and compares. */
    private static void recursive(AnalyticHead head, Module network, ModelSpec spec, Dataset data) {
        long start = System.nanoTime();
        try (Backbone backbone = Backbone.of(network, spec);
             RecursiveRidge ridge = new RecursiveRidge(head.bufferSize(), head.classes(), head.gamma())) {
            for (int s = 0; s < data.size(); s += AnalyticHead.DEFAULT_BATCH_SIZE) {
                int[] idx = IntStream.range(s, Math.min(data.size(), s + AnalyticHead.DEFAULT_BATCH_SIZE)).toArray();
                try (MemoryScope scope = MemoryScope.open()) {
                    ridge.learn(head.buffer().apply(backbone.features(data.images(idx))),
                            AnalyticHead.oneHot(data, idx, head.classes()));
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "acu mlp d=%d: recursive learning of the same %d images %.2f s; "
                    + "relative difference to the fit: W %.1e, R %.1e%n", head.bufferSize(), data.size(), seconds,
                    ClosedFormRidge.relativeError(ridge.W(), head.ridge().W()),
                    ClosedFormRidge.relativeError(ridge.R(), head.ridge().R()));
        }
    }
}
