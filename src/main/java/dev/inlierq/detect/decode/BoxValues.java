package dev.inlierq.detect.decode;

import static dev.inlierq.detect.InvalidSpecException.check;

/**
 * Where a head's four box values are, location by location in the order of its score heatmap's locations
 * ({@link HeatmapRecipe}): the box-regression term of the label-free task loss reads them
 * ({@code quantize --box-weight}, {@link Head#boxValues}).
 *
 * @param output       model output holding them
 * @param layout       where its channels and locations are
 * @param firstChannel the first of the four box channels
 * @param sampleRows   0 when axis 0 of the output is the batch, else the locations per image (as in
 *                     {@link HeatmapRecipe.Part#sampleRows()})
 * @param pixels       null when the values are the head's raw regression outputs (offsets and log sizes in
 *                     units of the stride or of the grid cell, already on the scale of the box's own size); else
 *                     the format of boxes decoded to input pixels, whose values the loss divides by the box's
 *                     size so that an error counts as it moves the box's IoU
 */
public record BoxValues(String output, TensorLayout layout, int firstChannel, int sampleRows, BoxFormat pixels) {
    /** The number of box values at each location. */
    public static final int VALUES = 4;

    public BoxValues {
        check(output != null && !output.isBlank(), "output", "must name a model output");
        check(layout != null, "layout", "is required");
        check(firstChannel >= 0, "firstChannel", "must be non-negative, got " + firstChannel);
        check(sampleRows >= 0, "sampleRows", "must be non-negative, got " + sampleRows);
    }

    /** Raw regression values of an output with a batch axis. */
    public static BoxValues raw(String output, TensorLayout layout, int firstChannel) {
        return new BoxValues(output, layout, firstChannel, 0, null);
    }
}
