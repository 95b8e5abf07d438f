package dev.lethe.tensor.io;

import dev.lethe.tensor.DType;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The element types a safetensors header may declare (its {@code "dtype"} strings) and the Lethe
 * dtype each one loads into.
 *
 * <p>F64, F32, I64 and I32 load verbatim. The narrower types widen, exactly: F16 and BF16 into
 * FLOAT32; I16, I8, U8 and BOOL into INT32 (Lethe has no 8- or 16-bit tensors; a uint8 image
 * becomes int32 values 0..255, and BOOL becomes 0/1). Lethe writes the verbatim types and, on
 * request, U8 from an INT32 tensor whose values lie in [0, 255] (datasets of images).
 */
public enum SafeTensorsDType {
    /** float64. */
    F64(8, DType.FLOAT64),
    /** float32. */
    F32(4, DType.FLOAT32),
    /** IEEE half precision, loaded as FLOAT32. */
    F16(2, DType.FLOAT32),
    /** bfloat16, loaded as FLOAT32. */
    BF16(2, DType.FLOAT32),
    /** int64. */
    I64(8, DType.INT64),
    /** int32. */
    I32(4, DType.INT32),
    /** int16, loaded as INT32. */
    I16(2, DType.INT32),
    /** int8, loaded as INT32. */
    I8(1, DType.INT32),
    /** uint8, loaded as INT32 (0..255). */
    U8(1, DType.INT32),
    /** bool (one byte, nonzero is true), loaded as INT32 0/1. */
    BOOL(1, DType.INT32);

    private final int itemSize;
    private final DType loadsAs;

    SafeTensorsDType(int itemSize, DType loadsAs) {
        this.itemSize = itemSize;
        this.loadsAs = loadsAs;
    }

    /** Bytes one element occupies in the file. */
    public int itemSize() {
        return itemSize;
    }

    /** The dtype of the tensor this type loads into. */
    public DType loadsAs() {
        return loadsAs;
    }

    /** True when the file's bytes are the loaded tensor's bytes (little-endian), with no conversion. */
    public boolean isVerbatim() {
        return itemSize == loadsAs.byteSize();
    }

    /** True when a tensor of {@code dtype} can be written as this type. */
    public boolean canWrite(DType dtype) {
        return loadsAs == dtype && (isVerbatim() || this == U8);
    }

    /** The type of a header's {@code "dtype"} string, or empty when Lethe does not know it. */
    public static Optional<SafeTensorsDType> byName(String name) {
        for (SafeTensorsDType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The type that stores {@code dtype} verbatim. */
    public static SafeTensorsDType of(DType dtype) {
        return byName(dtype.safetensorsName()).orElseThrow();
    }

    /**
     * Converts {@code count} elements from little-endian file bytes at {@code src}'s position into
     * {@code dst} (native order, positioned), advancing both.
     */
    void decode(ByteBuffer src, ByteBuffer dst, int count) {
        switch (this) {
            case F64 -> {
                for (int i = 0; i < count; i++) {
                    dst.putDouble(src.getDouble());
                }
            }
            case F32 -> {
                for (int i = 0; i < count; i++) {
                    dst.putFloat(src.getFloat());
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    dst.putFloat(HalfPrecision.halfToFloat(src.getShort()));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    dst.putFloat(HalfPrecision.bfloat16ToFloat(src.getShort()));
                }
            }
            case I64 -> {
                for (int i = 0; i < count; i++) {
                    dst.putLong(src.getLong());
                }
            }
            case I32 -> {
                for (int i = 0; i < count; i++) {
                    dst.putInt(src.getInt());
                }
            }
            case I16 -> {
                for (int i = 0; i < count; i++) {
                    dst.putInt(src.getShort());
                }
            }
            case I8 -> {
                for (int i = 0; i < count; i++) {
                    dst.putInt(src.get());
                }
            }
            case U8 -> {
                for (int i = 0; i < count; i++) {
                    dst.putInt(src.get() & 0xff);
                }
            }
            case BOOL -> {
                for (int i = 0; i < count; i++) {
                    dst.putInt(src.get() != 0 ? 1 : 0);
                }
            }
            default -> throw new AssertionError(this);
        }
    }

    /**
     * Converts {@code count} elements of a tensor's native-order bytes at {@code src}'s position
     * into little-endian file bytes in {@code dst}, advancing both. Only for the types
     * {@link #canWrite} accepts; a U8 element outside [0, 255] is an IllegalArgumentException.
     */
    void encode(ByteBuffer src, ByteBuffer dst, int count) {
        switch (this) {
            case F64 -> {
                for (int i = 0; i < count; i++) {
                    dst.putDouble(src.getDouble());
                }
            }
            case F32 -> {
                for (int i = 0; i < count; i++) {
                    dst.putFloat(src.getFloat());
                }
            }
            case I64 -> {
                for (int i = 0; i < count; i++) {
                    dst.putLong(src.getLong());
                }
            }
            case I32 -> {
                for (int i = 0; i < count; i++) {
                    dst.putInt(src.getInt());
                }
            }
            case U8 -> {
                for (int i = 0; i < count; i++) {
                    int v = src.getInt();
                    if (v < 0 || v > 255) {
                        throw new IllegalArgumentException("value " + v + " does not fit U8 [0, 255]");
                    }
                    dst.put((byte) v);
                }
            }
            default -> throw new IllegalStateException("Lethe does not write " + this);
        }
    }
}
