package dev.inlierq.detect;

import static dev.inlierq.detect.InvalidSpecException.check;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Maps the model's class index (0..C-1, the order of its class channels) to the category id written
 * into detections (spec field {@code classes}: the word {@code coco80} or a list of ids).
 *
 * @param categoryIds id of class i at position i; non-negative and distinct; C = its size
 */
public record ClassMap(List<Integer> categoryIds) {

    /** The standard map from the 80 COCO training classes to COCO's category ids 1..90 (with gaps). */
    public static final ClassMap COCO80 = new ClassMap(List.of(
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21,
            22, 23, 24, 25, 27, 28, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44,
            46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65,
            67, 70, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 84, 85, 86, 87, 88, 89, 90));

    public ClassMap {
        check(categoryIds != null && !categoryIds.isEmpty(), "classes", "needs at least one category id");
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < categoryIds.size(); i++) {
            Integer id = categoryIds.get(i);
            check(id != null && id >= 0, "classes[" + i + "]", "must be a non-negative category id, got " + id);
            check(seen.add(id), "classes[" + i + "]", "repeats category id " + id);
        }
        categoryIds = List.copyOf(categoryIds);
    }

    /** Number of classes C. */
    public int size() {
        return categoryIds.size();
    }

    /** Category id of class index {@code classIndex}. */
    public int categoryId(int classIndex) {
        return categoryIds.get(classIndex);
    }
}
