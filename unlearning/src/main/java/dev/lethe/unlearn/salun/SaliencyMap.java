package dev.lethe.unlearn.salun;

import dev.lethe.autograd.Variable;
import dev.lethe.data.Batch;
import dev.lethe.data.DataLoader;
import dev.lethe.data.Dataset;
import dev.lethe.nn.Module;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import dev.lethe.train.Progress;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * SalUn's weight saliency (Fan et al., ICLR 2024; UNLEARNING.md, salun step 1): the magnitude of
 * the gradient of the forgetting loss at the original weights,
 * {@code G = | Σ_b ∇θ ( −mean_{i∈b} CE(f(x_i), y_i) ) |} — the batch-mean gradients summed
 * over the batches b of D_f (taken in index order, no augmentation, the last partial batch
 * averaged over its own size), then the absolute value, as the official {@code generate_mask}
 * accumulates them.
 */
public final class SaliencyMap {
    private SaliencyMap() {
    }

    /**
     * G for every parameter of {@code model} as float32 tensors by parameter name, in
     * {@link Module#namedParameters()} order, allocated in the caller's memory scope (zeros for
     * a parameter no gradient reaches). Runs in evaluation mode; the model's mode is restored
     * and its gradients are cleared afterwards. Reports one phase of one step per batch to
     * {@code progress}.
     *
     * @param forget    D_f, in increasing index order
     * @param batchSize samples per batch (&ge; 1; UNLEARNING.md's default is 256)
     */
    @SuppressWarnings("try") // each batch's scope frees its graph without being named
    public static LinkedHashMap<String, Tensor> compute(Module model, Dataset forget, int batchSize,
                                                        Progress progress) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("the saliency batch size must be >= 1, got " + batchSize);
        }
        if (forget.size() == 0) {
            throw new IllegalArgumentException("the saliency needs forget samples; " + forget.source() + " is empty");
        }
        boolean wasTraining = model.isTraining();
        LinkedHashMap<String, Variable> params = model.namedParameters();
        LinkedHashMap<String, Tensor> saliency = new LinkedHashMap<>();
        model.zeroGrad();
        model.eval();
        long start = System.nanoTime();
        double lossSum = 0;
        Device device = model.device();
        try (DataLoader loader = new DataLoader(forget, batchSize); DataLoader.Epoch epoch = loader.epoch(0)) {
            progress.begin("saliency", loader.batchesPerEpoch());
            while (epoch.hasNext()) {
                try (Batch b = epoch.next(); MemoryScope scope = MemoryScope.open()) {
                    Variable loss = model.forward(b.images().to(device)).crossEntropy(b.labels().to(device), 0.0).neg();
                    double value = loss.item();
                    loss.backward(); // gradients accumulate: after the last batch, Σ_b ∇θ(−mean CE_b)
                    lossSum += value;
                    progress.advance(b.size(), value);
                }
            }
            for (Map.Entry<String, Variable> p : params.entrySet()) {
                Tensor g = p.getValue().grad();
                Tensor value = p.getValue().value();
                saliency.put(p.getKey(), g == null ? Tensor.empty(value.backend(), DType.FLOAT32, value.shape()).fill_(0)
                        : g.abs().to(DType.FLOAT32));
            }
            progress.end(String.format(Locale.ROOT, "mean -CE %.4f over %d samples, %.1f s",
                    lossSum / loader.batchesPerEpoch(), forget.size(), (System.nanoTime() - start) / 1e9));
        } finally {
            model.zeroGrad();
            model.train(wasTraining);
        }
        return saliency;
    }
}
