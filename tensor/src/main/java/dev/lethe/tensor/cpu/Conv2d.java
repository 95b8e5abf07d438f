package dev.lethe.tensor.cpu;

import dev.lethe.tensor.Conv2dSpec;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.OperandRules;
import dev.lethe.tensor.Tensor;

/**
 * 2-D convolution over NCHW (groups = 1) as im2col plus one OpenBLAS GEMM per group of samples,
 * and its two backward rules. For a group of G samples with column matrix
 * {@code cols [C·kh·kw, G·OH·OW]} ({@link Im2Col}) and output gradient rearranged as
 * {@code dyT [O, G·OH·OW]}:
 * <ul>
 *   <li>forward: {@code y = W[O, C·kh·kw] · cols}, then scattered to out [G, O, OH·OW] plus bias;</li>
 *   <li>data gradient: {@code dcols = Wᵀ · dyT}, folded back onto the input (col2im);</li>
 *   <li>weight gradient: {@code dW += dyT · colsᵀ}, accumulated over the groups with beta = 1.</li>
 * </ul>
 * G is chosen so the column buffer stays within {@link ConvGeometry#COLS_BUDGET_BYTES}; column
 * building and folding run in parallel over channels, the GEMMs on OpenBLAS's threads. When a
 * sample has enough output positions (or only one sample's columns fit) the samples run one at a
 * time instead, in parallel, each GEMM reading and writing the NCHW tensors in place
 * ({@link SampleParallelConv}). Transposes are BLAS flags, never copies. The bias gradient is not
 * computed here: it is the sum of the output gradient over N, H, W.
 *
 * <p>float32 convolutions run on oneDNN ({@link OneDnnConv}) when it is loaded: its JIT kernels on
 * channel-blocked layouts reach about twice the GEMM rate this lowering gets from OpenBLAS on
 * ResNet shapes. This class remains the path of float64, of 1×1 kernels and the fallback.
 */
final class Conv2d {
    private Conv2d() {
    }

    /** Which implementation a pass uses; tests force each one. */
    enum Lowering {
        /** oneDNN where it {@link OneDnnConv#supports supports} the call, else {@link Im2Col}. */
        AUTO,
        /** Always {@link Im2Col} and OpenBLAS. */
        IM2COL;

        boolean oneDnn(ConvGeometry g, DType t) {
            return this == AUTO && OneDnnConv.supports(g, t);
        }
    }

    static Tensor forward(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec) {
        return forward(x, w, bias, spec, ConvGeometry.COLS_BUDGET_BYTES, Lowering.AUTO);
    }

    /**
     * As above with the column buffer limited to {@code colsBudget} bytes and a given lowering
     * (tests use small budgets and force each lowering).
     */
    static Tensor forward(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec, long colsBudget, Lowering lowering) {
        String op = "conv2d";
        ArgChecks.requireFloating(x, "input", op);
        ArgChecks.requireDType(w, x.dtype(), "weight", op);
        ConvGeometry g = ConvGeometry.of(x.shape(), w.shape(), spec, op);
        double[] b = null;
        if (bias != null) {
            ArgChecks.requireDType(bias, x.dtype(), "bias", op);
            OperandRules.requireShape(bias, new int[] {g.o()}, "bias", op);
            b = bias.toDoubleArray();
        }
        DType t = x.dtype();
        Tensor out = Tensor.empty(x.backend(), t, g.outputShape());
        if (out.numel() == 0) {
            return out;
        }
        if (lowering.oneDnn(g, t)) {
            try (Dense dx = Dense.of(x); Dense dw = Dense.of(w); Dense db = bias == null ? null : Dense.of(bias)) {
                OneDnnConv.forward(g, dx, dw, db, out);
            }
            return out;
        }
        int group = g.samplesPerGroup(t.byteSize(), colsBudget);
        int ohow = g.ohow();
        HostStorage os = (HostStorage) out.storage();
        double[] biasValues = b;
        if (bySample(group, ohow)) {
            try (Dense dx = Dense.of(x); Dense dw = Dense.of(w)) {
                SampleParallelConv.forward(g, t, dx, dw, biasValues, os);
            }
            return out;
        }
        try (Dense dx = Dense.of(x); Dense dw = Dense.of(w);
             Tensor cols = Tensor.empty(x.backend(), t, g.ckk(), group * ohow);
             Tensor y = Tensor.empty(x.backend(), t, g.o(), group * ohow)) {
            HostStorage cs = (HostStorage) cols.storage();
            HostStorage ys = (HostStorage) y.storage();
            for (int n0 = 0; n0 < g.n(); n0 += group) {
                int count = Math.min(group, g.n() - n0);
                int ld = count * ohow;
                expandGroup(g, t, dx, n0, count, cs);
                Staging st = Staging.of(t);
                Gemm.gemm(t, g.o(), ld, g.ckk(), 1.0, new Gemm.Operand(dw.storage, dw.offset, false, g.ckk()),
                        new Gemm.Operand(cs, 0, false, ld), 0.0, ys, 0, ld);
                // y [O, count, OH·OW] -> out [count, O, OH·OW], adding the bias on the way.
                int first = n0;
                CpuThreads.parallelFor(count * g.o(), Math.max(1, 4096 / ohow), (s, e) -> {
                    Object run = biasValues == null ? null : st.array(ohow);
                    for (int k = s; k < e; k++) {
                        int sample = k / g.o();
                        int ch = k % g.o();
                        int to = ((first + sample) * g.o() + ch) * ohow;
                        if (biasValues == null) {
                            Staging.move(ys, ch * ld + sample * ohow, os, to, ohow, t.byteSize());
                        } else {
                            st.load(ys, ch * ld + sample * ohow, run, 0, ohow);
                            st.addConstant(run, 0, ohow, biasValues[ch]);
                            st.store(os, to, run, 0, ohow);
                        }
                    }
                });
            }
        }
        return out;
    }

