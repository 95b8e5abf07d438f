package dev.lethe.tensor.io;

import dev.lethe.tensor.Backends;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST, gzipped or not (recognised by the
 * gzip magic {@code 1f 8b}). The layout is two zero bytes, a type code, the number of
 * dimensions, each dimension as a big-endian u32, then the elements, big-endian, row-major.
 *
 * <p>{@link #read} returns raw values: unsigned bytes (type {@code 0x08}: images and labels),
 * signed bytes ({@code 0x09}), shorts ({@code 0x0B}) and ints ({@code 0x0C}) as INT32; floats
 * ({@code 0x0D}) as FLOAT32; doubles ({@code 0x0E}) as FLOAT64. {@link #readScaled} turns
 * unsigned-byte images straight into FLOAT32 {@code value / 255} without an INT32 copy in between.
 *
 * <p>The data is decoded as it streams in, never held whole on the heap. For a plain file the
 * length is checked against the dimensions before anything is allocated; for a gzipped one,
 * where the length is known only at the end, a short or long stream is detected while reading
 * and the tensor is freed. Every format problem is a {@link MalformedFileException}.
 */
public final class Idx {
    /** At most this many dimensions; the MNIST family uses 1 (labels) and 3 (images). */
    static final int MAX_DIMS = 8;

    private static final int CHUNK_BYTES = 1 << 16;

    /** The element types: code, bytes per element, the dtype {@link #read} returns. */
    private enum ElementType {
        UNSIGNED_BYTE(0x08, 1, DType.INT32),
        SIGNED_BYTE(0x09, 1, DType.INT32),
        SHORT(0x0B, 2, DType.INT32),
        INT(0x0C, 4, DType.INT32),
        FLOAT(0x0D, 4, DType.FLOAT32),
        DOUBLE(0x0E, 8, DType.FLOAT64);

        final int code;
        final int size;
        final DType dtype;

        ElementType(int code, int size, DType dtype) {
            this.code = code;
            this.size = size;
            this.dtype = dtype;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }

        static ElementType of(int code) {
            for (ElementType t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }
    }

    /** How elements are stored into the tensor: raw values, or unsigned bytes scaled into [0, 1]. */
    private enum Target { RAW, SCALED }

    private Idx() {
    }

    /** The file's values as a tensor of its dimensions (INT32, FLOAT32 or FLOAT64, see the class comment). */
    public static Tensor read(Path file) throws IOException {
        return read(file, Target.RAW);
    }

    /**
     * An unsigned-byte file (images) as FLOAT32 {@code value / 255}, computed in float32 as
     * {@code torchvision.transforms.ToTensor} does; any other element type is a
     * {@link MalformedFileException}.
     */
    public static Tensor readScaled(Path file) throws IOException {
        return read(file, Target.SCALED);
    }

    private static Tensor read(Path file, Target target) throws IOException {
        try (InputStream in = open(file)) {
            Header header = readHeader(file, in);
            if (target == Target.SCALED && header.type != ElementType.UNSIGNED_BYTE) {
                throw new MalformedFileException(file, "holds " + header.type + " elements; only unsigned bytes "
                        + "(type 0x08) can be read scaled to [0, 1]");
            }
            if (!(in instanceof GZIPInputStream)) {
                long expected = header.byteSize() + header.dataBytes();
                long actual = Files.size(file);
                if (actual != expected) {
                    throw wrongLength(file, header, actual - header.byteSize());
                }
            }
            DType dtype = target == Target.SCALED ? DType.FLOAT32 : header.type.dtype;
            Tensor t = Tensor.empty(Backends.cpu(), dtype, header.dims);
            try {
                readData(file, in, header, target, t);
                return t;
            } catch (IOException | RuntimeException | Error e) {
                t.close();
                throw e;
            }
        } catch (ZipException | EOFException e) {
            // From GZIPInputStream: a damaged or cut-off compressed stream.
            throw new MalformedFileException(file, "corrupt or truncated gzip data: " + e.getMessage(), e);
        }
    }

    /** What the header says: the element type and the dimensions. */
    private record Header(ElementType type, int[] dims) {
        /** Bytes of the header itself: magic and one u32 per dimension. */
        long byteSize() {
            return 4 + 4L * dims.length;
        }

        /** Bytes the data section must have. */
        long dataBytes() {
            return (long) Shape.numel(dims) * type.size;
        }

        String describe() {
            return type + " " + Shape.str(dims);
        }
    }

    private static InputStream open(Path file) throws IOException {
        BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(file), CHUNK_BYTES);
        try {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, CHUNK_BYTES) : raw;
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    private static Header readHeader(Path file, InputStream in) throws IOException {
        ByteBuffer magic = readHeaderBytes(file, in, 4, "the 4-byte magic number");
        int code = magic.get(2) & 0xff;
        int rank = magic.get(3) & 0xff;
        if (magic.getShort(0) != 0) {
            throw new MalformedFileException(file, String.format("wrong magic number 0x%08x: an IDX file starts with "
                    + "two zero bytes, a type code and the number of dimensions", magic.getInt(0)));
        }
        ElementType type = ElementType.of(code);
        if (type == null) {
            throw new MalformedFileException(file, String.format("unknown element type 0x%02x (known: 0x08 ubyte, "
                    + "0x09 byte, 0x0B short, 0x0C int, 0x0D float, 0x0E double)", code));
        }
        if (rank == 0 || rank > MAX_DIMS) {
            throw new MalformedFileException(file, "declares " + rank + " dimensions; 1 to " + MAX_DIMS
                    + " are supported");
        }
        ByteBuffer sizes = readHeaderBytes(file, in, 4 * rank, "the " + rank + " dimension sizes");
        long[] dims = new long[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = Integer.toUnsignedLong(sizes.getInt(4 * i));
        }
        if (Arrays.stream(dims).anyMatch(d -> d > Integer.MAX_VALUE) || TensorLimits.numel(dims) < 0) {
            throw new MalformedFileException(file, "dimensions " + Arrays.toString(dims)
                    + " are too large: a tensor holds at most 2^31-1 elements");
        }
        long bytes = TensorLimits.numel(dims) * type.dtype.byteSize();
        if (bytes > TensorLimits.MAX_BYTES) {
            throw new MalformedFileException(file, "dimensions " + Arrays.toString(dims) + " need " + bytes
                    + " bytes, more than one tensor can hold (" + TensorLimits.MAX_BYTES + ")");
        }
        return new Header(type, Arrays.stream(dims).mapToInt(d -> (int) d).toArray());
    }

    private static ByteBuffer readHeaderBytes(Path file, InputStream in, int n, String what) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw new MalformedFileException(file, "file ends inside " + what + " (" + bytes.length + " of "
                    + n + " bytes)");
        }
        return ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
    }

    /** Streams the data into {@code t}, converting from big-endian as it goes, then checks nothing follows. */
    private static void readData(Path file, InputStream in, Header header, Target target, Tensor t) throws IOException {
        ByteBuffer dst = ((HostStorage) t.storage()).bytes().duplicate().order(ByteOrder.nativeOrder());
        dst.clear().limit(t.numel() * t.dtype().byteSize());
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.BIG_ENDIAN);
        int size = header.type.size;
        long remaining = header.dataBytes();
        while (remaining > 0) {
            int n = in.read(chunk.array(), chunk.position(), (int) Math.min(chunk.remaining(), remaining));
            if (n < 0) {
                throw wrongLength(file, header, header.dataBytes() - remaining);
            }
            remaining -= n;
            chunk.position(chunk.position() + n).flip();
            decode(header.type, target, chunk, dst, chunk.remaining() / size);
            chunk.compact(); // keeps a partial element for the next read
        }
        if (in.read() >= 0) {
            throw new MalformedFileException(file, "has data after the " + header.dataBytes() + " bytes that "
                    + header.describe() + " needs");
        }
    }

    private static void decode(ElementType type, Target target, ByteBuffer src, ByteBuffer dst, int count) {
        if (target == Target.SCALED) {
            for (int i = 0; i < count; i++) {
                dst.putFloat((src.get() & 0xff) / 255f);
            }
            return;
        }
        switch (type) {
            case UNSIGNED_BYTE -> {
                for (int i = 0; i < count; i++) {
                    dst.putInt(src.get() & 0xff);
                }
            }
            case SIGNED_BYTE -> {
                for (int i = 0; i < count; i++) {
                    dst.putInt(src.get());
                }
            }
            case SHORT -> {
                for (int i = 0; i < count; i++) {
                    dst.putInt(src.getShort());
                }
            }
            case INT -> {
                for (int i = 0; i < count; i++) {
                    dst.putInt(src.getInt());
                }
            }
            case FLOAT -> {
                for (int i = 0; i < count; i++) {
                    dst.putFloat(src.getFloat());
                }
            }
            case DOUBLE -> {
                for (int i = 0; i < count; i++) {
                    dst.putDouble(src.getDouble());
                }
            }
            default -> throw new AssertionError(type);
        }
    }

    private static MalformedFileException wrongLength(Path file, Header header, long dataBytesFound) {
        String problem = dataBytesFound < header.dataBytes() ? "is truncated" : "is longer than its dimensions say";
        return new MalformedFileException(file, problem + ": " + header.describe() + " needs " + header.dataBytes()
                + " data bytes after the header, the file has " + dataBytesFound);
    }
}
