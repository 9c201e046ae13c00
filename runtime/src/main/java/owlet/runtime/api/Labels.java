package owlet.runtime.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import owlet.runtime.io.InputFiles;

/**
 * Class labels from a text file (UTF-8), in the three forms people have them:
 *
 * <ul>
 *   <li><b>plain lines</b>: line k (from 0) names index k ({@code imagenet_labels.txt}, {@code coco_labels.txt});
 *   <li><b>index-prefixed lines</b>: {@code 0 Mask}, {@code 0:Mask}, {@code 0\tMask} or {@code 0  person}
 *       (Teachable Machine, pycoral): the number is the index; numbers may skip (COCO's do), a skipped index
 *       has no label. Decided by the first line: once it has an index, every line must;
 *   <li><b>SSD label maps</b> whose first line is {@code ???}: plain lines where line 0 is the placeholder
 *       for the background class, so a detector's class id c is named by line c + 1.
 * </ul>
 *
 * <p>Indices and outputs: for a classifier, output k is named by index k ({@link #get}). A detector's
 * classes output holds class ids; class id c is named by index c, or c + 1 in a {@code ???} file
 * ({@link #forClassId}). The count of a file is its highest index plus one ({@link #size}); the count of
 * classes it names, without a {@code ???} line, is {@link #classCount}. Trailing blank lines are ignored;
 * an index without a label (a blank line, a skipped number) is named {@code #k}.
 */
public final class Labels {
    /** Label files larger than this are refused: ImageNet's 1001 labels take 22 KB. */
    public static final long MAX_FILE_BYTES = 16L << 20;
    /** The highest index an index-prefixed line may give. */
    public static final int MAX_INDEX = 1_000_000;
    /** The files looked for beside a model, in this order, when no label file is given. */
    public static final List<String> BESIDE_MODEL = List.of("imagenet_labels.txt", "labels.txt");
    /** The label files looked for beside a detector, in this order (COCO's name first). */
    public static final List<String> BESIDE_DETECTOR = List.of("coco_labels.txt", "labelmap.txt", "labels.txt");

    private static final Pattern INDEXED = Pattern.compile("(\\d+)(?:[ \\t]*:[ \\t]*|[ \\t]+)(.*)");

    /** The three forms of a label file. */
    public enum Form {
        PLAIN, INDEXED, SSD_LABEL_MAP
    }

    private final String source;
    /** Index k's label, or null when the file does not name k. */
    private final String[] names;
    private final Form form;
    /** 1 when index 0 is the {@code ???} background placeholder of an SSD label map, else 0. */
    private final int firstClass;

    private Labels(String source, String[] names, Form form) {
        this.source = source;
        this.names = names;
        this.form = form;
        this.firstClass = form == Form.SSD_LABEL_MAP ? 1 : 0;
    }

    /** Reads a label file; see the class comment for the forms it accepts. */
    public static Labels load(Path file) throws IOException {
        return parse(InputFiles.readText(file, MAX_FILE_BYTES), file.toString());
    }

    /**
     * The label file beside {@code model} ({@link #BESIDE_MODEL}: {@code imagenet_labels.txt}, then
     * {@code labels.txt}, in the model's folder), or null when there is none. Only regular files count.
     */
    public static Path besideModel(Path model) {
        return besideModel(model, BESIDE_MODEL);
    }

