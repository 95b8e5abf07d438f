package dev.lethe.tensor.cpu;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;

/**
 * The oneDNN CPU engine and stream the convolutions run on, loaded once; the few C-API steps
 * {@link OneDnnConv} needs, each with its status checked (a failed call throws, naming the step).
 *
 * <p>oneDNN is used for float32 convolutions only: its JIT kernels work on channel-blocked
 * layouts at close to the machine's peak, twice what im2col plus an OpenBLAS GEMM reaches on the
 * same shapes. Its threads are OpenMP's ({@code OMP_NUM_THREADS}, default: all cores). When the
 * library cannot be loaded, or {@code -Dlethe.conv=im2col} is given, convolutions keep the
 * im2col path and {@link #unavailableReason()} says why.
 */
final class OneDnn {
    private static final dnnl_engine ENGINE;
    private static final dnnl_stream STREAM;
    private static final String UNAVAILABLE;

    static {
        dnnl_engine engine = null;
        dnnl_stream stream = null;
        String reason = null;
        if ("im2col".equals(System.getProperty("lethe.conv"))) {
            reason = "disabled by -Dlethe.conv=im2col";
        } else {
            try {
                Loader.load(dnnl.class);
                engine = new dnnl_engine();
                check(dnnl.dnnl_engine_create(engine, dnnl.dnnl_cpu, 0), "engine creation");
                stream = new dnnl_stream();
                check(dnnl.dnnl_stream_create(stream, engine, dnnl.dnnl_stream_default_flags), "stream creation");
            } catch (Throwable e) { // UnsatisfiedLinkError or a failed status: keep the im2col path
                reason = "oneDNN could not be loaded: " + e.getMessage();
                engine = null;
                stream = null;
            }
        }
        ENGINE = engine;
        STREAM = stream;
        UNAVAILABLE = reason;
    }

    private OneDnn() {
    }

    /** Whether oneDNN convolutions can be used. */
    static boolean available() {
        return UNAVAILABLE == null;
    }

    /** "oneDNN 3.11.0" when loaded, else the path convolutions take and why. */
    static String description() {
        if (!available()) {
            return "im2col + OpenBLAS (" + UNAVAILABLE + ")";
        }
        org.bytedeco.dnnl.dnnl_version_t v = dnnl.dnnl_version();
        return "oneDNN " + v.major() + "." + v.minor() + "." + v.patch();
    }

    /** Why oneDNN is not used, or null when it is. */
    static String unavailableReason() {
        return UNAVAILABLE;
    }

    static dnnl_engine engine() {
        return ENGINE;
    }

    /** Fails with the step's name unless {@code status} is success. */
    static void check(int status, String step) {
        if (status != dnnl.dnnl_success) {
            throw new IllegalStateException("oneDNN " + step + " failed with status " + status);
        }
    }

    /** A dense float32 memory descriptor of {@code dims} in the layout {@code tag} (or any). */
    static dnnl_memory_desc desc(long[] dims, int tag) {
        dnnl_memory_desc md = new dnnl_memory_desc();
        check(dnnl.dnnl_memory_desc_create_with_tag(md, dims.length, dims, dnnl.dnnl_f32, tag), "memory descriptor");
        return md;
    }

    /** A copy of a descriptor a primitive descriptor reports (queried ones die with it). */
    static dnnl_memory_desc query(dnnl_primitive_desc pd, int what) {
        dnnl_memory_desc md = new dnnl_memory_desc();
        check(dnnl.dnnl_memory_desc_clone(md, dnnl.dnnl_primitive_desc_query_md(pd, what, 0)), "descriptor query");
        return md;
    }

    /** A primitive of {@code pd}. */
    static dnnl_primitive primitive(dnnl_primitive_desc pd, String what) {
        dnnl_primitive p = new dnnl_primitive();
        check(dnnl.dnnl_primitive_create(p, pd), what + " primitive");
        return p;
    }

    /**
     * A reorder from layout {@code from} to {@code to}, or null when they are the same layout
     * (then no copy is needed).
     */
    static dnnl_primitive reorder(dnnl_memory_desc from, dnnl_memory_desc to) {
        if (dnnl.dnnl_memory_desc_equal(from, to) != 0) {
            return null;
        }
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        check(dnnl.dnnl_reorder_primitive_desc_create(pd, from, ENGINE, to, ENGINE, null), "reorder descriptor");
        try {
            return primitive(pd, "reorder");
        } finally {
            dnnl.dnnl_primitive_desc_destroy(pd);
        }
    }

    /** A memory object over {@code bytes} at {@code address} (memory the caller owns and keeps alive). */
    static dnnl_memory memory(dnnl_memory_desc md, Pointer base, long byteOffset) {
        dnnl_memory m = new dnnl_memory();
        check(dnnl.dnnl_memory_create(m, md, ENGINE, new BytePointer(base).position(byteOffset)), "memory");
        return m;
    }

    /** Runs {@code p} with the (argument id, memory) pairs and waits for it. */
    static void execute(dnnl_primitive p, int[] ids, dnnl_memory[] memories, String what) {
        org.bytedeco.dnnl.dnnl_exec_arg_t args = new org.bytedeco.dnnl.dnnl_exec_arg_t(ids.length);
        try {
            for (int i = 0; i < ids.length; i++) {
                args.position(i).arg(ids[i]).memory(memories[i]);
            }
            args.position(0);
            check(dnnl.dnnl_primitive_execute(p, STREAM, ids.length, args), what);
            check(dnnl.dnnl_stream_wait(STREAM), what + " (wait)");
        } finally {
            args.close();
        }
    }
}
