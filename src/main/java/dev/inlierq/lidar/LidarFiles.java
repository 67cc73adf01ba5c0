package dev.inlierq.lidar;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * The names of a scene's files, and the bytes of its point cloud in KITTI's Velodyne layout ({@code .bin}: per
 * point four little-endian float32, x, y, z, intensity). The BEV image is written as PNG by the 2D benchmark's
 * {@link dev.inlierq.synth.ImageEncoder}.
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

    static byte[] points(LidarFrame frame) {
        ByteBuffer buffer = ByteBuffer.allocate(16 * frame.points()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < frame.points(); i++) {
            buffer.putFloat(frame.x()[i]).putFloat(frame.y()[i]).putFloat(frame.z()[i]).putFloat(frame.intensity()[i]);
        }
        return buffer.array();
    }
}
