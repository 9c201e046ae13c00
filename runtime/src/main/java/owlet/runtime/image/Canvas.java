package owlet.runtime.image;

/** Drawing on an {@link RgbImage} in place: filled rectangles, rectangle outlines, labelled boxes. */
public final class Canvas {
    private Canvas() {
    }

    /** Fills the rectangle at (x, y) of size w × h with colour {@code rgb} (0xRRGGBB), clipped to the picture. */
    public static void fill(RgbImage image, int x, int y, int w, int h, int rgb) {
        int x0 = Math.max(0, x);
        int y0 = Math.max(0, y);
        int x1 = (int) Math.min(image.width(), (long) x + w);
        int y1 = (int) Math.min(image.height(), (long) y + h);
        byte[] p = image.rgb();
        for (int yy = y0; yy < y1; yy++) {
            for (int xx = x0; xx < x1; xx++) {
                int o = 3 * (yy * image.width() + xx);
                p[o] = (byte) (rgb >> 16);
                p[o + 1] = (byte) (rgb >> 8);
                p[o + 2] = (byte) rgb;
            }
        }
    }

    /** The outline of the box from (x0, y0) to (x1, y1) inclusive, {@code thickness} pixels wide, inwards. */
    public static void outline(RgbImage image, int x0, int y0, int x1, int y1, int thickness, int rgb) {
        int w = x1 - x0 + 1;
        int h = y1 - y0 + 1;
        if (w <= 0 || h <= 0) {
            return;
        }
        fill(image, x0, y0, w, thickness, rgb);
        fill(image, x0, y1 - thickness + 1, w, thickness, rgb);
        fill(image, x0, y0, thickness, h, rgb);
        fill(image, x1 - thickness + 1, y0, thickness, h, rgb);
    }

    /**
     * A box with a caption: the outline, and {@code caption} in black on a tab of the box's colour just
     * above its top-left corner (inside the box when there is no room above). Line width and text size
     * grow with the picture.
     */
    public static void labelledBox(RgbImage image, int x0, int y0, int x1, int y1, String caption, int rgb) {
        int side = Math.min(image.width(), image.height());
        int thickness = Math.max(1, side / 200);
        int scale = Math.max(1, side / 160);
        x0 = clamp(x0, 0, image.width() - 1);
        x1 = clamp(x1, 0, image.width() - 1);
        y0 = clamp(y0, 0, image.height() - 1);
        y1 = clamp(y1, 0, image.height() - 1);
        outline(image, x0, y0, x1, y1, thickness, rgb);
        int pad = scale;
        int tabW = BitmapFont.textWidth(caption, scale) + 2 * pad;
        int tabH = BitmapFont.HEIGHT * scale + 2 * pad;
        int tabY = y0 - tabH >= 0 ? y0 - tabH : y0;
        int tabX = Math.min(x0, Math.max(0, image.width() - tabW));
        fill(image, tabX, tabY, tabW, tabH, rgb);
        BitmapFont.draw(image, caption, tabX + pad, tabY + pad, scale, 0x000000);
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
