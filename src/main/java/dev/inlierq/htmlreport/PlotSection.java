package dev.inlierq.htmlreport;

import java.util.List;
import java.util.function.Consumer;

/**
 * The plots section of the report ({@code id="plots"}): per-tensor SQNR, per-layer sensitivity, value histograms
 * of the worst activations, reconstruction loss curves, InlierQ's mixture fits and posterior overlays, each in its
 * own {@code div} with an id, and a note where the run has nothing to draw.
 */
final class PlotSection {
    private PlotSection() {
    }

    static void write(Html h, ReportModel.Details d) {
        h.open("section", "plots").element("h2", "Plots");
        plot(h, "plot-sqnr", "SQNR per tensor", d.tensors().isEmpty(), "No quantized tensor.",
                () -> h.image(Charts.sqnr(d.tensors()), "SQNR per tensor"));
        plot(h, "plot-sensitivity", "Sensitivity per layer", d.sensitivity().isEmpty(), "No sensitivity list given.",
                () -> h.image(Charts.sensitivity(d.sensitivity(), HtmlWriter.layerOrder(d.tensors(), d.sensitivity())),
                        "Sensitivity per layer"));
        plots(h, "plot-histograms", "Value histograms of the activations with the lowest SQNR", d.histograms(),
                "No activation statistics (--stats-images 0).", "Float values on the statistics images; red lines: "
                        + "the ends of the range the grid represents (values beyond them are clipped).",
                v -> h.image(Charts.histogram(v), "Histogram of " + v.tensor()));
        plot(h, "plot-loss", "Reconstruction loss", d.curves().isEmpty(),
                "No reconstruction in this run (the method has no learned rounding, or no steps).", () -> {
                    h.image(Charts.losses(d.curves()), "Reconstruction loss per unit");
                    long kept = d.curves().stream().filter(ReportModel.UnitCurve::keptInitial).count();
                    h.paragraph("note", d.curves().size() + " units; " + kept + " kept their start because "
                            + "optimising made them worse on all calibration samples.");
                });
        plots(h, "plot-mixtures", "InlierQ mixture fits", d.mixtures(),
                "No InlierQ split in this run (--method inlierq fits them).", "Two Gaussians fitted by EM to each "
                        + "tensor's volume saliency; dashed: the posterior of the inlier component, volumes above "
                        + "tau are inliers.",
                m -> h.image(Charts.mixture(m), "Mixture fit of " + m.tensor()));
        plots(h, "plot-overlays", "InlierQ posterior overlays", d.overlays(),
                "No overlays in this run (--method inlierq draws them).",
                "Red: inliers (posterior near 1), blue: anomalies, on calibration images.",
                o -> h.raw("<figure>").image(o.png(), o.tensor() + " on " + o.image()).raw("<figcaption>")
                        .text(o.tensor() + " \u00b7 " + o.image()).raw("</figcaption></figure>\n"));
        h.raw("</section>\n");
    }

    /** One plot's {@code div} and heading, then {@code empty} as a note when {@code nothing}, else {@code body}. */
    private static void plot(Html h, String id, String heading, boolean nothing, String empty, Runnable body) {
        h.open("div", id).element("h3", heading);
        if (nothing) {
            h.paragraph("note", empty);
        } else {
            body.run();
        }
        h.raw("</div>\n");
    }

    /** A {@link #plot} of one figure per item, after a {@code note} on what they show. */
    private static <T> void plots(Html h, String id, String heading, List<T> items, String empty, String note,
            Consumer<T> figure) {
        plot(h, id, heading, items.isEmpty(), empty, () -> {
            h.paragraph("note", note);
            items.forEach(figure);
        });
    }
}
