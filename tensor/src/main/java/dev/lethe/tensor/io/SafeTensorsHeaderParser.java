package dev.lethe.tensor.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lethe.tensor.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads and checks a safetensors header: the 8-byte little-endian length N, N bytes of UTF-8
 * JSON, and every entry against the size of the data section that follows. Nothing is
 * allocated for tensors here; once this returns, each entry's byte range lies inside the file,
 * matches its dtype and shape, fits one host tensor and overlaps no other entry.
 *
 * <p>Unlike the reference implementation, gaps between tensors and unused bytes at the end of
 * the data section are accepted (they waste space but cannot mislead a reader that places
 * tensors by their offsets).
 */
final class SafeTensorsHeaderParser {
    /** The reference implementation's limit: a larger header is corruption, not a model. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    /** Far more dimensions than any model uses; bounds the work a hostile header can cause. */
    static final int MAX_RANK = 64;

    private static final String METADATA_KEY = "__metadata__";
    private static final Set<String> ENTRY_KEYS = Set.of("dtype", "shape", "data_offsets");
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final Path file;

    private SafeTensorsHeaderParser(Path file) {
        this.file = file;
    }

    /** Reads the header of {@code file} from {@code channel}; a format problem is a {@link MalformedFileException}. */
    static SafeTensorsHeader read(FileChannel channel, Path file) throws IOException {
        return new SafeTensorsHeaderParser(file).read(channel);
    }

