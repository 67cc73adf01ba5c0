package dev.inlierq.lidar;

import java.util.ArrayList;
import java.util.List;

/**
 * What one scene holds: the ground, the labelled objects (their index is their owner id) and the unlabelled
 * clutter, in the world frame of the sensor (x, y on the ground, z up, the sensor above the origin).
 */
record LidarScene(Ground ground, List<LabelledObject> objects, List<Primitive> clutter) {
    LidarScene {
        objects = List.copyOf(objects);
        clutter = List.copyOf(clutter);
    }

    /** Every solid: the objects' (owned by their index), then the clutter. */
    List<Primitive> primitives() {
        List<Primitive> all = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            all.addAll(objects.get(i).primitives(i));
        }
        all.addAll(clutter);
        return all;
    }
}
