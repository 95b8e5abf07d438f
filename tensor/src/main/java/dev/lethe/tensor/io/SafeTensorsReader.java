package dev.lethe.tensor.io;

import dev.lethe.tensor.Backends;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Reads tensors from a safetensors file, all of them or only those asked for. Opening reads
 * and validates the whole header (see {@link SafeTensorsHeaderParser} for the checks); tensors
 * are then read on demand, each placed by its {@code data_offsets} alone, into new CPU tensors
 * of the dtype {@link SafeTensorsDType#loadsAs()} names.
 *
 * <pre>{@code
 * try (var reader = SafeTensorsReader.open(path)) {
 *     Tensor w = reader.read("fc.weight");
 * }
 * }</pre>
 *
 * Tensors join the caller's {@link MemoryScope}. A read that fails part-way frees what it had
 * allocated. Bad content is a {@link MalformedFileException}; an unknown name an
 * IllegalArgumentException.
 *
 * <p>The header is checked before any tensor is allocated: the file holds the 8-byte length;
 * the length is at most 100 MB and within the file; the header is strict UTF-8 JSON (duplicate
 * names rejected) holding one object; {@code __metadata__} maps strings to strings; every other
 * entry has exactly {@code dtype} (a {@link SafeTensorsDType} name), {@code shape} (at most 64
 * non-negative ints) and {@code data_offsets} ({@code 0 <= begin <= end <= } data length, with
 * {@code end - begin} = elements x item size); a tensor has at most 2^31-1 elements and loads
 * into under 2 GiB; no two tensors share a byte. Gaps between tensors and unused bytes at the
 * end are accepted (the reference implementation rejects them), since a reader that places
 * tensors by their offsets cannot be misled by them.
 */
public final class SafeTensorsReader implements AutoCloseable {
    /** Bytes converted per step when the stored type is not the loaded one. */
    private static final int CHUNK_BYTES = 1 << 16;
    private static final boolean LITTLE_ENDIAN_HOST = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private final FileChannel channel;
    private final SafeTensorsHeader header;

    private SafeTensorsReader(FileChannel channel, SafeTensorsHeader header) {
        this.channel = channel;
        this.header = header;
    }

    /** Opens {@code file} and validates its header; close the reader when done. */
    public static SafeTensorsReader open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new SafeTensorsReader(channel, SafeTensorsHeaderParser.read(channel, file));
        } catch (IOException | RuntimeException | Error e) {
            channel.close();
            throw e;
        }
    }

    /** The validated header: names, dtypes, shapes and metadata, without data. */
    public SafeTensorsHeader header() {
        return header;
    }

    /** Tensor names in header order. */
    public List<String> names() {
        return header.names();
    }

    /** The {@code __metadata__} pairs (empty when the file has none). */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** Reads one tensor. */
    public Tensor read(String name) throws IOException {
        return read(List.of(name)).get(name);
    }

    /**
     * Reads the named tensors, in the order given; either all are returned or, on failure, none
     * stays allocated. Every name is looked up before anything is read; repeated names are read once.
     */
    public Map<String, Tensor> read(Collection<String> names) throws IOException {
        List<SafeTensorsHeader.Entry> wanted = new LinkedHashSet<>(names).stream().map(header::entry).toList();
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (MemoryScope scope = MemoryScope.open()) {
            for (SafeTensorsHeader.Entry e : wanted) {
                out.put(e.name(), load(e));
            }
            out.values().forEach(scope::keep);
        }
        return out;
    }

    /** Reads every tensor, in header order, with the metadata. */
    public SafeTensorsFile readAll() throws IOException {
        return new SafeTensorsFile(read(header.names()), header.metadata());
    }

    private Tensor load(SafeTensorsHeader.Entry e) throws IOException {
        SafeTensorsDType type = e.dtype();
        Tensor t = Tensor.empty(Backends.cpu(), type.loadsAs(), e.shape());
        int bytes = e.numel() * type.loadsAs().byteSize();
        ByteBuffer dst = ((HostStorage) t.storage()).bytes().duplicate().order(ByteOrder.nativeOrder());
        dst.clear().limit(bytes);
        long position = header.dataStart() + e.begin();
        String what = "tensor \"" + e.name() + "\"";
        if (type.isVerbatim() && LITTLE_ENDIAN_HOST) {
            ChannelIO.readFully(channel, dst, position, header.file(), what); // file bytes are the tensor's bytes
            return t;
        }
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        long remaining = e.end() - e.begin();
        while (remaining > 0) {
            int step = (int) Math.min(CHUNK_BYTES, remaining); // CHUNK_BYTES is a multiple of every item size
            chunk.clear().limit(step);
            ChannelIO.readFully(channel, chunk, position, header.file(), what);
            chunk.flip();
            type.decode(chunk, dst, step / type.itemSize());
            position += step;
            remaining -= step;
        }
        return t;
    }

    /** Closes the file; tensors already read stay valid. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
