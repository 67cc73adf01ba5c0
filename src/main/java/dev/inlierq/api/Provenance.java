package dev.inlierq.api;

import dev.inlierq.calib.CalibrationSet;
import dev.inlierq.rounding.HessianWeighting;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The provenance written into the quantized model's metadata ({@code inlierq.*} keys), taken from the
 * {@link QuantizationConfig} the model was made with, so that it cannot drift from the settings. Its strings are
 * a format: users and tests compare files byte for byte, so a key or value changes only on purpose.
 */
final class Provenance {
    private Provenance() {
    }

    /**
     * The provenance of a run.
     *
     * @param equalized number of activations equalised
     * @param layerBits the plan's per-layer bit widths ({@code QuantPlan.layerBits})
     */
    static Map<String, String> of(QuantizationConfig c, CalibrationSet calib, int equalized, String layerBits) {
        Map<String, String> m = settings(c);
        m.put("inlierq.spec", c.spec().name());
        m.put("inlierq.source_model_sha256", CalibrationSet.sha256(c.model()));
        m.put("inlierq.calibration_images", Integer.toString(calib.files().size()));
        m.put("inlierq.calibration_selection", c.calibration().selection().cliName());
        m.put("inlierq.calibration_sha256", calib.digest());
        m.put("inlierq.calibration_files", files(calib));
        m.put("inlierq.equalized_activations", Integer.toString(equalized));
        m.put("inlierq.layer_bits", layerBits);
        return m;
    }

    /** The settings: method, reconstruction, GPTQ's Hessian when weighted and its scales, bits, placement, weights, equalisation, seed. */
    private static Map<String, String> settings(QuantizationConfig c) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("inlierq.version", Quantization.TOOL_VERSION);
        m.put("inlierq.method", c.method().describe(c.calibration().percentile()));
        if (c.reconstruction() != null) {
            m.put("inlierq.reconstruction", c.reconstruction().describe() + " top_k=" + c.loss().topK()
                    + " top_k_scope=" + c.loss().scope().name().toLowerCase(Locale.ROOT));
        }
        if (c.loss().boxWeight() > 0) { // only then: files without the box term keep their bytes
            m.put("inlierq.box_weight", Double.toString(c.loss().boxWeight()));
        }
        if (c.hessian() != HessianWeighting.PLAIN) { // only then: plain GPTQ's files keep their bytes
            m.put("inlierq.gptq_hessian", c.hessian().cliName());
        }
        if (c.runsGptq()) {
            m.put("inlierq.gptq_scales", c.gptqScales().cliName());
        }
        m.put("inlierq.weight_bits", Integer.toString(c.plan().weightBits()));
        m.put("inlierq.activation_bits", Integer.toString(c.plan().activationBits()));
        m.put("inlierq.first_last_8bit", Boolean.toString(c.plan().firstLastAt8Bit()));
        m.put("inlierq.placement", c.plan().placement().name());
        m.put("inlierq.weight_type", c.resolvedWeightType().name());
        m.put("inlierq.weight_storage", c.weights().storage().cliName());
        if (c.weights().grid().affine(c.plan().weightBits())) { // only then: symmetric files keep their bytes
            m.put("inlierq.weight_grid", c.weights().grid().cliName());
        }
        m.put("inlierq.equalize_alpha", c.equalization().searched() && c.equalization().effectiveAlpha() > 0
                ? "searched" : Double.toString(c.equalization().effectiveAlpha()));
        m.put("inlierq.seed", Long.toString(c.calibration().seed()));
        return m;
    }

    /** {@code name:first 16 hex digits of its SHA-256}, comma-separated, in calibration order. */
    private static String files(CalibrationSet calib) {
        StringBuilder files = new StringBuilder();
        for (int i = 0; i < calib.files().size(); i++) {
            if (i > 0) {
                files.append(',');
            }
            files.append(calib.files().get(i).getFileName()).append(':').append(calib.sha256().get(i), 0, 16);
        }
        return files.toString();
    }
}
