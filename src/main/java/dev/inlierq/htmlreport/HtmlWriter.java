package dev.inlierq.htmlreport;

import dev.inlierq.eval.ImageBootstrap;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Renders a {@link ReportModel} as one self-contained HTML document: inline CSS, charts and images as PNG data
 * URIs, every text escaped, no external reference. Sections (by element id): {@code summary} (with
 * {@code settings}, {@code sizes}, {@code latency}, {@code accuracy}, {@code agreement}), {@code layers} (the
 * per-tensor table) and {@code plots} ({@link PlotSection}).
 */
public final class HtmlWriter {
    /** The ids of the sections every report has, in order. */
    public static final List<String> SECTIONS = List.of("summary", "settings", "sizes", "latency", "accuracy",
            "agreement", "layers", "plots", "plot-sqnr", "plot-sensitivity", "plot-histograms", "plot-loss",
            "plot-mixtures", "plot-overlays");
    /** The label of the accuracy table's row of the centre-distance mAP (BEV maps only). */
    public static final String BEV_LABEL = "BEV mAP (centre distance)";

    private static final String CSS = """
            body{font-family:"DejaVu Sans","Liberation Sans",Arial,sans-serif;margin:24px auto;max-width:1100px;\
            color:#222;line-height:1.4}
            h1{font-size:24px;margin-bottom:4px}h2{border-bottom:2px solid #ccc;padding-bottom:4px;margin-top:32px}
            h3{margin-bottom:6px}nav a{margin-right:14px}
            table{border-collapse:collapse;font-size:13px;margin:6px 0}
            th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
            th{background:#f2f2f2}td.n{text-align:right;font-variant-numeric:tabular-nums}
            table.kv th{width:260px}.note{color:#666;font-style:italic}.advice{margin:4px 0}
            .worse{color:#b00020}.better{color:#1b7f3b}
            img{max-width:100%;border:1px solid #eee;margin:6px 0}
            figure{display:inline-block;margin:6px;text-align:center;font-size:12px}
            figure img{display:block;margin:0 auto 2px}
            .scroll{max-height:640px;overflow:auto;border:1px solid #ddd}
            """;

    private HtmlWriter() {
    }

