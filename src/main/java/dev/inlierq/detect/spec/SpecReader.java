package dev.inlierq.detect.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inlierq.detect.ClassMap;
import dev.inlierq.detect.InputLayout;
import dev.inlierq.detect.InputSpec;
import dev.inlierq.detect.NmsMode;
import dev.inlierq.detect.PostprocessSpec;
import dev.inlierq.detect.ResizeMode;
import dev.inlierq.detect.decode.AnchorYoloHead;
import dev.inlierq.detect.decode.BoxFormat;
import dev.inlierq.detect.decode.BoxScoreHead;
import dev.inlierq.detect.decode.CenterNetHead;
import dev.inlierq.detect.decode.CenterOffsetHead;
import dev.inlierq.detect.decode.DistributionHead;
import dev.inlierq.detect.decode.Head;
import dev.inlierq.detect.decode.PackedAnchorHead;
import dev.inlierq.detect.decode.TensorLayout;
import dev.inlierq.detect.decode.YoloxHead;
import dev.inlierq.detect.image.ChannelOrder;
import dev.inlierq.detect.image.Interpolation;
import java.util.ArrayList;
import java.util.List;

/** Builds a {@link DetectorSpec} from a parsed YAML or JSON tree; the format is documented on {@link DetectorSpec}. */
final class SpecReader {
    private SpecReader() {
    }

    /** The head families a file can name in {@code head.family} (case-insensitive). */
    enum Family {
        YOLOX, BOX_SCORE, CENTER_OFFSET, ANCHOR_YOLO, GFL, CENTERNET
    }

    static DetectorSpec read(JsonNode tree, String source, String defaultName) {
        SpecNode root = SpecNode.root(tree, source);
        String name = root.text("name", defaultName);
        InputSpec input = readInput(root.object("input"));
        Head head = readHead(root.object("head"));
        PostprocessSpec post = readPostprocess(root.objectOrEmpty("postprocess"));
        ClassMap classes = readClasses(root);
        root.finish();
        return root.build(() -> new DetectorSpec(name, input, head, post, classes));
    }

    /**
     * Reads every key before checking any value, and checks them in file order: the geometry (with the default
     * pixel values), then {@code scale}, {@code mean} and {@code std}; the first bad one is the error.
     */
    private static InputSpec readInput(SpecNode n) {
        String name = n.text("name");
        int width = n.integer("width");
        int height = n.integer("height");
        InputLayout layout = n.enumValue("layout", InputLayout.class, InputLayout.NCHW);
        ChannelOrder channelOrder = n.enumValue("channelOrder", ChannelOrder.class);
        ResizeMode resize = n.enumValue("resize", ResizeMode.class);
        Interpolation interpolation = n.enumValue("interpolation", Interpolation.class, Interpolation.LINEAR);
        int padValue = n.integer("padValue", 114);
        double scale = n.number("scale", 1.0);
        double[] mean = n.numbers("mean", new double[] {0, 0, 0});
        double[] std = n.numbers("std", new double[] {1, 1, 1});
        InputSpec spec = n.build(() -> new InputSpec(name, width, height, layout, channelOrder, resize, interpolation,
                padValue, InputSpec.Normalization.NONE).withNormalization(new InputSpec.Normalization(scale, mean, std)));
        n.finish();
        return spec;
    }

    private static PostprocessSpec readPostprocess(SpecNode n) {
        PostprocessSpec spec = n.build(() -> new PostprocessSpec(
                n.number("scoreThreshold", 0.001),
                n.enumValue("nms", NmsMode.class, NmsMode.CLASS_AWARE),
                n.number("iouThreshold", 0.65),
                n.integer("maxDetections", 100),
                n.integer("preNmsTopK", 0),
                n.bool("multiLabel", true)));
        n.finish();
        return spec;
    }

    /** {@code classes}: absent or {@code coco80} for the COCO map, else a list of category ids. */
    private static ClassMap readClasses(SpecNode root) {
        if (root.isList("classes")) {
            List<Integer> ids = root.integers("classes", List.of());
            return root.build(() -> new ClassMap(ids));
        }
        String word = root.text("classes", "coco80");
        if (!word.equalsIgnoreCase("coco80")) {
            throw root.error("classes", "must be coco80 or a list of category ids, got '" + word + "'");
        }
        return ClassMap.COCO80;
    }

