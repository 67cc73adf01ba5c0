package dev.inlierq.lidar;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The bytes of a scene's files: the BEV image as PNG (lossless, ImageIO's PNG writer on an in-memory stream, so
 * nothing goes to the temporary folder), and the point cloud in KITTI's Velodyne layout ({@code .bin}: per point
 * four little-endian float32, x, y, z, intensity).
 */
final class LidarFiles {
    /** The folder of the point files. */
    static final String POINTS = "points";

    private LidarFiles() {
    }

    /** The file name of scene {@code index} (0-based): its 1-based id in six digits and {@code extension}. */
    static String name(int index, String extension) {
        return String.format(Locale.ROOT, "%06d.%s", index + 1, extension);
    }

    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 * 1024);
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(bytes)) {
            if (!ImageIO.write(image, "png", stream)) {
                throw new IllegalStateException("no ImageIO writer for png");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a png image", e);
        }
        return bytes.toByteArray();
    }

    static byte[] points(LidarFrame frame) {
        ByteBuffer buffer = ByteBuffer.allocate(16 * frame.points()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < frame.points(); i++) {
            buffer.putFloat(frame.x()[i]).putFloat(frame.y()[i]).putFloat(frame.z()[i]).putFloat(frame.intensity()[i]);
        }
        return buffer.array();
    }
}
