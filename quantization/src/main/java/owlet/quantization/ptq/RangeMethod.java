package owlet.quantization.ptq;

import java.util.Locale;

/** How calibration turns the values an activation takes on each image into one range. */
public enum RangeMethod {
    /** The smallest and largest value over all calibration images. */
    MINMAX,
    /**
     * An exponential moving average of each image's minimum and maximum, weight {@link #EMA_WEIGHT} for
     * the newest image (the first image sets the start): one outlier image moves the range only a little.
     */
    EMA,
    /**
     * The mean over images of each image's {@link #PERCENTILE}th and (100 - it)th percentiles, taken on
     * an evenly strided sample of at most {@link #SAMPLE} values: clips the rare extreme values that
     * would otherwise widen the step for all the others.
     */
    PERCENTILE;

    public static final float EMA_WEIGHT = 0.1f;
    public static final double PERCENTILE_VALUE = 99.99;
    public static final int SAMPLE = 1 << 16;

    public static RangeMethod parse(String s) {
        for (RangeMethod m : values()) {
            if (m.name().equalsIgnoreCase(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown range method '" + s + "' (minmax, ema or percentile)");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
