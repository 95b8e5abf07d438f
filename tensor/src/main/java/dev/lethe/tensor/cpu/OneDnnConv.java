package dev.lethe.tensor.cpu;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.global.dnnl;

/**
 * float32 convolution forward, data gradient and weight gradient through oneDNN ({@link OneDnn}).
 *
 * <p>Each pass of each geometry gets a {@link Plan}, built once and kept (JIT code generation
 * costs milliseconds): the convolution primitive, created with "any" layouts so oneDNN picks its
 * fast channel-blocked ones, and the reorders between those and Lethe's plain NCHW / OIHW
 * tensors. A call reorders its inputs into temporary blocked buffers, runs the convolution and
 * reorders the result back into the output tensor; temporaries are scoped to the call.
 *
 * <p>PyTorch's output size rounds down, so the right padding oneDNN is told is whatever makes the
 * output OH×OW: {@code (OH−1)·s + (k−1)·d + 1 − H − padLeft} (below the left padding when the
 * division dropped a remainder). oneDNN dilation counts the gaps: Lethe's d is oneDNN's d − 1.
 */
final class OneDnnConv {
    /** Inputs with fewer channels than this keep their plain NCHW layout (see {@link Plan}). */
    private static final int FEW_CHANNELS = 8;

    /** Plans kept at most; the least recently used is destroyed beyond this. */
    private static final int MAX_PLANS = 96;

    private enum Pass { FORWARD, DATA, WEIGHTS }

    private record Key(Pass pass, ConvGeometry g, boolean bias) {
    }

