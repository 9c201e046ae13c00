package owlet.runtime.image;

/**
 * One Huffman table of a JPEG file (DHT segment, ITU T.81 Annex C), arranged for decoding: codes of up
 * to {@link #LOOKAHEAD} bits are found with one table lookup, longer ones by comparing against the
 * largest code of each length (T.81 F.2.2.3).
 */
final class JpegHuffmanTable {
    /** Bits looked up at once. */
    static final int LOOKAHEAD = 9;

    /** For each {@code LOOKAHEAD}-bit prefix: {@code length << 8 | symbol}, or 0 if the code is longer. */
    final short[] fast = new short[1 << LOOKAHEAD];
    /** Largest code of each length 1..16 (index = length), -1 when there is none. */
    final int[] maxCode = new int[17];
    /** For each length: index into {@link #symbols} of a code of that length, minus the code. */
    final int[] symbolOffset = new int[17];
    final byte[] symbols;

    /**
     * @param counts number of codes of each length 1..16 ({@code counts[0]} is length 1)
     * @param symbols the symbols in code order
     * @throws IllegalArgumentException if the counts over-fill the code space
     */
    JpegHuffmanTable(int[] counts, byte[] symbols) {
        this.symbols = symbols;
        int code = 0;
        int index = 0;
        for (int length = 1; length <= 16; length++) {
            int n = counts[length - 1];
            symbolOffset[length] = index - code;
            // The codes of each length must fit in that many bits, leaving the all-ones code unused.
            if (code + n >= 1 << length) {
                throw new IllegalArgumentException("Huffman code lengths over-fill the code space");
            }
            for (int i = 0; i < n; i++, index++, code++) {
                if (length <= LOOKAHEAD) {
                    int shift = LOOKAHEAD - length;
                    short entry = (short) (length << 8 | (symbols[index] & 0xFF));
                    for (int fill = 0; fill < 1 << shift; fill++) {
                        fast[(code << shift) | fill] = entry;
                    }
                }
            }
            maxCode[length] = n == 0 ? -1 : code - 1;
            code <<= 1;
        }
    }
}
