package dev.lethe.tensor.testing;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.FusedUpdates;
import dev.lethe.tensor.Tensor;
import java.util.Arrays;

/**
 * The CUDA backend's fused-update kernels ({@code optim.cu}, {@code unlearning.cu}) written out
 * in Java, element for element, for the emulated device: the same operations in the same order,
 * each rounded to the parameter's dtype (a float32 product or sum formed in double and rounded
 * once is the float32 operation, as the kernels' {@code _rn} intrinsics compute it). Run on
 * {@code test:0}, the optimizers and SSD take their fused path through this model, so CI checks
 * that path's wiring and that its arithmetic is the composed update's, bit for bit.
 */
final class FusedKernelModel {
    private FusedKernelModel() {
    }

    /** The operands of one pass: all contiguous, of one floating dtype and one shape (else the caller composes). */
    static boolean fits(Tensor p, Tensor... others) {
        if (!p.dtype().isFloating() || !p.isContiguous()) {
            return false;
        }
        for (Tensor t : others) {
            if (t == null || !t.isContiguous() || t.dtype() != p.dtype() || !Arrays.equals(t.shape(), p.shape())
                    || !t.device().equals(p.device())) {
                return false;
            }
        }
        return true;
    }

    /** sgd_step: d = g + wd·p; buf = d or μ·buf + d; d = d + μ·buf or buf; p = p + (−lr)·d. */
    static void sgd(Tensor p, Tensor g, Tensor buf, boolean first, double lr, double momentum, boolean nesterov,
                    double weightDecay) {
        DType t = p.dtype();
        double negLr = round(-lr, t);
        double mu = round(momentum, t);
        double wd = round(weightDecay, t);
        double[] pv = p.toDoubleArray();
        double[] gv = g.toDoubleArray();
        double[] bv = momentum != 0 ? buf.toDoubleArray() : null;
        for (int i = 0; i < pv.length; i++) {
            double d = gv[i];
            if (weightDecay != 0) {
                d = round(round(pv[i] * wd, t) + d, t);
            }
            if (momentum != 0) {
                double b = first ? d : round(round(bv[i] * mu, t) + d, t);
                bv[i] = b;
                d = nesterov ? round(round(b * mu, t) + d, t) : b;
            }
            pv[i] = round(pv[i] + round(d * negLr, t), t);
        }
        write(p, pv);
        if (bv != null) {
            write(buf, bv);
        }
    }

    /** adamw_step, torch.optim.AdamW's order (see optim.cu). */
    static void adamw(Tensor p, Tensor g, Tensor m, Tensor v, long step, double lr, double beta1, double beta2,
                      double eps, double weightDecay) {
        DType t = p.dtype();
        double decayScale = round(1 - lr * weightDecay, t);
        double b1 = round(beta1, t);
        double omb1 = round(1 - beta1, t);
        double b2 = round(beta2, t);
        double omb2 = round(1 - beta2, t);
        double bc2 = round(Math.sqrt(1 - Math.pow(beta2, step)), t);
        double e = round(eps, t);
        double negStep = round(-(lr / (1 - Math.pow(beta1, step))), t);
        double[] pv = p.toDoubleArray();
        double[] gv = g.toDoubleArray();
        double[] mv = m.toDoubleArray();
        double[] vv = v.toDoubleArray();
        for (int i = 0; i < pv.length; i++) {
            double gi = gv[i];
            double pi = weightDecay != 0 ? round(pv[i] * decayScale, t) : pv[i];
            double mi = round(round(mv[i] * b1, t) + round(gi * omb1, t), t);
            double vi = round(round(vv[i] * b2, t) + round(round(gi * omb2, t) * gi, t), t);
            double denom = round(round(round(Math.sqrt(vi), t) / bc2, t) + e, t);
            mv[i] = mi;
            vv[i] = vi;
            pv[i] = round(pi + round(round(mi * negStep, t) / denom, t), t);
        }
        write(p, pv);
        write(m, mv);
        write(v, vv);
    }

    /** ssd_dampen: selected iff I_f > α·I_D; θ ← (dtype)(min(λ·I_D/I_f, 1)·θ), all in double. */
    static FusedUpdates.Dampened ssd(Tensor theta, Tensor importanceData, Tensor importanceForget, double alpha,
                                     double lambda) {
        DType t = theta.dtype();
        double[] th = theta.toDoubleArray();
        double[] d = importanceData.toDoubleArray();
        double[] f = importanceForget.toDoubleArray();
        double[] factors = new double[th.length];
        int selected = 0;
        long changed = 0;
        for (int i = 0; i < th.length; i++) {
            if (f[i] > alpha * d[i]) {
                double m = Math.min(lambda * d[i] / f[i], 1.0);
                double dampened = round(m * th[i], t);
                changed += Double.compare(dampened, th[i]) != 0 ? 1 : 0;
                th[i] = dampened;
                factors[selected++] = m;
            }
        }
        write(theta, th);
        return new FusedUpdates.Dampened(Arrays.copyOf(factors, selected), changed);
    }

    private static double round(double v, DType t) {
        return t == DType.FLOAT32 ? (float) v : v;
    }

    private static void write(Tensor dst, double[] values) {
        try (Tensor host = Tensor.fromDoubles(values, dst.dtype(), dst.shape())) {
            dst.copyFrom_(host);
        }
    }
}
