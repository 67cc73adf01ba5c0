package dev.inlierq.htmlreport;

import dev.inlierq.inlier.InlierMixture;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's charts, drawn with JFreeChart off screen ({@code java.awt.headless}, set here unless the caller set
 * it) and returned as PNG bytes: per-tensor SQNR, per-layer sensitivity, value histograms with the grid's range,
 * reconstruction loss curves and InlierQ's mixture fits with their posterior.
 */
public final class Charts {
    /** Chart size in pixels. */
    static final int WIDTH = 900;
    static final int HEIGHT = 340;
    /** Category charts with more categories than this hide their labels. */
    static final int MAX_LABELS = 40;
    /** Loss charts with more units than this have no legend. */
    static final int MAX_LEGEND = 10;
    private static final Color WEIGHT = new Color(0x1f77b4);
    private static final Color ACTIVATION = new Color(0xff7f0e);
    private static final Color GRID_END = new Color(0xd62728);

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Charts() {
    }

    /** SQNR of every tensor by its number in the table, weights and activations apart (exact tensors left out). */
    public static byte[] sqnr(List<ReportModel.TensorRow> rows) {
        XYSeries weights = new XYSeries("weights");
        XYSeries activations = new XYSeries("activations");
        for (int i = 0; i < rows.size(); i++) {
            ReportModel.TensorRow r = rows.get(i);
            if (Double.isFinite(r.sqnrDb())) {
                (r.role().equals("weight") ? weights : activations).add(i + 1, r.sqnrDb());
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(weights);
        data.addSeries(activations);
        data.setIntervalWidth(0.8);
        JFreeChart c = ChartFactory.createXYBarChart("SQNR per quantized tensor", "tensor # (table below)", false,
                "SQNR (dB)", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = c.getXYPlot();
        XYBarRenderer r = (XYBarRenderer) plot.getRenderer();
        flat(r);
        r.setSeriesPaint(0, WEIGHT);
        r.setSeriesPaint(1, ACTIVATION);
        ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        return png(c);
    }

    /** Per-layer sensitivity, layers in the given order. */
    public static byte[] sensitivity(Map<String, Double> sensitivity, List<String> order) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (String layer : order) {
            Double v = sensitivity.get(layer);
            if (v != null && Double.isFinite(v)) {
                data.addValue(v, "sensitivity", layer);
            }
        }
        JFreeChart c = ChartFactory.createBarChart("Sensitivity per layer", "layer", "sensitivity", data,
                PlotOrientation.VERTICAL, false, false, false);
        CategoryPlot plot = c.getCategoryPlot();
        CategoryAxis axis = plot.getDomainAxis();
        axis.setCategoryLabelPositions(CategoryLabelPositions.UP_90);
        axis.setTickLabelsVisible(data.getColumnCount() <= MAX_LABELS);
        axis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 9));
        plot.getRenderer().setSeriesPaint(0, WEIGHT);
        ((org.jfree.chart.renderer.category.BarRenderer) plot.getRenderer())
                .setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
        return png(c);
    }

    /** A value histogram (log counts) with the ends of the grid's range as red lines. */
    public static byte[] histogram(ReportModel.ValueHistogram h) {
        XYSeries s = new XYSeries("values");
        long[] counts = h.counts();
        for (int j = 0; j < counts.length; j++) {
            if (counts[j] > 0) {
                s.add(h.lower() + (j + 0.5) * h.width(), counts[j]);
            }
        }
        XYSeriesCollection data = new XYSeriesCollection(s);
        data.setIntervalWidth(h.width());
        JFreeChart c = ChartFactory.createXYBarChart(h.tensor() + String.format(Locale.ROOT, " (SQNR %.1f dB)",
                h.sqnrDb()), "value", false, "count", data, PlotOrientation.VERTICAL, false, false, false);
        XYPlot plot = c.getXYPlot();
        flat((XYBarRenderer) plot.getRenderer());
        plot.getRenderer().setSeriesPaint(0, ACTIVATION);
        LogAxis y = new LogAxis("count (log)");
        y.setSmallestValue(0.5);
        plot.setRangeAxis(y);
        double lo = Math.min(h.lower(), h.rangeLo());
        double hi = Math.max(h.lower() + counts.length * h.width(), h.rangeHi());
        if (Double.isFinite(lo) && Double.isFinite(hi) && hi > lo) {
            double pad = 0.03 * (hi - lo);
            plot.getDomainAxis().setRange(lo - pad, hi + pad);
        }
        marker(plot, h.rangeLo(), " grid min", true);
        marker(plot, h.rangeHi(), "grid max ", false);
        return png(c);
    }

