package dev.inlierq.sensitivity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.inlierq.detect.Detection;
import dev.inlierq.detect.PreparedImage;
import dev.inlierq.detect.Preprocessor;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.engine.DjlRuntime;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.loss.TopKHeatmapLoss;
import dev.inlierq.tensor.FloatTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scoring images with what the float model gives on them, computed once: the input batches and the float
 * outputs. {@link #measure} then needs one pass of the perturbed model per variant.
 */
final class FloatReference {
    private final List<FloatTensor> batches;
    private final List<Perturbation.Pass> floats;
    private final TopKHeatmapLoss loss;
    private final LabelledSubset pseudo;
    private final int images;

    private FloatReference(List<FloatTensor> batches, List<Perturbation.Pass> floats, TopKHeatmapLoss loss,
            LabelledSubset pseudo, int images) {
        this.batches = batches;
        this.floats = floats;
        this.loss = loss;
        this.pseudo = pseudo;
        this.images = images;
    }

    /**
     * Pre-processes {@code files} once, in batches of {@code batch}, and runs the float model on them; with
     * {@link Measure#DETECTIONS} its detections become the pseudo labels ({@link LabelledSubset#pseudo}).
     */
    static FloatReference of(GraphExecutor engine, DetectorSpec spec, List<Path> files, int batch,
            TopKHeatmapLoss loss, Measure measure) {
        List<List<PreparedImage>> prepared = LabelledSubset.prepare(spec.preprocessor(), files, batch);
        List<FloatTensor> batches = prepared.stream().map(Preprocessor::stack).toList();
        List<Perturbation.Pass> floats = new ArrayList<>();
        try (Perturbation none = Perturbation.none()) {
            for (FloatTensor b : batches) {
                Perturbation.Pass pass = none.run(engine, b, null);
                pass.outputs().forEach((k, v) -> v.requireFinite("model output '" + k + "' on a calibration image"));
                floats.add(pass);
            }
        }
        LabelledSubset pseudo = measure == Measure.DETECTIONS
                ? LabelledSubset.pseudo(spec, prepared, floats.stream().map(Perturbation.Pass::outputs).toList())
                : null;
        return new FloatReference(batches, floats, loss, pseudo, files.size());
    }

    /** Number of scoring images. */
    int images() {
        return images;
    }

    /**
     * The perturbed model against the float one on the scoring images: the mean over images of the shift of the
     * top-K heatmap loss's terms ({@link TopKHeatmapLoss#shift}), or with {@link Measure#DETECTIONS} one minus the
     * AP of its detections against the float model's; and the lowest output SQNR (no AP change).
     */
    LayerSensitivity.Score measure(GraphExecutor engine, Perturbation p) {
        double change = 0;
        List<Detection> detections = new ArrayList<>();
        Map<String, double[]> energy = new LinkedHashMap<>(); // per output: signal, noise
        for (int i = 0; i < batches.size(); i++) {
            Perturbation.Pass f = floats.get(i);
            // the detections measure needs no heatmap shift: none is computed for it
            Perturbation.Pass q = p.run(engine, batches.get(i),
                    pseudo != null ? null : outs -> loss.shift(onEngine(f.outputs(), outs), outs));
            if (pseudo != null) {
                detections.addAll(pseudo.decode(i, q.outputs()));
            } else {
                for (float d : q.perImage()) {
                    change += d;
                }
            }
            for (var e : f.outputs().entrySet()) {
                accumulate(energy.computeIfAbsent(e.getKey(), k -> new double[2]), e.getValue().data(),
                        q.outputs().get(e.getKey()).data());
            }
        }
        double sqnr = Double.POSITIVE_INFINITY;
        for (double[] a : energy.values()) {
            sqnr = Math.min(sqnr, sqnrDb(a[0], a[1]));
        }
        double measured = pseudo == null ? change / images : 1 - pseudo.ap(detections);
        return new LayerSensitivity.Score(measured, sqnr, null);
    }

    /** The float outputs as arrays of the manager that owns {@code like}'s arrays. */
    private static Map<String, NDArray> onEngine(Map<String, FloatTensor> outputs, Map<String, NDArray> like) {
        NDManager m = like.values().iterator().next().getManager();
        Map<String, NDArray> out = new LinkedHashMap<>();
        outputs.forEach((k, v) -> out.put(k, DjlRuntime.create(m, v.data(), new Shape(v.shape()))));
        return out;
    }

    private static void accumulate(double[] acc, float[] ref, float[] other) {
        for (int i = 0; i < ref.length; i++) {
            acc[0] += (double) ref[i] * ref[i];
            double d = (double) ref[i] - other[i];
            acc[1] += d * d;
        }
    }

    /** {@code 10 log10(signal / noise)}; +Infinity without noise. */
    static double sqnrDb(double signal, double noise) {
        return noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
    }
}
