package dev.inlierq.calib;

import dev.inlierq.detect.image.ImageFolder;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * The calibration images: {@code count} images of a folder chosen deterministically (the folder's image
 * files sorted by name, shuffled with {@code new Random(seed)}, the first {@code count} taken, then sorted
 * again so processing order does not depend on the seed). Labels are never read. Each file's SHA-256 is
 * recorded for provenance.
 */
public record CalibrationSet(List<Path> files, List<String> sha256, long seed) {

    public CalibrationSet {
        files = List.copyOf(files);
        sha256 = List.copyOf(sha256);
    }

    public static CalibrationSet choose(Path folder, int count, long seed) {
        return of(draw(folder, count, seed), seed);
    }

    /** The {@code count} image files of {@code folder} the seed draws (all when it holds fewer), sorted by name. */
    static List<Path> draw(Path folder, int count, long seed) {
        if (count < 1) {
            throw new UserError(ExitCode.USAGE, "--num-calib must be at least 1, got " + count);
        }
        List<Path> all = new ArrayList<>(ImageFolder.list(folder).images());
        if (count >= all.size()) {
            return all;
        }
        Collections.shuffle(all, new Random(seed));
        List<Path> chosen = new ArrayList<>(all.subList(0, count));
        Collections.sort(chosen);
        return chosen;
    }

    /** The set of {@code files}, each one's SHA-256 read for provenance. */
    static CalibrationSet of(List<Path> files, long seed) {
        return new CalibrationSet(files, files.stream().map(CalibrationSet::sha256).toList(), seed);
    }

    /** One digest over the file names and contents, for the model's metadata. */
    public String digest() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < files.size(); i++) {
                md.update(files.get(i).getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update(sha256.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UserError(ExitCode.MISSING_INPUT, "cannot read " + file + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
