package dev.lethe.tensor;

/**
 * Geometry of 2-D max and average pooling over NCHW input (PyTorch's {@code max_pool2d}/
 * {@code avg_pool2d} with {@code ceil_mode=False}; average pooling counts padding, PyTorch's
 * default {@code count_include_pad=True}).
 *
 * @param kernelH window height
 * @param kernelW window width
 * @param strideH vertical stride
 * @param strideW horizontal stride
 * @param padH    implicit padding above and below (at most half the window)
 * @param padW    implicit padding left and right (at most half the window)
 */
public record Pool2dSpec(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {
    public Pool2dSpec {
        if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || padH < 0 || padW < 0
                || padH > kernelH / 2 || padW > kernelW / 2) {
            throw new IllegalArgumentException("bad pooling geometry: kernel (" + kernelH + ", " + kernelW
                    + "), stride (" + strideH + ", " + strideW + "), padding (" + padH + ", " + padW
                    + "); padding must be at most half the kernel");
        }
    }

    /** Square window; stride defaults to the kernel size in PyTorch, pass it explicitly here. */
    public static Pool2dSpec of(int kernel, int stride, int padding) {
        return new Pool2dSpec(kernel, kernel, stride, stride, padding, padding);
    }

    /** Output height for input height {@code h}. */
    public int outH(int h) {
        return (h + 2 * padH - kernelH) / strideH + 1;
    }

    /** Output width for input width {@code w}. */
    public int outW(int w) {
        return (w + 2 * padW - kernelW) / strideW + 1;
    }
}
