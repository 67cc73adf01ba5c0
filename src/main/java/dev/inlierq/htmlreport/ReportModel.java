package dev.inlierq.htmlreport;

import dev.inlierq.eval.ImageBootstrap;
import dev.inlierq.inlier.InlierMixture;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the HTML report shows, independent of how it was measured: a {@link Summary} of the run and the
 * {@link Details} per tensor, unit and InlierQ split. Built from a run by {@link ReportModels}; tests build it
 * directly. Optional parts are {@code null} (summary) or empty (details) and are shown as "not measured".
 */
public record ReportModel(Summary summary, Details details) {
    public ReportModel {
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(details, "details");
    }

    /**
     * The top of the report.
     *
     * @param speed    ONNX Runtime latency of both files ({@code null}: not measured)
     * @param accuracy COCO AP of both files, and on BEV maps their centre-distance mAP ({@code null}: no
     *                 annotations given)
     */
    public record Summary(Run run, FileSizes sizes, Speed speed, Accuracy accuracy) {
        public Summary {
            Objects.requireNonNull(run, "run");
            Objects.requireNonNull(sizes, "sizes");
        }
    }

    /**
     * The run: files, settings (label to value, in display order), calibration images, wall time, and the
     * agreement of the engine's simulation with ONNX Runtime per model output (SQNR in dB).
     */
    public record Run(String model, String output, String spec, Map<String, String> settings, int calibrationImages,
            double seconds, Map<String, Double> simVsOrtDb) {
        public Run {
            settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
            simVsOrtDb = Collections.unmodifiableMap(new LinkedHashMap<>(simVsOrtDb));
        }
    }

    /** Sizes in bytes of the float model and the quantized file. */
    public record FileSizes(long floatBytes, long quantBytes) {
    }

    /**
     * Median ONNX Runtime latency at batch 1 of the float and the quantized file, what ONNX Runtime fused, and
     * the explanation of the comparison ({@link LatencyAdvice}).
     */
    public record Speed(double floatMs, double quantMs, int threads, int runs, String fusion, List<String> advice) {
        public Speed {
            advice = List.copyOf(advice);
        }
    }

    /**
     * COCO AP and AP50 (0..1) of the float and the quantized file with ONNX Runtime on the same images.
     *
     * @param bev the centre-distance mAP of both files on bird's-eye-view maps ({@code null}: not measured, as on
     *            annotation files that record no cell size)
     * @param bootstrap the paired bootstrap of the differences ({@code null}: not measured)
     */
    public record Accuracy(double floatAp, double quantAp, double floatAp50, double quantAp50, int images, Bev bev,
            Bootstrap bootstrap) {
        /** Without a bootstrap. */
        public Accuracy(double floatAp, double quantAp, double floatAp50, double quantAp50, int images, Bev bev) {
            this(floatAp, quantAp, floatAp50, quantAp50, images, bev, null);
        }

        /** Without a BEV mAP or a bootstrap. */
        public Accuracy(double floatAp, double quantAp, double floatAp50, double quantAp50, int images) {
            this(floatAp, quantAp, floatAp50, quantAp50, images, null, null);
        }
    }

    /**
     * The paired image bootstrap of the quantized file against the float model on the report's images
     * ({@code dev.inlierq.eval.ImageBootstrap#resamplePaired}, as {@code eval --bootstrap N --baseline} runs it):
     * both files scored on the same resampled image sets, differences quantized minus float (0..1 scale), each with
     * its 95% percentile interval and bootstrap sd (NaN where undefined).
     *
     * @param samples    the resamples drawn
     * @param seed       the seed of the draws
     * @param seedSource where the seed came from, for the reader (e.g. "the run's --seed")
     * @param ap         the difference of AP
     * @param ap50       the difference of AP50
     * @param bevMap     the difference of the centre-distance mAP ({@code null}: no BEV mAP measured)
     */
    public record Bootstrap(int samples, long seed, String seedSource, ImageBootstrap.Difference ap,
            ImageBootstrap.Difference ap50, ImageBootstrap.Difference bevMap) {
        public Bootstrap {
            Objects.requireNonNull(seedSource, "seedSource");
            Objects.requireNonNull(ap, "ap");
            Objects.requireNonNull(ap50, "ap50");
        }
    }

