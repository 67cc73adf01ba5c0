package dev.inlierq.calib;

import dev.inlierq.graph.Graph;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Lower bounds below which an activation's values cannot change what its readers compute, so that its
 * quantization range need not reach below them.
 *
 * <p>The case handled is a hard-swish input: z read only by {@code h(z) = z * clip(z + b, 0, u) / d}
 * ({@link HardSwishFold.Gate}). For {@code z <= -b} the gate is 0, and so is the product whatever z is:
 * {@code h(max(z, -b)) = h(z)} for every z. Observing {@code max(z, -b)} in place of z when choosing z's
 * encoding is therefore exact, and it frees the range a BN-folded convolution spends on large negative
 * pre-activations (a PicoDet-XS squeeze-excitation input spans -128 to 4: its 8-bit step falls from 0.52 to
 * 0.03). After {@link HardSwishFold} the gate is {@code s_c z'_c + b}, closed below {@code -b / s_c}: one floor
 * per channel, and observing each channel raised to its own floor is exact as well (a value clamped by the
 * per-tensor range lands at or below the lowest observed floor, where its channel's gate is closed too). This is the calibration-side counterpart of ONNX Runtime dropping a clamp in front of a quantizer whose
 * range already clamps; here the clamp is one the reader applies.
 */
final class SaturationFloor {
    private SaturationFloor() {
    }

    /** The floor of each of {@code tensors} that has one: one value, or one per channel (axis 1). */
    static Map<String, float[]> of(Graph g, Collection<String> tensors) {
        Map<String, float[]> out = new HashMap<>();
        for (String t : tensors) {
            HardSwishFold.Gate gate = HardSwishFold.Gate.of(g, t);
            if (gate != null) {
                out.put(t, gate.floor());
            }
        }
        return out;
    }

    /**
     * {@code values} (shape {@code shape}, channels on axis 1) with every element below its floor raised to it
     * (a copy when anything changes).
     */
    static float[] apply(float[] values, long[] shape, float[] floor) {
        int inner = 1;
        for (int d = 2; d < shape.length; d++) {
            inner *= (int) shape[d];
        }
        if (floor.length > 1 && (shape.length < 2 || shape[1] != floor.length)) {
            throw new IllegalArgumentException("per-channel floor of " + floor.length + " for shape "
                    + java.util.Arrays.toString(shape));
        }
        float[] out = values;
        for (int i = 0; i < values.length; i++) {
            float f = floor.length == 1 ? floor[0] : floor[(i / inner) % floor.length];
            if (values[i] < f) {
                if (out == values) {
                    out = values.clone();
                }
                out[i] = f;
            }
        }
        return out;
    }
}
