package dev.inlierq.lidar;

import dev.inlierq.synth.Split;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one split of a LiDAR generation holds.
 *
 * @param split the split
 * @param scenes its scene count
 * @param boxes labelled objects in all
 * @param hidden objects of a labelled class centred in the map but left unlabelled for too few returns
 * @param boxesPerClass labelled objects per class name, in category order
 * @param meanPoints mean returns per scene
 * @param minPoints fewest returns of a scene
 * @param maxPoints most returns of a scene
 */
public record LidarSplitSummary(Split split, int scenes, int boxes, int hidden, Map<String, Integer> boxesPerClass,
        double meanPoints, int minPoints, int maxPoints) {
    public LidarSplitSummary {
        boxesPerClass = Collections.unmodifiableMap(new LinkedHashMap<>(boxesPerClass));
    }

    /** Mean labelled objects per scene (0 for an empty split). */
    public double boxesPerScene() {
        return scenes == 0 ? 0 : (double) boxes / scenes;
    }
}