    /**
     * The nuScenes centre-distance mAP (0..1) of the float and the quantized file on BEV maps
     * ({@code dev.inlierq.eval.CenterDistanceEvaluator}, as {@code eval --bev-distance} computes it), with its
     * breakdown when known.
     *
     * @param cellSize   metres per pixel of the maps ({@code NaN}: not known)
     * @param byClass    per class, its AP (mean over the distance thresholds); empty: not given
     * @param byDistance per distance threshold, the mAP over the classes; empty: not given
     * @param errors     the mean true-positive errors (translation in metres, scale, orientation in radians; lower
     *                   is better), the orientation only when the detector predicts headings; empty: not given
     */
    public record Bev(double floatMap, double quantMap, double cellSize, List<BevRow> byClass,
            List<BevRow> byDistance, List<BevRow> errors) {
        public Bev {
            byClass = List.copyOf(byClass);
            byDistance = List.copyOf(byDistance);
            errors = List.copyOf(errors);
        }

        /** The two mAPs alone. */
        public Bev(double floatMap, double quantMap) {
            this(floatMap, quantMap, Double.NaN, List.of(), List.of(), List.of());
        }
    }

    /**
     * One line of the BEV breakdown: a class name or a distance ("0.5 m") and its AP (0..1) in both files, or an
     * error's name and its value in both files.
     */
    public record BevRow(String label, double floatAp, double quantAp) {
        public BevRow {
            Objects.requireNonNull(label, "label");
        }
    }

    /**
     * The per-tensor parts.
     *
     * @param tensors     one row per quantized tensor, in graph order
     * @param sensitivity per-layer sensitivity (layer name to value); empty: not measured, shown as a dash
     * @param histograms  value histograms of the activations with the lowest SQNR
     * @param curves      reconstruction loss per unit (empty without reconstruction)
     * @param mixtures    InlierQ's mixture fits worth drawing (empty for the other methods)
     * @param overlays    InlierQ's posterior overlays (empty unless drawn)
     */
    public record Details(List<TensorRow> tensors, Map<String, Double> sensitivity, List<ValueHistogram> histograms,
            List<UnitCurve> curves, List<Mixture> mixtures, List<OverlayImage> overlays) {
        public Details {
            tensors = List.copyOf(tensors);
            sensitivity = Map.copyOf(sensitivity);
            histograms = List.copyOf(histograms);
            curves = List.copyOf(curves);
            mixtures = List.copyOf(mixtures);
            overlays = List.copyOf(overlays);
        }
    }

    /**
     * One quantized tensor.
     *
     * @param layer      the layer it belongs to (weights, layer inputs), else {@code null}
     * @param role       "weight" or "activation"
     * @param lo         the lowest value its grid represents (over channels for per-channel weights)
     * @param hi         the highest
     * @param channels   number of per-channel scales (1: per tensor)
     * @param clipRate   fraction of values beyond the grid on the statistics images
     * @param sqnrDb     SQNR of fake quantization (infinite: exact)
     */
    public record TensorRow(String layer, String tensor, String role, int bits, double lo, double hi, int channels,
            double clipRate, double sqnrDb) {
    }

    /**
     * A histogram of an activation's float values: {@code counts[j]} values in
     * {@code [lower + j width, lower + (j + 1) width)}, with the range its grid represents.
     */
    public record ValueHistogram(String tensor, double lower, double width, long[] counts, double rangeLo,
            double rangeHi, double sqnrDb) {
        public ValueHistogram {
            counts = counts.clone();
        }

        @Override
        public long[] counts() {
            return counts.clone();
        }
    }

    /** One reconstruction unit's loss curve ({@code dev.inlierq.recon.LossCurve} points) and whether it kept its start. */
    public record UnitCurve(String unit, double[] points, boolean keptInitial) {
        public UnitCurve {
            points = points.clone();
        }

        @Override
        public double[] points() {
            return points.clone();
        }
    }

    /** InlierQ's mixture of one tensor's volume saliency, with the fraction of volumes it calls inliers. */
    public record Mixture(String tensor, InlierMixture.Fit fit, double inlierFraction) {
        public Mixture {
            Objects.requireNonNull(fit, "fit");
        }
    }

    /** A posterior overlay thumbnail (PNG bytes) of one tensor on one calibration image. */
    public record OverlayImage(String tensor, String image, byte[] png) {
        public OverlayImage {
            png = png.clone();
        }

        @Override
        public byte[] png() {
            return png.clone();
        }
    }
}