    /** The loss of every reconstruction unit over its steps (log scale). */
    public static byte[] losses(List<ReportModel.UnitCurve> curves) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (ReportModel.UnitCurve u : curves) {
            XYSeries s = new XYSeries(u.unit() + (u.keptInitial() ? " (kept start)" : ""), false, true);
            double[] p = u.points();
            for (int i = 0; i < p.length; i++) {
                if (p[i] > 0 && Double.isFinite(p[i])) {
                    s.add(i + 1, p[i]);
                }
            }
            if (!s.isEmpty()) {
                data.addSeries(s);
            }
        }
        JFreeChart c = ChartFactory.createXYLineChart("Reconstruction loss per unit", "segment of the steps (mean)",
                "loss (log)", data, PlotOrientation.VERTICAL, data.getSeriesCount() <= MAX_LEGEND, false, false);
        XYPlot plot = c.getXYPlot();
        LogAxis y = new LogAxis("loss (log)");
        y.setSmallestValue(1e-12);
        plot.setRangeAxis(y);
        ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        return png(c);
    }

    /**
     * InlierQ's two weighted Gaussians over the fitted domain (log or raw saliency) and the inlier posterior
     * {@code P(I | x)} on the right axis, with the threshold tau.
     */
    public static byte[] mixture(ReportModel.Mixture m) {
        InlierMixture.Fit f = m.fit();
        double lo = Math.min(f.anomalyMean() - 4 * f.anomalyDeviation(), f.inlierMean() - 4 * f.inlierDeviation());
        double hi = Math.max(f.anomalyMean() + 4 * f.anomalyDeviation(), f.inlierMean() + 4 * f.inlierDeviation());
        XYSeries anomaly = new XYSeries(String.format(Locale.ROOT, "anomalies (weight %.2f)", f.anomalyWeight()));
        XYSeries inlier = new XYSeries(String.format(Locale.ROOT, "inliers (weight %.2f)", f.inlierWeight()));
        XYSeries posterior = new XYSeries("P(inlier | x)");
        int n = 200;
        for (int i = 0; i <= n; i++) {
            double x = lo + (hi - lo) * i / n;
            double a = f.anomalyWeight() * normal(x, f.anomalyMean(), f.anomalyDeviation());
            double b = f.inlierWeight() * normal(x, f.inlierMean(), f.inlierDeviation());
            anomaly.add(x, a);
            inlier.add(x, b);
            posterior.add(x, a + b > 0 ? b / (a + b) : (x > f.inlierMean() ? 1 : 0));
        }
        XYSeriesCollection densities = new XYSeriesCollection(anomaly);
        densities.addSeries(inlier);
        String domain = f.options().scale() == InlierMixture.Scale.LOG ? "x = log(saliency)" : "x = saliency";
        JFreeChart c = ChartFactory.createXYLineChart(m.tensor() + String.format(Locale.ROOT, " (%.0f%% inliers)",
                100 * m.inlierFraction()), domain, "weighted density", densities, PlotOrientation.VERTICAL, true,
                false, false);
        XYPlot plot = c.getXYPlot();
        plot.getRenderer().setSeriesPaint(0, WEIGHT);
        plot.getRenderer().setSeriesPaint(1, GRID_END);
        NumberAxis p = new NumberAxis("P(inlier | x)");
        p.setRange(0, 1.05);
        plot.setRangeAxis(1, p);
        plot.setDataset(1, new XYSeriesCollection(posterior));
        plot.mapDatasetToRangeAxis(1, 1);
        XYLineAndShapeRenderer pr = new XYLineAndShapeRenderer(true, false);
        pr.setSeriesPaint(0, Color.DARK_GRAY);
        pr.setSeriesStroke(0, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {6f, 4f}, 0f));
        plot.setRenderer(1, pr);
        ValueMarker tau = new ValueMarker(f.options().tau(), Color.GRAY, new BasicStroke(1f));
        tau.setLabel("tau");
        plot.addRangeMarker(1, tau, Layer.FOREGROUND);
        return png(c);
    }

    private static double normal(double x, double mean, double sd) {
        double z = (x - mean) / sd;
        return Math.exp(-0.5 * z * z) / (sd * Math.sqrt(2 * Math.PI));
    }

    /** A vertical red line with its label inside the plot: right of the line ({@code labelRight}) or left. */
    private static void marker(XYPlot plot, double at, String label, boolean labelRight) {
        if (!Double.isFinite(at)) {
            return;
        }
        ValueMarker m = new ValueMarker(at, GRID_END, new BasicStroke(1.5f));
        m.setLabel(label);
        m.setLabelPaint(GRID_END);
        m.setLabelAnchor(labelRight ? RectangleAnchor.TOP_RIGHT : RectangleAnchor.TOP_LEFT);
        m.setLabelTextAnchor(labelRight ? TextAnchor.TOP_LEFT : TextAnchor.TOP_RIGHT);
        plot.addDomainMarker(m, Layer.FOREGROUND);
    }

    private static void flat(XYBarRenderer r) {
        r.setBarPainter(new org.jfree.chart.renderer.xy.StandardXYBarPainter());
        r.setShadowVisible(false);
    }

    private static byte[] png(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        if (chart.getPlot() instanceof XYPlot xy) {
            xy.setBackgroundPaint(Color.WHITE);
            xy.setDomainGridlinePaint(Color.LIGHT_GRAY);
            xy.setRangeGridlinePaint(Color.LIGHT_GRAY);
        } else if (chart.getPlot() instanceof CategoryPlot cp) {
            cp.setBackgroundPaint(Color.WHITE);
            cp.setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
