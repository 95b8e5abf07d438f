package dev.lethe.nn;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;

/**
 * Batch normalisation of [N, C, H, W] per channel (PyTorch's {@code nn.BatchNorm2d}, eps 1e-5,
 * momentum 0.1). Training normalises with the biased batch variance and updates
 * {@code running_mean} and {@code running_var} (with the unbiased variance) in place through the
 * backend primitive, and counts {@code num_batches_tracked}; evaluation uses the running
 * statistics. Parameters weight (1) and bias (0); buffers running_mean (0), running_var (1),
 * num_batches_tracked (int64, 0). The buffers are read from the module's buffer map on each use,
 * since {@link Module#to} replaces them.
 */
public final class BatchNorm2d extends Module {
    /** PyTorch's default eps. */
    public static final double EPS = 1e-5;
    /** PyTorch's default momentum. */
    public static final double MOMENTUM = 0.1;

    private static final String RUNNING_MEAN = "running_mean";
    private static final String RUNNING_VAR = "running_var";
    private static final String NUM_BATCHES_TRACKED = "num_batches_tracked";

    private final int channels;
    private final Variable weight;
    private final Variable bias;
    private boolean updateRunningStats = true;

    /** A BatchNorm over {@code channels} channels. */
    public BatchNorm2d(int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("BatchNorm2d needs at least one channel, got " + channels);
        }
        this.channels = channels;
        this.weight = registerParameter("weight", Tensor.ones(DType.FLOAT32, channels));
        this.bias = registerParameter("bias", Tensor.zeros(DType.FLOAT32, channels));
        registerBuffer(RUNNING_MEAN, Tensor.zeros(DType.FLOAT32, channels));
        registerBuffer(RUNNING_VAR, Tensor.ones(DType.FLOAT32, channels));
        registerBuffer(NUM_BATCHES_TRACKED, Tensor.zeros(DType.INT64));
    }

    @Override
    public Variable forward(Variable x) {
        if (x.rank() != 4 || x.size(1) != channels) {
            throw new IllegalArgumentException("BatchNorm2d expects input [N, " + channels + ", H, W], got shape "
                    + Shape.str(x.shape()));
        }
        boolean training = isTraining();
        if (training && !updateRunningStats) {
            // Batch statistics without touching the running ones: PyTorch's batch_norm with
            // running_mean = running_var = None.
            return x.batchNorm(weight, bias, null, null, true, MOMENTUM, EPS);
        }
        Variable y = x.batchNorm(weight, bias, runningMean(), runningVar(), training, MOMENTUM, EPS);
        if (training) {
            numBatchesTracked().add_(1.0);
        }
        return y;
    }

    /**
     * Whether training-mode forwards update the running statistics (default true, as PyTorch).
     * Turned off for gradient inspection in training mode, which must leave the model unchanged.
     */
    public void updateRunningStats(boolean on) {
        this.updateRunningStats = on;
    }

    /** Sets {@link #updateRunningStats(boolean)} on every BatchNorm2d inside {@code root}. */
    public static void updateRunningStats(Module root, boolean on) {
        for (Module m : root.namedModules().values()) {
            if (m instanceof BatchNorm2d bn) {
                bn.updateRunningStats(on);
            }
        }
    }

    /** The running mean [C] (live buffer). */
    public Tensor runningMean() {
        return buffer(RUNNING_MEAN);
    }

    /** The running variance [C] (live buffer). */
    public Tensor runningVar() {
        return buffer(RUNNING_VAR);
    }

    /** Training-mode forwards so far (int64 scalar, live buffer). */
    public Tensor numBatchesTracked() {
        return buffer(NUM_BATCHES_TRACKED);
    }
}
