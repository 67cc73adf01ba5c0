package dev.inlierq.htmlreport;

import dev.inlierq.api.Quantization;
import dev.inlierq.plan.QuantPoint;
import dev.inlierq.plan.Role;
import dev.inlierq.quant.Encoding;
import dev.inlierq.quant.Histogram;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * Builds the {@link ReportModel} of a run from its {@link Quantization.Result} and the extras measured after it
 * (latency, AP, a sensitivity list): settings from the file's provenance, a row per quantized tensor with the
 * range its grid represents, the value histograms of the {@value #WORST} activations with the lowest SQNR, the
 * reconstruction loss curves, InlierQ's mixture fits (those drawn as overlays, else the first, middle and last
 * that split) and the overlay thumbnails.
 */
public final class ReportModels {
    /** Activations whose value histograms are drawn. */
    static final int WORST = 4;
    /** Most mixture fits drawn. */
    static final int MIXTURES = 3;
    /** Most overlay thumbnails embedded. */
    static final int OVERLAYS = 12;

    private final Quantization.Result result;
    private final Path model;
    private final Path output;
    private String spec = "";
    private ReportModel.Speed speed;
    private ReportModel.Accuracy accuracy;
    private Map<String, Double> sensitivity = Map.of();

    private ReportModels(Quantization.Result result, Path model, Path output) {
        this.result = Objects.requireNonNull(result, "result");
        this.model = Objects.requireNonNull(model, "model");
        this.output = Objects.requireNonNull(output, "output");
    }

    /** Starts the model of the run that quantized {@code model} into {@code output}. */
    public static ReportModels builder(Quantization.Result result, Path model, Path output) {
        return new ReportModels(result, model, output);
    }

    /** The detector spec's name; default empty. */
    public ReportModels spec(String name) {
        spec = Objects.requireNonNull(name);
        return this;
    }

    /** ONNX Runtime latency of both files ({@link Measurements#speed}); default {@code null}: not measured. */
    public ReportModels speed(ReportModel.Speed s) {
        speed = s;
        return this;
    }

    /**
     * COCO AP of both files, with their centre-distance mAP on BEV maps ({@link Measurements#accuracy}); default
     * {@code null}: not measured.
     */
    public ReportModels accuracy(ReportModel.Accuracy a) {
        accuracy = a;
        return this;
    }

    /** Per-layer sensitivity, layer name to value; default empty (shown as a dash). */
    public ReportModels sensitivity(Map<String, Double> s) {
        sensitivity = Map.copyOf(s);
        return this;
    }

    public ReportModel build() {
        var sizes = new ReportModel.FileSizes(Measurements.size(model), Measurements.size(output));
        var run = new ReportModel.Run(model.toString(), output.toString(), spec, settings(result.provenance()),
                result.calibration().files().size(), result.seconds(), result.agreement().simVsOrtSqnrDb());
        var details = new ReportModel.Details(rows(), sensitivity, histograms(), curves(), mixtures(), overlays());
        return new ReportModel(new ReportModel.Summary(run, sizes, speed, accuracy), details);
    }

    /** The settings a reader needs, from the provenance keys, with readable labels. */
    static Map<String, String> settings(Map<String, String> p) {
        Map<String, String> s = new LinkedHashMap<>();
        put(s, "method", p.get("inlierq.method"));
        put(s, "weight bits", p.get("inlierq.weight_bits"));
        put(s, "activation bits", p.get("inlierq.activation_bits"));
        put(s, "first and last layers at 8 bit", p.get("inlierq.first_last_8bit"));
        String placement = p.get("inlierq.placement");
        put(s, "placement", placement == null ? null : switch (placement) {
            case "ALL_ACTIVATIONS" -> "all";
            case "LAYER_INPUTS" -> "inputs";
            default -> placement.toLowerCase(Locale.ROOT);
        });
        put(s, "seed", p.get("inlierq.seed"));
        put(s, "calibration images chosen", p.get("inlierq.calibration_selection"));
        put(s, "reconstruction", p.get("inlierq.reconstruction"));
        put(s, "GPTQ Hessian", p.get("inlierq.gptq_hessian"));
        put(s, "weight type", lower(p.get("inlierq.weight_type")));
        put(s, "weight storage", p.get("inlierq.weight_storage"));
        put(s, "equalisation alpha", p.get("inlierq.equalize_alpha"));
        put(s, "tool version", p.get("inlierq.version"));
        return s;
    }

