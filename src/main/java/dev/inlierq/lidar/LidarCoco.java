package dev.inlierq.lidar;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inlierq.synth.Split;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The COCO "instances" file of one split of a LiDAR generation, serialised by Jackson from the records below (keys
 * in their component order, compact): {@code info} (the settings), {@code licenses} (empty), {@code images} (ids
 * from 1 in scene order, {@code file_name} {@code 000001.png}, width and height {@code cells}),
 * {@code annotations} (ids from 1 in scene order; {@code bbox}, {@code area}, {@code iscrowd} 0, and the fields
 * COCO tools ignore: {@code rotated_bbox}, {@code z}, {@code height}, {@code num_points}; see {@link LidarBox})
 * and {@code categories} (1 car, 2 truck, 3 pedestrian, 4 cyclist).
 */
final class LidarCoco {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private LidarCoco() {
    }

    record Info(String description, String version, Map<String, Object> settings) {
    }

    record Image(int id, @JsonProperty("file_name") String fileName, int width, int height) {
    }

    record Annotation(int id, @JsonProperty("image_id") int imageId, @JsonProperty("category_id") int categoryId,
            List<Double> bbox, double area, int iscrowd, @JsonProperty("rotated_bbox") List<Double> rotatedBbox,
            double z, double height, @JsonProperty("num_points") int numPoints) {
    }

    record Category(int id, String name, String supercategory) {
    }

    record Instances(Info info, List<Object> licenses, List<Image> images, List<Annotation> annotations,
            List<Category> categories) {
    }

    static byte[] instances(LidarConfig config, Split split, List<List<LidarBox>> boxesPerScene) {
        List<Image> images = new ArrayList<>(boxesPerScene.size());
        List<Annotation> annotations = new ArrayList<>();
        for (int s = 0; s < boxesPerScene.size(); s++) {
            images.add(new Image(s + 1, LidarFiles.name(s, "png"), config.cells(), config.cells()));
            for (LidarBox b : boxesPerScene.get(s)) {
                LidarBox.Rotated r = b.rotated();
                annotations.add(new Annotation(annotations.size() + 1, s + 1, b.categoryId(),
                        List.of(b.x(), b.y(), b.w(), b.h()), b.area(), 0,
                        List.of(r.cx(), r.cy(), r.length(), r.width(), r.yaw()), b.z(), b.height(), b.numPoints()));
            }
        }
        List<Category> categories = Arrays.stream(LidarClass.values())
                .map(c -> new Category(c.categoryId(), c.cocoName(), c.supercategory())).toList();
        Info info = new Info("InlierQ synthetic LiDAR BEV benchmark, " + split.folderName() + " split",
                String.valueOf(LidarConfig.GENERATOR_VERSION), config.settings());
        try {
            return MAPPER.writeValueAsBytes(new Instances(info, List.of(), images, annotations, categories));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
