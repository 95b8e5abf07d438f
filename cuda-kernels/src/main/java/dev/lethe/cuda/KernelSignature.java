package dev.lethe.cuda;

import java.util.Arrays;

/**
 * A kernel's parameter list as the driver reports it ({@code cuFuncGetParamInfo}: each
 * parameter's byte offset and size in the parameter buffer), checked against the
 * {@link KernelArgs} of every launch before {@code cuLaunchKernel}. The kernels are
 * {@code extern "C"}, so nothing else would notice a host that passes an {@code int} where the
 * kernel takes a {@code long long}, or one argument too few: the kernel would read garbage
 * addresses and fault, poisoning the context. A mismatch is an exception naming the kernel.
 *
 * @param offsets byte offset of each parameter
 * @param sizes   byte size of each parameter
 */
record KernelSignature(long[] offsets, long[] sizes) {
    KernelSignature {
        if (offsets.length != sizes.length) {
            throw new IllegalArgumentException(offsets.length + " offsets but " + sizes.length + " sizes");
        }
        offsets = offsets.clone();
        sizes = sizes.clone();
    }

    /** Fails, naming {@code kernel}, unless {@code args} has exactly these offsets and sizes. */
    void check(String kernel, KernelArgs args) {
        int[] argOffsets = args.offsets();
        int[] argSizes = args.sizes();
        boolean same = argOffsets.length == offsets.length;
        for (int i = 0; same && i < offsets.length; i++) {
            same = argOffsets[i] == offsets[i] && argSizes[i] == sizes[i];
        }
        if (!same) {
            throw new IllegalStateException("kernel " + kernel + " takes " + describe(offsets, sizes)
                    + " but the host passed " + describe(toLongs(argOffsets), toLongs(argSizes))
                    + "; nothing was launched");
        }
    }

    /** {@code "3 parameters (size@offset): 4@0 8@8 8@16"}. */
    private static String describe(long[] offsets, long[] sizes) {
        StringBuilder b = new StringBuilder().append(offsets.length).append(" parameters (size@offset):");
        for (int i = 0; i < offsets.length; i++) {
            b.append(' ').append(sizes[i]).append('@').append(offsets[i]);
        }
        return b.toString();
    }

    private static long[] toLongs(int[] v) {
        return Arrays.stream(v).asLongStream().toArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KernelSignature k && Arrays.equals(offsets, k.offsets) && Arrays.equals(sizes, k.sizes);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(offsets) + Arrays.hashCode(sizes);
    }
}