    private static Head readHead(SpecNode n) {
        Family family = n.enumValue("family", Family.class);
        Head head = switch (family) {
            case YOLOX -> n.build(() -> new YoloxHead(
                    n.text("output", "output"),
                    n.integers("strides", List.of(8, 16, 32)),
                    n.bool("batchAxis", true),
                    n.bool("decoded", true)));
            case BOX_SCORE -> n.build(() -> new BoxScoreHead(
                    n.text("scores", "scores"),
                    n.enumValue("scoresLayout", TensorLayout.class, TensorLayout.CHANNELS_FIRST),
                    n.text("boxes", "boxes"),
                    n.enumValue("boxFormat", BoxFormat.class, BoxFormat.XYXY),
                    n.bool("decoded", true)));
            case CENTER_OFFSET -> n.build(() -> new CenterOffsetHead(
                    n.text("output"),
                    n.number("objExponent", 0.6),
                    n.number("clsExponent", 0.4),
                    n.bool("decoded", true)));
            case ANCHOR_YOLO -> n.isMapping("layout") ? readPacked(n) : n.build(() -> new AnchorYoloHead(
                    readLevels(n),
                    n.enumValue("layout", TensorLayout.class, TensorLayout.CHANNELS_FIRST),
                    n.enumValue("formula", AnchorYoloHead.Formula.class, AnchorYoloHead.Formula.V5),
                    n.bool("batchAxis", true),
                    n.bool("decoded", false)));
            case GFL -> n.build(() -> new DistributionHead(
                    n.integers("strides", null),
                    n.integer("regMax"),
                    n.texts("cls"),
                    n.enumValue("clsLayout", TensorLayout.class),
                    n.texts("reg"),
                    n.enumValue("regLayout", TensorLayout.class, TensorLayout.CHANNELS_LAST),
                    n.integer("regChannelOffset", 0),
                    n.number("cellOffset", 0.5),
                    n.bool("batchAxis", true),
                    n.bool("decoded", false)));
            case CENTERNET -> n.build(() -> new CenterNetHead(
                    n.text("heatmap"),
                    n.text("size"),
                    n.text("offset", null),
                    n.integer("stride", 4),
                    n.bool("decoded", false),
                    n.text("yaw", null),
                    n.text("dim", null),
                    n.text("z", null)));
        };
        n.finish();
        return head;
    }

    /** {@code anchor_yolo} with {@code layout} a mapping of column groups: one packed output. */
    private static Head readPacked(SpecNode n) {
        SpecNode cols = n.object("layout");
        PackedAnchorHead.Columns columns = cols.build(() -> new PackedAnchorHead.Columns(cols.integer("box"),
                cols.integer("objectness"), cols.integer("classes")));
        cols.finish();
        List<PackedAnchorHead.Level> levels = new ArrayList<>();
        for (SpecNode level : n.objects("levels")) {
            List<AnchorYoloHead.Anchor> anchors = readAnchors(level);
            List<Integer> size = level.integers("size", List.of(0, 0));
            if (size.size() != 2) {
                throw level.error("size", "must be [columns, rows], got " + size);
            }
            levels.add(level.build(() -> new PackedAnchorHead.Level(level.integer("stride"), anchors, size.get(0),
                    size.get(1))));
            level.finish();
        }
        return n.build(() -> new PackedAnchorHead(n.text("output"), columns, levels,
                n.enumValue("formula", AnchorYoloHead.Formula.class, AnchorYoloHead.Formula.V5),
                n.bool("batchAxis", true), n.bool("decoded", false)));
    }

    private static List<AnchorYoloHead.Anchor> readAnchors(SpecNode level) {
        double[] sizes = level.numbers("anchors", new double[0]);
        if (sizes.length == 0 || sizes.length % 2 != 0) {
            throw level.error("anchors", "must list width, height pairs, got " + sizes.length + " numbers");
        }
        List<AnchorYoloHead.Anchor> anchors = new ArrayList<>();
        for (int i = 0; i < sizes.length; i += 2) {
            double w = sizes[i];
            double h = sizes[i + 1];
            anchors.add(level.build(() -> new AnchorYoloHead.Anchor(w, h)));
        }
        return anchors;
    }

    private static List<AnchorYoloHead.Level> readLevels(SpecNode n) {
        List<AnchorYoloHead.Level> levels = new ArrayList<>();
        for (SpecNode level : n.objects("levels")) {
            List<AnchorYoloHead.Anchor> anchors = readAnchors(level);
            levels.add(level.build(() -> new AnchorYoloHead.Level(level.text("output"), level.integer("stride"),
                    anchors)));
            level.finish();
        }
        return levels;
    }
}
