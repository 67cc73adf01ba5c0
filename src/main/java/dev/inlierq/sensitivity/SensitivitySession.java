package dev.inlierq.sensitivity;

import dev.inlierq.api.CalibrationStage;
import dev.inlierq.api.QuantizationConfig;
import dev.inlierq.api.TaskLossOptions;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.engine.GraphExecutor;
import dev.inlierq.loss.TopKHeatmapLoss;
import dev.inlierq.quant.Encoding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An open {@link SensitivityAnalysis}: the prepared model and its float engine, the encodings, the rounded weights
 * and the float reference (and the float AP on the labelled subset), made once by
 * {@link SensitivityAnalysis#open}; {@link #score} then scores the layers, as many times as asked, from the same
 * state. With {@link WeightScoring#MARGINAL} a later call can leave some weights float in the quantized model the
 * gains are measured in (a second round of a greedy choice). Owns the engine: close it.
 */
public final class SensitivitySession implements AutoCloseable {
    private final long t0 = System.nanoTime();
    private final CalibrationStage.Prepared prepared;
    private final SensitivityOptions options;
    private final SensitivityAnalysis.Listener listener;
    private final List<String> layers;
    private final LabelledSubset labelled;
    private final GraphExecutor engine;
    private final Map<String, Encoding> encodings;
    private final RoundedWeights rounded;
    private final FloatReference reference;
    private final double floatAp;

    SensitivitySession(QuantizationConfig c, SensitivityOptions o, SensitivityAnalysis.Listener listener) {
        this.options = o;
        this.listener = listener;
        // a measure the head cannot give fails before any pass
        TopKHeatmapLoss loss = measureLoss(c.loss(), c.spec(), o.measure());
        prepared = CalibrationStage.prepare(c);
        layers = SensitivityAnalysis.selectLayers(prepared.plan(), prepared.graph(), o.maxLayers());
        int batch = c.calibration().batch();
        // the annotations are read and the images matched before any pass, so a bad file fails at once
        labelled = o.labelled() == null ? null : LabelledSubset.load(c.spec(), o.labelled(), batch);
        engine = new GraphExecutor(prepared.graph());
        try {
            CalibrationStage.checkScores(engine, prepared, c);
            encodings = SensitivityAnalysis.encodings(engine, prepared, c, o, listener);
            rounded = SensitivityAnalysis.rounded(engine, prepared, c, o, encodings, listener);
            List<Path> files = prepared.calibration().files();
            List<Path> scoring = files.subList(0, Math.min(o.scoreImages(), files.size()));
            listener.phase("float reference");
            reference = FloatReference.of(engine, c.spec(), scoring, batch, loss, o.measure());
            floatAp = labelled == null ? Double.NaN : floatAp(engine, labelled, listener);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /**
     * The loss whose shift {@code measure} reads: the run's K and scope, the box term only with
     * {@link Measure#BOXES} (whatever box weight the run's reconstruction takes).
     *
     * @throws IllegalArgumentException for the boxes measure on a head without box values
     */
    static TopKHeatmapLoss measureLoss(TaskLossOptions loss, DetectorSpec spec, Measure measure) {
        if (!measure.fits(spec)) {
            throw new IllegalArgumentException("the boxes measure needs one group of box values per heatmap "
                    + "location, which this spec's head family does not have (yolox, center_offset and box_score "
                    + "heads do)");
        }
        double box = measure == Measure.BOXES ? Measure.BOX_WEIGHT : 0;
        return new TaskLossOptions(loss.topK(), loss.scope(), false, box).loss(spec);
    }

    private static double floatAp(GraphExecutor engine, LabelledSubset labelled, SensitivityAnalysis.Listener l) {
        l.phase("float AP");
        try (Perturbation none = Perturbation.none()) {
            return labelled.ap(engine, none);
        }
    }

    /**
     * Scores the analysed layers.
     *
     * @param restored weight tensors left float in the quantized model that {@link WeightScoring#MARGINAL} measures
     *                 gains in (their own gain is then 0); must be empty with {@link WeightScoring#ALONE}
     * @return the layers, most sensitive first; its {@code seconds} counts from the session's opening
     * @throws IllegalArgumentException for restored weights with alone scoring
     */
    public SensitivityReport score(Set<String> restored) {
        if (!restored.isEmpty() && options.scoring() != WeightScoring.MARGINAL) {
            throw new IllegalArgumentException("restored weights need marginal scoring");
        }
        listener.phase("layers");
        LayerScorer scorer = new LayerScorer(engine, rounded.restoring(restored), encodings, reference, labelled,
                floatAp, options.scoring());
        List<LayerSensitivity> rows = new ArrayList<>();
        for (String layer : layers) {
            rows.add(SensitivityAnalysis.row(prepared.graph(), prepared.plan(), layer, options.variants(), scorer));
            listener.layers(rows.size(), layers.size());
        }
        rows.sort(Comparator.comparingDouble(LayerSensitivity::worstLossChange).reversed());
        SensitivityReport.Accuracy accuracy = labelled == null ? null : new SensitivityReport.Accuracy(floatAp,
                labelled.images(), SensitivityAnalysis.spearman(rows, options.variants()));
        return new SensitivityReport(rows, prepared.calibration().files().size(), reference.images(),
                options.rounding(), options.scoring(), accuracy, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The model as this session prepared it (read, equalised, planned) and its calibration images: what a run of
     * the same config can start from ({@link CalibrationStage.Prepared#replanned}).
     */
    public CalibrationStage.Prepared prepared() {
        return prepared;
    }

    /** The float model scored against its own reference: 0 by construction, with either {@link Measure}. */
    double floatAgainstItself() {
        try (Perturbation none = Perturbation.none()) {
            return reference.measure(engine, none).lossChange();
        }
    }

    @Override
    public void close() {
        engine.close();
    }
}
