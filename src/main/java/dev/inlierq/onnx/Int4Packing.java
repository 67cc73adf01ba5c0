package dev.inlierq.onnx;

/**
 * The storage of ONNX 4-bit integer tensors ({@code INT4} = 22, two's complement codes in {@code [-8, 7]};
 * {@code UINT4} = 21, codes in {@code [0, 15]}; IR version 10, opset 21). The ONNX specification
 * ({@code docs/docsgen/source/technical/int4.md}, "Packing and Unpacking") stores two elements per byte in
 * row-major order, the first in the 4 least significant bits and the second in the 4 most significant
 * bits; a tensor of {@code N} elements takes {@code ceil(N / 2)} bytes, an odd count leaving the high nibble
 * of the last byte as padding (written 0 here, so that the same codes always give the same bytes).
 */
public final class Int4Packing {
    /** ONNX {@code TensorProto.DataType} of unsigned 4-bit integers. */
    public static final int UINT4 = 21;
    /** ONNX {@code TensorProto.DataType} of signed 4-bit integers. */
    public static final int INT4 = 22;

    private Int4Packing() {
    }

    /** Bytes needed for {@code count} 4-bit elements: {@code ceil(count / 2)}. */
    public static int packedSize(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("element count must be >= 0, got " + count);
        }
        return Math.toIntExact((count + 1) / 2);
    }

    /**
     * Packs codes two per byte, low nibble first.
     *
     * @param signed INT4 (codes in {@code [-8, 7]}) or UINT4 (codes in {@code [0, 15]})
     * @throws IllegalArgumentException for a code outside the type's range
     */
    public static byte[] pack(int[] codes, boolean signed) {
        int lo = signed ? -8 : 0;
        int hi = signed ? 7 : 15;
        byte[] out = new byte[packedSize(codes.length)];
        for (int i = 0; i < codes.length; i++) {
            int q = codes[i];
            if (q < lo || q > hi) {
                throw new IllegalArgumentException("code[" + i + "] = " + q + " is outside the "
                        + (signed ? "INT4" : "UINT4") + " range [" + lo + ", " + hi + "]");
            }
            out[i >> 1] |= (byte) ((q & 0xF) << ((i & 1) << 2));
        }
        return out;
    }

    /**
     * Inverse of {@link #pack}: the first {@code count} elements of packed bytes, sign-extended for INT4.
     *
     * @throws IllegalArgumentException when {@code packed} is not {@code ceil(count / 2)} bytes long
     */
    public static int[] unpack(byte[] packed, int count, boolean signed) {
        if (packed.length != packedSize(count)) {
            throw new IllegalArgumentException(count + " 4-bit elements take " + packedSize(count) + " bytes, got "
                    + packed.length);
        }
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            int nibble = (packed[i >> 1] >> ((i & 1) << 2)) & 0xF;
            out[i] = signed && nibble >= 8 ? nibble - 16 : nibble;
        }
        return out;
    }
}
