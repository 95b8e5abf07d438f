package dev.lethe.cuda;

import dev.lethe.tensor.NormRules;
import dev.lethe.tensor.Tensor;

/**
 * How the normalisation kernels see their input, after {@link NormRules} (the CPU's rules and
 * messages) has accepted it: batch norm per channel, layer norm per row.
 */
final class NormChecks {
    private NormChecks() {
    }

    /**
     * A batch-norm input [N, C, S...] seen per channel: N·S values in each of C channels, at
     * offset (n·C + c)·S + s in the dense tensor.
     */
    record ChannelLayout(int n, int c, int spatial) {
        /** Values per channel, N·S. */
        long perChannel() {
            return (long) n * spatial;
        }
    }

    /** Fails unless x is a floating [N, C] or [N, C, ...] tensor; its per-channel layout. */
    static ChannelLayout batchNormInput(Tensor x, String op) {
        NormRules.requireBatchNormInput(x, op);
        int[] s = x.shape();
        long spatial = 1;
        for (int i = 2; i < s.length; i++) {
            spatial *= s[i];
        }
        return new ChannelLayout(s[0], s[1], Math.toIntExact(spatial));
    }

    /** Rows of a layer-norm input with rows of d elements (none when d is 0). */
    static int rows(Tensor x, int d) {
        return d == 0 ? 0 : x.numel() / d;
    }
}
