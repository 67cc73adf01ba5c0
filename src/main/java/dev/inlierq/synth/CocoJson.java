package dev.inlierq.synth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The COCO "instances" file of one split: {@code info}, {@code licenses} (empty), {@code images} (ids from 1 in
 * index order, {@code file_name} {@code 000001.jpg}...), {@code annotations} (ids from 1 in image order, integer
 * {@code bbox [x, y, w, h]} of the visible pixels, {@code area} = visible pixel count, {@code iscrowd} 0, plus
 * {@code visible_fraction} rounded to 3 decimals, which COCO tools ignore) and {@code categories} (ids from 1 in
 * the configured class order, supercategory {@code shape}). Written compact, keys in a fixed order.
 */
final class CocoJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CocoJson() {
    }

    /** The file name of image {@code index} (0-based): its id, 1-based, in six digits. */
    static String fileName(int index, ImageFormat format) {
        return String.format(Locale.ROOT, "%06d.%s", index + 1, format.extension());
    }

    static byte[] instances(SynthConfig config, Split split, List<List<SynthBox>> boxesPerImage) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("description", "InlierQ synthetic shapes benchmark, " + split.folderName() + " split");
        info.put("version", String.valueOf(SynthConfig.GENERATOR_VERSION));
        info.put("settings", config.settings());
        List<Object> images = new ArrayList<>(boxesPerImage.size());
        List<Object> annotations = new ArrayList<>();
        for (int i = 0; i < boxesPerImage.size(); i++) {
            Map<String, Object> im = new LinkedHashMap<>();
            im.put("id", i + 1);
            im.put("file_name", fileName(i, config.format()));
            im.put("width", config.imageSize());
            im.put("height", config.imageSize());
            images.add(im);
            for (SynthBox b : boxesPerImage.get(i)) {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("id", annotations.size() + 1);
                a.put("image_id", i + 1);
                a.put("category_id", b.categoryId());
                a.put("bbox", List.of(b.x(), b.y(), b.w(), b.h()));
                a.put("area", b.area());
                a.put("iscrowd", 0);
                a.put("visible_fraction", Math.round(b.visibleFraction() * 1000) / 1000.0);
                annotations.add(a);
            }
        }
        List<Object> categories = new ArrayList<>();
        for (int c = 0; c < config.classes().size(); c++) {
            Map<String, Object> cat = new LinkedHashMap<>();
            cat.put("id", c + 1);
            cat.put("name", config.classes().get(c).cocoName());
            cat.put("supercategory", "shape");
            categories.add(cat);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("info", info);
        root.put("licenses", List.of());
        root.put("images", images);
        root.put("annotations", annotations);
        root.put("categories", categories);
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
