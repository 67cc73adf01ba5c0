package dev.inlierq.synth;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.util.ArrayList;
import java.util.List;

/**
 * Which part of each labelled object is visible. The outlines are rasterised without antialiasing, in drawing
 * order, into an owner map (each pixel holds the topmost object covering its centre); an object's visible pixels
 * are those it owns, and its box is their bounding box. Its full area is the same outline rasterised alone, without
 * the image border, so the visible fraction counts both occlusion by later objects and truncation at the border.
 */
final class Visibility {
    private Visibility() {
    }

    /**
     * The visible part of one labelled object: {@code objectIndex} in the scene, the box of its visible pixels
     * {@code [x, y, w, h]} (empty when none is visible), their count and the object's full pixel count.
     */
    record Visible(int objectIndex, int x, int y, int w, int h, int visiblePixels, int fullPixels) {
        double fraction() {
            return fullPixels == 0 ? 0 : (double) visiblePixels / fullPixels;
        }
    }

    /** The labelled objects of {@code scene}, in scene order, hidden ones included. */
    static List<Visible> of(Scene scene) {
        int size = scene.size();
        List<SceneObject> objects = scene.objects();
        BufferedImage ids = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = binary(ids);
        for (int i = 0; i < objects.size(); i++) {
            g.setColor(new Color(i + 1));
            g.fill(objects.get(i).shape());
        }
        g.dispose();
        int n = objects.size() + 1;
        int[] count = new int[n];
        int[] minX = new int[n];
        int[] minY = new int[n];
        int[] maxX = new int[n];
        int[] maxY = new int[n];
        java.util.Arrays.fill(minX, Integer.MAX_VALUE);
        java.util.Arrays.fill(minY, Integer.MAX_VALUE);
        java.util.Arrays.fill(maxX, -1);
        java.util.Arrays.fill(maxY, -1);
        int[] owner = ((DataBufferInt) ids.getRaster().getDataBuffer()).getData();
        for (int y = 0, p = 0; y < size; y++) {
            for (int x = 0; x < size; x++, p++) {
                int id = owner[p] & 0xFFFFFF;
                if (id > 0) {
                    count[id]++;
                    minX[id] = Math.min(minX[id], x);
                    maxX[id] = Math.max(maxX[id], x);
                    minY[id] = Math.min(minY[id], y);
                    maxY[id] = Math.max(maxY[id], y);
                }
            }
        }
        List<Visible> out = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            if (!objects.get(i).labelled()) {
                continue;
            }
            int id = i + 1;
            int full = fullPixels(objects.get(i).shape());
            out.add(count[id] == 0 ? new Visible(i, 0, 0, 0, 0, 0, full)
                    : new Visible(i, minX[id], minY[id], maxX[id] - minX[id] + 1, maxY[id] - minY[id] + 1, count[id],
                            full));
        }
        return out;
    }

    /** Pixels whose centre the outline covers, wherever it lies (an integer shift keeps the rasterisation). */
    private static int fullPixels(Shape shape) {
        Rectangle r = shape.getBounds();
        BufferedImage mask = new BufferedImage(r.width + 2, r.height + 2, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = binary(mask);
        g.translate(1 - r.x, 1 - r.y);
        g.setColor(Color.WHITE);
        g.fill(shape);
        g.dispose();
        int n = 0;
        for (byte b : ((DataBufferByte) mask.getRaster().getDataBuffer()).getData()) {
            if (b != 0) {
                n++;
            }
        }
        return n;
    }

    private static Graphics2D binary(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        return g;
    }
}
