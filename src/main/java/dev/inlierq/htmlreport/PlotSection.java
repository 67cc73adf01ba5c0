package dev.inlierq.htmlreport;

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
        h.open("div", "plot-sqnr").element("h3", "SQNR per tensor");
        if (d.tensors().isEmpty()) {
            h.paragraph("note", "No quantized tensor.");
        } else {
            h.image(Charts.sqnr(d.tensors()), "SQNR per tensor");
        }
        h.raw("</div>\n");
        h.open("div", "plot-sensitivity").element("h3", "Sensitivity per layer");
        if (d.sensitivity().isEmpty()) {
            h.paragraph("note", "No sensitivity list given.");
        } else {
            h.image(Charts.sensitivity(d.sensitivity(), HtmlWriter.layerOrder(d.tensors(), d.sensitivity())),
                    "Sensitivity per layer");
        }
        h.raw("</div>\n");
        histograms(h, d);
        h.open("div", "plot-loss").element("h3", "Reconstruction loss");
        if (d.curves().isEmpty()) {
            h.paragraph("note", "No reconstruction in this run (the method has no learned rounding, or no steps).");
        } else {
            h.image(Charts.losses(d.curves()), "Reconstruction loss per unit");
            long kept = d.curves().stream().filter(ReportModel.UnitCurve::keptInitial).count();
            h.paragraph("note", d.curves().size() + " units; " + kept + " kept their start because optimising made "
                    + "them worse on all calibration samples.");
        }
        h.raw("</div>\n");
        mixtures(h, d);
        overlays(h, d);
        h.raw("</section>\n");
    }

    private static void histograms(Html h, ReportModel.Details d) {
        h.open("div", "plot-histograms").element("h3", "Value histograms of the activations with the lowest SQNR");
        if (d.histograms().isEmpty()) {
            h.paragraph("note", "No activation statistics (--stats-images 0).");
        } else {
            h.paragraph("note", "Float values on the statistics images; red lines: the ends of the range the grid "
                    + "represents (values beyond them are clipped).");
            for (ReportModel.ValueHistogram v : d.histograms()) {
                h.image(Charts.histogram(v), "Histogram of " + v.tensor());
            }
        }
        h.raw("</div>\n");
    }

    private static void mixtures(Html h, ReportModel.Details d) {
        h.open("div", "plot-mixtures").element("h3", "InlierQ mixture fits");
        if (d.mixtures().isEmpty()) {
            h.paragraph("note", "No InlierQ split in this run (--method inlierq fits them).");
        } else {
            h.paragraph("note", "Two Gaussians fitted by EM to each tensor's volume saliency; dashed: the posterior "
                    + "of the inlier component, volumes above tau are inliers.");
            for (ReportModel.Mixture m : d.mixtures()) {
                h.image(Charts.mixture(m), "Mixture fit of " + m.tensor());
            }
        }
        h.raw("</div>\n");
    }

    private static void overlays(Html h, ReportModel.Details d) {
        h.open("div", "plot-overlays").element("h3", "InlierQ posterior overlays");
        if (d.overlays().isEmpty()) {
            h.paragraph("note", "No overlays in this run (--method inlierq draws them).");
        } else {
            h.paragraph("note", "Red: inliers (posterior near 1), blue: anomalies, on calibration images.");
            for (ReportModel.OverlayImage o : d.overlays()) {
                h.raw("<figure>").image(o.png(), o.tensor() + " on " + o.image()).raw("<figcaption>")
                        .text(o.tensor() + " \u00b7 " + o.image()).raw("</figcaption></figure>\n");
            }
        }
        h.raw("</div>\n");
    }
}
