package dev.lethe.tensor.cpu;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.Tensor;

/**
 * The im2col lowering of {@link Conv2d} one sample at a time, the samples spread over the pool's
 * threads and each thread's GEMMs single-threaded ({@link CpuThreads#parallelForSerialBlas}).
 * Each thread lowers a sample into its own column buffer {@code [C·kh·kw, OH·OW]} right before
 * that sample's product, so the columns are still in cache when the GEMM reads them, and the
 * products read and write the NCHW tensors in place:
 * <ul>
 *   <li>forward: {@code y_n = W · cols_n} (+ bias), into sample n's block of the output;</li>
 *   <li>data gradient: {@code dcols_n = Wᵀ · dy_n}, folded back onto sample n of the input;</li>
 *   <li>weight gradient: {@code dW = Σ_n dy_n · cols_nᵀ}, each thread summing its samples into
 *       its own partial, the partials added in a fixed order (reproducible for a thread count).</li>
 * </ul>
 * Why per core rather than per product: at ResNet-18's 1×1 stride-2 shortcut (64→128 at 32²,
 * a 128×256×64 product per sample, batch 32) two threads on each product ran the 32 products in
 * 0.88 ms where one product per thread took 0.74 ms, as fast as one GEMM over the whole batch.
 *
 * <p>A pointwise convolution (1×1, stride 1, no padding) needs no lowering: its columns are the
 * input sample and its column gradient is the input gradient, used in place.
 */
final class SampleParallelConv {
    private SampleParallelConv() {
    }

    static void forward(ConvGeometry g, DType t, Dense x, Dense w, double[] bias, HostStorage out) {
        int ohow = g.ohow();
        Gemm.Operand weight = new Gemm.Operand(w.storage, w.offset, false, g.ckk());
        CpuThreads.parallelForSerialBlas(g.n(), 1, (s, e) -> {
            try (Columns cols = new Columns(g, t)) {
                Staging st = Staging.of(t);
                Object row = bias == null ? null : st.array(ohow);
                for (int n = s; n < e; n++) {
                    int at = n * g.o() * ohow;
                    Gemm.gemm(t, g.o(), ohow, g.ckk(), 1.0, weight, cols.of(x, n), 0.0, out, at, ohow);
                    if (bias != null) {
                        for (int ch = 0; ch < g.o(); ch++) {
                            st.load(out, at + ch * ohow, row, 0, ohow);
                            st.addConstant(row, 0, ohow, bias[ch]);
                            st.store(out, at + ch * ohow, row, 0, ohow);
                        }
                    }
                }
            }
        });
    }

    static void backwardData(ConvGeometry g, DType t, Dense dy, Dense w, HostStorage dx) {
        int ohow = g.ohow();
        int sampleSize = g.c() * g.h() * g.w();
        Gemm.Operand weightT = new Gemm.Operand(w.storage, w.offset, true, g.ckk());
        CpuThreads.parallelForSerialBlas(g.n(), 1, (s, e) -> {
            try (Columns cols = new Columns(g, t)) {
                for (int n = s; n < e; n++) {
                    Gemm.Operand grad = new Gemm.Operand(dy.storage, dy.offset + n * g.o() * ohow, false, ohow);
                    if (cols.pointwise) {
                        Gemm.gemm(t, g.ckk(), ohow, g.o(), 1.0, weightT, grad, 0.0, dx, n * sampleSize, ohow);
                        continue;
                    }
                    Gemm.gemm(t, g.ckk(), ohow, g.o(), 1.0, weightT, grad, 0.0, cols.buffer, 0, ohow);
                    for (int ch = 0; ch < g.c(); ch++) {
                        cols.lowering.fold(cols.buffer, ch, 1, dx, n * sampleSize);
                    }
                }
            }
        });
    }

    static void backwardWeight(ConvGeometry g, DType t, Dense dy, Dense x, Tensor dw) {
        int ohow = g.ohow();
        int parts = Math.min(CpuThreads.threads(), g.n());
        Tensor[] partials = new Tensor[parts];
        partials[0] = dw;
        try {
            for (int p = 1; p < parts; p++) {
                partials[p] = Tensor.empty(dw.backend(), t, g.weightShape());
            }
            CpuThreads.parallelForSerialBlas(parts, 1, (ps, pe) -> {
                try (Columns cols = new Columns(g, t)) {
                    for (int p = ps; p < pe; p++) {
                        HostStorage sum = (HostStorage) partials[p].storage();
                        int first = (int) ((long) g.n() * p / parts);
                        int end = (int) ((long) g.n() * (p + 1) / parts);
                        for (int n = first; n < end; n++) {
                            Gemm.Operand grad = new Gemm.Operand(dy.storage, dy.offset + n * g.o() * ohow, false, ohow);
                            Gemm.Operand colsT = cols.of(x, n).transposed();
                            Gemm.gemm(t, g.o(), g.ckk(), ohow, 1.0, grad, colsT, n == first ? 0.0 : 1.0, sum, 0, g.ckk());
                        }
                    }
                }
            });
            for (int p = 1; p < parts; p++) {
                dw.add_(partials[p]);
            }
        } finally {
            for (int p = 1; p < parts; p++) {
                if (partials[p] != null) {
                    partials[p].close();
                }
            }
        }
    }

    /** One thread's columns of one sample at a time: its lowering, arrays and off-heap buffer. */
    private static final class Columns implements AutoCloseable {
        final boolean pointwise;
        final Im2Col lowering;
        final HostStorage buffer;
        private final ConvGeometry g;
        private final Tensor tensor;

        Columns(ConvGeometry g, DType t) {
            this.g = g;
            this.pointwise = g.kh() == 1 && g.kw() == 1 && g.spec().strideH() == 1 && g.spec().strideW() == 1
                    && g.spec().padH() == 0 && g.spec().padW() == 0;
            this.lowering = pointwise ? null : new Im2Col(g, Staging.of(t), 1);
            this.tensor = pointwise ? null : Tensor.empty(dev.lethe.tensor.Backends.cpu(), t, g.ckk(), g.ohow());
            this.buffer = pointwise ? null : (HostStorage) tensor.storage();
        }

        /** Sample n's column matrix {@code [C·kh·kw, OH·OW]} as a GEMM operand. */
        Gemm.Operand of(Dense x, int n) {
            int sample = x.offset + n * g.c() * g.h() * g.w();
            if (pointwise) {
                return new Gemm.Operand(x.storage, sample, false, g.ohow());
            }
            for (int ch = 0; ch < g.c(); ch++) {
                lowering.expand(x.storage, sample, ch, 1, buffer);
            }
            return new Gemm.Operand(buffer, 0, false, g.ohow());
        }

        @Override
        public void close() {
            if (tensor != null) {
                tensor.close();
            }
        }
    }
}
