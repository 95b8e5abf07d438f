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
}
