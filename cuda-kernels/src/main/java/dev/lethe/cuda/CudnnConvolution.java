package dev.lethe.cuda;

import dev.lethe.tensor.Conv2dSpec;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.cuda.cudnn.cudnnConvolutionBwdDataAlgoPerf_t;
import org.bytedeco.cuda.cudnn.cudnnConvolutionBwdFilterAlgoPerf_t;
import org.bytedeco.cuda.cudnn.cudnnConvolutionFwdAlgoPerf_t;
import org.bytedeco.cuda.cudnn.cudnnConvolutionStruct;
import org.bytedeco.cuda.cudnn.cudnnFilterStruct;
import org.bytedeco.cuda.cudnn.cudnnTensorStruct;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * 2-D convolution (NCHW, cross-correlation as {@code torch.nn.functional.conv2d}) and its data
 * and weight gradients through cuDNN's convolution API on the backend's stream. Semantics and
 * argument checks are the CPU backend's ({@link ConvPlanKey}); the bias is added with
 * {@code cudnnAddTensor} broadcasting [1, O, 1, 1] over the output.
 *
 * <p>Each distinct {@link ConvPlanKey} gets its algorithm once ({@link ConvAlgorithmCache}) from
 * cuDNN's heuristics ({@code cudnnGetConvolution*Algorithm_v7}), not from the benchmarking
 * {@code cudnnFind*}: Find runs every algorithm on buffers and workspaces it allocates itself
 * with {@code cudaMalloc}, outside the caching allocator, which can fail while the cache holds the
 * device's memory, and makes the choice depend on timing noise. The workspace of each call is a
 * transient block of the caching allocator. float32 runs without TF32 unless
 * {@code -Dlethe.cuda.tf32=true} ({@link ConvAlgorithm#mathType}).
 *
 * <p>The cuDNN library is loaded on the first convolution, not with the backend: when it is
 * missing that call fails with a {@link CudaException} that says so, and every other op works.
 */
final class CudnnConvolution {
    private final CudaContext context;
    private final ConvAlgorithmCache algorithms = new ConvAlgorithmCache();
    private cudnnContext handle;
    // alpha = 1, beta = 0 or 1 in host memory: float for float32 data, double for float64 (cuDNN API reference, "Scaling Parameters").
    private final FloatPointer oneF = new FloatPointer(1f);
    private final FloatPointer zeroF = new FloatPointer(0f);
    private final DoublePointer oneD = new DoublePointer(1.0);
    private final DoublePointer zeroD = new DoublePointer(0.0);

    CudnnConvolution(CudaContext context) {
        this.context = context;
    }

    /** cuDNN's version as "9.10.2", or why it could not be loaded. */
    static String version() {
        try {
            long v = cudnn.cudnnGetVersion(); // major·10000 + minor·100 + patch since cuDNN 9
            return v / 10000 + "." + v % 10000 / 100 + "." + v % 100;
        } catch (LinkageError e) {
            return "unavailable: " + e.getMessage();
        }
    }

    /** The algorithm cache (tests read its hit and miss counts). */
    ConvAlgorithmCache algorithms() {
        return algorithms;
    }

    /** y [N, O, OH, OW] = x [N, C, H, W] ⋆ w [O, C, kh, kw] + bias [O] (bias may be null). */
    synchronized Tensor forward(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec) {
        String op = ConvPlanKey.Direction.FORWARD.op;
        OperandChecks.requireOnDevice(x, "input", op);
        OperandChecks.requireOnDevice(w, "weight", op);
        if (bias != null) {
            OperandChecks.requireOnDevice(bias, "bias", op);
        }
        ConvPlanKey key = ConvPlanKey.forward(x.dtype(), x.shape(), w.dtype(), w.shape(),
                bias == null ? null : bias.dtype(), bias == null ? null : bias.shape(), spec);
        return convolve(key, Tensor.empty(x.backend(), key.dtype(), key.outputShape()), x, w, this::chooseForward,
                "cudnnConvolutionForward", (h, d, a, ws, px, pw, py) -> cudnn.cudnnConvolutionForward(h, one(key), d.x, px,
                        d.w, pw, d.conv, a.algo(), ws.pointer(), ws.bytes, zero(key), d.y, py),
                // An input of zero height or width seen only through padding: every window is zeros.
                y -> bias == null ? y.fill_(0) : y.copyFrom_(bias.reshape(1, key.o(), 1, 1)),
                bias == null ? null : (h, d, py) -> {
                    try (DeviceOperand cb = DeviceOperand.contiguous(bias, key.dtype())) {
                        // y = 1 · bias (broadcast over N, H, W) + 1 · y
                        check(cudnn.cudnnAddTensor(h, one(key), d.bias, at(cb.address()), one(key), d.y, py),
                                "cudnnAddTensor");
                    }
                });
    }

    /** dx [N, C, H, W] = the transposed convolution of gradOut [N, O, OH, OW] with w. */
    synchronized Tensor backwardData(Tensor gradOut, Tensor w, int[] inputShape, Conv2dSpec spec) {
        String op = ConvPlanKey.Direction.BACKWARD_DATA.op;
        OperandChecks.requireOnDevice(gradOut, "gradOut", op);
        OperandChecks.requireOnDevice(w, "weight", op);
        ConvPlanKey key = ConvPlanKey.backwardData(gradOut.dtype(), gradOut.shape(), w.dtype(), w.shape(), inputShape, spec);
        return convolve(key, Tensor.empty(gradOut.backend(), key.dtype(), key.inputShape()), gradOut, w,
                this::chooseBackwardData, "cudnnConvolutionBackwardData", (h, d, a, ws, py, pw, px) ->
                        cudnn.cudnnConvolutionBackwardData(h, one(key), d.w, pw, d.y, py, d.conv, a.algo(), ws.pointer(),
                                ws.bytes, zero(key), d.x, px),
                dx -> dx.fill_(0), // no output channels: nothing flows back
                null);
    }

    /** dw [O, C, kh, kw] = Σ over samples and positions of gradOut ⊗ the input windows. */
    synchronized Tensor backwardWeight(Tensor gradOut, Tensor x, int[] weightShape, Conv2dSpec spec) {
        String op = ConvPlanKey.Direction.BACKWARD_WEIGHT.op;
        OperandChecks.requireOnDevice(gradOut, "gradOut", op);
        OperandChecks.requireOnDevice(x, "input", op);
        ConvPlanKey key = ConvPlanKey.backwardWeight(gradOut.dtype(), gradOut.shape(), x.dtype(), x.shape(), weightShape,
                spec);
        return convolve(key, Tensor.empty(x.backend(), key.dtype(), key.weightShape()), gradOut, x,
                this::chooseBackwardWeight, "cudnnConvolutionBackwardFilter", (h, d, a, ws, py, px, pw) ->
                        cudnn.cudnnConvolutionBackwardFilter(h, one(key), d.x, px, d.y, py, d.conv, a.algo(), ws.pointer(),
                                ws.bytes, zero(key), d.w, pw),
                dw -> dw.fill_(0), // no samples, or an input seen only through padding
                null);
    }

    /** Chooses a direction's algorithm for a key (called once per key). */
    @FunctionalInterface
    private interface Chooser {
        ConvAlgorithm choose(cudnnContext h, Descriptors d, ConvPlanKey key);
    }

    /** One direction's cuDNN call on the two operands and the output; returns the status. */
    @FunctionalInterface
    private interface ConvCall {
        int run(cudnnContext h, Descriptors d, ConvAlgorithm a, Workspace ws, Pointer first, Pointer second, Pointer out);
    }

    /** What follows the call on the same descriptors (the forward's bias). */
    @FunctionalInterface
    private interface Finish {
        void apply(cudnnContext h, Descriptors d, Pointer out);
    }

    /**
     * What the three directions share: nothing to do for an empty result, {@code whenEmpty} for a
     * convolution with nothing to sum, else both operands contiguous in the key's dtype, the
     * call's descriptors, its cached algorithm and a workspace, the cuDNN {@code call} and then
     * {@code finish} (may be null). The result is freed if anything fails.
     */
    private Tensor convolve(ConvPlanKey key, Tensor out, Tensor first, Tensor second, Chooser chooser, String callName,
                            ConvCall call, java.util.function.UnaryOperator<Tensor> whenEmpty, Finish finish) {
        if (out.numel() == 0) {
            return out;
        }
        try {
            if (key.empty()) {
                return whenEmpty.apply(out);
            }
            cudnnContext h = handle();
            try (DeviceOperand a = DeviceOperand.contiguous(first, key.dtype());
                 DeviceOperand b = DeviceOperand.contiguous(second, key.dtype());
                 Descriptors d = new Descriptors(key)) {
                ConvAlgorithm algorithm = algorithms.get(key, k -> chooser.choose(h, d, k));
                Pointer result = at(DeviceElementwise.address(out));
                try (Workspace ws = new Workspace(algorithm.workspaceBytes(), out.device())) {
                    check(call.run(h, d, algorithm, ws, at(a.address()), at(b.address()), result), callName);
                }
                if (finish != null) {
                    finish.apply(h, d, result);
                }
            }
            return out;
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
    }

    // The three directions differ only in their cuDNN calls and perf-struct types (which share no
    // Java interface); choose() is the rest, once.

    private ConvAlgorithm chooseForward(cudnnContext h, Descriptors d, ConvPlanKey key) {
        int count = cudnn.CUDNN_CONVOLUTION_FWD_ALGO_COUNT;
        try (cudnnConvolutionFwdAlgoPerf_t perf = new cudnnConvolutionFwdAlgoPerf_t(count)) {
            return choose(d, key, "cudnnGetConvolutionForwardAlgorithm_v7",
                    returned -> cudnn.cudnnGetConvolutionForwardAlgorithm_v7(h, d.x, d.w, d.conv, d.y, count, returned, perf),
                    i -> {
                        cudnnConvolutionFwdAlgoPerf_t p = perf.getPointer(i);
                        return new ConvAlgorithm.Candidate(p.algo(), p.status(), p.memory(), p.mathType());
                    },
                    "cudnnGetConvolutionForwardWorkspaceSize",
                    (algo, size) -> cudnn.cudnnGetConvolutionForwardWorkspaceSize(h, d.x, d.w, d.conv, d.y, algo, size));
        }
    }

    private ConvAlgorithm chooseBackwardData(cudnnContext h, Descriptors d, ConvPlanKey key) {
        int count = cudnn.CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT;
        try (cudnnConvolutionBwdDataAlgoPerf_t perf = new cudnnConvolutionBwdDataAlgoPerf_t(count)) {
            return choose(d, key, "cudnnGetConvolutionBackwardDataAlgorithm_v7",
                    returned -> cudnn.cudnnGetConvolutionBackwardDataAlgorithm_v7(h, d.w, d.y, d.conv, d.x, count, returned,
                            perf),
                    i -> {
                        cudnnConvolutionBwdDataAlgoPerf_t p = perf.getPointer(i);
                        return new ConvAlgorithm.Candidate(p.algo(), p.status(), p.memory(), p.mathType());
                    },
                    "cudnnGetConvolutionBackwardDataWorkspaceSize",
                    (algo, size) -> cudnn.cudnnGetConvolutionBackwardDataWorkspaceSize(h, d.w, d.y, d.conv, d.x, algo, size));
        }
    }

    private ConvAlgorithm chooseBackwardWeight(cudnnContext h, Descriptors d, ConvPlanKey key) {
        int count = cudnn.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT;
        try (cudnnConvolutionBwdFilterAlgoPerf_t perf = new cudnnConvolutionBwdFilterAlgoPerf_t(count)) {
            return choose(d, key, "cudnnGetConvolutionBackwardFilterAlgorithm_v7",
                    returned -> cudnn.cudnnGetConvolutionBackwardFilterAlgorithm_v7(h, d.x, d.y, d.conv, d.w, count,
                            returned, perf),
                    i -> {
                        cudnnConvolutionBwdFilterAlgoPerf_t p = perf.getPointer(i);
                        return new ConvAlgorithm.Candidate(p.algo(), p.status(), p.memory(), p.mathType());
                    },
                    "cudnnGetConvolutionBackwardFilterWorkspaceSize",
                    (algo, size) -> cudnn.cudnnGetConvolutionBackwardFilterWorkspaceSize(h, d.x, d.y, d.conv, d.w, algo,
                            size));
        }
    }

    /**
     * Ranks the algorithms with cuDNN's heuristics ({@code rank} fills the perf array and the
     * count returned), picks one ({@link ConvAlgorithm#pick}) and asks its workspace size.
     */
    private static ConvAlgorithm choose(Descriptors d, ConvPlanKey key, String rankCall,
                                        java.util.function.ToIntFunction<IntPointer> rank,
                                        java.util.function.IntFunction<ConvAlgorithm.Candidate> candidate,
                                        String workspaceCall, WorkspaceQuery workspace) {
        try (IntPointer returned = new IntPointer(1); SizeTPointer size = new SizeTPointer(1)) {
            check(rank.applyAsInt(returned), rankCall);
            List<ConvAlgorithm.Candidate> ranked = new ArrayList<>();
            for (int i = 0; i < returned.get(); i++) {
                ranked.add(candidate.apply(i));
            }
            ConvAlgorithm.Candidate c = pick(ranked, d.mathType, key);
            check(workspace.bytes(c.algo(), size), workspaceCall);
            return new ConvAlgorithm(c.algo(), size.get(), d.mathType);
        }
    }

    /** A {@code cudnnGetConvolution*WorkspaceSize} call for one algorithm; returns the status. */
    @FunctionalInterface
    private interface WorkspaceQuery {
        int bytes(int algo, SizeTPointer size);
    }

    private static ConvAlgorithm.Candidate pick(List<ConvAlgorithm.Candidate> ranked, int mathType, ConvPlanKey key) {
        ConvAlgorithm.Candidate c = ConvAlgorithm.pick(ranked, mathType, ConvAlgorithm.WORKSPACE_LIMIT_BYTES);
        if (c == null) {
            throw new CudaException(key.direction().op + ": cuDNN offers no usable algorithm for " + key + " (candidates "
                    + ranked + ")");
        }
        return c;
    }

    private Pointer one(ConvPlanKey key) {
        return key.dtype() == DType.FLOAT32 ? oneF : oneD;
    }

    private Pointer zero(ConvPlanKey key) {
        return key.dtype() == DType.FLOAT32 ? zeroF : zeroD;
    }

    private static Pointer at(long address) {
        return new NativeAddress(address);
    }

    /** The cuDNN handle, bound to the backend's stream; loads cuDNN on first use. */
    private cudnnContext handle() {
        if (handle == null) {
            cudnnContext h;
            try {
                h = new cudnnContext();
                check(cudnn.cudnnCreate(h), "cudnnCreate");
            } catch (LinkageError e) {
                CudaException missing = new CudaException("conv2d on the CUDA backend needs cuDNN 9 (libcudnn), which "
                        + "could not be loaded: " + e);
                missing.initCause(e);
                throw missing;
            }
            check(cudnn.cudnnSetStream(h, context.stream()), "cudnnSetStream");
            handle = h;
        }
        return handle;
    }

    /** Throws naming the call and cuDNN's description of the status unless it is success. */
    static void check(int status, String call) {
        if (status != cudnn.CUDNN_STATUS_SUCCESS) {
            throw new CudaException(call + " failed: " + cudnn.cudnnGetErrorString(status).getString()
                    + " (cuDNN status " + status + ")");
        }
    }

    /**
     * The descriptors of one call: input x, weight w, output y (all fully packed NCHW), the bias
     * [1, O, 1, 1] and the convolution (padding, stride, dilation, cross-correlation, computed in
     * the data type, in the key's math type). Destroyed on close, also when made only in part.
     */
    private static final class Descriptors implements AutoCloseable {
        final int mathType;
        cudnnTensorStruct x;
        cudnnFilterStruct w;
        cudnnTensorStruct y;
        cudnnTensorStruct bias;
        cudnnConvolutionStruct conv;
        private int failedStatus;
        private String failedCall;

        Descriptors(ConvPlanKey k) {
            int type = k.dtype() == DType.FLOAT32 ? cudnn.CUDNN_DATA_FLOAT : cudnn.CUDNN_DATA_DOUBLE;
            mathType = ConvAlgorithm.mathType(k.dtype() == DType.FLOAT32, CublasGemm.TF32);
            Conv2dSpec s = k.spec();
            try {
                x = tensor(type, k.n(), k.c(), k.h(), k.w());
                y = tensor(type, k.n(), k.o(), k.oh(), k.ow());
                bias = tensor(type, 1, k.o(), 1, 1);
                cudnnFilterStruct f = new cudnnFilterStruct();
                check(cudnn.cudnnCreateFilterDescriptor(f), "cudnnCreateFilterDescriptor");
                w = f;
                check(cudnn.cudnnSetFilter4dDescriptor(w, type, cudnn.CUDNN_TENSOR_NCHW, k.o(), k.c(), k.kh(), k.kw()),
                        "cudnnSetFilter4dDescriptor");
                cudnnConvolutionStruct c = new cudnnConvolutionStruct();
                check(cudnn.cudnnCreateConvolutionDescriptor(c), "cudnnCreateConvolutionDescriptor");
                conv = c;
                check(cudnn.cudnnSetConvolution2dDescriptor(conv, s.padH(), s.padW(), s.strideH(), s.strideW(),
                        s.dilationH(), s.dilationW(), cudnn.CUDNN_CROSS_CORRELATION, type),
                        "cudnnSetConvolution2dDescriptor");
                check(cudnn.cudnnSetConvolutionMathType(conv, mathType), "cudnnSetConvolutionMathType");
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        private static cudnnTensorStruct tensor(int type, int n, int c, int h, int w) {
            cudnnTensorStruct t = new cudnnTensorStruct();
            check(cudnn.cudnnCreateTensorDescriptor(t), "cudnnCreateTensorDescriptor");
            int status = cudnn.cudnnSetTensor4dDescriptor(t, cudnn.CUDNN_TENSOR_NCHW, type, n, c, h, w);
            if (status != cudnn.CUDNN_STATUS_SUCCESS) {
                cudnn.cudnnDestroyTensorDescriptor(t);
                check(status, "cudnnSetTensor4dDescriptor");
            }
            return t;
        }

        @Override
        public void close() {
            // Destroy everything that was made, then report the first failure.
            if (conv != null) {
                destroyed(cudnn.cudnnDestroyConvolutionDescriptor(conv), "cudnnDestroyConvolutionDescriptor");
                conv = null;
            }
            if (w != null) {
                destroyed(cudnn.cudnnDestroyFilterDescriptor(w), "cudnnDestroyFilterDescriptor");
                w = null;
            }
            for (cudnnTensorStruct t : new cudnnTensorStruct[] {x, y, bias}) {
                if (t != null) {
                    destroyed(cudnn.cudnnDestroyTensorDescriptor(t), "cudnnDestroyTensorDescriptor");
                }
            }
            x = null;
            y = null;
            bias = null;
            if (failedCall != null) {
                check(failedStatus, failedCall);
            }
        }

        private void destroyed(int status, String call) {
            if (status != cudnn.CUDNN_STATUS_SUCCESS && failedCall == null) {
                failedStatus = status;
                failedCall = call;
            }
        }
    }

    /** A transient workspace from the caching allocator; none for zero bytes. */
    private final class Workspace implements AutoCloseable {
        final long bytes;
        private final DeviceStorage storage;

        Workspace(long bytes, Device device) {
            this.bytes = bytes;
            this.storage = bytes > 0 ? new DeviceStorage(context.allocator(), device, bytes) : null;
        }

        Pointer pointer() {
            return storage == null ? null : new NativeAddress(storage.address());
        }

        @Override
        public void close() {
            if (storage != null) {
                storage.release();
            }
        }
    }
}
