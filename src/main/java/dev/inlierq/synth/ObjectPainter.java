package dev.inlierq.synth;

import java.awt.BasicStroke;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.util.SplittableRandom;

/**
 * Paints one {@link SceneObject} with its {@link Fill}: the base fill (solid or gradient), then, clipped to the
 * outline, the texture (stripes or speckles) and the inner outline. Nothing is drawn outside the outline, so the
 * outline is exactly the object's extent for the visibility rule.
 */
final class ObjectPainter {
    private ObjectPainter() {
    }

    static void paint(Graphics2D g, SceneObject o) {
        Fill f = o.fill();
        Shape shape = o.shape();
        if (f.style() == Fill.Style.GRADIENT) {
            double dx = Math.cos(o.angle()) * o.length() / 2;
            double dy = Math.sin(o.angle()) * o.length() / 2;
            g.setPaint(new GradientPaint((float) (o.cx() - dx), (float) (o.cy() - dy), f.base(),
                    (float) (o.cx() + dx), (float) (o.cy() + dy), f.second()));
        } else {
            g.setColor(f.base());
        }
        g.fill(shape);
        boolean textured = f.style() == Fill.Style.STRIPES || f.style() == Fill.Style.SPECKLE;
        if (!textured && f.outlineWidth() <= 0) {
            return;
        }
        Shape oldClip = g.getClip();
        g.clip(shape);
        g.setColor(f.second());
        if (f.style() == Fill.Style.STRIPES) {
            stripes(g, o, f);
        } else if (f.style() == Fill.Style.SPECKLE) {
            speckles(g, o, f);
        }
        if (f.outlineWidth() > 0) {
            g.setStroke(new BasicStroke((float) (2 * f.outlineWidth())));
            g.draw(shape);
        }
        g.setClip(oldClip);
    }

    /** Bands half a period wide, across the object's whole extent. */
    private static void stripes(Graphics2D g, SceneObject o, Fill f) {
        AffineTransform t = AffineTransform.getTranslateInstance(o.cx(), o.cy());
        t.rotate(f.angle());
        double half = o.length();
        for (double x = -half; x < half; x += f.period()) {
            g.fill(t.createTransformedShape(new Rectangle2D.Double(x, -half, f.period() / 2, 2 * half)));
        }
    }

    /** About one dot per 40 px of bounding box, 1.2 to 3.5 px across (at most 400 dots). */
    private static void speckles(Graphics2D g, SceneObject o, Fill f) {
        SplittableRandom rng = new SplittableRandom(f.textureSeed());
        Rectangle2D b = o.shape().getBounds2D();
        int dots = (int) Math.min(400, Math.max(3, b.getWidth() * b.getHeight() / 40));
        for (int i = 0; i < dots; i++) {
            double d = 1.2 + 2.3 * rng.nextDouble();
            g.fill(new Ellipse2D.Double(b.getX() + b.getWidth() * rng.nextDouble() - d / 2,
                    b.getY() + b.getHeight() * rng.nextDouble() - d / 2, d, d));
        }
    }
}
