package dev.lethe.cuda;

import java.util.List;

/**
 * The cuDNN algorithm one {@link ConvPlanKey} runs with, the workspace it needs and the math
 * type the convolution descriptor is set to, and the rule that picks it from cuDNN's ranked
 * candidates.
 *
 * @param algo           the {@code cudnnConvolution*Algo_t} value of the pass
 * @param workspaceBytes the workspace {@code cudnnGetConvolution*WorkspaceSize} asked for
 * @param mathType       {@code CUDNN_FMA_MATH} or {@code CUDNN_DEFAULT_MATH}
 */
record ConvAlgorithm(int algo, long workspaceBytes, int mathType) {
    // cudnnStatus_t and cudnnMathType_t values (cudnn_graph.h, cuDNN 9); plain ints so that this
    // class and its tests never load the cuDNN bindings.
    static final int STATUS_SUCCESS = 0;
    static final int DEFAULT_MATH = 0;
    static final int TENSOR_OP_MATH = 1;
    static final int TENSOR_OP_MATH_ALLOW_CONVERSION = 2;
    static final int FMA_MATH = 3;

    /**
     * Workspace above which a faster candidate is passed over for a leaner one: the workspace is
     * a transient allocation per call, and cuDNN's fastest FFT/Winograd variants can ask for
     * gigabytes at ResNet stem shapes.
     */
    static final long WORKSPACE_LIMIT_BYTES = 1L << 30;

    /** One entry of cuDNN's {@code cudnnConvolution*AlgoPerf_t} result array. */
    record Candidate(int algo, int status, long memory, int mathType) {
    }

    /**
     * The math type a convolution of this dtype runs in. Since cuDNN 8,
     * {@code CUDNN_DEFAULT_MATH} lets float32 convolutions use TF32 tensor cores on Ampere and
     * later (cuDNN API reference, cudnnMathType_t); {@code CUDNN_FMA_MATH} restricts them to
     * FP32 FMA. So float32 uses FMA unless {@code -Dlethe.cuda.tf32=true}; float64 uses the
     * default, which never lowers its precision.
     */
    static int mathType(boolean float32, boolean tf32) {
        return float32 && !tf32 ? FMA_MATH : DEFAULT_MATH;
    }

    /**
     * The first usable candidate in cuDNN's ranking (fastest expected first) whose workspace is
     * within {@code limit}; when every usable one needs more, the one needing least. Usable: status
     * success, and, under {@code FMA_MATH}, not one that needs tensor-op math. Null when none is.
     */
    static Candidate pick(List<Candidate> ranked, int mathType, long limit) {
        Candidate leanest = null;
        for (Candidate c : ranked) {
            if (c.status() != STATUS_SUCCESS || c.memory() < 0) {
                continue;
            }
            if (mathType == FMA_MATH && (c.mathType() == TENSOR_OP_MATH || c.mathType() == TENSOR_OP_MATH_ALLOW_CONVERSION)) {
                continue;
            }
            if (c.memory() <= limit) {
                return c;
            }
            if (leanest == null || c.memory() < leanest.memory()) {
                leanest = c;
            }
        }
        return leanest;
    }
}
