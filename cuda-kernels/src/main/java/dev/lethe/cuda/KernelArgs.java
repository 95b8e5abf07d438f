package dev.lethe.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The parameters of one kernel launch, in the order of the kernel's signature. Each value is
 * written at its natural alignment into one buffer; {@code cuLaunchKernel} gets an array of
 * pointers to them ({@link #offsets()} into {@link #bytes()}), and copies the values at launch,
 * so the buffer can go as soon as the launch call returns.
 */
final class KernelArgs {
    private ByteBuffer buffer = ByteBuffer.allocate(512).order(ByteOrder.nativeOrder());
    private final List<Integer> offsets = new ArrayList<>();
    private final List<Integer> sizes = new ArrayList<>();

    /** A C {@code int}. */
    KernelArgs i32(int v) {
        int at = reserve(4, 4);
        buffer.putInt(at, v);
        return this;
    }

    /** A C {@code long long}. */
    KernelArgs i64(long v) {
        int at = reserve(8, 8);
        buffer.putLong(at, v);
        return this;
    }

    /** A C {@code float}. */
    KernelArgs f32(float v) {
        int at = reserve(4, 4);
        buffer.putFloat(at, v);
        return this;
    }

    /** A C {@code double}. */
    KernelArgs f64(double v) {
        int at = reserve(8, 8);
        buffer.putDouble(at, v);
        return this;
    }

    /** A device pointer ({@code T*}). */
    KernelArgs pointer(long deviceAddress) {
        return i64(deviceAddress);
    }

    /** A {@code Layout3} struct, passed by value (8-byte aligned, {@link KernelLayout#BYTES} bytes). */
    KernelArgs layout(KernelLayout layout) {
        byte[] b = layout.toBytes();
        int at = reserve(8, b.length);
        buffer.put(at, b);
        return this;
    }

    /** Number of parameters. */
    int count() {
        return offsets.size();
    }

    /** Byte offset of each parameter in {@link #bytes()}. */
    int[] offsets() {
        return offsets.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Byte size of each parameter. */
    int[] sizes() {
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The packed values, up to the end of the last one. */
    byte[] bytes() {
        int end = offsets.isEmpty() ? 0 : buffer.position();
        byte[] out = new byte[end];
        buffer.duplicate().position(0).get(out, 0, end);
        return out;
    }

    /**
     * Aligns the end to {@code align}, records the parameter's offset, grows by {@code size} and
     * returns the offset to write the value at. Growing replaces {@link #buffer}, so callers
     * reserve first and only then write.
     */
    private int reserve(int align, int size) {
        int at = (buffer.position() + align - 1) / align * align;
        if (at + size > buffer.capacity()) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, at + size)).order(ByteOrder.nativeOrder());
            bigger.put(buffer.duplicate().position(0).limit(buffer.position()));
            buffer = bigger;
        }
        offsets.add(at);
        sizes.add(size);
        buffer.position(at + size);
        return at;
    }
}