    /** The document. */
    public static String write(ReportModel m) {
        ReportModel.Run run = m.summary().run();
        Html h = new Html();
        h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .raw("<title>").text("InlierQ report: " + fileName(run.output())).raw("</title>\n")
                .raw("<style>\n").raw(CSS).raw("</style>\n</head>\n<body>\n");
        h.element("h1", "InlierQ quantization report");
        h.paragraph("note", run.model() + " \u2192 " + run.output());
        h.raw("<nav><a href=\"#summary\">Summary</a><a href=\"#layers\">Per-layer table</a>")
                .raw("<a href=\"#plots\">Plots</a></nav>\n");
        summary(h, m.summary());
        layers(h, m.details());
        PlotSection.write(h, m.details());
        h.raw("<footer>").paragraph("note", "Written by inlierq quantize --report; self-contained, opens offline.")
                .raw("</footer>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void summary(Html h, ReportModel.Summary s) {
        ReportModel.Run run = s.run();
        h.open("section", "summary").element("h2", "Summary");
        h.open("div", "settings").element("h3", "Run").raw("<table class=\"kv\">\n");
        h.row(true, "float model", run.model()).row(true, "quantized file", run.output());
        if (!run.spec().isEmpty()) {
            h.row(true, "detector spec", run.spec());
        }
        run.settings().forEach((k, v) -> h.row(true, k, v));
        h.row(true, "calibration images", Integer.toString(run.calibrationImages()))
                .row(true, "run time", Html.fixed(run.seconds(), 1) + " s");
        h.raw("</table></div>\n");
        h.open("div", "sizes").element("h3", "File sizes").raw("<table class=\"kv\">\n");
        ReportModel.FileSizes z = s.sizes();
        h.row(true, "float model", Html.bytes(z.floatBytes())).row(true, "quantized file", Html.bytes(z.quantBytes()))
                .row(true, "ratio", String.format(Locale.ROOT, "%.2fx smaller",
                        (double) z.floatBytes() / Math.max(1, z.quantBytes())));
        h.raw("</table></div>\n");
        latency(h, s.speed());
        accuracy(h, s.accuracy());
        h.open("div", "agreement").element("h3", "ONNX Runtime against the simulation");
        if (run.simVsOrtDb().isEmpty()) {
            h.paragraph("note", "Not checked (--check-images 0).");
        } else {
            h.raw("<table>\n").head("model output", "SQNR of ONNX Runtime's run against the simulation (dB)");
            run.simVsOrtDb().forEach((k, v) -> h.row(false, k, Html.db(v)));
            h.raw("</table>\n");
        }
        h.raw("</div>\n</section>\n");
    }

    private static void latency(Html h, ReportModel.Speed sp) {
        h.open("div", "latency");
        if (sp == null) {
            h.element("h3", "Latency").paragraph("note", "Not measured.").raw("</div>\n");
            return;
        }
        h.element("h3", String.format(Locale.ROOT, "Latency (ONNX Runtime, batch 1, %d threads, median of %d runs)",
                sp.threads(), sp.runs()));
        h.raw("<table>\n").head("file", "latency (ms)", "images/s");
        h.row(false, "float model", Html.fixed(sp.floatMs(), 2), Html.fixed(1000 / sp.floatMs(), 1));
        h.row(false, "quantized file", Html.fixed(sp.quantMs(), 2), Html.fixed(1000 / sp.quantMs(), 1));
        h.raw("</table>\n");
        for (String a : sp.advice()) {
            h.paragraph("advice", a);
        }
        h.paragraph("note", "ONNX Runtime runs the quantized file with " + sp.fusion() + ".");
        h.raw("</div>\n");
    }

    private static void accuracy(Html h, ReportModel.Accuracy a) {
        ReportModel.Bev bev = a == null ? null : a.bev();
        h.open("div", "accuracy").element("h3", bev == null ? "Accuracy (COCO, ONNX Runtime)"
                : "Accuracy (COCO and BEV centre distance, ONNX Runtime)");
        if (a == null) {
            h.paragraph("note", "Not measured: give --report-annotations JSON and --report-images DIR.");
        } else {
            ReportModel.Bootstrap b = a.bootstrap();
            if (b == null) {
                h.raw("<table>\n").head("metric", "float", "quantized", "change");
            } else {
                h.raw("<table>\n").head("metric", "float", "quantized", "change", "change, 95% interval (bootstrap)");
            }
            h.row(false, withInterval(b == null ? null : b.ap(), "AP", pct(a.floatAp()), pct(a.quantAp()),
                    pct(a.quantAp() - a.floatAp())));
            h.row(false, withInterval(b == null ? null : b.ap50(), "AP50", pct(a.floatAp50()), pct(a.quantAp50()),
                    pct(a.quantAp50() - a.floatAp50())));
            if (bev != null) {
                h.row(false, withInterval(b == null ? null : b.bevMap(), BEV_LABEL, pct(bev.floatMap()),
                        pct(bev.quantMap()), pct(bev.quantMap() - bev.floatMap())));
            }
            h.raw("</table>\n").paragraph("note", a.images() + " images.");
            if (b != null) {
                bootstrapNote(h, b, a.images(), bev != null);
            }
            if (bev != null) {
                bevBreakdown(h, bev);
            }
        }
        h.raw("</div>\n");
    }

    /** A table row's cells, with the interval of the change appended when the bootstrap was run. */
    private static String[] withInterval(ImageBootstrap.Difference d, String... cells) {
        return d == null ? cells : append(cells, "[" + points(d.low()) + ", " + points(d.high()) + "], sd " + points(d.sd()));
    }

    private static String[] append(String[] cells, String cell) {
        String[] out = Arrays.copyOf(cells, cells.length + 1);
        out[cells.length] = cell;
        return out;
    }

    /**
     * The paired bootstrap's line, e.g. {@code Paired bootstrap, quantized minus float (1000 resamples of the 8
     * images, seed 0: the run's --seed): AP -1.23, 95% interval [-1.80, -0.70], sd 0.28.}, with the BEV mAP when
     * shown, and what the interval means.
     */
    private static void bootstrapNote(Html h, ReportModel.Bootstrap b, int images, boolean bev) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "Paired bootstrap, quantized minus float "
                + "(%d resamples of the %d images, seed %d: %s): %s", b.samples(), images, b.seed(), b.seedSource(),
                differenceText("AP", b.ap())));
        if (bev && b.bevMap() != null) {
            line.append("; ").append(differenceText("BEV mAP", b.bevMap()));
        }
        h.paragraph("bootstrap", line.append('.').toString());
        h.paragraph("note", "The interval says how far the change could move if both files were scored on other "
                + "images drawn like these: it covers the choice of evaluation images only, not the quantization "
                + "seed or the calibration images (for those, quantize with several seeds).");
    }

    /** {@code AP -1.23, 95% interval [-1.80, -0.70], sd 0.28} (points, x100). */
    static String differenceText(String label, ImageBootstrap.Difference d) {
        return String.format(Locale.ROOT, "%s %s, 95%% interval [%s, %s], sd %s", label, signedPct(d.value()),
                points(d.low()), points(d.high()), points(d.sd()));
    }

    /** A bootstrap number in points ({@code n/a} when undefined). */
    private static String points(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", 100 * v) : "n/a";
    }

    private static String signedPct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.2f", 100 * v) : "n/a";
    }

    /** What the BEV mAP is, and its per-class and per-distance table when given. */
    private static void bevBreakdown(Html h, ReportModel.Bev bev) {
        String cell = Double.isNaN(bev.cellSize()) ? ""
                : "; maps of " + BigDecimal.valueOf(bev.cellSize()).stripTrailingZeros().toPlainString()
                        + " m per pixel";
        h.paragraph("note", "BEV mAP: the nuScenes centre-distance mAP, as inlierq eval --bev-distance computes it: "
                + "a class's AP is the mean of its AP at each distance threshold, the mAP the mean over the classes"
                + cell + ".");
        if (bev.byClass().isEmpty() && bev.byDistance().isEmpty()) {
            return;
        }
        h.raw("<table class=\"bev\">\n").head("BEV AP by class and distance", "float", "quantized", "change");
        for (ReportModel.BevRow r : bev.byClass()) {
            h.row(false, r.label(), pct(r.floatAp()), pct(r.quantAp()), pct(r.quantAp() - r.floatAp()));
        }
        for (ReportModel.BevRow r : bev.byDistance()) {
            h.row(false, "all classes within " + r.label(), pct(r.floatAp()), pct(r.quantAp()),
                    pct(r.quantAp() - r.floatAp()));
        }
        h.raw("</table>\n");
        if (bev.errors().isEmpty()) {
            return;
        }
        h.raw("<table class=\"bev\">\n").head("BEV true-positive errors at 2 m (lower is better)", "float",
                "quantized", "change");
        for (ReportModel.BevRow r : bev.errors()) {
            h.row(false, r.label(), plain(r.floatAp()), plain(r.quantAp()), plain(r.quantAp() - r.floatAp()));
        }
        h.raw("</table>\n");
    }

    private static String plain(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.2f", 100 * v);
    }

    private static void layers(Html h, ReportModel.Details d) {
        h.open("section", "layers").element("h2", "Per-layer table");
        h.paragraph("note", "One row per quantized tensor in graph order: range is the interval the grid represents "
                + "(over channels for per-channel weights), clipping the share of values beyond it on the statistics "
                + "images, SQNR that of fake quantization. Sensitivity: "
                + (d.sensitivity().isEmpty() ? "no sensitivity list given (\u2014)." : "per layer, as given."));
        h.raw("<div class=\"scroll\"><table>\n").head("#", "layer", "tensor", "role", "bits", "range", "clipping (%)",
                "SQNR (dB)", "sensitivity");
        int i = 0;
        for (ReportModel.TensorRow r : d.tensors()) {
            i++;
            String range = "[" + Html.num(r.lo(), 4) + ", " + Html.num(r.hi(), 4) + "]"
                    + (r.channels() > 1 ? " over " + r.channels() + " channels" : "");
            Double sens = r.layer() == null ? null : d.sensitivity().get(r.layer());
            h.raw("<tr>").raw("<td class=\"n\">" + i + "</td>").element("td", r.layer() == null ? "\u2014" : r.layer())
                    .element("td", r.tensor()).element("td", r.role()).raw("<td class=\"n\">" + r.bits() + "</td>")
                    .element("td", range).raw("<td class=\"n\">").text(Html.fixed(100 * r.clipRate(), 3))
                    .raw("</td><td class=\"n\">").text(Html.db(r.sqnrDb())).raw("</td><td class=\"n\">")
                    .text(sens == null ? "\u2014" : Html.num(sens, 4)).raw("</td></tr>\n");
        }
        h.raw("</table></div>\n</section>\n");
    }

    /** The file name of a path string. */
    static String fileName(String path) {
        int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return path.substring(slash + 1);
    }

    /** Layers in table order (for the sensitivity chart). */
    static List<String> layerOrder(List<ReportModel.TensorRow> rows, Map<String, Double> sensitivity) {
        Set<String> order = new LinkedHashSet<>();
        rows.forEach(r -> {
            if (r.layer() != null) {
                order.add(r.layer());
            }
        });
        order.addAll(new TreeSet<>(sensitivity.keySet()));
        return List.copyOf(order);
    }
}
