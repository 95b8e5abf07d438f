package dev.lethe.unlearn.salun;

import dev.lethe.tensor.Tensor;
import dev.lethe.unlearn.InvalidHyperparameterException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * SalUn's weight-saliency mask (Fan et al., ICLR 2024; UNLEARNING.md, salun step 2): the
 * {@code k = ⌊ratio·N⌋} most salient of all N parameter scalars, ranked globally over the
 * parameters concatenated in parameter order (the official code's hard threshold at the k-th
 * largest value of the concatenated saliencies). Exactly k ones: values above the k-th largest
 * are all selected, and of the values equal to it, those with the lowest flat indices
 * (<b>decision</b> of UNLEARNING.md, where the official {@code argsort} is not stable).
 */
public final class SaliencyMask {
    private final LinkedHashMap<String, Tensor> masks;
    private final float threshold;
    private final long selected;
    private final LinkedHashMap<String, Double> density;

    private SaliencyMask(LinkedHashMap<String, Tensor> masks, float threshold, long selected,
                         LinkedHashMap<String, Double> density) {
        this.masks = masks;
        this.threshold = threshold;
        this.selected = selected;
        this.density = density;
    }

    /**
     * The top-{@code ratio} mask of {@code saliency} (values by parameter name, in parameter
     * order, read as float32; any shapes). The masks are new float32 tensors in the caller's
     * memory scope. An {@link InvalidHyperparameterException} when {@code ratio} is outside
     * (0, 1] or selects nothing (⌊ratio·N⌋ = 0, computed in double precision); an
     * IllegalArgumentException names a parameter and index holding NaN.
     */
    public static SaliencyMask topK(Map<String, Tensor> saliency, double ratio) {
        if (!(ratio > 0 && ratio <= 1)) {
            throw new InvalidHyperparameterException("ratio must be in (0, 1], got " + ratio);
        }
        long total = 0;
        for (Tensor t : saliency.values()) {
            total += t.numel();
        }
        long k = (long) Math.floor(ratio * (double) total);
        if (k < 1) {
            throw new InvalidHyperparameterException("ratio " + ratio + " selects floor(ratio * N) = 0 of the N = "
                    + total + " parameters; it must be at least 1/N = " + (1.0 / total));
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the saliency has " + total + " values, more than one array holds");
        }
        float[] all = new float[(int) total];
        int at = 0;
        for (Map.Entry<String, Tensor> e : saliency.entrySet()) {
            float[] v = e.getValue().toFloatArray();
            for (int i = 0; i < v.length; i++) {
                if (Float.isNaN(v[i])) {
                    throw new IllegalArgumentException("the saliency of " + e.getKey() + " is NaN at flat index " + i
                            + "; the forget-set gradient is not finite");
                }
            }
            System.arraycopy(v, 0, all, at, v.length);
            at += v.length;
        }
        float threshold;
        try (Tensor flat = Tensor.of(all, all.length)) {
            threshold = (float) flat.kthLargest(k);
        }
        long above = 0;
        for (float v : all) {
            if (v > threshold) {
                above++;
            }
        }
        long tiesLeft = k - above; // ≥ 1: the threshold itself is one of the k
        LinkedHashMap<String, Tensor> masks = new LinkedHashMap<>();
        LinkedHashMap<String, Double> density = new LinkedHashMap<>();
        at = 0;
        for (Map.Entry<String, Tensor> e : saliency.entrySet()) {
            int n = e.getValue().numel();
            float[] m = new float[n];
            long ones = 0;
            for (int i = 0; i < n; i++) {
                float v = all[at + i];
                if (v > threshold || (v == threshold && tiesLeft-- > 0)) {
                    m[i] = 1f;
                    ones++;
                }
            }
            masks.put(e.getKey(), onDeviceOf(e.getValue(), Tensor.of(m, e.getValue().shape())));
            density.put(e.getKey(), n == 0 ? 0.0 : (double) ones / n);
            at += n;
        }
        return new SaliencyMask(masks, threshold, k, density);
    }

    /** {@code host} on {@code like}'s device (the model's, where the mask is applied); a moved host copy is freed. */
    private static Tensor onDeviceOf(Tensor like, Tensor host) {
        if (like.device().equals(host.device())) {
            return host;
        }
        try (Tensor staged = host) {
            return staged.to(like.device());
        }
    }

    /** The 0/1 float32 mask of every parameter, by name, in parameter order (the live tensors). */
    public LinkedHashMap<String, Tensor> masks() {
        return new LinkedHashMap<>(masks);
    }

    /** The k-th largest saliency, the smallest selected value, in float32. */
    public float threshold() {
        return threshold;
    }

    /** k, the number of ones. */
    public long selected() {
        return selected;
    }

    /** The fraction of ones in each parameter tensor, by name, in parameter order. */
    public LinkedHashMap<String, Double> density() {
        return new LinkedHashMap<>(density);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SaliencyMask(%d of %d selected, threshold %s)", selected,
                masks.values().stream().mapToLong(Tensor::numel).sum(), threshold);
    }
}