    private static void put(Map<String, String> m, String label, String value) {
        if (value != null) {
            m.put(label, value);
        }
    }

    private static String lower(String v) {
        return v == null ? null : v.toLowerCase(Locale.ROOT);
    }

    private List<ReportModel.TensorRow> rows() {
        List<ReportModel.TensorRow> rows = new ArrayList<>();
        for (Quantization.TensorReport t : result.tensors()) {
            QuantPoint p = result.plan().point(t.tensor());
            double[] range = range(result.encodings().get(t.tensor()));
            rows.add(new ReportModel.TensorRow(p == null ? null : p.layer(), t.tensor(),
                    t.role().name().toLowerCase(Locale.ROOT), t.bits(), range[0], range[1], t.scale().length,
                    t.clipRate(), t.sqnrDb()));
        }
        return rows;
    }

    /** The lowest and highest value an encoding's grid represents, over its channels ({NaN, NaN} without one). */
    static double[] range(Encoding e) {
        if (e == null) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < e.size(); i++) {
            lo = Math.min(lo, (double) (e.qmin() - e.zeroPoint(i)) * e.scale(i));
            hi = Math.max(hi, (double) (e.qmax() - e.zeroPoint(i)) * e.scale(i));
        }
        return new double[] {lo, hi};
    }

    /** The activations with the lowest SQNR that have a histogram, worst first. */
    private List<ReportModel.ValueHistogram> histograms() {
        List<ReportModel.ValueHistogram> out = new ArrayList<>();
        result.tensors().stream().filter(t -> t.role() == Role.ACTIVATION && t.values() != null
                        && t.values().total() > 0)
                .sorted(Comparator.comparingDouble(Quantization.TensorReport::sqnrDb)).limit(WORST)
                .forEach(t -> out.add(histogram(t, range(result.encodings().get(t.tensor())))));
        return out;
    }

    /** The histogram trimmed to its occupied bins. */
    static ReportModel.ValueHistogram histogram(Quantization.TensorReport t, double[] range) {
        Histogram h = t.values();
        long[] all = h.counts();
        int first = 0;
        while (first < all.length && all[first] == 0) {
            first++;
        }
        int last = h.lastOccupied();
        long[] counts = java.util.Arrays.copyOfRange(all, first, last + 1);
        return new ReportModel.ValueHistogram(t.tensor(), h.binLower(first), h.binWidth(), counts, range[0], range[1],
                t.sqnrDb());
    }

    private List<ReportModel.UnitCurve> curves() {
        return result.units().stream().filter(u -> u.losses().points().length > 0)
                .map(u -> new ReportModel.UnitCurve(u.name(), u.losses().points(), u.check().keptInitial())).toList();
    }

    /** The fits of the tensors drawn as overlays, else the first, middle and last that split. */
    private List<ReportModel.Mixture> mixtures() {
        Map<String, Quantization.InlierReport> split = new LinkedHashMap<>();
        for (Quantization.InlierReport r : result.inliers()) {
            if (!r.fit().fellBack()) {
                split.put(r.tensor(), r);
            }
        }
        Set<String> chosen = new LinkedHashSet<>();
        result.overlays().forEach(o -> {
            if (split.containsKey(o.tensor())) {
                chosen.add(o.tensor());
            }
        });
        List<String> names = new ArrayList<>(split.keySet());
        if (chosen.isEmpty() && !names.isEmpty()) {
            for (int i : new int[] {0, names.size() / 2, names.size() - 1}) {
                chosen.add(names.get(i));
            }
        }
        return chosen.stream().limit(MIXTURES).map(split::get)
                .map(r -> new ReportModel.Mixture(r.tensor(), r.fit(), r.inlierFraction())).toList();
    }

    private List<ReportModel.OverlayImage> overlays() {
        return result.overlays().stream().limit(OVERLAYS)
                .map(o -> new ReportModel.OverlayImage(o.tensor(), o.image(), png(o.thumbnail()))).toList();
    }

    static byte[] png(java.awt.image.BufferedImage image) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", buf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf.toByteArray();
    }
}