    static Tensor backwardData(Tensor gradOut, Tensor w, int[] inputShape, Conv2dSpec spec) {
        return backwardData(gradOut, w, inputShape, spec, ConvGeometry.COLS_BUDGET_BYTES, Lowering.AUTO);
    }

    /** As above with a column budget and a lowering, as {@link #forward(Tensor, Tensor, Tensor, Conv2dSpec, long, Lowering)}. */
    static Tensor backwardData(Tensor gradOut, Tensor w, int[] inputShape, Conv2dSpec spec, long colsBudget,
                               Lowering lowering) {
        String op = "conv2dBackwardData";
        ArgChecks.requireFloating(gradOut, "gradOut", op);
        ArgChecks.requireDType(w, gradOut.dtype(), "weight", op);
        ConvGeometry g = ConvGeometry.of(inputShape, w.shape(), spec, op);
        OperandRules.requireShape(gradOut, g.outputShape(), "gradOut", op);
        DType t = gradOut.dtype();
        Tensor dx = Tensor.empty(gradOut.backend(), t, g.inputShape());
        if (dx.numel() == 0) {
            return dx;
        }
        if (g.o() == 0 || g.ohow() == 0) {
            return dx.fill_(0);
        }
        if (lowering.oneDnn(g, t)) {
            try (Dense dy = Dense.of(gradOut); Dense dw = Dense.of(w)) {
                OneDnnConv.backwardData(g, dy, dw, dx);
            }
            return dx;
        }
        int group = g.samplesPerGroup(t.byteSize(), colsBudget);
        int ohow = g.ohow();
        HostStorage dxs = (HostStorage) dx.storage();
        if (bySample(group, ohow)) {
            try (Dense dy = Dense.of(gradOut); Dense dw = Dense.of(w)) {
                SampleParallelConv.backwardData(g, t, dy, dw, dxs);
            }
            return dx;
        }
        try (Dense dy = Dense.of(gradOut); Dense dw = Dense.of(w);
             Tensor dcols = Tensor.empty(w.backend(), t, g.ckk(), group * ohow);
             Tensor dyT = Tensor.empty(w.backend(), t, g.o(), group * ohow)) {
            HostStorage cs = (HostStorage) dcols.storage();
            HostStorage ts = (HostStorage) dyT.storage();
            for (int n0 = 0; n0 < g.n(); n0 += group) {
                int count = Math.min(group, g.n() - n0);
                int ld = count * ohow;
                transposeGroup(g, t, dy, n0, count, ts, ld);
                Gemm.gemm(t, g.ckk(), ld, g.o(), 1.0, new Gemm.Operand(dw.storage, dw.offset, true, g.ckk()),
                        new Gemm.Operand(ts, 0, false, ld), 0.0, cs, 0, ld);
                int first = n0 * g.c() * g.h() * g.w();
                int samples = count;
                CpuThreads.parallelFor(g.c(), 1, (s, e) -> {
                    Im2Col lower = new Im2Col(g, Staging.of(t), samples);
                    for (int ch = s; ch < e; ch++) {
                        lower.fold(cs, ch, samples, dxs, first);
                    }
                });
            }
        }
        return dx;
    }

    static Tensor backwardWeight(Tensor gradOut, Tensor x, int[] weightShape, Conv2dSpec spec) {
        return backwardWeight(gradOut, x, weightShape, spec, ConvGeometry.COLS_BUDGET_BYTES, Lowering.AUTO);
    }

