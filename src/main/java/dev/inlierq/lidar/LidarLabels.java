package dev.inlierq.lidar;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a scanned scene into a {@link LidarFrame}: the BEV image of its returns and the labels of its objects.
 *
 * <p>Label rules: an object is labelled when its centre lies in the map ({@code -half <= x < half},
 * {@code -half < y <= half}) and at least {@code minPoints} returns hit it (nuScenes likewise drops boxes without
 * points). Its COCO {@code bbox} is the axis-aligned hull of its rotated footprint's corners in pixels
 * ({@code px = (x + half) / cellSize}, {@code py = (half - y) / cellSize}), clipped to the image; see
 * {@link LidarBox} for the other fields.
 */
final class LidarLabels {
    private LidarLabels() {
    }

    static LidarFrame frame(LidarScene scene, PointCloud cloud, LidarConfig config) {
        double half = config.halfExtent();
        double cell = config.cellSize();
        int[] counts = cloud.pointsPerOwner(scene.objects().size());
        int[] boxOf = new int[scene.objects().size()];
        List<LidarBox> boxes = new ArrayList<>();
        int hidden = 0;
        for (int i = 0; i < boxOf.length; i++) {
            boxOf[i] = -1;
            LabelledObject o = scene.objects().get(i);
            Footprint f = o.footprint();
            if (f.cx() < -half || f.cx() >= half || f.cy() <= -half || f.cy() > half) {
                continue;
            }
            if (counts[i] < config.minPoints()) {
                hidden++;
                continue;
            }
            boxOf[i] = boxes.size();
            boxes.add(box(o, counts[i], half, cell, config.cells()));
        }
        int[] pointBox = new int[cloud.size()];
        for (int p = 0; p < pointBox.length; p++) {
            int owner = cloud.owner()[p];
            pointBox[p] = owner >= 0 ? boxOf[owner] : -1;
        }
        return new LidarFrame(cloud.x(), cloud.y(), cloud.z(), cloud.intensity(), pointBox,
                BevRaster.rasterize(cloud.x(), cloud.y(), cloud.z(), cloud.intensity(), config.cells(), cell),
                boxes, hidden);
    }

    private static LidarBox box(LabelledObject o, int points, double half, double cell, int cells) {
        Footprint f = o.footprint();
        double[] c = f.corners();
        double left = Double.POSITIVE_INFINITY;
        double right = Double.NEGATIVE_INFINITY;
        double top = Double.POSITIVE_INFINITY;
        double bottom = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < c.length; i += 2) {
            double px = (c[i] + half) / cell;
            double py = (half - c[i + 1]) / cell;
            left = Math.min(left, px);
            right = Math.max(right, px);
            top = Math.min(top, py);
            bottom = Math.max(bottom, py);
        }
        double x0 = round(clip(left, cells), 100);
        double y0 = round(clip(top, cells), 100);
        double w = round(round(clip(right, cells), 100) - x0, 100);
        double h = round(round(clip(bottom, cells), 100) - y0, 100);
        LidarBox.Rotated rotated = new LidarBox.Rotated(round((f.cx() + half) / cell, 100),
                round((half - f.cy()) / cell, 100), round(f.length() / cell, 100), round(f.width() / cell, 100),
                round(wrap(f.yaw()), 10_000));
        return new LidarBox(o.cls().categoryId(), x0, y0, w, h, rotated, round(o.height() / 2, 1000),
                round(o.height(), 1000), points);
    }

    private static double clip(double v, int cells) {
        return Math.max(0, Math.min(cells, v));
    }

    /** The angle in [-pi, pi). */
    static double wrap(double angle) {
        double a = angle % (2 * Math.PI);
        if (a >= Math.PI) {
            a -= 2 * Math.PI;
        } else if (a < -Math.PI) {
            a += 2 * Math.PI;
        }
        return a;
    }

    /** {@code v} rounded to {@code 1 / scale}. */
    static double round(double v, double scale) {
        return Math.round(v * scale) / scale;
    }
}
