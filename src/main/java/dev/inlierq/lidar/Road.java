package dev.inlierq.lidar;

/**
 * A straight road through the point {@code (x0, y0)} along {@code angle} (radians, counter-clockwise from +x):
 * {@code lanes} lanes each way of {@code laneWidth} metres, and a sidewalk of {@code sidewalk} metres on each
 * side. Traffic keeps right: a vehicle on the right of the direction ({@link #across} below 0) heads along
 * {@code angle}, one on the left against it.
 */
record Road(double x0, double y0, double angle, int lanes, double laneWidth, double sidewalk) {

    /** Half the width of the carriageway (kerb to kerb). */
    double halfWidth() {
        return lanes * laneWidth;
    }

    /** Signed distance along the road from {@code (x0, y0)}. */
    double along(double x, double y) {
        return (x - x0) * Math.cos(angle) + (y - y0) * Math.sin(angle);
    }

    /** Signed distance to the left of the road's centre line. */
    double across(double x, double y) {
        return -(x - x0) * Math.sin(angle) + (y - y0) * Math.cos(angle);
    }

    /** The point {@code along} metres down the road and {@code across} metres to the left of its centre line. */
    double[] point(double along, double across) {
        return new Footprint(x0, y0, 0, 0, angle).local(along, across);
    }

    /** The carriageway and both sidewalks as a rectangle {@code length} metres long centred on {@code (x0, y0)}. */
    Footprint band(double length) {
        return new Footprint(x0, y0, length, 2 * (halfWidth() + sidewalk), angle);
    }
}
