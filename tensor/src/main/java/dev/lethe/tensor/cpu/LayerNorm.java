package dev.lethe.tensor.cpu;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.NormRules;
import dev.lethe.tensor.Tensor;

/**
 * Layer normalisation over the last {@code normDims} dimensions (Ba, Kiros and Hinton 2016),
 * forward and backward, as {@code torch.nn.functional.layer_norm}: each row of D elements is
 * normalised with its own mean and biased variance (two-pass, in double), then scaled by γ and
 * shifted by β of shape {@code x.shape[-normDims:]}. Rows are split across threads; the weight and
 * bias gradients are summed per fixed block of rows and the blocks combined in order, so results
 * do not depend on timing.
 */
final class LayerNorm {
    private LayerNorm() {
    }

    static Backend.Normalized forward(Tensor x, int normDims, Tensor weight, Tensor bias, double eps) {
        String op = "layerNorm";
        ArgChecks.requireFloating(x, "input", op);
        int d = NormRules.rowLength(x, normDims, op);
        double[] gamma = affine(weight, x, normDims, "weight", op);
        double[] beta = affine(bias, x, normDims, "bias", op);
        int rows = d == 0 ? 0 : x.numel() / d;
        DType t = x.dtype();
        double[] mean = new double[rows];
        double[] invStd = new double[rows];
        Tensor out = Tensor.empty(x.backend(), t, x.shape());
        HostStorage os = (HostStorage) out.storage();
        try (Dense dx = Dense.of(x)) {
            CpuThreads.parallelFor(rows, Math.max(1, (1 << 14) / Math.max(d, 1)), (s, e) -> {
                RowIo io = new RowIo();
                double[] row = new double[d];
                for (int r = s; r < e; r++) {
                    io.load(dx.storage, t, dx.offset + r * d, 1, row, 0, d);
                    double sum = 0;
                    for (int i = 0; i < d; i++) {
                        sum += row[i];
                    }
                    double mu = sum / d;
                    double ss = 0;
                    for (int i = 0; i < d; i++) {
                        double dev = row[i] - mu;
                        ss += dev * dev;
                    }
                    double is = 1.0 / Math.sqrt(ss / d + eps);
                    for (int i = 0; i < d; i++) {
                        double y = (row[i] - mu) * is;
                        row[i] = y * (gamma == null ? 1.0 : gamma[i]) + (beta == null ? 0.0 : beta[i]);
                    }
                    io.store(os, t, r * d, 1, row, 0, d);
                    mean[r] = mu;
                    invStd[r] = is;
                }
            });
        }
        int[] statShape = NormRules.statShape(x.shape(), normDims);
        return new Backend.Normalized(out, Tensor.fromDoubles(mean, t, statShape),
                Tensor.fromDoubles(invStd, t, statShape));
    }

    /**
     * With ĝ = g·γ and x̂ = (x − mean)·invStd per row: dx = invStd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂));
     * dγ = Σ_rows g·x̂, dβ = Σ_rows g.
     */
    static Backend.NormGrads backward(Tensor gradOut, Tensor x, int normDims, Tensor weight,
                                      Backend.Normalized forward) {
        String op = "layerNormBackward";
        ArgChecks.requireFloating(x, "input", op);
        ArgChecks.requireHost(gradOut, "gradOut", op);
        NormRules.requireLike(gradOut, x, op);
        int d = NormRules.rowLength(x, normDims, op);
        double[] gamma = affine(weight, x, normDims, "weight", op);
        int rows = d == 0 ? 0 : x.numel() / d;
        double[] mean = savedStat(forward.mean(), rows, "mean", op);
        double[] invStd = savedStat(forward.invStd(), rows, "invStd", op);
        DType t = x.dtype();
        Tensor gradIn = Tensor.empty(x.backend(), t, x.shape());
        HostStorage gs = (HostStorage) gradIn.storage();
        int blocks = Math.max(1, Math.min(CpuThreads.threads(), rows));
        double[][] dGamma = new double[blocks][d];
        double[][] dBeta = new double[blocks][d];
        try (Dense dx = Dense.of(x); Dense dg = Dense.of(gradOut)) {
            CpuThreads.parallelFor(blocks, 1, (bs, be) -> {
                RowIo io = new RowIo();
                double[] xr = new double[d];
                double[] gr = new double[d];
                for (int b = bs; b < be; b++) {
                    int from = (int) ((long) rows * b / blocks);
                    int to = (int) ((long) rows * (b + 1) / blocks);
                    for (int r = from; r < to; r++) {
                        io.load(dx.storage, t, dx.offset + r * d, 1, xr, 0, d);
                        io.load(dg.storage, t, dg.offset + r * d, 1, gr, 0, d);
                        double mu = mean[r];
                        double is = invStd[r];
                        double sumG = 0;
                        double sumGx = 0;
                        for (int i = 0; i < d; i++) {
                            double xh = (xr[i] - mu) * is;
                            xr[i] = xh;
                            dGamma[b][i] += gr[i] * xh;
                            dBeta[b][i] += gr[i];
                            double gh = gr[i] * (gamma == null ? 1.0 : gamma[i]);
                            gr[i] = gh;
                            sumG += gh;
                            sumGx += gh * xh;
                        }
                        double meanG = sumG / d;
                        double meanGx = sumGx / d;
                        for (int i = 0; i < d; i++) {
                            gr[i] = is * (gr[i] - meanG - xr[i] * meanGx);
                        }
                        io.store(gs, t, r * d, 1, gr, 0, d);
                    }
                }
            });
        }
        if (weight == null) {
            return new Backend.NormGrads(gradIn, null, null);
        }
        int[] pshape = weight.shape();
        return new Backend.NormGrads(gradIn, Tensor.fromDoubles(sumBlocks(dGamma, d), t, pshape),
                Tensor.fromDoubles(sumBlocks(dBeta, d), t, pshape));
    }

    private static double[] sumBlocks(double[][] parts, int d) {
        double[] s = new double[d];
        for (double[] p : parts) {
            for (int i = 0; i < d; i++) {
                s[i] += p[i];
            }
        }
        return s;
    }

    private static double[] affine(Tensor p, Tensor x, int normDims, String what, String op) {
        NormRules.requireAffine(p, x, normDims, what, op);
        return p == null ? null : p.toDoubleArray();
    }

    private static double[] savedStat(Tensor s, int rows, String what, String op) {
        NormRules.requireSavedRowStat(s, rows, what, op);
        return s.toDoubleArray();
    }
}
