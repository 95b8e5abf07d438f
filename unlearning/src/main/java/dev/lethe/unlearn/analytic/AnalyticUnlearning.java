package dev.lethe.unlearn.analytic;

import dev.lethe.unlearn.BadRequestException;
import dev.lethe.unlearn.Hyperparameters;
import dev.lethe.unlearn.TrainedModel;
import dev.lethe.unlearn.Unlearner;
import dev.lethe.unlearn.UnlearningRecord;
import dev.lethe.unlearn.UnlearningRequest;
import dev.lethe.unlearn.UnlearningResult;
import dev.lethe.train.Progress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ACU, Analytic Continual Unlearning (UNLEARNING.md, acu): forgets D_f from a model's analytic
 * head by the recursive unlearning update, reading nothing but D_f. The result's head equals
 * ridge regression retrained on what the head still holds, and the network's weights are
 * untouched (the head is the classifier).
 *
 * <p>Hyper-parameters: {@code batch_size} (images per unlearning update, default 512; any split
 * gives the same result up to round-off) and {@code mask_classes} (default false: classes left
 * without any learned sample are also masked out of the argmax, see
 * {@link AnalyticHead#maskClasses}).
 *
 * <p>Record: wall time, passes |D_f|/|D|, parameters changed 0 (the network is not modified),
 * and statistics {@code buffer_size}, {@code gamma}, {@code count_before}, {@code count_after},
 * and, when the request leaves classes without any learned sample ("forgotten whole classes"),
 * {@code forgotten_classes} and {@code max_abs_forgotten_class_weight} = max |W[:, c]| over them,
 * which is 0 up to round-off, and {@code masked_classes} when masking.
 */
public final class AnalyticUnlearning implements Unlearner {
    private final int batchSize;
    private final boolean maskClasses;

    /** ACU with the given hyper-parameters; an unknown key is an error. */
    public AnalyticUnlearning(Hyperparameters h) {
        this.batchSize = h.integer("batch_size", AnalyticHead.DEFAULT_BATCH_SIZE, 1);
        this.maskClasses = h.flag("mask_classes", false);
        h.requireAllUsed("acu");
    }

    @Override
    public String name() {
        return "acu";
    }

    @Override
    public UnlearningResult unlearn(TrainedModel original, UnlearningRequest request, Progress progress) {
        long start = System.nanoTime();
        if (original.analytic() == null) {
            throw new BadRequestException("the model (" + original.spec().arch() + ") has no analytic head; attach one "
                    + "with `lethe analytic fit`");
        }
        int[] forget = request.forget().indices();
        original.analytic().requireLearned(request.data(), forget); // before the costly copy
        int[] before = learnedPerClass(original.analytic(), request);
        TrainedModel model = original.copy();
        AnalyticHead head = model.analytic();
        long countBefore = head.count();
        head.unlearn(model.network(), model.spec(), request.data(), forget, batchSize, progress);
        int[] after = learnedPerClass(head, request);
        List<Integer> emptied = new ArrayList<>();
        for (int c = 0; c < before.length; c++) {
            if (before[c] > 0 && after[c] == 0) {
                emptied.add(c);
            }
        }
        if (maskClasses && !emptied.isEmpty()) {
            head.maskClasses(emptied.stream().mapToInt(Integer::intValue).toArray());
        }
        model.network().eval();
        double seconds = (System.nanoTime() - start) / 1e9;

        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("buffer_size", head.bufferSize());
        stats.put("gamma", head.gamma());
        stats.put("count_before", countBefore);
        stats.put("count_after", head.count());
        if (!emptied.isEmpty()) {
            stats.put("forgotten_classes", List.copyOf(emptied));
            stats.put("max_abs_forgotten_class_weight", maxAbsColumn(head, emptied));
        }
        if (maskClasses) {
            stats.put("masked_classes", Arrays.stream(head.maskedClasses()).boxed().toList());
        }
        double passes = (double) forget.length / request.data().size();
        return new UnlearningResult(model, new UnlearningRecord(name(), seconds, passes, 0, stats));
    }

    /** Learned samples per class (labels from the request's data). */
    private static int[] learnedPerClass(AnalyticHead head, UnlearningRequest request) {
        int[] counts = new int[head.classes()];
        for (int i : head.learnedIndices()) {
            if (i < request.data().size()) {
                counts[request.data().label(i)]++;
            }
        }
        return counts;
    }

    /** max |W[:, c]| over the classes {@code columns}. */
    private static double maxAbsColumn(AnalyticHead head, List<Integer> columns) {
        double[] w = head.ridge().W().toDoubleArray();
        int k = head.classes();
        double max = 0;
        for (int i = 0; i < w.length; i++) {
            if (columns.contains(i % k)) {
                max = Math.max(max, Math.abs(w[i]));
            }
        }
        return max;
    }
}