    private SafeTensorsHeader read(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < 8) {
            throw fail("file is " + size + " bytes long, shorter than the 8-byte header length");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        ChannelIO.readFully(channel, lengthBytes, 0, file, "the header length");
        long headerLength = lengthBytes.getLong(0); // an unsigned u64: "negative" means >= 2^63
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw fail("header length " + Long.toUnsignedString(headerLength) + " is absurd (more than "
                    + MAX_HEADER_BYTES + " bytes)");
        }
        if (headerLength > size - 8) {
            throw fail("header length " + headerLength + " runs past the end of the file (" + size + " bytes)");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        ChannelIO.readFully(channel, headerBytes, 8, file, "the header");
        JsonNode root = parseJson(headerBytes.flip());

        long dataStart = 8 + headerLength;
        long dataLength = size - dataStart;
        Map<String, SafeTensorsHeader.Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals(METADATA_KEY)) {
                readMetadata(field.getValue(), metadata);
            } else {
                entries.put(field.getKey(), entry(field.getKey(), field.getValue(), dataLength));
            }
        }
        checkNoOverlap(entries.values());
        return new SafeTensorsHeader(file, entries, metadata, dataStart, dataLength);
    }

    private JsonNode parseJson(ByteBuffer bytes) throws MalformedFileException {
        String text;
        try {
            // Decode strictly ourselves: Jackson would guess UTF-16/32 from the first bytes.
            text = StandardCharsets.UTF_8.newDecoder().decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw fail("header is not valid UTF-8", e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            // Duplicate names are reported here too (STRICT_DUPLICATE_DETECTION): "Duplicate field 'w'".
            var at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw fail("header is not valid JSON: " + e.getOriginalMessage() + where, e);
        }
        if (root == null || !root.isObject()) {
            throw fail("header is not a JSON object but " + kind(root));
        }
        return root;
    }

    private void readMetadata(JsonNode node, Map<String, String> metadata) throws MalformedFileException {
        if (!node.isObject()) {
            throw fail(METADATA_KEY + " is not an object of strings but " + kind(node));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> pair = it.next();
            if (!pair.getValue().isTextual()) {
                throw fail(METADATA_KEY + " value of \"" + pair.getKey() + "\" is not a string but "
                        + kind(pair.getValue()));
            }
            metadata.put(pair.getKey(), pair.getValue().textValue());
        }
    }

    private SafeTensorsHeader.Entry entry(String name, JsonNode node, long dataLength) throws MalformedFileException {
        if (!node.isObject()) {
            throw failTensor(name, "entry is not a JSON object but " + kind(node));
        }
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!ENTRY_KEYS.contains(key)) {
                throw failTensor(name, "unexpected key \"" + key
                        + "\" (an entry has exactly dtype, shape and data_offsets)");
            }
        }
        SafeTensorsDType dtype = dtype(name, required(name, node, "dtype"));
        int[] shape = shape(name, required(name, node, "shape"));
        long numel = TensorLimits.numel(Arrays.stream(shape).asLongStream().toArray());
        if (numel < 0) {
            throw failTensor(name, "shape " + Shape.str(shape) + " has more than 2^31-1 elements");
        }
        JsonNode offsets = required(name, node, "data_offsets");
        if (!offsets.isArray() || offsets.size() != 2 || !isLong(offsets.get(0)) || !isLong(offsets.get(1))) {
            throw failTensor(name, "data_offsets " + offsets + " is not a pair of integers [begin, end]");
        }
        long begin = offsets.get(0).longValue();
        long end = offsets.get(1).longValue();
        if (begin < 0 || begin > end || end > dataLength) {
            throw failTensor(name, "data_offsets [" + begin + ", " + end + "] lie outside the data section of "
                    + dataLength + " bytes (need 0 <= begin <= end <= " + dataLength + ")");
        }
        long needed = numel * dtype.itemSize();
        if (end - begin != needed) {
            throw failTensor(name, "data_offsets [" + begin + ", " + end + "] hold " + (end - begin) + " bytes, but "
                    + dtype + " " + Shape.str(shape) + " needs " + needed);
        }
        long loaded = numel * dtype.loadsAs().byteSize();
        if (loaded > TensorLimits.MAX_BYTES) {
            throw failTensor(name, dtype + " " + Shape.str(shape) + " loads into " + loaded
                    + " bytes, more than one tensor can hold (" + TensorLimits.MAX_BYTES + ")");
        }
        return new SafeTensorsHeader.Entry(name, dtype, shape, begin, end);
    }

    private SafeTensorsDType dtype(String name, JsonNode node) throws MalformedFileException {
        if (!node.isTextual()) {
            throw failTensor(name, "dtype is not a string but " + kind(node));
        }
        return SafeTensorsDType.byName(node.textValue()).orElseThrow(() -> failTensor(name, "unknown dtype \""
                + node.textValue() + "\" (known: " + Arrays.toString(SafeTensorsDType.values()) + ")"));
    }

    private int[] shape(String name, JsonNode node) throws MalformedFileException {
        if (!node.isArray()) {
            throw failTensor(name, "shape is not an array but " + kind(node));
        }
        if (node.size() > MAX_RANK) {
            throw failTensor(name, "shape has " + node.size() + " dimensions, more than " + MAX_RANK);
        }
        int[] shape = new int[node.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = node.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0) {
                throw failTensor(name, "shape " + node + " is not an array of non-negative ints (below 2^31)");
            }
            shape[i] = d.intValue();
        }
        return shape;
    }

    /** Sorts the non-empty ranges by start; each must begin at or after the previous one's end. */
    private void checkNoOverlap(Iterable<SafeTensorsHeader.Entry> entries) throws MalformedFileException {
        List<SafeTensorsHeader.Entry> ranges = new ArrayList<>();
        for (SafeTensorsHeader.Entry e : entries) {
            if (e.end() > e.begin()) {
                ranges.add(e);
            }
        }
        ranges.sort(Comparator.comparingLong(SafeTensorsHeader.Entry::begin));
        for (int i = 1; i < ranges.size(); i++) {
            SafeTensorsHeader.Entry a = ranges.get(i - 1);
            SafeTensorsHeader.Entry b = ranges.get(i);
            if (b.begin() < a.end()) {
                throw fail("tensors \"" + a.name() + "\" [" + a.begin() + ", " + a.end() + "] and \"" + b.name()
                        + "\" [" + b.begin() + ", " + b.end() + "] overlap");
            }
        }
    }

    private JsonNode required(String name, JsonNode entry, String key) throws MalformedFileException {
        JsonNode value = entry.get(key);
        if (value == null) {
            throw failTensor(name, "missing key \"" + key + "\"");
        }
        return value;
    }

    private static boolean isLong(JsonNode n) {
        return n.isIntegralNumber() && n.canConvertToLong();
    }

    private static String kind(JsonNode n) {
        return n == null || n.isMissingNode() ? "empty" : n.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private MalformedFileException fail(String problem) {
        return new MalformedFileException(file, problem);
    }

    private MalformedFileException fail(String problem, Throwable cause) {
        return new MalformedFileException(file, problem, cause);
    }

    private MalformedFileException failTensor(String tensor, String problem) {
        return new MalformedFileException(file, "tensor \"" + tensor + "\": " + problem);
    }
}
