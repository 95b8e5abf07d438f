package dev.lethe.tensor;

/**
 * Geometry of a 2-D convolution over NCHW input, as in {@code torch.nn.functional.conv2d}.
 *
 * @param strideH   vertical stride (&ge; 1)
 * @param strideW   horizontal stride (&ge; 1)
 * @param padH      zero padding added above and below
 * @param padW      zero padding added left and right
 * @param dilationH vertical dilation (&ge; 1)
 * @param dilationW horizontal dilation (&ge; 1)
 */
public record Conv2dSpec(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW) {
    public Conv2dSpec {
        if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("bad conv2d geometry: stride (" + strideH + ", " + strideW
                    + ") and dilation (" + dilationH + ", " + dilationW + ") must be >= 1, padding ("
                    + padH + ", " + padW + ") >= 0");
        }
    }

    /** Square stride, padding and dilation. */
    public static Conv2dSpec of(int stride, int padding, int dilation) {
        return new Conv2dSpec(stride, stride, padding, padding, dilation, dilation);
    }

    /** Output height for an input of height {@code h} and kernel height {@code kh}. */
    public int outH(int h, int kh) {
        return (h + 2 * padH - dilationH * (kh - 1) - 1) / strideH + 1;
    }

    /** Output width for an input of width {@code w} and kernel width {@code kw}. */
    public int outW(int w, int kw) {
        return (w + 2 * padW - dilationW * (kw - 1) - 1) / strideW + 1;
    }

    /**
     * Fails, naming {@code op}, unless input shape {@code x} [N, C, H, W] and weight shape
     * {@code w} [O, C, kh, kw] fit this convolution: ranks, non-negative sizes, a kernel of at
     * least 1×1 over the input's channel count (no groups), and a (dilated) kernel no larger
     * than the padded input. Every backend checks with this one rule, so all fail alike.
     */
    public void checkShapes(int[] x, int[] w, String op) {
        if (x == null || x.length != 4) {
            throw new IllegalArgumentException(op + ": input must be [N, C, H, W], got " + Shape.str(x));
        }
        if (w == null || w.length != 4) {
            throw new IllegalArgumentException(op + ": weight must be [O, C, kh, kw], got " + Shape.str(w));
        }
        for (int d : x) {
            if (d < 0) {
                throw new IllegalArgumentException(op + ": negative size in input shape " + Shape.str(x));
            }
        }
        if (w[0] < 0 || w[1] < 1 || w[2] < 1 || w[3] < 1) {
            throw new IllegalArgumentException(op + ": weight shape " + Shape.str(w) + " needs C, kh, kw >= 1");
        }
        if (w[1] != x[1]) {
            throw new IllegalArgumentException(op + ": weight " + Shape.str(w) + " expects " + w[1]
                    + " input channels, the input " + Shape.str(x) + " has " + x[1] + " (groups are not supported)");
        }
        long effH = (long) dilationH * (w[2] - 1) + 1;
        long effW = (long) dilationW * (w[3] - 1) + 1;
        long paddedH = x[2] + 2L * padH;
        long paddedW = x[3] + 2L * padW;
        if (effH > paddedH || effW > paddedW) {
            throw new IllegalArgumentException(op + ": the (dilated) kernel " + effH + "x" + effW
                    + " is larger than the padded input " + paddedH + "x" + paddedW + " of input " + Shape.str(x));
        }
    }
}
