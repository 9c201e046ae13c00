package owlet.runtime.image;

/**
 * A tiny built-in font for labelling pictures: 3×5-pixel capitals, digits and a few signs, drawn at an
 * integer scale. Lower case is drawn as capitals; characters it lacks are drawn as '?'.
 */
public final class BitmapFont {
    /** Glyph width and height in font pixels, and the gap after each glyph. */
    public static final int WIDTH = 3;
    public static final int HEIGHT = 5;
    public static final int GAP = 1;

    private static final String CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-/?:%,()' ";
    /** Each glyph's five rows, top first, three bits each, the high bit the left pixel. */
    private static final int[][] GLYPHS = {
        {2, 5, 7, 5, 5}, {6, 5, 6, 5, 6}, {3, 4, 4, 4, 3}, {6, 5, 5, 5, 6}, {7, 4, 6, 4, 7}, {7, 4, 6, 4, 4},
        {3, 4, 5, 5, 3}, {5, 5, 7, 5, 5}, {7, 2, 2, 2, 7}, {1, 1, 1, 5, 2}, {5, 5, 6, 5, 5}, {4, 4, 4, 4, 7},
        {5, 7, 7, 5, 5}, {6, 5, 5, 5, 5}, {2, 5, 5, 5, 2}, {6, 5, 6, 4, 4}, {2, 5, 5, 6, 3}, {6, 5, 6, 5, 5},
        {3, 4, 2, 1, 6}, {7, 2, 2, 2, 2}, {5, 5, 5, 5, 7}, {5, 5, 5, 5, 2}, {5, 5, 7, 7, 5}, {5, 5, 2, 5, 5},
        {5, 5, 2, 2, 2}, {7, 1, 2, 4, 7},
        {7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {6, 1, 2, 4, 7}, {6, 1, 2, 1, 6}, {5, 5, 7, 1, 1}, {7, 4, 6, 1, 6},
        {3, 4, 7, 5, 7}, {7, 1, 2, 2, 2}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 6},
        {0, 0, 0, 0, 2}, {0, 0, 7, 0, 0}, {1, 1, 2, 4, 4}, {6, 1, 2, 0, 2}, {0, 2, 0, 2, 0}, {5, 1, 2, 4, 5},
        {0, 0, 0, 2, 4}, {1, 2, 2, 2, 1}, {4, 2, 2, 2, 4}, {2, 2, 0, 0, 0}, {0, 0, 0, 0, 0},
    };

    private BitmapFont() {
    }

    /** The rows of the glyph for {@code c}. */
    static int[] glyph(char c) {
        int i = CHARS.indexOf(Character.toUpperCase(c));
        return GLYPHS[i < 0 ? CHARS.indexOf('?') : i];
    }

    /** Width in picture pixels of {@code text} at {@code scale}, without the trailing gap. */
    public static int textWidth(String text, int scale) {
        return text.isEmpty() ? 0 : (text.length() * (WIDTH + GAP) - GAP) * scale;
    }

    /** Draws {@code text} with its top-left corner at (x, y); pixels outside the picture are skipped. */
    public static void draw(RgbImage image, String text, int x, int y, int scale, int rgb) {
        for (int k = 0; k < text.length(); k++) {
            int[] rows = glyph(text.charAt(k));
            int gx = x + k * (WIDTH + GAP) * scale;
            for (int r = 0; r < HEIGHT; r++) {
                for (int c = 0; c < WIDTH; c++) {
                    if ((rows[r] >> (WIDTH - 1 - c) & 1) != 0) {
                        Canvas.fill(image, gx + c * scale, y + r * scale, scale, scale, rgb);
                    }
                }
            }
        }
    }
}
