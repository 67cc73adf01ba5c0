package dev.inlierq.lidar;

/**
 * A rectangle on the ground, in metres: centre {@code (cx, cy)}, {@code length} along the heading {@code yaw}
 * (radians, counter-clockwise from +x), {@code width} across it.
 *
 * <p>{@link #overlaps} is the separating axis theorem for two convex polygons (S. Gottschalk, M. C. Lin,
 * D. Manocha, "OBBTree", SIGGRAPH 1996, in 2D): two rectangles are apart exactly when their projections on one
 * of the four edge normals do not overlap.
 */
record Footprint(double cx, double cy, double length, double width, double yaw) {

    /** The four corners as {@code {x0, y0, x1, y1, x2, y2, x3, y3}}, counter-clockwise from front-right. */
    double[] corners() {
        double c = Math.cos(yaw);
        double s = Math.sin(yaw);
        double ax = c * length / 2;
        double ay = s * length / 2;
        double bx = -s * width / 2;
        double by = c * width / 2;
        return new double[] {cx + ax - bx, cy + ay - by, cx + ax + bx, cy + ay + by, cx - ax + bx, cy - ay + by,
            cx - ax - bx, cy - ay - by};
    }

    /** This rectangle grown by {@code margin} metres on every side. */
    Footprint grown(double margin) {
        return new Footprint(cx, cy, length + 2 * margin, width + 2 * margin, yaw);
    }

    /** Whether the two rectangles share area (touching edges count as overlapping). */
    boolean overlaps(Footprint other) {
        double[] a = corners();
        double[] b = other.corners();
        return !separated(a, b, yaw) && !separated(a, b, yaw + Math.PI / 2)
                && !separated(a, b, other.yaw) && !separated(a, b, other.yaw + Math.PI / 2);
    }

    /** Whether the projections of the two corner sets on the direction {@code angle} are disjoint. */
    private static boolean separated(double[] a, double[] b, double angle) {
        double ux = Math.cos(angle);
        double uy = Math.sin(angle);
        double minA = Double.POSITIVE_INFINITY;
        double maxA = Double.NEGATIVE_INFINITY;
        double minB = Double.POSITIVE_INFINITY;
        double maxB = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < 8; i += 2) {
            double pa = a[i] * ux + a[i + 1] * uy;
            double pb = b[i] * ux + b[i + 1] * uy;
            minA = Math.min(minA, pa);
            maxA = Math.max(maxA, pa);
            minB = Math.min(minB, pb);
            maxB = Math.max(maxB, pb);
        }
        return maxA < minB || maxB < minA;
    }

    /** Whether the point lies inside (or on the edge). */
    boolean contains(double x, double y) {
        double c = Math.cos(yaw);
        double s = Math.sin(yaw);
        double rx = x - cx;
        double ry = y - cy;
        return Math.abs(rx * c + ry * s) <= length / 2 && Math.abs(-rx * s + ry * c) <= width / 2;
    }

    /** The point at {@code along} metres ahead and {@code across} metres to the left of the centre. */
    double[] local(double along, double across) {
        double c = Math.cos(yaw);
        double s = Math.sin(yaw);
        return new double[] {cx + along * c - across * s, cy + along * s + across * c};
    }
}