    /** The first of {@code names} that is a regular file in the model's folder, or null. */
    public static Path besideModel(Path model, List<String> names) {
        Path dir = model.toAbsolutePath().getParent();
        if (dir == null) {
            return null;
        }
        for (String name : names) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /** {@code given} when not null, else the labels beside the model, else {@link #none()}. */
    public static Labels forModel(Path model, Path given) throws IOException {
        return forModel(model, given, BESIDE_MODEL);
    }

    /** {@code given} when not null, else the first of {@code names} beside the model, else {@link #none()}. */
    public static Labels forModel(Path model, Path given, List<String> names) throws IOException {
        Path file = given != null ? given : besideModel(model, names);
        return file == null ? none() : load(file);
    }

    /**
     * Parses the text of a label file.
     *
     * @param source how messages name the file, e.g. its path
     */
    public static Labels parse(String text, String source) throws LabelFileException {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\r\n|\n|\r", -1)));
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        if (lines.isEmpty()) {
            throw new LabelFileException(source + ": no labels (the file is empty)");
        }
        String first = lines.get(0).strip();
        if (first.equals("???")) {
            return new Labels(source, plain(lines), Form.SSD_LABEL_MAP);
        }
        if (!INDEXED.matcher(first).matches()) {
            return new Labels(source, plain(lines), Form.PLAIN);
        }
        return new Labels(source, indexed(lines, source), Form.INDEXED);
    }

    private static String[] plain(List<String> lines) {
        String[] names = new String[lines.size()];
        for (int i = 0; i < names.length; i++) {
            String s = lines.get(i).strip();
            names[i] = s.isEmpty() ? null : s;
        }
        return names;
    }

    private static String[] indexed(List<String> lines, String source) throws LabelFileException {
        List<String> names = new ArrayList<>();
        int[] lineOf = new int[0];
        for (int i = 0; i < lines.size(); i++) {
            String s = lines.get(i).strip();
            if (s.isEmpty()) {
                continue;
            }
            Matcher m = INDEXED.matcher(s);
            String where = source + ":" + (i + 1);
            if (!m.matches()) {
                throw new LabelFileException(where + ": '" + s + "' has no index, unlike line 1 ('"
                        + lines.get(0).strip() + "'); use 'INDEX LABEL' on every line, or no index on any");
            }
            int index;
            try {
                index = Integer.parseInt(m.group(1));
            } catch (NumberFormatException e) {
                index = Integer.MAX_VALUE;
            }
            if (index > MAX_INDEX) {
                throw new LabelFileException(where + ": index " + m.group(1) + " is larger than " + MAX_INDEX);
            }
            String label = m.group(2).strip();
            if (label.isEmpty()) {
                throw new LabelFileException(where + ": index " + index + " has no label");
            }
            while (names.size() <= index) {
                names.add(null);
            }
            if (lineOf.length <= index) {
                lineOf = Arrays.copyOf(lineOf, Math.max(index + 1, 2 * lineOf.length));
            }
            if (names.get(index) != null) {
                throw new LabelFileException(where + ": index " + index + " is already named on line "
                        + lineOf[index] + " ('" + names.get(index) + "')");
            }
            names.set(index, label);
            lineOf[index] = i + 1;
        }
        return names.toArray(new String[0]);
    }

    /** No label file: every index is named "#k". */
    public static Labels none() {
        return new Labels(null, new String[0], Form.PLAIN);
    }

    /** Which of the three forms the file has. */
    public Form form() {
        return form;
    }

    /** The file the labels came from, or null for {@link #none()}. */
    public String source() {
        return source;
    }

    /** Highest index plus one: the number of classifier outputs the file names (0 for {@link #none()}). */
    public int size() {
        return names.length;
    }

    /** The number of detector classes the file names: {@link #size()} less a {@code ???} line. */
    public int classCount() {
        return names.length - firstClass;
    }

    /** The label of classifier output {@code index}; {@code #index} when the file has none for it. */
    public String get(int index) {
        String s = index >= 0 && index < names.length ? names[index] : null;
        return s != null ? s : "#" + index;
    }

    /**
     * The label of detector class id {@code classId} (the value in a detector's classes output): index
     * {@code classId}, or {@code classId + 1} in an SSD label map whose line 0 is {@code ???}.
     */
    public String forClassId(int classId) {
        return get(classId + firstClass);
    }

    /** Every label the file gives, in index order (no placeholders, no unnamed indices). */
    public List<String> all() {
        List<String> out = new ArrayList<>();
        for (int i = firstClass; i < names.length; i++) {
            if (names[i] != null) {
                out.add(names[i]);
            }
        }
        return out;
    }

    /**
     * These labels checked against a classifier with {@code outputs} outputs. An equal count is fine. One
     * fewer means the file leaves out the background line that output 0 stands for in TensorFlow's
     * classifiers: plain lines are shifted by one (output 0 becomes {@code background}, output k is named by
     * line k - 1), an index-prefixed file keeps its indices and the last output has no label; either way
     * {@code warn} gets one line saying so. Any other count is an error naming both numbers. No labels at all
     * ({@link #none()}) fit any model.
     */
    public Labels fitOutputs(int outputs, Consumer<String> warn) throws LabelFileException {
        if (source == null || names.length == outputs) {
            return this;
        }
        if (names.length == outputs - 1) {
            if (form == Form.PLAIN) {
                String[] shifted = new String[outputs];
                shifted[0] = "background";
                System.arraycopy(names, 0, shifted, 1, names.length);
                warn.accept(source + ": " + names.length + " labels for " + outputs + " model outputs: taking output 0"
                        + " as background and naming output k by line k - 1 (add a first line 'background' to"
                        + " silence this)");
                return new Labels(source, shifted, Form.PLAIN);
            }
            warn.accept(source + ": " + names.length + " labels for " + outputs + " model outputs: output "
                    + (outputs - 1) + " has no label and is shown as #" + (outputs - 1));
            return this;
        }
        throw new LabelFileException(source + ": " + names.length + " labels for " + outputs + " model outputs"
                + "; is it the label file of this model?");
    }

    /**
     * Throws unless these labels name exactly {@code classes} detector classes ({@link #classCount()}), the
     * message naming both numbers. {@link #none()} fits any detector.
     */
    public void checkClasses(int classes) throws LabelFileException {
        if (source != null && classCount() != classes) {
            throw new LabelFileException(source + ": " + classCount() + " labels for " + classes
                    + " detector classes; is it the label file of this model?");
        }
    }

    /**
     * True when {@code wanted} is one of these labels, ignoring case and surrounding spaces, or one of the
     * comma-separated synonyms of one ({@code tabby} in {@code "tabby, tabby cat"}).
     */
    public boolean has(String wanted) {
        String w = wanted.strip().toLowerCase(Locale.ROOT);
        for (String label : all()) {
            String l = label.toLowerCase(Locale.ROOT);
            if (l.equals(w)) {
                return true;
            }
            for (String synonym : l.split(",")) {
                if (synonym.strip().equals(w)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Labels of this file close to {@code wanted}, best first, for "did you mean" messages: the same
     * ignoring case, then those starting with it (or with one of its comma-separated synonyms), then those
     * within a small edit distance. At most {@code max}.
     */
    public List<String> closest(String wanted, int max) {
        String w = wanted.strip().toLowerCase(Locale.ROOT);
        record Scored(String label, int score) {
        }
        List<Scored> scored = new ArrayList<>();
        for (String label : all()) {
            int best = Integer.MAX_VALUE;
            String l = label.toLowerCase(Locale.ROOT);
            List<String> parts = new ArrayList<>(List.of(l));
            for (String synonym : l.split(",")) {
                parts.add(synonym.strip());
            }
            for (String p : parts) {
                if (p.equals(w)) {
                    best = 0;
                } else if (p.startsWith(w) || w.startsWith(p) && !p.isEmpty()) {
                    best = Math.min(best, 1);
                } else {
                    int d = editDistance(p, w);
                    if (d <= Math.max(2, w.length() / 3)) {
                        best = Math.min(best, 2 + d);
                    }
                }
            }
            if (best != Integer.MAX_VALUE) {
                scored.add(new Scored(label, best));
            }
        }
        scored.sort(Comparator.comparingInt(Scored::score));
        return scored.stream().limit(max).map(Scored::label).toList();
    }

    /** Levenshtein distance: insertions, deletions and substitutions each cost 1. */
    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
