package dev.inlierq.synth;

import java.awt.BasicStroke;
import java.awt.Shape;
import java.awt.geom.Arc2D;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.util.random.RandomGenerator;

/**
 * The outlines of the objects, in local coordinates: centred on the origin, {@code w} wide and {@code h} high
 * before rotation ({@code w >= h}). Random details (a triangle's apex, a star's inner radius, a blob's radii) are
 * drawn from the given generator, so a scene's shapes follow from its seed.
 */
final class Shapes {
    private Shapes() {
    }

    static Shape ellipse(double w, double h) {
        return new Ellipse2D.Double(-w / 2, -h / 2, w, h);
    }

    /** An elliptic ring: the outer ellipse less the inner one scaled by {@code inner} (even-odd). */
    static Shape ring(double w, double h, double inner) {
        Path2D.Double p = new Path2D.Double(Path2D.WIND_EVEN_ODD);
        p.append(ellipse(w, h), false);
        p.append(ellipse(w * inner, h * inner), false);
        return p;
    }

    /** A triangle with its base at the bottom and the apex shifted sideways by up to a quarter width. */
    static Shape triangle(double w, double h, RandomGenerator rng) {
        double apex = (rng.nextDouble() - 0.5) * 0.5 * w;
        return polygon(new double[] {-w / 2, h / 2, w / 2, h / 2, apex, -h / 2});
    }

    /** A rectangle, its corners rounded by up to a fifth of the short side. */
    static Shape square(double w, double h, RandomGenerator rng) {
        double arc = rng.nextDouble() * 0.4 * h;
        return arc < 1 ? new Rectangle2D.Double(-w / 2, -h / 2, w, h)
                : new RoundRectangle2D.Double(-w / 2, -h / 2, w, h, arc, arc);
    }

    /** A five-pointed star whose inner radius is 0.38 to 0.5 of the outer one. */
    static Shape star(double w, double h, RandomGenerator rng) {
        double inner = 0.38 + 0.12 * rng.nextDouble();
        double[] xy = new double[20];
        for (int i = 0; i < 10; i++) {
            double r = i % 2 == 0 ? 1 : inner;
            double a = -Math.PI / 2 + i * Math.PI / 5;
            xy[2 * i] = r * Math.cos(a) * w / 2;
            xy[2 * i + 1] = (r * Math.sin(a) + 0.1) * h / 2;
        }
        return polygon(xy);
    }

    /** A plus sign whose arms are 0.28 to 0.4 of the size thick. */
    static Shape cross(double w, double h, RandomGenerator rng) {
        double t = 0.28 + 0.12 * rng.nextDouble();
        double tx = t * h / 2;
        double ty = t * h / 2;
        Area a = new Area(new Rectangle2D.Double(-w / 2, -ty, w, 2 * ty));
        a.add(new Area(new Rectangle2D.Double(-tx, -h / 2, 2 * tx, h)));
        return a;
    }

    /** An arrow pointing right: a shaft and a triangular head of 35% to 50% of the length. */
    static Shape arrow(double w, double h, RandomGenerator rng) {
        double head = (0.35 + 0.15 * rng.nextDouble()) * w;
        double shaft = (0.3 + 0.15 * rng.nextDouble()) * h / 2;
        double x0 = -w / 2;
        double xh = w / 2 - head;
        return polygon(new double[] {x0, -shaft, xh, -shaft, xh, -h / 2, w / 2, 0, xh, h / 2, xh, shaft, x0, shaft});
    }

    /** A crescent: a disc less a shifted disc of about the same size. */
    static Shape crescent(double w, double h, RandomGenerator rng) {
        double d = Math.min(w, h);
        Area a = new Area(ellipse(d, d));
        double shift = (0.3 + 0.25 * rng.nextDouble()) * d;
        Ellipse2D.Double cut = new Ellipse2D.Double(-d / 2 + shift, -d / 2 - 0.05 * d, d * 0.95, d * 0.95);
        a.subtract(new Area(cut));
        return a;
    }

    /** Half of an ellipse (a pie of 180 degrees). */
    static Shape semicircle(double w, double h) {
        return new Arc2D.Double(-w / 2, -h / 2, w, 2 * h, 0, 180, Arc2D.PIE);
    }

    /** An L: two bars of 30% to 45% thickness meeting at a corner. */
    static Shape lShape(double w, double h, RandomGenerator rng) {
        double t = (0.3 + 0.15 * rng.nextDouble()) * h;
        return polygon(new double[] {-w / 2, -h / 2, -w / 2 + t, -h / 2, -w / 2 + t, h / 2 - t, w / 2, h / 2 - t,
            w / 2, h / 2, -w / 2, h / 2});
    }

    /** A zigzag band: a polyline of 3 to 5 segments stroked with a tenth of the width. */
    static Shape zigzag(double w, double h, RandomGenerator rng) {
        int segments = 3 + rng.nextInt(3);
        double stroke = Math.max(1.5, 0.1 * w);
        Path2D.Double p = new Path2D.Double();
        for (int i = 0; i <= segments; i++) {
            double x = -w / 2 + stroke / 2 + (w - stroke) * i / segments;
            double y = (i % 2 == 0 ? -1 : 1) * (h - stroke) / 2;
            if (i == 0) {
                p.moveTo(x, y);
            } else {
                p.lineTo(x, y);
            }
        }
        return new BasicStroke((float) stroke, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER).createStrokedShape(p);
    }

    /**
     * A smooth irregular blob: 6 to 9 points at radii of 0.55 to 1 of the half-size, joined by quadratic curves
     * through the midpoints.
     */
    static Shape blob(double w, double h, RandomGenerator rng) {
        int n = 6 + rng.nextInt(4);
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double a = 2 * Math.PI * (i + 0.3 * rng.nextDouble()) / n;
            double r = 0.55 + 0.45 * rng.nextDouble();
            x[i] = r * Math.cos(a) * w / 2;
            y[i] = r * Math.sin(a) * h / 2;
        }
        Path2D.Double p = new Path2D.Double();
        p.moveTo((x[n - 1] + x[0]) / 2, (y[n - 1] + y[0]) / 2);
        for (int i = 0; i < n; i++) {
            int j = (i + 1) % n;
            p.quadTo(x[i], y[i], (x[i] + x[j]) / 2, (y[i] + y[j]) / 2);
        }
        p.closePath();
        return p;
    }

    private static Shape polygon(double[] xy) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xy[0], xy[1]);
        for (int i = 2; i < xy.length; i += 2) {
            p.lineTo(xy[i], xy[i + 1]);
        }
        p.closePath();
        return p;
    }
}
