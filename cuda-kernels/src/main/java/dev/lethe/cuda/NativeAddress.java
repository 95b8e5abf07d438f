package dev.lethe.cuda;

import org.bytedeco.javacpp.Pointer;

/**
 * A raw address as a JavaCPP {@link Pointer}, for the places the bindings want a pointer to
 * memory Lethe did not allocate through JavaCPP: device addresses handed to cuBLAS and cuDNN,
 * and the addresses of kernel arguments. It owns nothing and frees nothing.
 */
final class NativeAddress extends Pointer {
    /** A pointer holding {@code address}. */
    NativeAddress(long address) {
        this.address = address;
    }
}
