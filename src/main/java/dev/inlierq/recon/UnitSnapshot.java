package dev.inlierq.recon;

import ai.djl.ndarray.NDArray;
import dev.inlierq.engine.DjlRuntime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A copy of a unit's learnable parameters ({@link UnitState}): rounding variables, log step sizes, zero points and
 * weight-scale multipliers, restored bit for bit ({@link EarlyStopping} keeps the state of its best check). The
 * optimiser's moments are not kept: a restored state is final.
 */
final class UnitSnapshot {
    private final Map<String, float[]> rounding;
    private final Map<String, float[]> scales;
    private final Map<String, float[]> zeroPoints;
    private final Map<String, float[]> weightScales;

    private UnitSnapshot(UnitState st) {
        rounding = copy(st.roundingVars);
        scales = copy(st.scales);
        zeroPoints = copy(st.zeroPoints);
        weightScales = st.weightScales.values();
    }

    /** The parameters of {@code st} as they are now. */
    static UnitSnapshot of(UnitState st) {
        return new UnitSnapshot(st);
    }

    /** Sets the parameters of {@code st} (the unit this was taken of) back to the copy. */
    void restore(UnitState st) {
        restore(st, st.roundingVars, rounding);
        restore(st, st.scales, scales);
        restore(st, st.zeroPoints, zeroPoints);
        st.weightScales.restore(weightScales);
    }

    private static Map<String, float[]> copy(Map<String, NDArray> params) {
        Map<String, float[]> m = new LinkedHashMap<>();
        params.forEach((k, v) -> m.put(k, v.toFloatArray()));
        return m;
    }

    private static void restore(UnitState st, Map<String, NDArray> params, Map<String, float[]> values) {
        for (var e : params.entrySet()) {
            NDArray v = DjlRuntime.create(st.scope, values.get(e.getKey()), e.getValue().getShape());
            e.getValue().close();
            e.setValue(v);
        }
    }
}