    private static final Map<Key, Plan> PLANS = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Plan> eldest) {
            if (size() > MAX_PLANS) {
                eldest.getValue().destroy();
                return true;
            }
            return false;
        }
    };

    private OneDnnConv() {
    }

    /**
     * Whether oneDNN takes this convolution: float32, oneDNN loaded, a geometry it can express,
     * and a kernel larger than 1×1 — a 1×1 convolution is a plain GEMM already, and measured
     * through oneDNN (with its reorders) it was no faster than im2col (1×1 stride 2, batch 32).
     */
    static boolean supports(ConvGeometry g, DType t) {
        return t == DType.FLOAT32 && OneDnn.available() && g.kh() * g.kw() > 1
                && g.n() > 0 && g.o() > 0 && g.oh() > 0 && g.ow() > 0
                && rightPad(g.h(), g.oh(), g.kh(), g.spec().strideH(), g.spec().dilationH(), g.spec().padH()) >= 0
                && rightPad(g.w(), g.ow(), g.kw(), g.spec().strideW(), g.spec().dilationW(), g.spec().padW()) >= 0;
    }

    /** {@code out = conv(x, w) + bias} (bias may be null); out is [N, O, OH, OW]. */
    static void forward(ConvGeometry g, Dense x, Dense w, Dense bias, Tensor out) {
        synchronized (PLANS) {
            Plan p = plan(new Key(Pass.FORWARD, g, bias != null));
            p.run(x, w, bias, out);
        }
    }

    /** dx [N, C, H, W] from dy and the weight. */
    static void backwardData(ConvGeometry g, Dense dy, Dense w, Tensor dx) {
        synchronized (PLANS) {
            plan(new Key(Pass.DATA, g, false)).run(dy, w, null, dx);
        }
    }

    /** dw [O, C, kh, kw] from dy and the input. */
    static void backwardWeight(ConvGeometry g, Dense dy, Dense x, Tensor dw) {
        synchronized (PLANS) {
            plan(new Key(Pass.WEIGHTS, g, false)).run(x, dy, null, dw);
        }
    }

    private static Plan plan(Key key) {
        Plan p = PLANS.get(key);
        if (p == null) {
            p = new Plan(key);
            PLANS.put(key, p);
        }
        return p;
    }

    private static long rightPad(int in, int out, int k, int stride, int dilation, int padLeft) {
        return (long) (out - 1) * stride + (long) (k - 1) * dilation + 1 - in - padLeft;
    }

    /**
     * One pass of one geometry: two inputs (a, b) and an output, each with its plain descriptor,
     * the descriptor the convolution chose and the reorder between them (null when equal).
     * Forward: a = src, b = weights, out = dst. Data: a = diff_dst, b = weights, out = diff_src.
     * Weights: a = src, b = diff_dst, out = diff_weights.
     */
    private static final class Plan {
        private final Pass pass;
        private final dnnl_primitive conv;
        private final dnnl_memory_desc[] plain = new dnnl_memory_desc[3];
        private final dnnl_memory_desc[] chosen = new dnnl_memory_desc[3];
        private final dnnl_primitive[] reorders = new dnnl_primitive[3];
        private final int[] argIds;
        private final dnnl_memory_desc biasDesc;

        Plan(Key key) {
            this.pass = key.pass;
            ConvGeometry g = key.g;
            long[] src = {g.n(), g.c(), g.h(), g.w()};
            long[] wei = {g.o(), g.c(), g.kh(), g.kw()};
            long[] dst = {g.n(), g.o(), g.oh(), g.ow()};
            long[] strides = {g.spec().strideH(), g.spec().strideW()};
            long[] dilates = {g.spec().dilationH() - 1, g.spec().dilationW() - 1};
            long[] padL = {g.spec().padH(), g.spec().padW()};
            long[] padR = {rightPad(g.h(), g.oh(), g.kh(), g.spec().strideH(), g.spec().dilationH(), g.spec().padH()),
                rightPad(g.w(), g.ow(), g.kw(), g.spec().strideW(), g.spec().dilationW(), g.spec().padW())};
            int any = dnnl.dnnl_format_tag_any;
            // A blocked layout pads channels to 16: for an image-sized input (1-3 channels) that is
            // 5-16x the work of the data gradient, so there the input keeps its plain layout. (The
            // weight gradient is the other way round: measured 3-10x slower on the plain layout.)
            boolean plainSrc = g.c() < FEW_CHANNELS && pass != Pass.WEIGHTS;
            dnnl_memory_desc srcAny = OneDnn.desc(src, plainSrc ? dnnl.dnnl_nchw : any);
            dnnl_memory_desc weiAny = OneDnn.desc(wei, any);
            dnnl_memory_desc dstAny = OneDnn.desc(dst, any);
            biasDesc = key.bias ? OneDnn.desc(new long[] {g.o()}, dnnl.dnnl_a) : null;
            dnnl_primitive_desc hint = new dnnl_primitive_desc();
            dnnl_primitive_desc pd = new dnnl_primitive_desc();
            try {
                OneDnn.check(dnnl.dnnl_convolution_forward_primitive_desc_create(hint, OneDnn.engine(),
                        dnnl.dnnl_forward_training, dnnl.dnnl_convolution_direct, srcAny, weiAny, biasDesc, dstAny,
                        strides, dilates, padL, padR, null), "convolution descriptor");
                switch (pass) {
                    case FORWARD -> {
                        OneDnn.check(dnnl.dnnl_convolution_forward_primitive_desc_create(pd, OneDnn.engine(),
                                dnnl.dnnl_forward_training, dnnl.dnnl_convolution_direct, srcAny, weiAny, biasDesc,
                                dstAny, strides, dilates, padL, padR, null), "convolution descriptor");
                        describe(pd, src, wei, dst, dnnl.dnnl_query_src_md, dnnl.dnnl_query_weights_md,
                                dnnl.dnnl_query_dst_md, dnnl.dnnl_nchw, dnnl.dnnl_oihw, dnnl.dnnl_nchw);
                        argIds = new int[] {dnnl.DNNL_ARG_SRC, dnnl.DNNL_ARG_WEIGHTS, dnnl.DNNL_ARG_DST};
                    }
                    case DATA -> {
                        OneDnn.check(dnnl.dnnl_convolution_backward_data_primitive_desc_create(pd, OneDnn.engine(),
                                dnnl.dnnl_convolution_direct, srcAny, weiAny, dstAny, strides, dilates, padL, padR,
                                hint, null), "data-gradient descriptor");
                        describe(pd, dst, wei, src, dnnl.dnnl_query_diff_dst_md, dnnl.dnnl_query_weights_md,
                                dnnl.dnnl_query_diff_src_md, dnnl.dnnl_nchw, dnnl.dnnl_oihw, dnnl.dnnl_nchw);
                        argIds = new int[] {dnnl.DNNL_ARG_DIFF_DST, dnnl.DNNL_ARG_WEIGHTS, dnnl.DNNL_ARG_DIFF_SRC};
                    }
                    default -> {
                        OneDnn.check(dnnl.dnnl_convolution_backward_weights_primitive_desc_create(pd, OneDnn.engine(),
                                dnnl.dnnl_convolution_direct, srcAny, weiAny, null, dstAny, strides, dilates, padL,
                                padR, hint, null), "weight-gradient descriptor");
                        describe(pd, src, dst, wei, dnnl.dnnl_query_src_md, dnnl.dnnl_query_diff_dst_md,
                                dnnl.dnnl_query_diff_weights_md, dnnl.dnnl_nchw, dnnl.dnnl_nchw, dnnl.dnnl_oihw);
                        argIds = new int[] {dnnl.DNNL_ARG_SRC, dnnl.DNNL_ARG_DIFF_DST, dnnl.DNNL_ARG_DIFF_WEIGHTS};
                    }
                }
                conv = OneDnn.primitive(pd, "convolution");
                reorders[0] = OneDnn.reorder(plain[0], chosen[0]);
                reorders[1] = OneDnn.reorder(plain[1], chosen[1]);
                reorders[2] = OneDnn.reorder(chosen[2], plain[2]);
            } finally {
                dnnl.dnnl_primitive_desc_destroy(pd);
                dnnl.dnnl_primitive_desc_destroy(hint);
                dnnl.dnnl_memory_desc_destroy(srcAny);
                dnnl.dnnl_memory_desc_destroy(weiAny);
                dnnl.dnnl_memory_desc_destroy(dstAny);
            }
        }

        /** Records the plain layouts of the two inputs and the output and the ones {@code pd} chose. */
        private void describe(dnnl_primitive_desc pd, long[] a, long[] b, long[] out, int qa, int qb, int qout,
                              int ta, int tb, int tout) {
            plain[0] = OneDnn.desc(a, ta);
            plain[1] = OneDnn.desc(b, tb);
            plain[2] = OneDnn.desc(out, tout);
            chosen[0] = OneDnn.query(pd, qa);
            chosen[1] = OneDnn.query(pd, qb);
            chosen[2] = OneDnn.query(pd, qout);
        }

        /** Runs the pass on contiguous float32 operands a, b (and bias) into the contiguous output. */
        void run(Dense a, Dense b, Dense bias, Tensor out) {
            Tensor[] temps = new Tensor[3];
            dnnl_memory[] user = new dnnl_memory[3];
            dnnl_memory[] inner = new dnnl_memory[3];
            dnnl_memory biasMemory = null;
            Dense[] in = {a, b};
            try {
                for (int i = 0; i < 3; i++) {
                    HostStorage s = i < 2 ? in[i].storage : (HostStorage) out.storage();
                    long offset = 4L * (i < 2 ? in[i].offset : out.offset());
                    user[i] = OneDnn.memory(plain[i], s.pointer(), offset);
                    if (reorders[i] == null) {
                        inner[i] = OneDnn.memory(chosen[i], s.pointer(), offset);
                    } else {
                        long floats = (dnnl.dnnl_memory_desc_get_size(chosen[i]) + 3) / 4;
                        if (floats > Integer.MAX_VALUE) {
                            throw new IllegalArgumentException("conv2d: a blocked operand of " + floats
                                    + " elements is larger than one tensor can be");
                        }
                        temps[i] = Tensor.empty(out.backend(), DType.FLOAT32, (int) floats);
                        inner[i] = OneDnn.memory(chosen[i], ((HostStorage) temps[i].storage()).pointer(), 0);
                    }
                }
                for (int i = 0; i < 2; i++) {
                    if (reorders[i] != null) {
                        OneDnn.execute(reorders[i], new int[] {dnnl.DNNL_ARG_FROM, dnnl.DNNL_ARG_TO},
                                new dnnl_memory[] {user[i], inner[i]}, "reorder in");
                    }
                }
                if (bias != null) {
                    biasMemory = OneDnn.memory(biasDesc, bias.storage.pointer(), 4L * bias.offset);
                    OneDnn.execute(conv, new int[] {argIds[0], argIds[1], argIds[2], dnnl.DNNL_ARG_BIAS},
                            new dnnl_memory[] {inner[0], inner[1], inner[2], biasMemory}, "convolution");
                } else {
                    OneDnn.execute(conv, argIds, new dnnl_memory[] {inner[0], inner[1], inner[2]}, "convolution");
                }
                if (reorders[2] != null) {
                    OneDnn.execute(reorders[2], new int[] {dnnl.DNNL_ARG_FROM, dnnl.DNNL_ARG_TO},
                            new dnnl_memory[] {inner[2], user[2]}, "reorder out");
                }
            } finally {
                for (int i = 0; i < 3; i++) {
                    destroy(user[i]);
                    destroy(inner[i]);
                    if (temps[i] != null) {
                        temps[i].close();
                    }
                }
                destroy(biasMemory);
            }
        }

        private static void destroy(dnnl_memory m) {
            if (m != null && !m.isNull()) {
                dnnl.dnnl_memory_destroy(m);
            }
        }

        void destroy() {
            dnnl.dnnl_primitive_destroy(conv);
            for (int i = 0; i < 3; i++) {
                if (reorders[i] != null) {
                    dnnl.dnnl_primitive_destroy(reorders[i]);
                }
                dnnl.dnnl_memory_desc_destroy(plain[i]);
                dnnl.dnnl_memory_desc_destroy(chosen[i]);
            }
            if (biasDesc != null) {
                dnnl.dnnl_memory_desc_destroy(biasDesc);
            }
        }
    }
}