    /** As above with a column budget and a lowering, as {@link #forward(Tensor, Tensor, Tensor, Conv2dSpec, long, Lowering)}. */
    static Tensor backwardWeight(Tensor gradOut, Tensor x, int[] weightShape, Conv2dSpec spec, long colsBudget,
                                 Lowering lowering) {
        String op = "conv2dBackwardWeight";
        ArgChecks.requireFloating(gradOut, "gradOut", op);
        ArgChecks.requireDType(x, gradOut.dtype(), "input", op);
        ConvGeometry g = ConvGeometry.of(x.shape(), weightShape, spec, op);
        OperandRules.requireShape(gradOut, g.outputShape(), "gradOut", op);
        DType t = gradOut.dtype();
        Tensor dw = Tensor.empty(x.backend(), t, g.weightShape());
        if (g.n() == 0 || g.ohow() == 0) {
            return dw.fill_(0);
        }
        if (dw.numel() == 0) {
            return dw;
        }
        if (lowering.oneDnn(g, t)) {
            try (Dense dy = Dense.of(gradOut); Dense dx = Dense.of(x)) {
                OneDnnConv.backwardWeight(g, dy, dx, dw);
            }
            return dw;
        }
        int group = g.samplesPerGroup(t.byteSize(), colsBudget);
        int ohow = g.ohow();
        HostStorage dws = (HostStorage) dw.storage();
        if (bySample(group, ohow)) {
            try (Dense dy = Dense.of(gradOut); Dense dx = Dense.of(x)) {
                SampleParallelConv.backwardWeight(g, t, dy, dx, dw);
            }
            return dw;
        }
        try (Dense dy = Dense.of(gradOut); Dense dx = Dense.of(x);
             Tensor cols = Tensor.empty(x.backend(), t, g.ckk(), group * ohow);
             Tensor dyT = Tensor.empty(x.backend(), t, g.o(), group * ohow)) {
            HostStorage cs = (HostStorage) cols.storage();
            HostStorage ts = (HostStorage) dyT.storage();
            for (int n0 = 0; n0 < g.n(); n0 += group) {
                int count = Math.min(group, g.n() - n0);
                int ld = count * ohow;
                expandGroup(g, t, dx, n0, count, cs);
                transposeGroup(g, t, dy, n0, count, ts, ld);
                Gemm.gemm(t, g.o(), g.ckk(), ld, 1.0, new Gemm.Operand(ts, 0, false, ld),
                        new Gemm.Operand(cs, 0, true, ld), n0 == 0 ? 0.0 : 1.0, dws, 0, g.ckk());
            }
        }
        return dw;
    }

    /** Column matrix of samples [n0, n0 + count) into {@code cols} (ld count·OH·OW), parallel over channels. */
    private static void expandGroup(ConvGeometry g, DType t, Dense x, int n0, int count, HostStorage cols) {
        int first = x.offset + n0 * g.c() * g.h() * g.w();
        CpuThreads.parallelFor(g.c(), 1, (s, e) -> {
            Im2Col lower = new Im2Col(g, Staging.of(t), count);
            for (int ch = s; ch < e; ch++) {
                lower.expand(x.storage, first, ch, count, cols);
            }
        });
    }

    /**
     * Whether the convolution runs one sample at a time ({@link SampleParallelConv}), its GEMMs
     * reading and writing the NCHW tensors in place, rather than as one GEMM per group of samples
     * over staged copies: when only one sample's columns fit the budget, and while a sample's
     * OH·OW columns are enough for an efficient GEMM.
     */
    private static boolean bySample(int group, int ohow) {
        return group == 1 || ohow >= SLICE_MIN_COLUMNS;
    }

    /** Columns per sample from which per-sample GEMMs beat staging copies. */
    static final int SLICE_MIN_COLUMNS = 128;

    /** gradOut [count, O, OH·OW] of samples [n0, n0 + count) rearranged as dyT [O, count·OH·OW]. */
    private static void transposeGroup(ConvGeometry g, DType t, Dense dy, int n0, int count, HostStorage dyT, int ld) {
        int ohow = g.ohow();
        CpuThreads.parallelFor(count * g.o(), Math.max(1, 4096 / ohow), (s, e) -> {
            for (int k = s; k < e; k++) {
                int sample = k / g.o();
                int ch = k % g.o();
                Staging.move(dy.storage, dy.offset + ((n0 + sample) * g.o() + ch) * ohow, dyT, ch * ld + sample * ohow,
                        ohow, t.byteSize());
            }
        });
    }
}
